from datetime import date

from pliktvakt.publications.inputs import PublicationKind
from pliktvakt.publications.texts import (
    date_too_early_alert,
    date_update_to_ministry,
    kudos_reminder,
    late_notice_alert,
    notice_missed_alert,
    notice_to_ministry,
    notice_undelivered_alert,
)


def test_dates_in_bokmal_with_the_weekday():
    # 14 March 2025 was a Friday; 1 June 2025 a Sunday.
    message = date_update_to_ministry(
        "T", PublicationKind.RAPPORT, date(2025, 3, 14), date(2025, 6, 1), None, "K"
    )
    assert message.subject == "Endret dato for publisering: T (01.06.2025)"
    assert (
        "Tidligere planlagt dato: fredag 14. mars 2025\nNy planlagt dato: søndag 1. juni 2025" in message.text
    )


def test_notice_gives_title_kind_date_summary_contact_and_clause():
    message = notice_to_ministry(
        "Evaluering av <introduksjonsprogrammet>",
        PublicationKind.FOU,
        date(2025, 6, 20),
        "Resultater 2022–2024",
        "Kari Nordmann, kari.nordmann@imdi.no",
    )
    assert message.subject == "Varsel om publisering: Evaluering av <introduksjonsprogrammet> (20.06.2025)"
    for expected in [
        "Tittel: Evaluering av <introduksjonsprogrammet>",
        "Type: FoU-rapport",
        "Planlagt publisering: fredag 20. juni 2025",
        "Sammendrag: Resultater 2022–2024",
        "Kontakt: Kari Nordmann, kari.nordmann@imdi.no",
        "Instruks for IMDi, pkt. 6.1",
    ]:
        assert expected in message.text
    assert (
        "&lt;introduksjonsprogrammet&gt;" in message.html and "<introduksjonsprogrammet>" not in message.html
    )


def test_second_notice_says_it_replaces_the_first():
    message = notice_to_ministry("T", PublicationKind.EVALUERING, date(2025, 6, 20), None, "K", number=2)
    assert message.subject.startswith("Endret varsel om publisering")
    assert "erstatter det forrige" in message.text and "Sammendrag: (ikke oppgitt)" in message.text


def test_update_tells_old_and_new_date():
    message = date_update_to_ministry(
        "T", PublicationKind.RAPPORT, date(2025, 6, 20), date(2025, 8, 15), date(2025, 5, 30), "K"
    )
    assert "Tidligere planlagt dato: fredag 20. juni 2025" in message.text
    assert "Ny planlagt dato: fredag 15. august 2025" in message.text
    assert "utsatt" in message.text and "pkt. 6.1" in message.text


def test_owner_alerts_give_the_earliest_date():
    late = late_notice_alert("T", date(2025, 6, 20), date(2025, 6, 10), date(2025, 6, 24))
    assert "24.06.2025" in late.subject and "tirsdag 24. juni 2025" in late.text and "pkt. 6.1" in late.text
    early = date_too_early_alert("T", date(2025, 6, 12), date(2025, 5, 30), date(2025, 6, 13))
    assert "fredag 13. juni 2025" in early.text and "Publiser ikke før" in early.text
    missed = notice_missed_alert("T", date(2025, 6, 20), date(2025, 7, 7))
    assert "ikke varslet" in missed.text and "mandag 7. juli 2025" in missed.text
    undelivered = notice_undelivered_alert("T", date(2025, 6, 20), date(2025, 6, 2), date(2025, 7, 4))
    # No command for the owner: where to act is the link notify adds, to the duty on the desk.
    for alert in (late, early, missed, undelivered):
        assert "pliktvakt publication" not in alert.text and "pliktvakt outbox" not in alert.text
        assert "`" not in alert.text and "http" not in alert.text


def test_kudos_reminder_explains_legal_deposit_via_altinn():
    message = kudos_reminder("T", date(2025, 6, 20), 30, "Integrerings- og mangfoldsdirektoratet")
    assert "Nasjonalbiblioteket" in message.text and "Altinn" in message.text
    assert "avlevering" in message.text and "pkt. 4.3" in message.text
    assert "http" not in message.text and "`" not in message.text
