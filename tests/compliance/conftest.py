"""A hand-built year 2025 for the compliance record, seen as of Tue 10 June 2025 12:00 (Oslo).

Every due date is given explicitly, and every figure below is counted by hand from the
Norwegian calendar of 2025 (business days: not Saturday, Sunday or a public holiday):

Each line: name, obligation (section), due date; what happened; its state as of 10.06.2025.

- early_done, material-deviation-notice (3.1), due Mon 03.02.2025; done Fri 31.01 10:00;
  done on time.
- done_after, oversight-matters-notice (3.1), due Fri 06.06.2025; done Fri 20.06, after as_of;
  so still open on 10 June: overdue 1 (Mon 9 June is Whit Monday; Tue 10 June is the first).
- reply_late, riksrevisjonen-reply-copy (4.2), due Thu 15.05.2025; done Tue 20.05 09:00;
  late 3: Fri 16 (1), Sat 17 May (Grunnlovsdag) and Sun 18 not, Mon 19 (2), Tue 20 (3).
- withdrawn, riksrevisjonen-follow-up-plan (4.2), due Fri 02.05.2025; withdrawn with the
  reason «Riksrevisjonen trakk merknaden».
- not_due, riksrevisjonen-reply-copy (4.2), due Mon 01.09.2025; open, not yet due.
- notice, grant-award-ministry-notice (6.1), due Fri 14.03.2025; the notice to the ministry
  delivered with its receipt, done Fri 14.03 10:00; done on time, the receipt in its row.
- easter_late, media-case-mutual-notice (6.1), due Wed 16.04.2025; done Tue 22.04 09:30;
  late 1: Maundy Thursday 17, Good Friday 18, Sat 19, Easter Sunday 20 and Easter Monday 21
  are not business days, Tue 22 is the first.
- overdue, publication-prenotice (6.1), due Mon 02.06.2025; open; overdue 5: 3, 4, 5, 6 June
  (4), the weekend, Whit Monday 9 June, Tue 10 June (5).
- before_year (due Tue 31.12.2024) and after_year (due Fri 02.01.2026): not in the 2025 record.

Per section: pkt. 3.1: 1 on time, 1 overdue -> 1/2 = 50,0 %; pkt. 4.2: 1 late, 1 withdrawn,
1 open -> 0/1 = 0,0 %; pkt. 6.1: 1 on time, 1 late, 1 overdue -> 1/3 = 33,3 %. All: 2 on time,
2 late, 2 overdue, 1 open, 1 withdrawn -> 2/6 = 33,3 %.
"""

from datetime import date, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from pliktvakt import notify, occurrences, outbox
from pliktvakt.catalogue import load_catalogue
from pliktvakt.clock import OSLO
from pliktvakt.db import make_engine, session_scope
from pliktvakt.notify import Key, Message
from pliktvakt.tables import OutboxMessage

ROOT = Path(__file__).resolve().parents[2]
AS_OF = datetime(2025, 6, 10, 12, 0, tzinfo=OSLO)
MINISTRY = "postmottak@aid.example"
RECEIPT = "godtatt av SMTP-tjeneren 127.0.0.1 14.03.2025 kl. 09:12 (250 Message accepted)"
OFFICER = "ola.hansen@imdi.example"

# name: (obligation, due, completed at (Oslo) or None, withdrawn reason or None)
YEAR = {
    "early_done": ("material-deviation-notice", date(2025, 2, 3), datetime(2025, 1, 31, 10), None),
    "done_after": ("oversight-matters-notice", date(2025, 6, 6), datetime(2025, 6, 20, 10), None),
    "reply_late": ("riksrevisjonen-reply-copy", date(2025, 5, 15), datetime(2025, 5, 20, 9), None),
    "withdrawn": ("riksrevisjonen-follow-up-plan", date(2025, 5, 2), None, "Riksrevisjonen trakk merknaden"),
    "not_due": ("riksrevisjonen-reply-copy", date(2025, 9, 1), None, None),
    "notice": ("grant-award-ministry-notice", date(2025, 3, 14), datetime(2025, 3, 14, 10), None),
    "easter_late": ("media-case-mutual-notice", date(2025, 4, 16), datetime(2025, 4, 22, 9, 30), None),
    "overdue": ("publication-prenotice", date(2025, 6, 2), None, None),
    "before_year": ("media-case-mutual-notice", date(2024, 12, 31), None, None),
    "after_year": ("media-case-mutual-notice", date(2026, 1, 2), None, None),
}
EXPECTED = {  # name: (state, business days)
    "early_done": ("on-time", None),
    "done_after": ("overdue", 1),
    "reply_late": ("late", 3),
    "withdrawn": ("withdrawn", None),
    "not_due": ("open", None),
    "notice": ("on-time", None),
    "easter_late": ("late", 1),
    "overdue": ("overdue", 5),
}


@pytest.fixture(scope="session")
def catalogue():
    return load_catalogue(ROOT / "config")


def seed_year(url: str, catalogue) -> dict[str, int]:
    """Store the year above; the occurrence id of each name."""
    ids: dict[str, int] = {}
    with session_scope(make_engine(url)) as session:
        occurrences.sync_obligations(session, catalogue)
        for name, (obligation_id, due, done_at, withdrawn) in YEAR.items():
            occurrence = occurrences.create(
                session,
                catalogue.obligations[obligation_id],
                f"event:{due.isoformat()}:{name}",
                due,
                "test",
                due=due,
                ref=name,
            )
            session.flush()
            ids[name] = occurrence.id
            if name == "notice":
                _ministry_notice(session, occurrence.id)
            if done_at is not None:
                occurrences.complete(
                    session, occurrence.id, OFFICER, f"Sak 25/{occurrence.id}", done_at.replace(tzinfo=OSLO)
                )
            if withdrawn is not None:
                occurrences.withdraw(session, occurrence, withdrawn, "test")
    return ids


def _ministry_notice(session, occurrence_id: int) -> None:
    """A notice to the ministry tied to the occurrence, delivered with its receipt."""
    key = Key("grants", "round-2025-1", "notice")
    notify.notify_ministry(
        session, [MINISTRY], Message("Orientering om tildeling", "Tekst"), key, occurrence_id=occurrence_id
    )
    message = session.exec(select(OutboxMessage).where(OutboxMessage.key == key.to(MINISTRY, "email"))).one()
    outbox.record_sent(session, message.id, RECEIPT, datetime(2025, 3, 14, 9, 12, tzinfo=OSLO), "<m1@imdi>")


@pytest.fixture
def seeded(db_url, catalogue) -> tuple[str, dict[str, int]]:
    return db_url, seed_year(db_url, catalogue)
