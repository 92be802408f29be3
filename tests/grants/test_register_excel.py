"""The Excel backend (the upload file round-trips through openpyxl, an officer confirms the
upload) and the weekly reconciliation against the register's public file."""

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from pliktvakt import clock
from pliktvakt.catalogue import load_catalogue
from pliktvakt.db import make_engine, session_scope
from pliktvakt.register import inputs, render, rules
from pliktvakt.register.tables import RegisterSubmission, SubmissionStatus
from pliktvakt.tables import Occurrence, OutboxMessage
from tasks import register as register_tasks

from .register_support import FRIVILLIG, FRIVILLIG_NAME, award_lines, import_round

NOW = clock.resolve("2025-04-23T10:00")


@pytest.fixture
def excel_env(register_env):
    return register_env.model_copy(update={"tilskudd_backend": "excel"})


def _write_upload(settings, schemes) -> str:
    register_tasks.plan_registrations.fn(settings, schemes)
    return register_tasks.write_upload.fn(settings, load_catalogue(Path(settings.config_dir)), NOW)


def test_the_upload_file_round_trips_through_openpyxl(excel_env, schemes, write_csv):
    lines = award_lines(2) + [f'{FRIVILLIG};2025;=HYPERLINK("x");971000023;5 000;4 000;;Sats;privat;ramme']
    import_round(excel_env, schemes, write_csv, "oslo-2025", lines, date(2025, 4, 22))
    sha = _write_upload(excel_env, schemes)
    [path] = list(excel_env.tilskudd_upload_dir.iterdir())
    book = load_workbook(io.BytesIO(path.read_bytes()))
    assert book.sheetnames == ["Tilskuddsordninger", "Enkeltstående tilskudd"]
    schemes_rows = list(book["Tilskuddsordninger"].iter_rows(values_only=True))
    assert schemes_rows[0] == tuple(header for header, _ in render.SCHEME_COLUMNS)
    assert schemes_rows[1][:4] == (
        FRIVILLIG,
        FRIVILLIG_NAME,
        "Integrerings- og mangfoldsdirektoratet",
        "Arbeids- og inkluderingsdepartementet",
    )
    awards = list(book["Enkeltstående tilskudd"].iter_rows(values_only=True))
    assert awards[0] == tuple(header for header, _ in render.AWARD_COLUMNS)
    # award_lines: Forening n gets 100 000 + n·1000 kr of 120 000 applied for.
    assert awards[2] == (
        "grant-decision/2",
        FRIVILLIG_NAME,
        "Oslo kommune",
        "Arbeids- og inkluderingsdepartementet",
        "971000015",
        "Forening 1",
        101000,
        120000,
        2025,
        "Oslo",
    )
    assert awards[3][5] == '\'=HYPERLINK("x")'  # a formula is kept as text
    assert len(awards) == 4 and book["Enkeltstående tilskudd"].freeze_panes == "A2"

    with session_scope(make_engine(excel_env.database_url)) as session:
        rows = session.exec(select(RegisterSubmission)).all()
        assert {(r.status, r.upload_sha256) for r in rows} == {(SubmissionStatus.IN_UPLOAD, sha)}
        [told] = session.exec(select(OutboxMessage).where(OutboxMessage.duty == rules.DUTY)).all()
        assert told.officer_id == "tilskuddsleder" and told.key.startswith(
            f"tilskudd-registration:upload-{sha[:16]}:"
        )
        # 2025-04-22 + 5 business days (23, 24, 25, 28, 29 April) = 29.04.2025, a placeholder.
        assert sha in told.body and "Første frist: 29.04.2025 (frist ikke bekreftet)" in told.body
        assert "Kolonnenavnene er pliktvaktens forslag (plassholder)" in told.body
    # Nothing new waits: the next run writes no second file.
    assert (
        _write_upload(excel_env, schemes) is None and len(list(excel_env.tilskudd_upload_dir.iterdir())) == 1
    )


