"""Kind: tables. The settlement area's own table: the reporting cadence and why it changed.

Instruction 2.2: "Ved store avvik skal det rapporteres hyppigere." Each row is one change
of cadence, from a date on; the latest row is the cadence in force. No row means monthly.
"""

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from pliktvakt.tables import utcnow


class SettlementCadence(SQLModel, table=True):
    __tablename__ = "settlement_cadence"
    id: int | None = Field(default=None, primary_key=True)
    from_date: date = Field(index=True)
    cadence: str = Field(max_length=20)  # monthly | weekly
    reason: str  # bokmål, shown to officers
    analysed_month: str = Field(max_length=7)  # YYYY-MM the decision was based on
    projected_year_end: float
    need: int
    need_ratio: float
    created_at: datetime = Field(default_factory=utcnow)
