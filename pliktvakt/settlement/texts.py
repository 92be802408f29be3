"""Kind: texts. What people read of the settlement duty, in bokmål.

The report to the ministry, the alert on a change of cadence and its reason, the alert when the
key figures fail a quality check, the request for approval and its run form, and the notes of
demo mode.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING

from pliktvakt import bokmal, outbox
from pliktvakt.notify import Message
from pliktvakt.settlement.analysis import AnalysisResult
from pliktvakt.settlement.analysis import criteria as deviation_criteria
from pliktvakt.settlement.keyfigures import QualityFailure
from pliktvakt.settlement.rules_cadence import MONTHLY, WEEKLY, WEEKLY_PREFIX, CadenceChange

if TYPE_CHECKING:
    from pliktvakt.settlement.store_approval import Request

CADENCE_NAMES = {MONTHLY: "månedlig", WEEKLY: "ukentlig"}
ALREADY_SENT = "Analysen for perioden er allerede sendt; ingenting nytt å sende."
# Demo mode: the source is the shipped synthetic sample. Said at the top of everything it makes.
DEMO_MARK = "SYNTETISKE DATA – ikke til bruk"
DEMO_NOT_SENT = (
    "Demomodus: ingenting er sendt til departementet, og nøkkeltallene er ikke publisert "
    "(bare lagt under demo/). Pliktene for perioden står åpne."
)
DEMO_WITH_RECIPIENTS = (
    "PLIKTVAKT_MINISTRY_RECIPIENTS er satt, men ingen ekte kilde er oppgitt: analysen bygger på "
    "de syntetiske eksempeldataene og sendes ikke til departementet. Sett PLIKTVAKT_SETTLEMENT_SOURCE "
    "til en .csv- eller .xlsx-fil eller en https://-adresse som gir JSON (se README, Bosetting)."
)
# The approval (``store_approval``).
DRAFT = "Utkast: venter på godkjenning før det sendes til departementet eller publiseres."
NO_ANSWER = (
    "Analysen er ikke godkjent: ingen svarte innen {wait}. Ingenting er sendt eller publisert; "
    "neste kjøring spør igjen, og vakten purrer etter fristen."
)
REJECTED_NOTE = "Ingenting er sendt eller publisert; en senere kjøring lager en ny analyse og spør igjen."


def report_filename(result: AnalysisResult, tag: str) -> str:
    return f"bosetting-analyse-{result.as_of.year}-{result.as_of.month:02d}-{tag}.html"


def report_subject(result: AnalysisResult, weekly_period: str | None) -> str:
    if weekly_period:
        week = weekly_period.removeprefix(WEEKLY_PREFIX).replace("-W", ", uke ")
        return (
            f"Ukentlig analyse av bosettingsarbeidet ({week}) – stort avvik, "
            f"tall til og med {result.as_of.label()}"
        )
    return f"Månedlig analyse av bosettingsarbeidet – {result.as_of.label()}"


NO_DATA = "ingen data"


def _change_from_before(change) -> str:
    if not change.previous_known:
        return f"{NO_DATA} for {change.month.previous().label()}"
    return f"{bokmal.percent(change.change_pct, signed=True)} fra måneden før"


def summary_lines(result: AnalysisResult) -> list[str]:
    national = result.national
    lines = [
        f"Bosatt hittil i {result.as_of.year}: {bokmal.number(national.settled_ytd)} "
        f"av {bokmal.number(national.agreed)} vedtatt og {bokmal.number(national.requested)} anmodet; "
        f"behovet er {bokmal.number(result.need)}.",
        f"Framskrevet ved årets slutt: {bokmal.number(result.projection.year_end)} "
        f"({bokmal.percent(result.need_ratio)} av behovet).",
        f"Bosatt i {result.as_of.label()}: {bokmal.number(result.month_change.settled)} "
        f"({_change_from_before(result.month_change)}); "
        f"trenden siste tre måneder er {result.trend.direction}.",
        f"Kommuner langt bak vedtaket: {len(result.far_behind)}; "
        f"kommuner som har vedtatt færre enn anmodet: {len(result.agreed_below_requested)}.",
    ]
    if result.large_deviation:
        lines.append("Stort avvik etter IMDis kriterier: analysen rapporteres ukentlig til avviket er borte.")
    if result.quarantined_rows:
        reasons = "; ".join(f"{reason} ({count})" for reason, count in result.quarantine_reasons.items())
        lines.append(
            f"{result.quarantined_rows} rader i kildedataene er satt i karantene og ikke tatt med: {reasons}."
        )
    return lines


def report_body(result: AnalysisResult, attachment: str) -> tuple[str, str]:
    """(plain text, html) of the covering email; the full report is the attachment."""
    lines = summary_lines(result)
    closing = f"Hele analysen med figurer ligger ved som {attachment}."
    text = "\n".join(
        [
            "Hei,",
            "",
            f"Her er IMDis analyse av bosettingsarbeidet per {result.as_of.label()} (instruksen pkt. 2.2).",
            "",
            *(f"- {line}" for line in lines),
            "",
            closing,
            "",
            "Hilsen IMDi (sendt av pliktvakt)",
        ]
    )
    items = "".join(f"<li>{escape(line)}</li>" for line in lines)
    html = (
        f"<p>Hei,</p><p>Her er IMDis analyse av bosettingsarbeidet per {escape(result.as_of.label())} "
        f"(instruksen pkt. 2.2).</p><ul>{items}</ul><p>{escape(closing)}</p>"
        "<p>Hilsen IMDi (sendt av pliktvakt)</p>"
    )
    return text, html


def report_message(result: AnalysisResult, weekly_period: str | None, html: str, filename: str) -> Message:
    """The covering email with the full report attached as ``filename``."""
    text, body_html = report_body(result, filename)
    attachment = outbox.Attachment(filename, "text/html", html.encode("utf-8"))
    return Message(report_subject(result, weekly_period), text, body_html, (attachment,))


def cadence_alert(change: CadenceChange) -> Message:
    row = change.row
    if row.cadence == WEEKLY:
        subject = "Bosetting: stort avvik – analysen rapporteres nå ukentlig"
        action = (
            "Fra og med i dag lages og sendes analysen hver uke, med frist to virkedager etter "
            "ukens mandag, til avviket er innenfor IMDis kriterier igjen."
        )
    else:
        subject = "Bosetting: avviket er innenfor IMDis kriterier – tilbake til månedlig rapportering"
        action = (
            "Fra og med i dag rapporteres analysen igjen månedlig; det lages ingen nye ukentlige forekomster."
        )
    body = (
        "Rapporteringen av plikten «Månedlig analyse av bosettingsarbeidet» (instruksen pkt. 2.2) er endret "
        f"fra {CADENCE_NAMES[change.previous]} til {CADENCE_NAMES[row.cadence]} "
        f"fra {bokmal.date_short(row.from_date)}.\n\n"
        f"{row.reason}\n\n{action}"
    )
    return Message(subject, body)


def quality_alert(failures: Sequence[QualityFailure], label: str) -> Message:
    subject = f"Bosetting: nøkkeltallene for {label} er ikke publisert – kvalitetskontrollen feilet"
    shown = [f"- {failure.message}" for failure in failures[:30]]
    if len(failures) > 30:
        shown.append(f"- … og {len(failures) - 30} til")
    body = (
        f"Nøkkeltallene om bosetting for {label} (instruksen pkt. 2.2) er holdt tilbake fordi "
        f"{len(failures)} kontroll(er) feilet:\n\n"
        + "\n".join(shown)
        + "\n\nRett kildedataene eller konfigurasjonen; neste kjøring publiserer når kontrollene går gjennom."
    )
    return Message(subject, body)


def reason_for(result: AnalysisResult) -> str:
    """Why the cadence is what it is, in bokmål: each deviation found with the criterion that
    found it, or the national figures when there is none. The criteria are IMDi's own."""
    month = f"analyse av {result.as_of.label()}"
    if result.large_deviation:
        found = "; ".join(f"{d.area}: {d.finding} (kriterium: {d.criterion})" for d in result.deviations)
        return f"Stort avvik etter IMDis kriterier ({month}): {found}."
    figures = (
        f"framskrevet bosetting ved årets slutt er {bokmal.number(result.projection.year_end)}, "
        f"{bokmal.percent(result.need_ratio)} av behovet på {bokmal.number(result.need)}"
    )
    criteria = "; ".join(deviation_criteria(result.deviation_rules).values())
    return f"Innenfor IMDis kriterier igjen ({month}): {figures}; stort avvik er {criteria}."


