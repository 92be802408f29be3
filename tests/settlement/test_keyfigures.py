"""Quality checks, suppression and the publishing gate for the key figures."""

import dataclasses
import json

import pytest

from pliktvakt.settlement import keyfigures
from pliktvakt.settlement.analysis import run_analysis
from pliktvakt.settlement.inputs import YearMonth
from pliktvakt.settlement.keyfigures import PublishBlocked, build_key_figures, check_quality, suppress
from tests.settlement.handmade import make_config

MARCH = YearMonth(2025, 3)


@pytest.fixture
def figures(load_result, municipalities):
    return build_key_figures(run_analysis(load_result, municipalities, make_config(), MARCH))


def row(figures, code):
    return next(r for r in figures.rows if r.code == code)


def tamper(figures, code, **values):
    rows = [
        dataclasses.replace(r, values={**r.values, **values}) if r.code == code else r for r in figures.rows
    ]
    return dataclasses.replace(figures, rows=rows)


def test_clean_figures_pass_every_check(figures, municipalities):
    assert check_quality(figures, suppress(figures), municipalities) == []
    # Rows: the nation, 3 counties, 4 municipalities.
    assert [r.level for r in figures.rows] == ["land"] + ["fylke"] * 3 + ["kommune"] * 4


def test_suppression_hides_counts_from_1_to_4(figures):
    published = suppress(figures, 5)
    # Oslo: bosatt 10 is shown; EM bosatt 2 is hidden; EM anmodet 4 (March report) hidden.
    assert row(published, "0301").values["bosatt_hittil"] == 10
    assert row(published, "0301").values["herav_em_bosatt_hittil"] == ":"
    assert row(published, "0301").values["herav_em_anmodet"] == ":"
    # Bergen bosatt 1, Kinn 3, Stavanger 4 hidden; Vestland 1+3 = 4 hidden; 0 stays 0.
    assert [row(published, c).values["bosatt_hittil"] for c in ("4601", "4602", "1103", "46")] == [":"] * 4
    assert row(published, "1103").values["herav_em_vedtatt"] == 0


def test_unsuppressed_publication_fails_the_suppression_check(figures, municipalities):
    failures = check_quality(figures, figures, municipalities)
    assert {f.check for f in failures} == {"suppression_applied"}
    assert "kommune 4601 Bergen, bosatt_hittil" in [f.where for f in failures]


def test_sum_that_does_not_add_up_says_where(figures, municipalities):
    broken = tamper(figures, "46", bosatt_hittil=5)  # Bergen 1 + Kinn 3 = 4
    failures = check_quality(broken, suppress(broken), municipalities)
    messages = [f.message for f in failures if f.check == "sums_add_up"]
    assert (
        "Kontrollen «Summene stemmer» feilet for fylke 46 Vestland, bosatt_hittil: "
        "totalen er 5, kommunene i fylket summerer til 4"
    ) in messages
    # And the nation (18) no longer equals the counties (10 + 4 + 5 = 19).
    assert any(f.where == "hele landet, bosatt_hittil" for f in failures)


def test_negative_count_fails(figures, municipalities):
    broken = tamper(figures, "4602", vedtatt=-1)
    failures = [
        f for f in check_quality(broken, suppress(broken), municipalities) if f.check == "no_negative_counts"
    ]
    assert [(f.where, f.detail) for f in failures] == [("kommune 4602 Kinn, vedtatt", "tallet er -1")]


def test_missing_municipality_fails(load_result, municipalities):
    rows = [r for r in load_result.rows if not (r.municipality == "1103" and r.year == 2025)]
    figures = build_key_figures(run_analysis(rows, municipalities, make_config(), MARCH))
    failures = check_quality(figures, suppress(figures), municipalities)
    assert [(f.check, f.where) for f in failures] == [
        ("all_municipalities_present", "kommune 1103 Stavanger")
    ]


def test_failed_check_blocks_publishing(figures, municipalities, tmp_path):
    broken = tamper(figures, "4602", vedtatt=-1)
    published = suppress(broken)
    failures = check_quality(broken, published, municipalities)
    with pytest.raises(PublishBlocked) as info:
        keyfigures.key_figure_files(published, failures, tmp_path / "publisert")
    assert "Ingen negative tall" in str(info.value)


def test_unsuppressed_figures_are_blocked_even_without_failures(figures, tmp_path):
    with pytest.raises(PublishBlocked, match="prikking er ikke gjort"):
        keyfigures.key_figure_files(figures, [], tmp_path)


def test_publishing_gives_csv_and_json(figures, municipalities, tmp_path):
    published = suppress(figures)
    files = keyfigures.key_figure_files(
        published, check_quality(figures, published, municipalities), tmp_path
    )
    assert list(files) == [
        tmp_path / "nokkeltall-bosetting-2025-03.csv",
        tmp_path / "nokkeltall-bosetting-2025-03.json",
    ]
    csv_bytes, json_bytes = files.values()
    lines = csv_bytes.decode("utf-8-sig").splitlines()
    assert csv_bytes.startswith(b"\xef\xbb\xbf")  # BOM, so that Excel in Norway opens it as is
    assert lines[0].startswith("år;til_og_med_måned;nivå;kode;navn;fylkesnr;anmodet")
    # The nation: anmodet 140 (EM Oslo 4 (March) + 0 + 5 + 2 = 11),
    # vedtatt 120 (EM 3 + 0 + 5 + 1 = 9), bosatt 18 (EM 2, hidden as under 5).
    assert lines[1] == "2025;3;land;00;Hele landet;;140;11;120;9;18;:"
    document = json.loads(json_bytes.decode("utf-8"))
    assert document["prikket_under"] == 5
    assert document["rader"][0]["bosatt_hittil"] == 18


def test_a_name_that_is_a_formula_is_published_as_text(figures):
    # A municipality list edited carelessly (or by someone hostile): the published CSV, which
    # people open in Excel, holds the name as text, not as a formula (OWASP, CSV injection).
    hostile = dataclasses.replace(row(figures, "0301"), name="=cmd|' /C calc'!A0")
    figures = dataclasses.replace(figures, rows=[hostile if r.code == "0301" else r for r in figures.rows])
    lines = keyfigures.key_figures_csv(suppress(figures)).decode("utf-8-sig").splitlines()
    assert any(line.startswith("2025;3;kommune;0301;'=cmd|' /C calc'!A0;03;") for line in lines)
