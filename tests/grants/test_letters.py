import json
from datetime import date

import pytest

from pliktvakt.grants.inputs import validate_rows
from pliktvakt.grants.render_letters import (
    TEMPLATE_DIR,
    TEMPLATE_NAME,
    LetterIncomplete,
    build_letter_data,
    missing_letter_items,
    render_letter,
)
from pliktvakt.grants.schemes import FACT_NAMES, REJECTION_FACTS, DecisionKind, LegalBasis

from .conftest import HEADER, ORGNR_A, ORGNR_B, ORGNR_C

FRIVILLIG = "integreringsarbeid-frivillige-organisasjoner"


def _decisions(schemes, *rows):
    header = (HEADER + ";søkertype;grunn").split(";")
    return validate_rows(
        "test.csv", [(1, header)] + [(n, r.split(";")) for n, r in enumerate(rows, start=2)], schemes
    )


@pytest.fixture
def round_(schemes):
    return _decisions(
        schemes,
        f"{FRIVILLIG};2025;Frivillig lag;{ORGNR_A};200000;150000;;75 % av budsjettet;privat;ramme",
        f"{FRIVILLIG};2025;Frivillig forening;{ORGNR_B};90000;0;"
        "Tiltaket er ikke rettet mot målgruppen;;privat;malgruppe",
        f"jobbsjansen;2025;Bergen kommune;{ORGNR_B};500000;400000;;"
        "Sats 80 000 kr × 5 deltakere;offentlig;ramme",
        f"jobbsjansen;2025;Voss kommune;{ORGNR_A};300000;0;Søknaden kom etter fristen;;offentlig;malgruppe",
        f"kompetansekartlegging-mottaksbeboere;2025;Kartlegging AS;{ORGNR_A};100000;60000;;"
        "60 % av godkjent budsjett;privat;ramme",
        f"{FRIVILLIG};2025;Fullt lag;{ORGNR_C};100000;100000;;Full sats for ett tiltak;privat;",
    )


def _facts_shown(html: str, scheme_id: str, names) -> None:
    for number, (name, label) in enumerate(FACT_NAMES.items(), start=1):
        if name in names:
            assert f"Testtekst for {label} ({scheme_id})" in html, name
            assert f"Testregelverket pkt. {number}" in html, name


