"""The duty desk (issue 27): a duty closed from its link, sign-in by mail, who may act, and
every refusal answered in bokmål with nothing changed. Real SMTP, SQLite and PostgreSQL."""

import json
import logging
import re
from datetime import timedelta

from sqlmodel import func, select

from pliktvakt import audit, links
from pliktvakt.db import session_scope
from pliktvakt.tables import AuditEntry, OfficerAbsence, OutboxMessage, SignInLink
from tests.desk.conftest import JONAS, NOW, PER, SARA, csrf_of, open_duty_of, path_of, reload, sign_in


def duty_link(app, email: str, occurrence_id: int, now=NOW) -> str:
    # The link an alert carries (tests/alerts and tests/ops/test_desk_browser.py follow a real one).
    return path_of(links.duty_url(app.state.settings, email, occurrence_id, now))


def audit_count(app) -> int:
    with session_scope(app.state.engine) as session:
        return session.exec(select(func.count()).select_from(AuditEntry)).one()


def test_duty_link_records_the_duty_done_as_the_officer_via_the_web(desk, client):
    """Sara opens her duty from the link, without signing in, and records it done: the
    occurrence is done by her with that evidence, and the audit event names her and the desk."""
    duty = open_duty_of(desk, "kunnskap")
    page = client.get(duty_link(desk, SARA, duty.id))
    assert page.status_code == 200
    assert "Registrer som utført" in page.text and 'name="evidence"' in page.text
    assert "Hjemmel" in page.text and "Slik er fristen regnet" in page.text
    token = re.search(r'name="t" value="([^"]+)"', page.text).group(1)
    done = client.post(
        f"/plikt/{duty.id}/utfort",
        data={"evidence": "Sak 26/1234", "csrf": csrf_of(page.text), "t": token},
    )
    assert done.status_code == 303
    stored = reload(desk, duty.id)
    assert (stored.status, stored.completed_by, stored.evidence) == ("done", SARA, "Sak 26/1234")
    with session_scope(desk.state.engine) as s:
        entry = s.exec(select(AuditEntry).where(AuditEntry.action == "occurrence.completed")).one()
        assert entry.actor == SARA and json.loads(entry.details)["via"] == "pliktvakt web"
        assert audit.verify(s) == []
    shown = client.get(path_of(done.headers["location"]))
    assert "Sak 26/1234" in shown.text and "via pliktvakt web" in shown.text


def test_a_duty_link_opens_that_duty_and_not_the_desk(desk, client):
    duty = open_duty_of(desk, "kunnskap")
    assert client.get(duty_link(desk, SARA, duty.id)).status_code == 200
    for page in ("/",):
        answer = client.get(page)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/logg-inn")
    token = duty_link(desk, SARA, duty.id).split("t=")[1]
    elsewhere = client.get(f"/plikt/{duty.id + 1}?t={token}")
    assert elsewhere.status_code == 403 and "Lenken er ugyldig" in elsewhere.text


def test_signing_in_by_the_link_in_the_mail(desk, client):
    """The link arrives by the real SMTP server; only its hash is stored, and the stored copy
    of the mail no longer holds it. After signing in, «Mine plikter» lists Sara's duty."""
    sign_in(client, desk.state.smtp, SARA)
    mail = desk.state.smtp.to(SARA)[-1]
    token = re.search(r"lenke\?t=([A-Za-z0-9_-]+)", mail.get_body(preferencelist=("plain",)).get_content())[1]
    with session_scope(desk.state.engine) as session:
        stored = session.exec(select(OutboxMessage).where(OutboxMessage.duty == "signin")).one()
        assert stored.status == "sent" and token not in stored.body and token not in (stored.html or "")
        row = session.exec(select(SignInLink)).one()
        assert row.token_hash != token and row.used_at is not None
    mine = client.get("/")
    assert mine.status_code == 200 and "Mine plikter" in mine.text
    assert f"/plikt/{open_duty_of(desk, 'kunnskap').id}" in mine.text
    assert "pv_session" in client.cookies
    cookie = next(c for c in client.cookies.jar if c.name == "pv_session")
    assert cookie.has_nonstandard_attr("HttpOnly")


