"""Alerts officers can act on (issue 27): each mail has a plain-text part without Markdown or
shell commands and an HTML part, both with a signed link to the duty's page on the desk, in
the name of the officer who receives it; the Teams card carries the same link as a button.

Real servers on 127.0.0.1: the deadline watch on a real Prefect server, a real SMTP server
(aiosmtpd) and a real HTTPS Teams workflow (trustme). The world of tests/test_notify.py gives
every officer a Teams workflow of its own (``wf-{officer id}``).

The occurrence: `oversight-matters-notice` triggered Mon 2 Mar 2026 with reference rr-1, due
5 business days later, Mon 9 Mar (tests/test_deadline_watch.py works the plan out). Role
styring is Kari Nordmann's (styringsleder); her deputy is Ola Hansen, her manager the director.
"""

import re
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest

from flows.deadline_watch import deadline_watch
from pliktvakt import occurrences
from pliktvakt.db import session_scope
from pliktvakt.links import read_duty_token, secret_key
from pliktvakt.settings import get_settings
from pliktvakt.tables import OfficerAbsence, utcnow
from tests.test_notify import _catalogue, _engine, _outbox, _teams_to, world  # noqa: F401  (world: fixture)

KARI, OLA, DIRECTOR = "kari.nordmann@imdi.example", "ola.hansen@imdi.example", "direktor@imdi.example"
SARA = "sara.lie@imdi.example"  # role kunnskap: kunnskapsleder
DESK = "https://pliktvakt.imdi.example"
LINK = re.compile(r"Åpne plikten i pliktvakt: (\S+)")


@pytest.fixture
def desk(world, monkeypatch):  # noqa: F811
    """The desk at its public address with a secret of its own: links must use both."""
    monkeypatch.setenv("PLIKTVAKT_PUBLIC_URL", DESK + "/")
    monkeypatch.setenv("PLIKTVAKT_WEB_SECRET", "test-desk-secret-0123456789")
    get_settings.cache_clear()
    return world


def _trigger(obligation_id: str, on: date, ref: str) -> int:
    with session_scope(_engine()) as session:
        occurrence, _ = occurrences.trigger(session, _catalogue(), obligation_id, on, ref)
        return occurrence.id


def _watch(day: str) -> None:
    assert deadline_watch(as_of=f"{day}T09:00:00", check_prefect=False, return_state=True).is_completed()


def _parts(mail) -> tuple[str, str]:
    return mail.get_body(("plain",)).get_content(), mail.get_body(("html",)).get_content()


def _grant(link: str):
    """Who and what the link opens, as the desk reads it (LinkError if it does not)."""
    assert link.startswith(f"{DESK}/plikt/")
    token = parse_qs(urlsplit(link).query)["t"][0]
    return read_duty_token(secret_key(get_settings()), token, utcnow())


def test_alert_mail_is_plain_text_and_html_with_a_link_in_the_officers_name(
    prefect_server, desk, smtp_server
):
    occurrence_id = _trigger("oversight-matters-notice", date(2026, 3, 2), "rr-1")
    _watch("2026-03-09")  # due day
    [mail] = smtp_server.to(KARI)
    text, html = _parts(mail)
    assert "Frist: mandag 9. mars 2026" in text and "Status: Fristen er i dag." in text
    assert "Periode: 2. mars 2026 (rr-1)" in text and "event:" not in text
    assert "Hjemmel: Instruks for IMDi, pkt. 3.1" in text
    # No Markdown and no shell: no **, no ##, no command, no Prefect address.
    assert "**" not in text and "##" not in text and "`" not in text
    assert "pliktvakt complete" not in text and "--by" not in text and ":4200" not in text
    [link] = LINK.findall(text)
    assert f'<a href="{link}">' in html and "<strong>" in html
    grant = _grant(link)
    assert (grant.email, grant.occurrence_id) == (KARI, occurrence_id)
    # The outbox keeps what was sent: the same link, in the email's text and HTML.
    [row] = _outbox(channel="email", recipient=KARI)
    assert link in row.body and link in row.html