# One letter of each kind; each required item is checked by its text in the rendered letter.
# Dates: letters dated Mon 31 Mar 2025 (enkeltvedtak: presumed received the same day, + 3 weeks
# = Mon 21 Apr, Andre påskedag -> Tue 22 Apr 2025) or Fri 2 May 2025 (aksept: + 3 weeks = Fri
# 23 May 2025, a business day). Reporting: 03-01 the year after the grant year = 1 March 2026.
STOP = "IMDi kan stanse utbetaling eller kreve tilskuddet tilbake"
CONTROL = "bevilgningsreglement § 10 første og andre ledd og riksrevisjonsloven § 12 tredje ledd"
APPEAL = ("forvaltningsloven § 28", "forvaltningsloven § 29", "forvaltningsloven § 30")
BODY = "sendes klagen til Arbeids- og inkluderingsdepartementet som klageinstans"
CITE = "jf. forvaltningsloven § 25"
LETTERS = {
    # kind: (decision index, letter date, texts that must be there, texts that must not)
    "award, enkeltvedtak, private": (
        5,
        date(2025, 3, 31),
        ("<strong>22. april 2025</strong>", *APPEAL, BODY, "<strong>1. mars 2026</strong>", STOP, CONTROL),
        ("akseptbrev", CITE, "Stortingets budsjettvedtak"),
    ),
    "partial award, enkeltvedtak, private": (
        4,
        date(2025, 3, 31),
        (
            "<strong>22. april 2025</strong>",
            "Dere har fått mindre enn dere søkte om",
            "Testregelverket pkt. 5.4: Testgrunn ramme",  # the ground and its point (fvl. § 25)
            CITE,
            STOP,
            CONTROL,
            "forvaltningsloven § 16",
        ),
        ("akseptbrev",),
    ),
    "rejection, enkeltvedtak, private": (
        1,
        date(2025, 3, 31),
        (
            "Begrunnelse for avslaget",
            "Testregelverket pkt. 5.2: Testgrunn malgruppe",  # the ground and its point
            "<strong>Hovedhensyn:</strong> Tiltaket er ikke rettet mot målgruppen",
            CITE,
            *APPEAL,
            BODY,
        ),
        ("akseptbrev", STOP, "Rapportering"),
    ),
    "award, aksept, public": (
        2,
        date(2025, 5, 2),
        (
            "<strong>23. mai 2025</strong>",
            "Dersom akseptbrevet ikke er mottatt innen fristen, faller tilskuddet bort.",
            "bekrefte vilkårene i dette brevet",
            "ikke enkeltvedtak etter\nforvaltningsloven § 2 og kan ikke påklages",
            "<strong>1. mars 2026</strong>",
            STOP,
            CONTROL,
            "Testregelverket pkt. 5.4",  # 400 000 of 500 000: a reduced amount cites its ground
            "be IMDi vurdere avgjørelsen på nytt",
        ),
        # Not an enkeltvedtak: neither § 25 nor § 16 is cited as if it were (issue 29).
        ("Klagefristen", CITE, "forvaltningsloven § 16"),
    ),
    "rejection, aksept, public": (
        3,
        date(2025, 5, 2),
        (
            "Søknaden kom etter fristen",
            "Testregelverket pkt. 5.2",
            "ikke enkeltvedtak etter\nforvaltningsloven § 2",
            "be IMDi vurdere avgjørelsen på nytt",
        ),
        ("akseptbrev", "Klagefristen", STOP, CITE),
    ),
}


@pytest.mark.parametrize("kind", list(LETTERS))
def test_each_kind_of_letter_has_every_required_item(round_, schemes, kind):
    index, letter_date, present, absent = LETTERS[kind]
    decision = round_[index]
    data = build_letter_data("2025-1", "25/100-2", schemes[decision.scheme_id], decision, letter_date)
    assert missing_letter_items(data) == []
    letter = render_letter(data)
    for text in present:
        assert text in letter.html, text
    for text in absent:
        assert text not in letter.html, text
    facts = REJECTION_FACTS if decision.rejected else tuple(FACT_NAMES)
    _facts_shown(letter.html, decision.scheme_id, facts)
    if decision.rejected:  # a rejection states only what its reasons rest on
        _facts_absent = set(FACT_NAMES) - set(REJECTION_FACTS)
        assert not any(f"Testtekst for {FACT_NAMES[n]}" in letter.html for n in _facts_absent)
    assert set(json.loads(letter.json)["facts"]) == set(facts)


def test_enkeltvedtak_letter_json_and_file_name(round_, schemes):
    data = build_letter_data("2025-1", "25/100-2", schemes[FRIVILLIG], round_[0], date(2025, 3, 31))
    assert data.decision_kind is DecisionKind.ENKELTVEDTAK and data.acceptance is None
    letter = render_letter(data)
    assert "75 % av budsjettet" in letter.html and "150\u00a0000\u00a0kr" in letter.html
    saved = json.loads(letter.json)
    assert saved["appeal"]["deadline"] == "2025-04-22" and saved["amount_awarded"] == "150000.00"
    assert saved["reporting_due"] == "2026-03-01"
    assert letter.file_stem == f"25-100-2-{ORGNR_A}"