def test_an_unknown_address_gets_the_same_answer_and_no_mail(desk, client):
    page = client.get("/logg-inn").text
    known = client.post("/logg-inn", data={"email": SARA, "csrf": csrf_of(page)})
    unknown = client.post("/logg-inn", data={"email": "nobody@imdi.example", "csrf": csrf_of(page)})
    assert known.status_code == unknown.status_code == 200
    assert known.text.replace(SARA, "X") == unknown.text.replace("nobody@imdi.example", "X")
    assert desk.state.smtp.to("nobody@imdi.example") == []


def test_sign_in_requests_are_rate_limited_per_address(desk, client):
    """Three links per address in 15 minutes (signin.PER_ADDRESS); the fourth is refused."""
    page = client.get("/logg-inn").text
    answers = [client.post("/logg-inn", data={"email": PER, "csrf": csrf_of(page)}) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert "For mange forespørsler" in answers[-1].text
    assert len(desk.state.smtp.to(PER)) == 3


def test_a_reused_sign_in_link_is_refused(desk, client):
    sign_in(client, desk.state.smtp, SARA)
    mail = desk.state.smtp.to(SARA)[-1]
    token = re.search(r"lenke\?t=([A-Za-z0-9_-]+)", mail.get_body(preferencelist=("plain",)).get_content())[1]
    client.cookies.clear()
    page = client.get(f"/logg-inn/lenke?t={token}").text
    again = client.post("/logg-inn/lenke", data={"t": token, "csrf": csrf_of(page)})
    assert again.status_code == 403 and "allerede brukt" in again.text
    assert "pv_session" not in again.headers.get("set-cookie", "")


def test_a_deputy_standing_in_completes_and_an_unrelated_officer_gets_403(desk, client):
    """Sara is away today: Jonas, her deputy, stands in and may complete her duty; Per, a grants
    adviser who neither owns, stands in for nor manages it, is refused and nothing changes."""
    duty = open_duty_of(desk, "kunnskap")
    with session_scope(desk.state.engine) as session:
        session.add(
            OfficerAbsence(officer_id="kunnskapsleder", start=NOW.date(), end=NOW.date() + timedelta(5))
        )
    sign_in(client, desk.state.smtp, PER)
    page = client.get(f"/plikt/{duty.id}")
    assert page.status_code == 403 and "Ingen tilgang" in page.text
    before = audit_count(desk)
    refused = client.post(f"/plikt/{duty.id}/utfort", data={"evidence": "x", "csrf": csrf_of(page.text)})
    assert refused.status_code == 403 and "Ingenting er endret" in refused.text
    assert reload(desk, duty.id).status == "open" and audit_count(desk) == before

    client.cookies.clear()
    sign_in(client, desk.state.smtp, JONAS)
    mine = client.get("/").text
    assert f"/plikt/{duty.id}" in mine and "stedfortreder" in mine
    page = client.get(f"/plikt/{duty.id}")
    done = client.post(
        f"/plikt/{duty.id}/utfort", data={"evidence": "Levert i sak 26/77", "csrf": csrf_of(page.text)}
    )
    assert done.status_code == 303
    assert reload(desk, duty.id).completed_by == JONAS


def test_a_tampered_duty_link_is_refused_and_nothing_changes(desk, client):
    duty = open_duty_of(desk, "kunnskap")
    good = duty_link(desk, SARA, duty.id)
    page = client.get(good)
    token = good.split("t=")[1]
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    answer = client.get(f"/plikt/{duty.id}?t={tampered}")
    assert (
        answer.status_code == 403
        and "Lenken er ugyldig" in answer.text
        and "Send meg en ny lenke" in answer.text
    )
    before = audit_count(desk)
    post = client.post(
        f"/plikt/{duty.id}/utfort", data={"evidence": "x", "csrf": csrf_of(page.text), "t": tampered}
    )
    assert post.status_code == 403 and "Lenken er ugyldig" in post.text
    assert reload(desk, duty.id).status == "open" and audit_count(desk) == before


def test_an_expired_duty_link_offers_a_fresh_one(desk, client):
    """A link made 31 days ago has passed its 30 days: refused, with the address filled in."""
    duty = open_duty_of(desk, "kunnskap")
    answer = client.get(duty_link(desk, SARA, duty.id, NOW - timedelta(days=31)))
    assert answer.status_code == 403 and "Lenken er utløpt" in answer.text
    assert f'value="{SARA}"' in answer.text and 'name="neste" value="/plikt/' in answer.text
    assert reload(desk, duty.id).status == "open"


def test_a_post_without_csrf_token_is_refused_and_nothing_changes(desk, client):
    duty = open_duty_of(desk, "kunnskap")
    link = duty_link(desk, SARA, duty.id)
    client.get(link)
    before = audit_count(desk)
    answer = client.post(f"/plikt/{duty.id}/utfort", data={"evidence": "x", "t": link.split("t=")[1]})
    assert answer.status_code == 403 and "sikkerhetsnøkkel" in answer.text
    assert reload(desk, duty.id).status == "open" and audit_count(desk) == before


def test_evidence_is_required(desk, client):
    duty = open_duty_of(desk, "kunnskap")
    link = duty_link(desk, SARA, duty.id)
    page = client.get(link)
    answer = client.post(
        f"/plikt/{duty.id}/utfort",
        data={"evidence": "  ", "csrf": csrf_of(page.text), "t": link.split("t=")[1]},
    )
    assert answer.status_code == 400 and "Skriv dokumentasjonen" in answer.text
    assert reload(desk, duty.id).status == "open"


def test_a_session_ends_after_eight_idle_hours(desk, client):
    sign_in(client, desk.state.smtp, SARA)
    assert client.get("/").status_code == 200
    desk.state.now = lambda _=None: NOW + timedelta(hours=8, minutes=1)
    assert client.get("/").status_code == 303


def test_security_headers_and_no_token_in_the_log(desk, client, caplog):
    duty = open_duty_of(desk, "kunnskap")
    link = duty_link(desk, SARA, duty.id)
    with caplog.at_level(logging.INFO):
        page = client.get(link)
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert "script-src" not in page.headers["content-security-policy"]  # no script of any kind
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["cache-control"] == "no-store"
    assert "<script" not in page.text
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith(("desk", "uvicorn")))
    assert f"GET /plikt/{duty.id} 200" in logged  # (the test client's own httpx log is not the desk's)
    assert link.split("t=")[1] not in logged


