"""Texts of publications: what the ministry and the owners read, in bokmål (instruks pkt. 6.1 and 4.3)."""

import html
from datetime import date

from pliktvakt.bokmal import date_short, date_with_weekday
from pliktvakt.notify import Message
from pliktvakt.publications.inputs import PublicationKind
from pliktvakt.publications.rules import NOTICE_DAYS

CLAUSE_NOTICE = "Instruks for IMDi, pkt. 6.1"
CLAUSE_KUDOS = "Instruks for IMDi, pkt. 4.3"
SIGNATURE = "Med vennlig hilsen\nIntegrerings- og mangfoldsdirektoratet (IMDi)"


def _message(subject: str, paragraphs: list[str]) -> Message:
    text = "\n\n".join(paragraphs) + "\n"
    body = "".join(
        "<p>" + "<br>".join(html.escape(line) for line in p.split("\n")) + "</p>" for p in paragraphs
    )
    return Message(subject, text, f"<html><body>{body}</body></html>")


def _owner_alert(subject: str, paragraphs: list[str]) -> Message:
    """To a publication's owner: what happened and what to do. ``notify`` adds the link to the
    duty's page on the desk, where to act, in the owner's name."""
    return _message(subject, paragraphs)


def _earliest_subject(what: str, title: str, earliest_date: date) -> str:
    return f"{what}: «{title}» kan tidligst publiseres {date_short(earliest_date)}"


def _facts(title: str, kind: PublicationKind, publish_on: date, summary: str | None, contact: str) -> str:
    return "\n".join(
        [
            f"Tittel: {title}",
            f"Type: {kind.label}",
            f"Planlagt publisering: {date_with_weekday(publish_on)}",
            f"Sammendrag: {summary or '(ikke oppgitt)'}",
            f"Kontakt: {contact}",
        ]
    )


def notice_to_ministry(
    title: str,
    kind: PublicationKind,
    publish_on: date,
    summary: str | None,
    contact: str,
    number: int = 1,
) -> Message:
    """The notice at least 14 days before publication; ``number`` > 1 for changed content."""
    if number == 1:
        subject = f"Varsel om publisering: {title} ({date_short(publish_on)})"
        intro = (
            f"IMDi varsler med dette departementet om en planlagt publisering, jf. {CLAUSE_NOTICE} "
            f"(orientering minst {NOTICE_DAYS} dager i forkant ved publisering av FoU-rapporter, "
            "evalueringer m.m.)."
        )
    else:
        subject = f"Endret varsel om publisering: {title} ({date_short(publish_on)})"
        intro = (
            f"IMDi har endret innholdet i en publisering som departementet tidligere er varslet om, "
            f"jf. {CLAUSE_NOTICE}. Dette varselet erstatter det forrige."
        )
    return _message(
        subject,
        [
            intro,
            _facts(title, kind, publish_on, summary, contact),
            SIGNATURE,
        ],
    )


def date_update_to_ministry(
    title: str, kind: PublicationKind, old_date: date, new_date: date, delivered_on: date | None, contact: str
) -> Message:
    """A changed date for a publication the ministry has had a notice of."""
    direction = "utsatt" if new_date > old_date else "framskyndet"
    told = (
        f"IMDi varslet departementet {date_with_weekday(delivered_on)}"
        if delivered_on
        else "IMDi har sendt departementet et varsel"
    )
    return _message(
        f"Endret dato for publisering: {title} ({date_short(new_date)})",
        [
            f"{told} om publiseringen nedenfor, jf. {CLAUSE_NOTICE}. Publiseringen er {direction}.",
            f"Tittel: {title}\nType: {kind.label}\n"
            f"Tidligere planlagt dato: {date_with_weekday(old_date)}\n"
            f"Ny planlagt dato: {date_with_weekday(new_date)}\n"
            f"Kontakt: {contact}",
            "Innholdet er uendret.",
            SIGNATURE,
        ],
    )


