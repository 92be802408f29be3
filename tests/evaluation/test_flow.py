"""The evaluation-plan flow through a real Prefect server, mail through a real SMTP server.

The copied config (conftest.LAST): every scheme every 5 years; jobbsjansen last evaluated
2018, so due 2023 and 4 years overdue in 2027; norskopplaeringen due 2028,
integreringstilskudd 2029; the nine others unknown, counted as due in 2027. Capacity 3:
2027 takes jobbsjansen (most overdue), then the first two unknown ones by id,
etnisk-mangfold-arbeidslivet and integreringsarbeid-frivillige-organisasjoner. The other
seven unknown ones are due with nothing planned in 2027: alerted, as is jobbsjansen.
"""

import json
from datetime import date

from openpyxl import load_workbook
from sqlmodel import select

from flows.evaluation_plan import evaluation_plan
from flows.evaluation_record import evaluation_record
from flows.prepublication_notice import prepublication_notice
from pliktvakt.db import make_engine, session_scope
from pliktvakt.notify import NO_MINISTRY_RECIPIENTS
from pliktvakt.tables import Occurrence
from tests.artifacts import latest_artifact

from .conftest import MINISTRY, OFFICER, write_plan_file

PLANNED_2027 = ["jobbsjansen", "etnisk-mangfold-arbeidslivet", "integreringsarbeid-frivillige-organisasjoner"]
SUBJECT = "Evalueringer av tilskuddsordninger i 2027 (instruksen vedlegg 1 pkt. 9)"


def _run(as_of: str) -> dict:
    state = evaluation_plan(as_of=as_of, return_state=True)
    assert state.is_completed(), state.message
    return state.result()


def _occurrences(settings, obligation_id: str) -> list[Occurrence]:
    with session_scope(make_engine(settings.database_url)) as session:
        query = select(Occurrence).where(Occurrence.obligation_id == obligation_id).order_by(Occurrence.id)
        rows = list(session.exec(query))
        for row in rows:
            session.expunge(row)
        return rows


def test_ministry_told_once_a_year_with_receipts_and_overdue_alerted(prefect_server, eval_env, smtp_server):
    first = _run("2027-01-04")
    second = _run("2027-01-05")  # the next weekday: nothing new
    assert first["planned"] == PLANNED_2027 == second["planned"]
    assert first["overdue"] == ["jobbsjansen"]
    assert (first["notice_queued"], second["notice_queued"]) == (2, 0)

    for recipient in MINISTRY:  # one mail to each recipient, not two
        assert smtp_server.subjects(recipient) == [SUBJECT]
    body = smtp_server.to(MINISTRY[0])[0].get_body(("plain",)).get_content()
    assert "Tilskudd til Jobbsjansen (planlagt; oppstart innen 30.04.2027 (ikke bekreftet)" in body
    assert "Sist evaluert: ukjent (ikke bekreftet)" in body
    # The capacity is a placeholder in the test's plan file, so the ministry sees it marked.
    assert "innenfor kapasiteten på 3 evalueringer i året (ikke bekreftet):" in body
    [notice] = [
        o for o in _occurrences(eval_env, "evaluation-plan-ministry-notice") if o.period == "2027-01-01"
    ]
    assert notice.status == "done" and notice.due == date(2027, 1, 29)  # 31.01.2027 is a Sunday
    assert "Kvittering" in notice.evidence and all(address in notice.evidence for address in MINISTRY)

    assert len(smtp_server.to(OFFICER, "Evaluering mangler")) == 7  # the seven unplanned, once
    [overdue] = smtp_server.to(OFFICER, "Evaluering på overtid: Tilskudd til Jobbsjansen (2027)")
    overdue = overdue.get_body(("plain",)).get_content()
    assert "4 år på overtid (forfalt 2023)" in overdue and "punkt 6.5" in overdue

    starts = _occurrences(eval_env, "scheme-evaluation-start")
    assert sorted(o.ref for o in starts) == sorted(f"evaluation:{s}:2027" for s in PLANNED_2027)
    assert {o.due for o in starts} == {date(2027, 4, 30)}
    assert len(_occurrences(eval_env, "scheme-evaluation-report")) == 3

    md, xlsx = (eval_env.evaluation_plan_dir / f"evalueringsplan-2027.{ext}" for ext in ("md", "xlsx"))
    # One line per evaluation under its year, not a table of seven columns that ran past the
    # right edge of the screen. Jobbsjansen was last evaluated in 2018; due after 5 years.
    assert (
        "### 2027\n\n- **Tilskudd til Jobbsjansen** · planlagt · sist evaluert 2018 · forfalt 4 år · "
        "oppstart innen 30.04.2027 (ikke bekreftet) · rapport innen 15.12.2027 (ikke bekreftet)\n"
        "- **Tilskudd til tiltak"
    ) in md.read_text(encoding="utf-8")
    sheet = load_workbook(xlsx)["Plan"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:4] == (2027, "jobbsjansen", "Tilskudd til Jobbsjansen", "planlagt")
    assert "ikke bekreftet" in rows[1][7]
    artifact = latest_artifact("evaluation-plan")
    assert "Rullerende evalueringsplan" in artifact.data
    # The table artifact keeps the columns that fit 1,366 px; the rest is in the plan above.
    table = json.loads(latest_artifact("evaluation-plan-table").data)
    assert table[0] == {
        "År": 2027,
        "Ordning": "jobbsjansen",
        "Status": "planlagt",
        "Rapport innen": "15.12.2027 (ikke bekreftet)",
    }


