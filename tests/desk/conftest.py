"""The duty desk on a real database (SQLite and PostgreSQL) with a real SMTP server.

The desk's clock is pinned to Monday 7 December 2026, 10:00 Oslo time, so that which duties
are open, overdue or stood in for is the same at every run."""

import re
from datetime import datetime
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from pliktvakt import occurrences
from pliktvakt.catalogue import load_catalogue
from pliktvakt.clock import OSLO
from pliktvakt.db import make_engine, session_scope
from pliktvakt.settings import get_settings
from pliktvakt.tables import Occurrence, OccurrenceStatus
from tests.conftest import ROOT

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=OSLO)
SARA = "sara.lie@imdi.example"  # kunnskapsleder: role kunnskap; deputy Jonas, manager the director
JONAS = "jonas.dahl@imdi.example"  # kommunikasjonsradgiver: Sara's deputy
PER = "per.olsen@imdi.example"  # tilskuddsradgiver: nothing to do with kunnskap


@pytest.fixture
def desk(monkeypatch, db_url, smtp_server):
    """The desk app on ``db_url`` (both databases), the catalogue materialised as of NOW."""
    monkeypatch.setenv("PLIKTVAKT_DATABASE_URL", db_url)
    monkeypatch.setenv("PLIKTVAKT_CONFIG_DIR", str(ROOT / "config"))
    monkeypatch.setenv("PLIKTVAKT_EMAIL_URL", smtp_server.url)
    monkeypatch.setenv("PLIKTVAKT_DELIVERY_BACKOFF_SECONDS", "0")
    monkeypatch.setenv("PLIKTVAKT_GO_LIVE", "2026-01-01")
    get_settings.cache_clear()
    engine = make_engine(db_url)
    with session_scope(engine) as session:
        occurrences.materialise(session, load_catalogue(ROOT / "config"), NOW.date(), 13)
    from desk.app import create_app

    app = create_app(get_settings())
    app.state.now = lambda _=None: NOW
    app.state.smtp = smtp_server
    yield app
    app.state.engine.dispose()
    engine.dispose()
    get_settings.cache_clear()


@pytest.fixture
def client(desk):
    return TestClient(desk, base_url="http://127.0.0.1:8400", follow_redirects=False)


def open_duty_of(app, role: str) -> Occurrence:
    """The earliest open occurrence of ``role``."""
    with session_scope(app.state.engine) as session:
        query = (
            select(Occurrence)
            .where(Occurrence.role == role, Occurrence.status == OccurrenceStatus.OPEN)
            .order_by(Occurrence.due, Occurrence.id)
        )
        return session.exec(query).first()


def reload(app, occurrence_id: int) -> Occurrence:
    with session_scope(app.state.engine) as session:
        return session.get(Occurrence, occurrence_id)


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def plain_text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def sign_in(client: TestClient, smtp, email: str) -> None:
    """Sign in as a person does: ask for a link, read it from the mail, press the button."""
    page = client.get("/logg-inn").text
    before = len(smtp.to(email))
    answer = client.post("/logg-inn", data={"email": email, "csrf": csrf_of(page)})
    assert answer.status_code == 200, answer.text
    mail = smtp.to(email)[before]
    link = re.search(r"http://127\.0\.0\.1:8400/logg-inn/lenke\?t=\S+", plain_text(mail)).group(0)
    confirm = client.get(path_of(link))
    token = re.search(r'name="t" value="([^"]+)"', confirm.text).group(1)
    done = client.post("/logg-inn/lenke", data={"t": token, "csrf": csrf_of(confirm.text)})
    assert done.status_code == 303, done.text