def late_notice_alert(title: str, publish_on: date, queued_on: date, earliest_date: date) -> Message:
    """To the owner: the notice goes less than 14 days before the planned date."""
    return _owner_alert(
        _earliest_subject("For sent varsel", title, earliest_date),
        [
            f"Departementet skal varsles minst {NOTICE_DAYS} dager før publisering ({CLAUSE_NOTICE}). "
            f"Varselet om «{title}» ble lagt i utboksen {date_with_weekday(queued_on)}, "
            f"mindre enn {NOTICE_DAYS} dager før planlagt publisering {date_with_weekday(publish_on)}.",
            "Blir varselet levert samme dag, er tidligste tillatte publiseringsdato "
            f"{date_with_weekday(earliest_date)}. "
            "Flytt publiseringen til denne datoen eller senere, og registrer den nye datoen i pliktvakt. "
            "Plikten er registrert som oppfylt for sent.",
        ],
    )


def date_too_early_alert(
    title: str, new_date: date, delivered_on: date | None, earliest_date: date
) -> Message:
    """To the owner: the date was changed to one before delivery + 14 days."""
    told = (
        f"Departementet fikk varselet {date_with_weekday(delivered_on)}"
        if delivered_on
        else "Varselet er ikke levert til departementet ennå"
    )
    return _owner_alert(
        _earliest_subject("Ny dato for tidlig", title, earliest_date),
        [
            f"Publiseringsdatoen for «{title}» er endret til {date_with_weekday(new_date)}. {told}, "
            f"og departementet skal ha minst {NOTICE_DAYS} dager ({CLAUSE_NOTICE}).",
            f"Tidligste tillatte publiseringsdato er {date_with_weekday(earliest_date)}. "
            "Publiser ikke før denne datoen. Departementet er orientert om den nye datoen.",
        ],
    )


def notice_missed_alert(title: str, publish_on: date, earliest_date: date) -> Message:
    """To the owner: the planned date passed without any notice."""
    return _owner_alert(
        f"Publisering uten varsel: «{title}»",
        [
            f"Planlagt publiseringsdato for «{title}» var {date_with_weekday(publish_on)}, "
            f"men departementet er ikke varslet ({CLAUSE_NOTICE}: minst {NOTICE_DAYS} dager i forkant).",
            f"Er publiseringen utsatt, registrer ny dato i pliktvakt. Varselet blir da sendt, og tidligste "
            f"tillatte dato er {date_with_weekday(earliest_date)} dersom det sendes i dag. "
            "Er den allerede publisert, er plikten brutt og registrert som for sen.",
        ],
    )


def notice_undelivered_alert(title: str, publish_on: date, queued_on: date, earliest_date: date) -> Message:
    """To the owner: the notice is queued but has not reached the ministry."""
    return _owner_alert(
        f"Varselet om «{title}» er ikke levert til departementet",
        [
            f"Varselet om «{title}» ble lagt i utboksen {date_with_weekday(queued_on)}, "
            f"men er ennå ikke levert til departementet. De {NOTICE_DAYS} dagene før publisering "
            f"({CLAUSE_NOTICE}) begynner først når varselet er levert.",
            f"Planlagt publisering er {date_with_weekday(publish_on)}. "
            f"Blir varselet levert i dag, er tidligste tillatte dato {date_with_weekday(earliest_date)}. "
            "Be driftsansvarlig sjekke utboksen og e-postoppsettet (PLIKTVAKT_EMAIL_URL).",
        ],
    )


def kudos_reminder(title: str, publish_on: date, days_since: int, actor_name: str) -> Message:
    """To the owner: the published evaluation is not found in Kudos (pkt. 4.3)."""
    return _owner_alert(
        f"Evalueringen «{title}» er ikke registrert i Kudos",
        [
            f"Evalueringen «{title}» ble publisert {date_with_weekday(publish_on)}, "
            f"for {days_since} dager siden. "
            "Gjennomførte evalueringer som er gjort tilgjengelige for allmennheten, skal registreres i Kudos "
            f"({CLAUSE_KUDOS}). pliktvakt finner den ikke i Kudos under «{actor_name}».",
            "Registreringen skjer gjennom avlevering (pliktavlevering) til Nasjonalbiblioteket via Altinn. "
            "Kudos henter dokumentene derfra. Sørg for at evalueringen er avlevert via Altinn, "
            "med dokumenttype evaluering og IMDi som aktør.",
            "Når evalueringen dukker opp i Kudos, finner pliktvakt den selv og registrerer lenken "
            "som dokumentasjon.",
        ],
    )
