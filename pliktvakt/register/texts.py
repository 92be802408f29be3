"""Texts: what officers read about the grants register (bokmål).

An upload file ready, the reconciliation's differences, and the table of what is not
registered yet."""

import json
from datetime import date
from pathlib import Path

from pliktvakt.bokmal import date_short
from pliktvakt.catalogue import UNCONFIRMED
from pliktvakt.notify import Message
from pliktvakt.register.render import AWARDS_SHEET, SCHEMES_SHEET
from pliktvakt.register.rules import Difference
from pliktvakt.register.tables import RegisterSubmission, RegisterUpload
from pliktvakt.texts_status import desk_link, markdown_text

CLAUSE = (
    "Vedlegg 1 pkt. 1: «IMDi har ansvar for å registrere og oppdatere informasjon om "
    "tilskuddsordninger og enkelttilskudd rettet mot frivillige organisasjoner på Tilskudd.dfo.no. "
    "… Tildelinger av tilskudd skal registreres fortløpende.»"
)
NO_TOKEN = (
    "PLIKTVAKT_TILSKUDD_API_TOKEN er ikke satt: ingenting er sendt til tilskuddsregisteret. "
    "Sett nøkkelen, eller bruk Excel-opplasting (PLIKTVAKT_TILSKUDD_BACKEND=excel)."
)
STATUS_NAMES = {
    "venter": "venter på å bli sendt",
    "i-opplastingsfil": "i opplastingsfil, venter på bekreftet opplasting",
    "avvist": "avvist av registeret",
}


def _due(earliest: tuple[date, bool] | None) -> str:
    if earliest is None:
        return ""
    day, unconfirmed = earliest
    return f"Første frist: {date_short(day)}" + (f" ({UNCONFIRMED})" if unconfirmed else "") + ".\n"


def upload_ready(upload: RegisterUpload, folder: Path, earliest: tuple[date, bool] | None) -> Message:
    text = (
        f"En opplastingsfil til tilskuddsregisteret er klar: {upload.rows} rad(er) i arkene "
        f"«{SCHEMES_SHEET}» og «{AWARDS_SHEET}».\n\n"
        f"Fil: {folder / upload.file}\nSHA-256: {upload.sha256}\n{_due(earliest)}\n"
        "Last opp filen i tilskuddsregisteret, og bekreft opplastingen i pliktvakt: sjekksummen "
        "over viser at det er denne filen. "
        "Tildelingene står som ikke registrert til opplastingen er bekreftet.\n\n"
        "Kolonnenavnene er pliktvaktens forslag (plassholder): registeret publiserer ikke malen "
        "sin. Sjekk dem mot malen registeret gir dere før første opplasting.\n\n"
        f"{CLAUSE}"
    )
    return Message(subject=f"Tilskuddsregisteret: opplastingsfil klar ({upload.rows} rader)", text=text)


def differences_message(year: int, differences: list[Difference], source: str) -> Message:
    lines = [
        f"- {d.orgnr}, {d.scheme}: "
        + ("mangler i registeret" if d.published is None else f"registeret viser {d.published} kr")
        + f", pliktvakt registrerte {d.registered} kr ({', '.join(d.refs)})"
        for d in differences
    ]
    text = (
        f"Avstemmingen mot tilskuddsregisterets offentlige liste for {year} ({source}) fant "
        f"{len(differences)} avvik:\n\n" + "\n".join(lines) + "\n\n"
        f"Sjekk tildelingene i registeret og rett dem der.\n\n{CLAUSE}"
    )
    return Message(subject=f"Tilskuddsregisteret {year}: {len(differences)} avvik ved avstemming", text=text)


def send_problems(refused: list[str], failed: list[str], shown: int = 5) -> list[str]:
    """A send run's failure reasons: a few examples of each kind and the count, not thousands
    of lines."""
    found = []
    for items, what in ((refused, "avvist av registeret"), (failed, "ikke registrert ennå")):
        if items:
            more = f" (og {len(items) - shown} til)" if len(items) > shown else ""
            found.append(f"{len(items)} {what}: " + "; ".join(items[:shown]) + more)
    return found


def submission_row(submission: RegisterSubmission, occurrence_id: int | None = None) -> dict[str, str]:
    payload = json.loads(submission.payload)
    what = payload.get("mottaker") or payload.get("navn") or ""
    return {
        "occurrence_id": occurrence_id,
        "Type": submission.kind,
        "Referanse": submission.ref,
        "Gjelder": what,
        "Status": STATUS_NAMES.get(submission.status, submission.status),
        "Forsøk": str(submission.attempts),
        "Siste feil": submission.error or "",
        "Opplastingsfil (SHA-256)": submission.upload_sha256 or "",
    }


def waiting_row(round_name: str) -> dict[str, str]:
    """A round of IMDi's whose awards wait until the ministry has been informed (instruks 6.1)."""
    return {
        "occurrence_id": None,
        "Type": "runde",
        "Referanse": round_name,
        "Gjelder": "tildelingene i runden",
        "Status": "venter til departementet er orientert om tildelingene (instruks 6.1)",
        "Forsøk": "0",
        "Siste feil": "",
        "Opplastingsfil (SHA-256)": "",
    }


def unregistered_markdown(rows: list[dict], public_url: str) -> str:
    """The tilskudd-registration artifact: one line per row that wraps to any screen. What it
    is and its status lead; the attempts, the last error and the upload file follow where they
    say something; an award links to its registration duty on the duty desk."""
    if not rows:
        return "Alt er registrert i tilskuddsregisteret.\n"
    lines = []
    for row in rows:
        number = row["occurrence_id"]
        ref = markdown_text(row["Referanse"])
        head = f"[#{number}]({desk_link(public_url, number)}) {ref}" if number else ref
        parts = [f"- **{row['Type']}** {head} – {markdown_text(row['Gjelder'])}", row["Status"]]
        if row["Forsøk"] != "0":
            parts.append(f"{row['Forsøk']} forsøk")
        if row["Siste feil"]:
            parts.append(f"siste feil: {markdown_text(row['Siste feil'])}")
        if row["Opplastingsfil (SHA-256)"]:
            parts.append(f"opplastingsfil SHA-256 `{row['Opplastingsfil (SHA-256)']}`")
        lines.append(" · ".join(parts))
    return "\n".join(lines) + "\n"