def test_started_evaluation_completes_its_occurrence_and_frees_the_alert_rule(prefect_server, eval_env):
    _run("2027-01-04")
    state = evaluation_record(
        action="start", scheme="jobbsjansen", on=date(2027, 2, 1), by="sara.lie@imdi.no", return_state=True
    )
    assert state.is_completed(), state.message
    [start] = [o for o in _occurrences(eval_env, "scheme-evaluation-start") if "jobbsjansen" in o.ref]
    assert start.status == "done" and start.completed_by == "sara.lie@imdi.no"
    assert _run("2027-02-02")["planned"] == PLANNED_2027  # in progress, it keeps its slot


def test_completed_evaluation_becomes_a_publication_and_its_notice_goes(
    prefect_server, eval_env, smtp_server
):
    """Published Wednesday 16 June 2027: the 21-day notice goes Wednesday 26 May 2027."""
    _run("2027-01-04")
    for action, on in (("start", date(2027, 2, 1)), ("complete", date(2027, 5, 20))):
        state = evaluation_record(
            action=action,
            scheme="jobbsjansen",
            on=on,
            report_title="Evaluering av Jobbsjansen",
            publish_on=date(2027, 6, 16),
            by="sara.lie@imdi.no",
            return_state=True,
        )
        assert state.is_completed(), state.message
    assert state.result()["publication"] == 1
    [report] = [o for o in _occurrences(eval_env, "scheme-evaluation-report") if "jobbsjansen" in o.ref]
    assert report.status == "done" and "Evaluering av Jobbsjansen" in report.evidence

    assert prepublication_notice(as_of="2027-05-26", return_state=True).is_completed()
    for recipient in MINISTRY:
        assert (
            smtp_server.subjects(recipient)[-1]
            == "Varsel om publisering: Evaluering av Jobbsjansen (16.06.2027)"
        )
    [prenotice] = _occurrences(eval_env, "publication-prenotice")
    assert prenotice.status == "done" and prenotice.ref == "publication:1"


def test_without_ministry_recipients_it_plans_and_alerts_then_fails(prefect_server, eval_env, monkeypatch):
    monkeypatch.setenv("PLIKTVAKT_MINISTRY_RECIPIENTS", "")
    from pliktvakt.settings import get_settings

    get_settings.cache_clear()
    state = evaluation_plan(as_of="2027-01-04", return_state=True)
    assert state.is_failed() and NO_MINISTRY_RECIPIENTS in state.message
    assert (get_settings().evaluation_plan_dir / "evalueringsplan-2027.xlsx").exists()
    assert len(_occurrences(eval_env, "scheme-evaluation-start")) == 3
    [notice] = [
        o for o in _occurrences(eval_env, "evaluation-plan-ministry-notice") if o.period == "2027-01-01"
    ]
    assert notice.status == "open"


def test_a_plan_file_that_does_not_parse_fails_the_run_with_the_reason(
    prefect_server, eval_env, monkeypatch, tmp_path
):
    path = write_plan_file(tmp_path / "plan.yaml", capacity=0)
    monkeypatch.setenv("PLIKTVAKT_EVALUATION_PLAN_FILE", str(path))
    from pliktvakt.settings import get_settings

    get_settings.cache_clear()
    state = evaluation_plan(as_of="2027-01-04", return_state=True)
    assert state.is_failed()
    assert f"{path}, linje 1: felt 'capacity_per_year.value': må være minst 1" in state.message
    assert not (get_settings().evaluation_plan_dir / "evalueringsplan-2027.md").exists()
