"""The duty desk in a real browser (issue 27): an officer reads an alert from the real SMTP
server, follows its link to the desk (a real `pliktvakt web` process), records the duty done
with evidence in Debian's chromium, and pliktvakt then shows it done, keeps its audit chain
whole, and sends nothing more about it.

Playwright's Python package drives /usr/bin/chromium (no browser is downloaded): under CI it
must be there; elsewhere the test is skipped without it.

The duty: `oversight-matters-notice` (role styring, Kari Nordmann) triggered 21 days before
today, due 5 business days after the event (config/obligations.yaml), so it is overdue
today and the watch alerts Kari. Dates follow the real day, since a duty link lasts 30 days
from when it is made."""

import json
import os
import re
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from flows.deadline_watch import deadline_watch
from pliktvakt import clock, links, occurrences
from pliktvakt.catalogue import load_catalogue
from pliktvakt.db import make_engine, session_scope
from pliktvakt.settings import get_settings
from tests.ops.procs import clean_env, free_port

CHROMIUM = Path("/usr/bin/chromium")
KARI = "kari.nordmann@imdi.example"
TITLE = "Departementet orientert om saker fra Riksrevisjonen"
pytestmark = pytest.mark.timeout(600)


@pytest.fixture
def chromium():
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} mangler under CI: installer Debians chromium (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} finnes ikke: nettlesertesten hoppes over")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield browser
        browser.close()


@pytest.fixture
def desk_process(env, monkeypatch, smtp_server, tmp_path):
    """`pliktvakt web` as its own process on a free port, on the test's database."""
    port = free_port()
    public = f"http://127.0.0.1:{port}"
    settings = {
        "PLIKTVAKT_DATABASE_URL": env.database_url,
        "PLIKTVAKT_CONFIG_DIR": str(env.config_dir),
        "PLIKTVAKT_EMAIL_URL": smtp_server.url,
        "PLIKTVAKT_PUBLIC_URL": public,
        "PLIKTVAKT_WEB_SECRET": "nettlesertest-hemmelig-nokkel",
    }
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    log = tmp_path / "desk.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "web", "--port", str(port)],
            cwd=tmp_path,
            env=clean_env(**settings),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for(f"{public}/logg-inn", process, log)
        yield public, log
    finally:
        process.terminate()
        process.wait(timeout=30)
        get_settings.cache_clear()


def _wait_for(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    pytest.fail(f"pliktvakt web svarte ikke på {url}: {log.read_text()}")


def test_an_alert_leads_to_the_desk_where_the_duty_is_recorded_done(
    prefect_server, desk_process, chromium, smtp_server, pliktvakt_cli
):
    public, log = desk_process
    settings = get_settings()
    now = clock.resolve(None)
    today = now.date()
    with session_scope(make_engine(settings.database_url)) as session:
        occurrence, _ = occurrences.trigger(
            session,
            load_catalogue(settings.config_dir),
            "oversight-matters-notice",
            today - timedelta(21),
            "br-1",
        )
        occurrence_id = occurrence.id
    assert deadline_watch(as_of=now, check_prefect=False, return_state=True).is_completed()

    # 1. The alert, from the real SMTP server.
    [alert] = [m for m in smtp_server.to(KARI) if TITLE in str(m["Subject"])]
    assert "Over fristen" in str(alert["Subject"])
    plain = alert.get_body(("plain",)).get_content()
    link = re.search(rf"{re.escape(public)}/plikt/{occurrence_id}\?t=\S+", plain)[0]
    assert links.read_duty_token(links.secret_key(settings), link.split("t=")[1], now).email == KARI

    # 2. The link, in chromium.
    page = chromium.new_page()
    page.goto(link)
    assert page.title().startswith(TITLE)
    assert page.get_by_role("heading", level=1).inner_text().startswith(TITLE)

    # 3. Record it done with evidence, by keyboard and button as an officer does.
    page.get_by_label("Dokumentasjon").fill("Orientert i brev 26/4711")
    page.get_by_role("button", name="Registrer som utført").click()
    page.wait_for_load_state()
    assert "Orientert i brev 26/4711" in page.content()
    assert "fullført" in page.locator("dl.facts").inner_text()

    status = pliktvakt_cli("status", "--json")
    [row] = [r for r in json.loads(status.stdout) if r["id"] == occurrence_id]
    assert (row["state"], row["completed_by"], row["evidence"]) == ("done", KARI, "Orientert i brev 26/4711")
    pliktvakt_cli("audit", "verify")

    before = len(smtp_server.messages)
    tomorrow = clock.resolve(today + timedelta(days=1))
    assert deadline_watch(as_of=tomorrow, check_prefect=False, return_state=True).is_completed()
    assert [m for m in smtp_server.messages[before:] if TITLE in str(m["Subject"])] == []

    token = link.split("t=")[1]
    logged = log.read_text()
    assert f"GET /plikt/{occurrence_id} 200" in logged and token not in logged
    assert re.search(r"POST /plikt/\d+/utfort 303", logged)


SIZES = {"skrivebord": (1366, 768), "telefon": (390, 844)}
SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "desk"


def _sign_in(page, public: str, smtp_server, email: str) -> None:
    page.goto(f"{public}/logg-inn")
    page.get_by_label("E-postadresse").fill(email)
    page.get_by_role("button", name="Send meg en innloggingslenke").click()
    mail = smtp_server.to(email)[-1]
    text = mail.get_body(preferencelist=("plain",)).get_content()
    page.goto(re.search(rf"{re.escape(public)}/logg-inn/lenke\?t=\S+", text)[0])
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(f"{public}/")


def test_every_page_fits_a_desktop_and_a_phone(desk_process, chromium, smtp_server):
    """Each page, at 1366×768 and at a phone's 390×844, saved to test-output/desk/ to be looked
    at; and nothing is cut off: no page is wider than the window (no sideways scrolling)."""
    public, _ = desk_process
    settings = get_settings()
    now = clock.resolve(None)
    with session_scope(make_engine(settings.database_url)) as session:
        occurrences.materialise(session, load_catalogue(settings.config_dir), now.date(), 13)
        occurrence, _ = occurrences.trigger(
            session,
            load_catalogue(settings.config_dir),
            "oversight-matters-notice",
            now.date() - timedelta(21),
            "br-2",
        )
        occurrence_id = occurrence.id
    SHOTS.mkdir(parents=True, exist_ok=True)
    expired = links.duty_url(settings, KARI, occurrence_id, now - timedelta(days=40))
    pages = {
        "mine-plikter": "/",
        "plikt": f"/plikt/{occurrence_id}",
        "alle-plikter": "/alle",
        "fravaer": "/fravaer",
        "hendelse": "/hendelse",
        "tilskuddsregister": "/tilskuddsregister",
        "bosetting": "/bosetting",
        "utlopt-lenke": expired.removeprefix(public),
        "finnes-ikke": "/plikt/999999",
    }
    for size, (width, height) in SIZES.items():
        context = chromium.new_context(viewport={"width": width, "height": height}, locale="nb-NO")
        page = context.new_page()
        page.goto(f"{public}/logg-inn")
        _shoot(page, f"logg-inn-{size}", width)
        _sign_in(page, public, smtp_server, KARI)
        for name, path in pages.items():
            page.goto(f"{public}{path}")
            _shoot(page, f"{name}-{size}", width)
        context.close()
    assert len(list(SHOTS.glob("*.png"))) >= 2 * (len(pages) + 1)


def _shoot(page, name: str, width: int) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{name}: siden er {scroll_width} px bred i et vindu på {width} px"
