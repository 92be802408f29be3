import json
from datetime import date

import pytest

from pliktvakt.grants.awards import validate_rows
from pliktvakt.grants.letters import (
    TEMPLATE_DIR,
    TEMPLATE_NAME,
    LetterIncomplete,
    build_letter_data,
    missing_letter_items,
    render_letter,
)
from pliktvakt.grants.schemes import DecisionKind

from .conftest import HEADER, ORGNR_A, ORGNR_B

FRIVILLIG = "integreringsarbeid-frivillige-organisasjoner"


def _decisions(schemes, *rows):
    header = (HEADER + ";søkertype").split(";")
    return validate_rows(
        "test.csv", [(1, header)] + [(n, r.split(";")) for n, r in enumerate(rows, start=2)], schemes
    )


@pytest.fixture
def round_(schemes):
    return _decisions(
        schemes,
        f"{FRIVILLIG};2025;Frivillig lag;{ORGNR_A};200000;150000;;75 % av budsjettet;privat",
        f"{FRIVILLIG};2025;Frivillig forening;{ORGNR_B};90000;0;"
        "Tiltaket er ikke rettet mot målgruppen;privat",
        f"jobbsjansen;2025;Bergen kommune;{ORGNR_B};500000;400000;;Sats 80 000 kr × 5 deltakere;offentlig",
        f"jobbsjansen;2025;Voss kommune;{ORGNR_A};300000;0;Søknaden kom etter fristen;offentlig",
    )


def test_enkeltvedtak_letter_has_appeal_right_and_deadline(round_, schemes):
    # Letter dated and presumed received Mon 31 Mar 2025: + 3 weeks = 21 Apr, Andre påskedag
    # -> Tue 22 Apr 2025.
    data = build_letter_data("2025-1", "25/100-2", schemes[FRIVILLIG], round_[0], date(2025, 3, 31))
    assert data.decision_kind is DecisionKind.ENKELTVEDTAK and data.acceptance is None
    assert data.appeal.deadline == date(2025, 4, 22)
    letter = render_letter(data)
    for text in (
        "<strong>22. april 2025</strong>",
        "forvaltningsloven § 28",
        "forvaltningsloven § 29",
        "sendes klagen til Arbeids- og inkluderingsdepartementet som klageinstans",
        "75 % av budsjettet",
        "150\u00a0000\u00a0kr",
        "stanse utbetaling eller kreve tilskuddet tilbake",
    ):
        assert text in letter.html
    assert "akseptbrev" not in letter.html
    saved = json.loads(letter.json)
    assert saved["appeal"]["deadline"] == "2025-04-22" and saved["amount_awarded"] == "150000.00"
    assert letter.file_stem == f"25-100-2-{ORGNR_A}"


def test_letter_presumed_received_later_than_dated(round_, schemes):
    # Dated Fri 4 Dec 2025, by post presumed received Mon 8 Dec: + 3 weeks = Mon 29 Dec 2025.
    data = build_letter_data("r", "r-2", schemes[FRIVILLIG], round_[0], date(2025, 12, 4), date(2025, 12, 8))
    assert data.appeal.deadline == date(2025, 12, 29)


def test_rejection_letter_has_reason(round_, schemes):
    letter = render_letter(build_letter_data("r", "r-3", schemes[FRIVILLIG], round_[1], date(2025, 3, 31)))
    assert "Begrunnelse for avslaget" in letter.html
    assert "Tiltaket er ikke rettet mot målgruppen" in letter.html
    assert "Klagefristen er tre uker" in letter.html


def test_aksept_letter_has_acceptance_deadline_and_lapse(round_, schemes):
    # Dated Fri 2 May 2025 + 3 weeks = Fri 23 May 2025, a business day.
    data = build_letter_data("r", "r-4", schemes["jobbsjansen"], round_[2], date(2025, 5, 2))
    assert data.decision_kind is DecisionKind.AKSEPT and data.appeal is None
    html = render_letter(data).html
    assert "<strong>23. mai 2025</strong>" in html
    assert "Dersom akseptbrevet ikke er mottatt innen fristen, faller tilskuddet bort." in html
    assert "Sats 80 000 kr × 5 deltakere" in html
    assert "ikke enkeltvedtak etter\nforvaltningsloven § 2 og kan ikke påklages" in html


def test_aksept_rejection_has_no_acceptance_deadline(round_, schemes):
    data = build_letter_data("r", "r-5", schemes["jobbsjansen"], round_[3], date(2025, 5, 2))
    assert data.acceptance is None and missing_letter_items(data) == []
    html = render_letter(data).html
    assert "Søknaden kom etter fristen" in html and "akseptbrev" not in html


@pytest.mark.parametrize(
    ("index", "update", "missing"),
    [
        (0, {"computation": None}, ["hvordan beløpet er regnet ut"]),
        (1, {"rejection_reason": "  "}, ["begrunnelse for avslag"]),
        (0, {"appeal": None}, ["klageadgang og klagefrist (forvaltningsloven §§ 28 og 29)"]),
        (
            2,
            {"acceptance": None, "computation": ""},
            ["hvordan beløpet er regnet ut", "frist for akseptbrev"],
        ),
    ],
)
def test_letter_missing_items_is_refused(round_, schemes, index, update, missing):
    decision = round_[index]
    data = build_letter_data("r", "r-x", schemes[decision.scheme_id], decision, date(2025, 5, 2))
    broken = data.model_copy(update=update)
    with pytest.raises(LetterIncomplete) as info:
        render_letter(broken)
    assert info.value.missing == missing
    assert str(info.value).startswith("Tilskuddsbrev r-x blir ikke laget; det mangler: ")


def test_template_that_drops_an_item_is_caught(round_, schemes, tmp_path):
    text = (TEMPLATE_DIR / TEMPLATE_NAME).read_text(encoding="utf-8")
    (tmp_path / TEMPLATE_NAME).write_text(text.replace("{{ letter.computation }}", ""), encoding="utf-8")
    data = build_letter_data("r", "r-2", schemes[FRIVILLIG], round_[0], date(2025, 5, 2))
    with pytest.raises(LetterIncomplete, match="hvordan beløpet er regnet ut \\(står ikke i malen\\)"):
        render_letter(data, template_dir=tmp_path)


def test_no_letters_for_automatic_per_capita_grants(round_, schemes):
    with pytest.raises(ValueError, match="har ikke tilskuddsbrev"):
        build_letter_data("r", "r-2", schemes["integreringstilskudd"], round_[0], date(2025, 5, 2))


def test_applicant_text_is_escaped(schemes):
    (decision,) = _decisions(schemes, f"jobbsjansen;2025;<b>Lag & co</b>;{ORGNR_A};10;10;;sats;")
    html = render_letter(
        build_letter_data("r", "r-2", schemes["jobbsjansen"], decision, date(2025, 5, 2))
    ).html
    assert "&lt;b&gt;Lag &amp; co&lt;/b&gt;" in html and "<b>Lag" not in html