def request_message(result: AnalysisResult, due: str, request: Request) -> Message:
    """To the statistics officer: what waits, where to decide, and by when. The link to the
    decision on the desk follows the text (notify adds it, in the recipient's name)."""
    subject = f"Bosetting: analysen for {result.as_of.label()} venter på godkjenning"
    deviations = [f"- {d.area}: {d.finding}" for d in result.deviations] or ["- Ingen store avvik."]
    body = "\n".join(
        [
            f"Analysen av bosettingsarbeidet for {result.as_of.label()} og nøkkeltallene "
            "venter på godkjenning før rapporten sendes til departementet og tallene publiseres "
            "(instruksen pkt. 2.2: nøkkeltallene skal være kvalitetssikret).",
            "",
            *(f"- {line}" for line in summary_lines(result)),
            "",
            "Store avvik etter IMDis kriterier:",
            *deviations,
            "",
            f"Utkastet til rapporten: {request.report}",
            "Godkjenn eller avvis analysen på pliktens side i pliktvakt.",
            f"Frist: {due}.",
            f"Referanse for driftsansvarlig: kjøring {request.run_id}.",
        ]
    )
    return Message(subject, body)


def form_description(result: AnalysisResult, report_link: str) -> str:
    """The markdown above the run form in the Prefect UI: the figures, the deviations, the link."""
    national = result.national
    rows = [
        "| Nivå | Vedtatt | Bosatt hittil | Av vedtatt |",
        "|---|---:|---:|---:|",
        *(
            f"| {a.name} | {bokmal.number(a.agreed)} | {bokmal.number(a.settled_ytd)} | "
            f"{bokmal.percent(a.settled_share_of_agreed)} |"
            for a in [national, *result.counties]
        ),
    ]
    deviations = [f"- {d.area}: {d.finding} (kriterium: {d.criterion})" for d in result.deviations]
    return "\n".join(
        [
            f"## Godkjenn analysen av bosettingsarbeidet, {result.as_of.label()}",
            "",
            "Rapporten sendes til departementet og nøkkeltallene publiseres først når du har godkjent "
            "(instruksen pkt. 2.2). Velg «godkjent» eller «avvist», og skriv e-postadressen din.",
            "",
            f"[Rapporten]({report_link})",
            "",
            f"Framskrevet ved årets slutt: {bokmal.number(result.projection.year_end)} "
            f"({bokmal.percent(result.need_ratio)} av behovet på {bokmal.number(result.need)}).",
            "",
            *rows,
            "",
            "**Store avvik etter IMDis kriterier"
            + (
                " (plassholder, ikke bekreftet av IMDi)"
                if result.deviation_rules.source == "placeholder"
                else ""
            )
            + ":**",
            *(deviations or ["- Ingen."]),
        ]
    )
