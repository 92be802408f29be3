"""Render of the ``compliance-summary`` artifact's chart: share on time per month of the due date."""

from pliktvakt import bokmal
from pliktvakt.charts import plt, png
from pliktvakt.compliance.rules import MonthShare


def on_time_by_month(shares: list[MonthShare], year: int) -> str | None:
    """Base64 PNG, or None when no month has anything owed yet."""
    counted = [s for s in shares if s.share_on_time is not None]
    if not counted:
        return None
    fig, ax = plt.subplots(figsize=(8, 3.5))
    ax.bar(
        [s.month for s in counted],
        [s.share_on_time * 100 for s in counted],
        color="#1f4e79",
    )
    for s in counted:
        ax.annotate(str(s.counted), (s.month, s.share_on_time * 100), ha="center", va="bottom", fontsize=8)
    ax.set_xticks(range(1, 13), [bokmal.month_abbr(m) for m in range(1, 13)])
    ax.set_ylim(0, 110)
    ax.set_ylabel("Prosent i tide")
    ax.grid(axis="y", alpha=0.3)
    ax.set_title(f"Andel i tide per måned etter frist, {year} (tallene: forekomster som var skyldig)")
    return png(fig)