def test_web_refuses_to_serve_beyond_localhost_without_a_secret(env, pliktvakt_cli):
    result = pliktvakt_cli("web", "--host", "0.0.0.0", expect=2)
    assert "PLIKTVAKT_WEB_SECRET" in result.stderr and "Traceback" not in result.stderr


def test_a_manager_sees_the_duties_escalated_to_them_and_not_the_rest(desk, client):
    """Sara's manager is the director. Her duty moved to due 2 November 2026 is 25 business
    days over on 7 December, past any escalate_after in the catalogue: it is listed for the
    director as escalated. Her other open duties, not overdue, are not."""
    duty = open_duty_of(desk, "kunnskap")
    with session_scope(desk.state.engine) as session:
        stored = session.get(type(duty), duty.id)
        stored.due = NOW.date().replace(month=11, day=2)
        session.add(stored)
        later = session.exec(
            select(type(duty)).where(
                type(duty).role == "kunnskap", type(duty).id != duty.id, type(duty).status == "open"
            )
        ).first()
    sign_in(client, desk.state.smtp, "direktor@imdi.example")
    mine = client.get("/").text
    assert f"/plikt/{duty.id}" in mine and "eskalert til deg" in mine
    assert later is not None and later.due > NOW.date() and f'/plikt/{later.id}"' not in mine


def test_sign_in_requests_are_rate_limited_per_client(desk, client):
    """Ten requests from one client in 15 minutes (signin.PER_CLIENT), whatever the addresses;
    the eleventh is refused, for a known address too, and no mail goes."""
    page = client.get("/logg-inn").text
    answers = [
        client.post("/logg-inn", data={"email": f"ukjent{n}@imdi.example", "csrf": csrf_of(page)})
        for n in range(10)
    ]
    assert {a.status_code for a in answers} == {200}
    refused = client.post("/logg-inn", data={"email": SARA, "csrf": csrf_of(page)})
    assert refused.status_code == 429 and desk.state.smtp.to(SARA) == []


def test_after_signing_in_the_desk_goes_only_to_its_own_pages(desk, client):
    """«neste» is followed only as a path on the desk: never to another site."""
    page = client.get("/logg-inn?neste=//evil.example/x").text
    assert "evil.example" not in page
    page = client.get("/logg-inn?neste=/fravaer").text
    assert 'name="neste" value="/fravaer"' in page