def test_confirming_the_upload_completes_the_duty(excel_env, schemes, write_csv, pliktvalt_cli_env):
    import_round(excel_env, schemes, write_csv, "oslo-2025", award_lines(2), date(2025, 4, 22))
    sha = _write_upload(excel_env, schemes)
    cli = pliktvalt_cli_env
    bad = cli("grants-register", "confirm-upload", "abc", "--by", "fatima.ali@imdi.example", expect=2)
    assert "«abc» er ikke en sjekksum: oppgi minst 12 heksadesimale tegn av SHA-256." in _said(bad.stderr)
    unknown = cli("grants-register", "confirm-upload", "0" * 16, "--by", "fatima.ali@imdi.example", expect=2)
    assert f"Ingen opplastingsfil har sjekksum {'0' * 16}" in _said(unknown.stderr)
    no_mail = cli("grants-register", "confirm-upload", sha[:16], "--by", "fatima", expect=2)
    assert "«fatima» er ikke en e-postadresse (--by)." in _said(no_mail.stderr)
    done = cli(
        "grants-register",
        "confirm-upload",
        sha[:16],
        "--by",
        "fatima.ali@imdi.example",
        "--as-of",
        "2025-04-24T11:00",
    )
    assert "2 registreringsplikt(er) er fullført" in _said(done.stdout)
    again = cli("grants-register", "confirm-upload", sha, "--by", "fatima.ali@imdi.example", expect=2)
    assert "ble bekreftet 24.04.2025 kl. 11:00 av fatima.ali@imdi.example" in _said(again.stderr)
    with session_scope(make_engine(excel_env.database_url)) as session:
        done = session.exec(select(Occurrence).where(Occurrence.obligation_id == rules.OBLIGATION)).all()
        assert [o.status for o in done] == ["done", "done"] and not any(o.late for o in done)
        assert all(sha in o.evidence and "bekreftet av fatima.ali@imdi.example" in o.evidence for o in done)
    status = cli("grants-register", "status")
    assert "Alt pliktvakt skal registrere, har tilskuddsregisterets kvittering." in _said(status.stdout)


@pytest.fixture
def pliktvalt_cli_env(excel_env, pliktvakt_cli, monkeypatch):
    for name, value in {"DATABASE_URL": excel_env.database_url, "TILSKUDD_BACKEND": "excel"}.items():
        monkeypatch.setenv(f"PLIKTVAKT_{name}", value)
    return pliktvakt_cli


# --- reconciliation -----------------------------------------------------------------------


def test_reconciliation_finds_a_missing_and_a_changed_award(register_env, register, schemes, write_csv):
    import_round(register_env, schemes, write_csv, "oslo-2025", award_lines(4), date(2025, 4, 22))
    register_tasks.plan_registrations.fn(register_env, schemes)
    assert register_tasks.send_pending.fn(register_env, NOW).registered == 5
    # The register shows Forening 1 with 90 000 instead of 101 000, and leaves Forening 3 out.
    register.published.update({"grant-decision/2": "90000", "grant-decision/4": None})
    assert register_tasks.registered_years.fn(register_env.database_url) == [2025]
    checked = register_tasks.reconcile_year.fn(register_env, schemes, 2025)
    assert checked.problem is None
    assert [(d.kind, d.orgnr, d.registered, d.published, d.refs) for d in checked.differences] == [
        ("endret", "971000015", Decimal("101000.00"), Decimal("90000"), ("grant-decision/2",)),
        ("mangler", "971000031", Decimal("103000.00"), None, ("grant-decision/4",)),
    ]
    assert checked.differences[0].row()["Tilskuddsordning"] == FRIVILLIG_NAME


def test_the_public_file_is_read_past_its_recorded_dimensions(register_env, register, schemes, write_csv):
    import_round(register_env, schemes, write_csv, "oslo-2025", award_lines(6), date(2025, 4, 22))
    register_tasks.plan_registrations.fn(register_env, schemes)
    register_tasks.send_pending.fn(register_env, NOW)
    data = register.allocation_file(2025)
    assert b'<dimension ref="A1:B2"' in _sheet_xml(data)  # the premise: it claims two columns, two rows
    published = inputs.read_allocations(data, "test")
    assert len(published) == 6 and published[("971000066", FRIVILLIG_NAME.casefold())] == Decimal("105000")


def test_a_body_that_is_not_xlsx_is_a_problem_not_a_crash(register_env, register, schemes):
    register.faults.append(("html",))
    checked = register_tasks.reconcile_year.fn(register_env, schemes, 2025)
    assert checked.problem == (
        f"Avstemming 2025 ikke gjort: {register.url}/api/download/allocation-to-volunteers?year=2025: "
        "svaret er ikke en xlsx-fil (begynner med «<html>vedlikehold</html>»)"
    )


def test_a_bad_amount_names_the_row_and_field():
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Organisasjonsnummer", "Tilskuddsordning", "Beløp"])
    book.active.append(["971000007", "X", "mye"])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(
        inputs.AllocationFileError, match=r"^fil.xlsx, rad 2, felt «beløp»: «mye» er ikke et beløp$"
    ):
        inputs.read_allocations(buffer.getvalue(), "fil.xlsx")


def _said(output: str) -> str:
    """What the command printed, with the console's line wrapping undone."""
    return " ".join(output.split())


def _sheet_xml(data: bytes) -> bytes:
    import zipfile

    return zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