def test_private_applicant_outside_footnote_2_gets_appeal_right(schemes):
    # Jobbsjansen is not in fotnote 2, but a private applicant's decision is an enkeltvedtak
    # (vedlegg 1 pkt. 2, forvaltningsloven § 2). Dated Fri 2 May 2025 + 3 weeks = Fri 23 May.
    (decision,) = _decisions(schemes, f"jobbsjansen;2025;Stiftelse AS;{ORGNR_A};100000;100000;;Sats;privat;")
    data = build_letter_data("r", "r-6", schemes["jobbsjansen"], decision, date(2025, 5, 2))
    assert data.decision_kind is DecisionKind.ENKELTVEDTAK
    html = render_letter(data).html
    assert "Vedtaket er et enkeltvedtak og kan påklages" in html
    assert "<strong>23. mai 2025</strong>" in html and BODY in html
    assert "ikke å anse som et enkeltvedtak" not in html and "akseptbrev" not in html


def test_private_aksept_only_with_stated_basis_which_the_letter_quotes(schemes):
    basis = LegalBasis(
        text="Ordningen er en avtale om tjenestekjøp (testhjemmel)", reference="Testforskrift § 3"
    )
    scheme = schemes["jobbsjansen"].model_copy(
        update={"decision_kind": DecisionKind.AKSEPT, "not_enkeltvedtak_basis": basis}
    )
    (decision,) = _decisions(schemes, f"jobbsjansen;2025;Stiftelse AS;{ORGNR_A};100000;100000;;Sats;privat;")
    data = build_letter_data("r", "r-7", scheme, decision, date(2025, 5, 2))
    assert data.decision_kind is DecisionKind.AKSEPT
    html = render_letter(data).html
    assert "Grunnlaget er: Ordningen er en avtale om tjenestekjøp (testhjemmel) (Testforskrift § 3)" in html
    assert "<strong>23. mai 2025</strong>" in html
    with pytest.raises(LetterIncomplete, match="hjemmel for at vedtaket til en privat søker"):
        render_letter(data.model_copy(update={"not_enkeltvedtak_basis": None}))


def test_provisional_commitment_for_next_year_carries_the_storting_reservation(schemes):
    # Dated Mon 1 Dec 2025 for 2026: + 3 weeks = Mon 22 Dec 2025; report by 1 March 2027.
    (decision,) = _decisions(schemes, f"{FRIVILLIG};2026;Frivillig lag;{ORGNR_A};100000;100000;;Sats;privat;")
    data = build_letter_data("r", "r-8", schemes[FRIVILLIG], decision, date(2025, 12, 1))
    assert data.provisional and data.reporting_due == date(2027, 3, 1)
    html = render_letter(data).html
    assert "Foreløpig tilsagn om tilskudd" in html
    assert "gis med forbehold om Stortingets budsjettvedtak for 2026" in html
    assert "<strong>22. desember 2025</strong>" in html
    with pytest.raises(LetterIncomplete, match="Stortingets budsjettforbehold"):
        render_letter(data.model_copy(update={"provisional": False}))


def test_shipped_placeholders_refuse_the_letter_naming_the_fields(shipped_schemes):
    (award, rejection) = _decisions(
        shipped_schemes,
        f"jobbsjansen;2025;Stiftelse AS;{ORGNR_A};100000;100000;;Sats;privat;",
        f"jobbsjansen;2025;Annen AS;{ORGNR_B};100000;0;Utenfor målgruppen;;privat;malgruppe",
    )
    with pytest.raises(LetterIncomplete) as info:
        build_letter_data("r", "r-9", shipped_schemes["jobbsjansen"], award, date(2025, 5, 2))
    assert [item.split(" (")[0] for item in info.value.missing] == list(FACT_NAMES.values())
    assert "felt «facts.conditions» for ordningen «jobbsjansen» i config/grant_schemes.yaml" in str(
        info.value
    )
    assert "plassholder" in str(info.value)
    with pytest.raises(LetterIncomplete) as info:
        build_letter_data("r", "r-10", shipped_schemes["jobbsjansen"], rejection, date(2025, 5, 2))
    assert [item.split(" (")[0] for item in info.value.missing] == [
        *(FACT_NAMES[n] for n in REJECTION_FACTS),
        "grunnen i regelverket",  # the ground is a placeholder too (issue 29)
    ]
    assert "felt «grounds.malgruppe» for ordningen «jobbsjansen»" in str(info.value)


