"""What an officer reads, without servers: the alert's lines, the digest, and the desk link
that notify adds in the recipient's name (pliktvakt/texts.py, pliktvakt/notify.py)."""

from datetime import date
from pathlib import Path

from pliktvakt.catalogue import load_catalogue
from pliktvakt.notify import DESK_LINK, Message, desk_link_in, html_of, with_desk_link
from pliktvakt.texts import AlertFacts, render_alert, render_digest

CONFIG = Path(__file__).resolve().parents[2] / "config"
LINK = "https://pliktvakt.imdi.example/plikt/7?t=abc.def"


def test_alert_text_is_plain_lines_a_person_reads():
    catalogue = load_catalogue(CONFIG)
    # The monthly analysis of December 2026: anchored 1 Dec, due 10 business days later, Tue 15
    # Dec (tests/test_cli.py pins the same); reminded 5 business days before, Tue 8 Dec.
    facts = AlertFacts(
        7,
        "desember 2026",
        date(2026, 12, 15),
        date(2026, 12, 8),
        "reminder-5",
        catalogue.obligations["settlement-monthly-analysis"],
        catalogue.officers["bosettingsleder"],
    )
    message = render_alert(facts)
    lines = message.text.split("\n")
    assert lines[0] == catalogue.obligations["settlement-monthly-analysis"].title and lines[1] == ""
    assert lines[2].startswith("Frist: tirsdag 15. desember 2026 – frist ikke bekreftet: ")
    assert lines[3:5] == ["Status: 7 dager igjen til fristen.", "Periode: desember 2026"]
    assert lines[5].startswith("Hjemmel: Instruks for IMDi, pkt. 2.2: «")
    assert lines[-1] == "Registrer at plikten er utført, med dokumentasjon, på pliktens side i pliktvakt."
    assert "pliktvakt complete" not in message.text and "**" not in message.text and "- " not in message.text
    assert message.html.startswith("<p><strong>") and "Periode: desember 2026<br>" in message.html


def test_desk_link_goes_last_in_text_and_html_and_is_found_again():
    message = with_desk_link(Message("Emne", "Første linje\nAndre linje"), LINK)
    assert message.text == f"Første linje\nAndre linje\n\n{DESK_LINK}: {LINK}"
    assert message.html == (
        f'<p>Første linje<br>Andre linje</p><p>{DESK_LINK}: <a href="{LINK}">{LINK}</a></p>'
    )
    assert desk_link_in(message.text) == ("Første linje\nAndre linje", LINK)
    assert desk_link_in("Ingen lenke her.") == ("Ingen lenke her.", None)
    # A whole HTML document (publications' letters) gets the link inside its body.
    document = with_desk_link(Message("Emne", "Tekst", "<html><body><p>Tekst</p></body></html>"), LINK)
    assert document.html.endswith(f'<a href="{LINK}">{LINK}</a></p></body></html>')


def test_html_of_escapes_and_links_addresses():
    assert html_of("A & <b>\n\nSe https://x.example/a?b=1&c=2.") == (
        '<p>A &amp; &lt;b&gt;</p><p>Se <a href="https://x.example/a?b=1&amp;c=2.">'
        "https://x.example/a?b=1&amp;c=2.</a></p>"
    )


def test_digest_is_plain_text_with_each_alerts_link():
    catalogue = load_catalogue(CONFIG)
    items = [
        ("Frist i dag: A", f"A\n\nFrist: fredag 4. desember 2026\n\n{DESK_LINK}: {LINK}"),
        ("Påminnelse: B", "B\n\nFrist: mandag 7. desember 2026"),
    ]
    digest = render_digest(items, catalogue.officers["kommunikasjonsradgiver"], date(2026, 12, 4))
    assert digest.subject == "Daglig oversikt fra pliktvakt 04.12.2026: 2 varsel"
    assert "##" not in digest.text and "**" not in digest.text and "<pre>" not in digest.html
    assert "\n\n1. Frist i dag: A\n\nA\n\nFrist: fredag 4. desember 2026\n\n" in digest.text
    assert f"{DESK_LINK}: {LINK}\n\n2. Påminnelse: B" in digest.text
    assert (
        "<h2>1. Frist i dag: A</h2><p>A</p><p>Frist: fredag 4. desember 2026</p>"
        f'<p>{DESK_LINK}: <a href="{LINK}">' in digest.html
    )