def test_deputy_and_manager_get_links_in_their_own_names(prefect_server, desk, smtp_server):
    occurrence_id = _trigger("oversight-matters-notice", date(2026, 3, 2), "rr-1")
    with session_scope(_engine()) as session:
        session.add(
            OfficerAbsence(officer_id="styringsleder", start=date(2026, 3, 16), end=date(2026, 3, 16))
        )
    # Mon 16 Mar is 5 business days over (10-13, 16 Mar): the overdue alert goes to Ola, Kari's
    # deputy while she is away, and the escalation to her manager, the director.
    _watch("2026-03-16")
    assert smtp_server.to(KARI) == []
    [deputy_copy] = smtp_server.to(OLA)
    [escalation] = smtp_server.to(DIRECTOR, "Eskalert")
    for mail, officer in [(deputy_copy, OLA), (escalation, DIRECTOR)]:
        [link] = LINK.findall(_parts(mail)[0])
        grant = _grant(link)
        assert (grant.email, grant.occurrence_id) == (officer, occurrence_id)


def test_teams_card_has_a_button_with_the_link(prefect_server, desk, teams_endpoint):
    occurrence_id = _trigger("oversight-matters-notice", date(2026, 3, 2), "rr-1")
    _watch("2026-03-09")
    [request] = [r for r in teams_endpoint.requests if "wf-styringsleder" in r["path"]]
    [card] = [a["content"] for a in request["body"]["attachments"]]
    [button] = card["actions"]
    assert button["type"] == "Action.OpenUrl" and button["title"] == "Åpne plikten i pliktvakt"
    grant = _grant(button["url"])
    assert (grant.email, grant.occurrence_id) == (KARI, occurrence_id)
    title, body = (block["text"] for block in card["body"])
    assert title.startswith("Frist i dag: ") and "Periode: 2. mars 2026 (rr-1)" in body
    # A TextBlock reads CommonMark, where one line break joins lines: each line is a paragraph.
    assert "\n\nStatus: Fristen er i dag.\n\nPeriode: 2. mars 2026 (rr-1)\n\nHjemmel: " in body
    # The link is the button, not a line the card's text may cut; the email carries the same one.
    assert "Åpne plikten" not in body and "pliktvakt complete" not in body
    [email] = _outbox(channel="email", recipient=KARI)
    assert LINK.findall(email.body) == [button["url"]]
    [teams] = _outbox(channel="teams", officer_id="styringsleder")
    assert teams.status == "sent" and teams.receipt.startswith(
        "HTTP 202 fra Teams-arbeidsflyten på 127.0.0.1:"
    )


def test_an_evaluation_is_named_by_its_scheme(prefect_server, desk, smtp_server):
    # Evaluations are triggered with the reference evaluation:SCHEME:YEAR (evaluation/store.py);
    # the start falls due on the day itself (offset 0d), Tue 15 Dec 2026. The scheme's name
    # comes from the schemes file: "Tilskudd til Jobbsjansen".
    _trigger("scheme-evaluation-start", date(2026, 12, 15), "evaluation:jobbsjansen:2026")
    _watch("2026-12-15")
    [mail] = smtp_server.to(SARA)
    assert "Periode: Evaluering av Tilskudd til Jobbsjansen 2026" in _parts(mail)[0]


def test_digest_mail_carries_each_link_in_the_digest_officers_name(prefect_server, desk, smtp_server):
    # Sara (role kunnskap) is away on the day the evaluation starts, Tue 15 Dec 2026; her deputy
    # Jonas Dahl chose a digest, built in the same watch run at 09:00 (digest hour 8).
    occurrence_id = _trigger("scheme-evaluation-start", date(2026, 12, 15), "evaluation:jobbsjansen:2026")
    with session_scope(_engine()) as session:
        session.add(
            OfficerAbsence(officer_id="kunnskapsleder", start=date(2026, 12, 15), end=date(2026, 12, 15))
        )
    _watch("2026-12-15")
    [digest] = smtp_server.to("jonas.dahl@imdi.example")
    text, html = _parts(digest)
    assert str(digest["Subject"]) == "Daglig oversikt fra pliktvakt 15.12.2026: 1 varsel"
    assert "##" not in text and "**" not in text and "<pre>" not in html
    assert "Periode: Evaluering av Tilskudd til Jobbsjansen 2026" in text
    [link] = LINK.findall(text)
    grant = _grant(link)
    assert (grant.email, grant.occurrence_id) == ("jonas.dahl@imdi.example", occurrence_id)
    assert f'<a href="{link}">' in html