def test_aksept_rejection_has_no_acceptance_deadline(round_, schemes):
    data = build_letter_data("r", "r-5", schemes["jobbsjansen"], round_[3], date(2025, 5, 2))
    assert data.acceptance is None and missing_letter_items(data) == []


@pytest.mark.parametrize(
    ("index", "update", "missing"),
    [
        (0, {"computation": None}, ["hvordan beløpet er regnet ut"]),
        (1, {"rejection_reason": "  "}, ["begrunnelse for avslag"]),
        (
            1,
            {"ground": None},
            ["grunnen i regelverket som avslaget eller reduksjonen bygger på (forvaltningsloven § 25)"],
        ),
        (0, {"appeal": None}, ["klageadgang og klagefrist (forvaltningsloven §§ 28 og 29)"]),
        (0, {"reporting_due": None}, ["rapporteringsfrist"]),
        (0, {"facts": {}}, list(FACT_NAMES.values())),
        (1, {"facts": {}}, [FACT_NAMES[n] for n in REJECTION_FACTS]),
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
    assert str(info.value).startswith(
        "Tilskuddsbrev r-x blir ikke laget (sperren grant-letter-content, vedlegg 1 pkt. 3); det mangler: "
    )


def test_template_that_drops_an_item_is_caught(round_, schemes, tmp_path):
    text = (TEMPLATE_DIR / TEMPLATE_NAME).read_text(encoding="utf-8")
    (tmp_path / TEMPLATE_NAME).write_text(text.replace("{{ letter.computation }}", ""), encoding="utf-8")
    data = build_letter_data("r", "r-2", schemes[FRIVILLIG], round_[0], date(2025, 5, 2))
    with pytest.raises(LetterIncomplete, match="hvordan beløpet er regnet ut \\(står ikke i malen\\)"):
        render_letter(data, template_dir=tmp_path)


@pytest.mark.parametrize(
    ("cut", "item"),
    [
        ("IMDi kan stanse utbetaling eller kreve tilskuddet tilbake", "at utbetaling kan stanses"),
        ("bevilgningsreglement § 10 første og andre ledd", "kontrollretten til IMDi og Riksrevisjonen"),
        ("{{ f.conditions.text }}", "vilkårene mottakeren aksepterer"),
        ("{{ f.payment.text }}", "tidspunkt og krav for utbetaling"),
        ("{{ letter.reporting_due | dato }}", "rapporteringsfrist"),
        ("{{ f.goal_criteria.reference }}", "henvisning for kriteriene for måloppnåelse"),
    ],
)
def test_template_that_drops_a_fixed_or_scheme_item_is_caught(round_, schemes, tmp_path, cut, item):
    text = (TEMPLATE_DIR / TEMPLATE_NAME).read_text(encoding="utf-8")
    assert cut in text
    (tmp_path / TEMPLATE_NAME).write_text(text.replace(cut, ""), encoding="utf-8")
    data = build_letter_data("r", "r-2", schemes[FRIVILLIG], round_[0], date(2025, 5, 2))
    with pytest.raises(LetterIncomplete, match=item):
        render_letter(data, template_dir=tmp_path)


def test_no_letters_for_automatic_per_capita_grants(round_, schemes):
    with pytest.raises(ValueError, match="har ikke tilskuddsbrev"):
        build_letter_data("r", "r-2", schemes["integreringstilskudd"], round_[0], date(2025, 5, 2))


def test_applicant_text_is_escaped(schemes):
    (decision,) = _decisions(schemes, f"jobbsjansen;2025;<b>Lag & co</b>;{ORGNR_A};10;10;;sats;privat;")
    html = render_letter(
        build_letter_data("r", "r-2", schemes["jobbsjansen"], decision, date(2025, 5, 2))
    ).html
    assert "&lt;b&gt;Lag &amp; co&lt;/b&gt;" in html and "<b>Lag" not in html
