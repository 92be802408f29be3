from decimal import Decimal

import pytest
from openpyxl import Workbook

from pliktvakt.grants.inputs import (
    ApplicantKind,
    AwardImportError,
    decision_kind_for,
    parse_amount,
    read_award_file,
)
from pliktvakt.grants.schemes import DecisionKind

from .conftest import FULL, HEADER, ORGNR_A, ORGNR_B, ORGNR_C, PARTY_HEADER, REDUCED

FRIVILLIG = "integreringsarbeid-frivillige-organisasjoner"


def test_valid_csv_gives_validated_records(write_csv, schemes):
    path = write_csv(
        PARTY_HEADER,
        f"{FRIVILLIG};2025;Frivillig lag;974 760 673;200 000;150000;;50 % av søkte kostnader{REDUCED}",
        f"jobbsjansen;2025;Bergen kommune;{ORGNR_B};100000,50;0;For få deltakere;;malgruppe;KOMM",
    )
    first, second = read_award_file(path, schemes)
    assert (first.line, first.orgnr, first.amount_applied, first.amount_awarded) == (
        2,
        ORGNR_A,
        Decimal("200000.00"),
        Decimal("150000.00"),
    )
    assert not first.rejected and first.computation == "50 % av søkte kostnader"
    assert second.rejected and second.rejection_reason == "For få deltakere"
    assert second.amount_applied == Decimal("100000.50")


def test_windows_1252_csv_from_norwegian_excel(write_csv, schemes):
    path = write_csv(
        PARTY_HEADER, f"jobbsjansen;2025;Ås kommune;{ORGNR_B};10;10;;Sats × 1;;KOMM", encoding="cp1252"
    )
    assert read_award_file(path, schemes)[0].applicant == "Ås kommune"


def test_invalid_orgnr_names_line_and_field(write_csv, schemes):
    path = write_csv(
        PARTY_HEADER,
        f"jobbsjansen;2025;Gyldig;{ORGNR_A};10;10;;sats{FULL}",
        f"jobbsjansen;2025;Feil kontrollsiffer;974760674;10;10;;sats{FULL}",
        f"jobbsjansen;2025;For kort;97476067;10;10;;sats{FULL}",
    )
    with pytest.raises(AwardImportError) as info:
        read_award_file(path, schemes)
    lines = [str(e) for e in info.value.errors]
    assert lines == [
        "tildelinger.csv, linje 3, felt «orgnr»: "
        "ugyldig organisasjonsnummer «974760674»: kontrollsifferet stemmer ikke",
        "tildelinger.csv, linje 4, felt «orgnr»: ugyldig organisasjonsnummer «97476067»: må ha 9 siffer",
    ]
    assert str(info.value).startswith("tildelinger.csv: filen ble avvist, ingenting er lagt inn (2 feil):")
    # The rejected row is kept with its reason.
    assert info.value.errors[0].raw["søker"] == "Feil kontrollsiffer"


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        # Rejected without a reason (vedlegg 1 pkt. 3).
        (
            f"jobbsjansen;2025;X;{ORGNR_A};10;0;;;malgruppe;FLI",
            "linje 2, felt «avslagsgrunn»: avslag (tildelt beløp 0) må ha en begrunnelse",
        ),
        # Awarded without saying how the amount was computed.
        (
            f"jobbsjansen;2025;X;{ORGNR_A};10;5;;{REDUCED}",
            "linje 2, felt «beregning»: innvilget tilskudd må si hvordan",
        ),
        (
            f"jobbsjansen;2025;X;{ORGNR_A};10;50;;sats{REDUCED}",
            "linje 2, felt «tildelt_beløp»: tildelt beløp er større enn søkt beløp",
        ),
        (
            f"jobbsjansen;2025;X;{ORGNR_A};ti kroner;5;;sats{REDUCED}",
            "linje 2, felt «søkt_beløp»: «ti kroner» er ikke et beløp",
        ),
        (
            f"jobbsjansen;2025;X;{ORGNR_A};1.000,50;5;;sats{REDUCED}",
            "linje 2, felt «søkt_beløp»: «1.000,50» er tvetydig",
        ),
        (f"jobbsjansen;25;X;{ORGNR_A};10;5;;sats{REDUCED}", "linje 2, felt «år»: «25» er ikke et gyldig år"),
        (f"jobbsjansen;2025;;{ORGNR_A};10;5;;sats{REDUCED}", "linje 2, felt «søker»: mangler verdi"),
        (
            f"ukjent-ordning;2025;X;{ORGNR_A};10;5;;sats{REDUCED}",
            "linje 2, felt «ordning»: ukjent ordning «ukjent-ordning»",
        ),
        (
            f"integreringstilskudd;2025;X;{ORGNR_A};10;5;;sats{REDUCED}",
            "felt «ordning»: ordningen «integreringstilskudd» er ikke søknadsbasert",
        ),
        (
            f"jobbsjansen;2025;X;{ORGNR_A};10;5;;sats{REDUCED};ekstra",
            "linje 2: linjen har 11 felt, overskriften 10",
        ),
    ],
)
def test_bad_row_rejects_the_whole_file(write_csv, schemes, row, expected):
    good = f"jobbsjansen;2025;Gyldig;{ORGNR_B};10;10;;sats{FULL}"
    path = write_csv(PARTY_HEADER, good, row)
    with pytest.raises(AwardImportError) as info:
        read_award_file(path, schemes)
    message = str(info.value)
    assert expected.replace("linje 2", "linje 3") in message
    assert "Gyldig" not in message  # the good row is not reported, but neither is it imported


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            PARTY_HEADER.replace(";beregning", ""),
            "linje 1, felt «beregning»: kolonnen mangler i overskriften",
        ),
        (PARTY_HEADER.replace("avslagsgrunn", "avslagsgrun"), "linje 1, felt «avslagsgrun»: ukjent kolonne"),
        (PARTY_HEADER + ";ordning", "linje 1, felt «ordning»: kolonnen står flere ganger i overskriften"),
        # Issue 29: who is public must be stated; without either column the file is refused.
        (
            HEADER + ";grunn",
            "linje 1, felt «organisasjonsform»: kolonnen mangler: filen må ha søkertype eller",
        ),
    ],
)
def test_malformed_header_rejected(write_csv, schemes, header, expected):
    with pytest.raises(AwardImportError, match=expected):
        read_award_file(write_csv(header, f"jobbsjansen;2025;X;{ORGNR_A};10;5;;sats{REDUCED}"), schemes)


def test_comma_separated_file_is_read(write_csv, schemes):
    # The separator is decided from the header: Excel in English writes commas.
    path = write_csv(
        PARTY_HEADER.replace(";", ","),
        f'jobbsjansen,2025,"Lag, avd. Ås",{ORGNR_A},"10,50",10,,sats,ramme,FLI',
    )
    (decision,) = read_award_file(path, schemes)
    assert (decision.applicant, decision.amount_applied) == ("Lag, avd. Ås", Decimal("10.50"))


def test_empty_file_and_header_only_rejected(write_csv, schemes, tmp_path):
    empty = tmp_path / "tom.csv"
    empty.write_bytes(b"")
    with pytest.raises(AwardImportError, match="tom.csv: filen er tom"):
        read_award_file(empty, schemes)
    with pytest.raises(AwardImportError, match="filen har ingen vedtak"):
        read_award_file(write_csv(PARTY_HEADER, ""), schemes)


def test_line_numbers_count_blank_and_multiline_records(write_csv, schemes):
    path = write_csv(
        PARTY_HEADER,
        "",
        f'jobbsjansen;2025;X;{ORGNR_A};10;5;;"sats\nover to linjer"{REDUCED}',
        f"jobbsjansen;2025;X;123;10;5;;sats{REDUCED}",
    )
    with pytest.raises(AwardImportError) as info:
        read_award_file(path, schemes)
    # Line 1 header, 2 blank, 3-4 one record, 5 the bad orgnr.
    assert [(e.line, e.field) for e in info.value.errors] == [(5, "orgnr")]


def test_xlsx_import_and_row_numbers(tmp_path, schemes):
    book = Workbook()
    sheet = book.active
    sheet.append(PARTY_HEADER.split(";"))
    sheet.append([FRIVILLIG, 2025, "Lag", int(ORGNR_A), 200000, 150000.0, None, "sats", "ramme", "FLI"])
    sheet.append(
        [
            "kompetansekartlegging-mottaksbeboere",
            2025,
            "Stiftelse",
            int(ORGNR_C),
            5000,
            5000,
            None,
            "sats",
            None,
            "STI",
        ]
    )
    path = tmp_path / "runde.xlsx"
    book.save(path)
    first, second = read_award_file(path, schemes)
    assert first.orgnr == ORGNR_A and first.amount_awarded == Decimal("150000.00")
    assert second.applicant_kind is ApplicantKind.PRIVATE  # STI: a foundation is private

    sheet.append([FRIVILLIG, 2025, "Lag", "123456789", 1, 1, None, "sats", None, "FLI"])
    book.save(path)
    with pytest.raises(AwardImportError, match="runde.xlsx, linje 4, felt «orgnr»"):
        read_award_file(path, schemes)


def test_not_an_excel_file(tmp_path, schemes):
    path = tmp_path / "falsk.xlsx"
    path.write_text("ordning;år", encoding="utf-8")
    with pytest.raises(AwardImportError, match="falsk.xlsx: kan ikke lese filen som Excel"):
        read_award_file(path, schemes)


def test_public_applicant_is_never_enkeltvedtak(write_csv, schemes):
    # Vedlegg 1 pkt. 2: decisions to municipalities are not enkeltvedtak (forvaltningsloven § 2);
    # decisions to private applicants are, also under schemes outside fotnote 2 (Jobbsjansen).
    path = write_csv(
        HEADER + ";søkertype",
        f"{FRIVILLIG};2025;Lag;{ORGNR_A};10;10;;sats;privat",
        f"{FRIVILLIG};2025;Oslo kommune;{ORGNR_B};10;10;;sats;offentlig",
        f"jobbsjansen;2025;Lag;{ORGNR_A};10;10;;sats;privat",
    )
    kinds = [decision_kind_for(schemes[d.scheme_id], d) for d in read_award_file(path, schemes)]
    assert kinds == [DecisionKind.ENKELTVEDTAK, DecisionKind.AKSEPT, DecisionKind.ENKELTVEDTAK]


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("150000", "150000"),
        ("150 000", "150000"),
        ("150\u00a0000 kr", "150000"),
        ("99,5", "99.50"),
        ("0", "0"),
        ("200000,50", "200000.50"),
        ("1 234 567,89", "1234567.89"),
        ("200\u202f000", "200000"),
    ],
)
def test_parse_amount(text, amount):
    assert parse_amount(text) == Decimal(amount)


@pytest.mark.parametrize(
    "text",
    # Issue 30: every form that could be read two ways, or is no way to write kroner.
    ["-5", "1,234", "NaN", "1e3x", "200.000", "200.000,50", "150000.50"]
    + ["2e5", "2E5", "+5", "20 0000", "1 00"],
)
def test_parse_amount_rejects(text):
    with pytest.raises(ValueError):
        parse_amount(text)


def test_the_same_decision_twice_is_refused_naming_both_lines(write_csv, schemes):
    # Lines 2 and 4 are one applicant under one scheme (orgnr written with and without spaces):
    # a double award. Line 3, the same applicant under another scheme, is a decision of its own.
    path = write_csv(
        PARTY_HEADER,
        f"{FRIVILLIG};2025;Frivillig lag;{ORGNR_A};2000;1000;;sats{REDUCED}",
        f"jobbsjansen;2025;Frivillig lag;{ORGNR_A};2000;1000;;sats{REDUCED}",
        f"{FRIVILLIG};2025;Frivillig lag;974 760 673;2000;1000;;sats{REDUCED}",
    )
    with pytest.raises(AwardImportError) as caught:
        read_award_file(path, schemes)
    [problem] = caught.value.errors
    assert (problem.line, problem.field) == (4, "orgnr")
    assert "samme ordning og organisasjonsnummer som linje 2" in problem.message
    assert "(linje 2 og 4)" in problem.message


# --- issue 29: party status from the organisation form, and grounds that cite the rule ------


def test_party_status_from_the_organisation_form(write_csv, schemes):
    """Vedlegg 1 pkt. 2: KOMM and KF are public (no appeal, acceptance letter); an AS owned by a
    municipality and a foundation are private legal persons (enkeltvedtak); a municipality
    applying in the same capacity as a private applicant says søkertype privat."""
    path = write_csv(
        PARTY_HEADER + ";søkertype",
        f"jobbsjansen;2025;Oslo kommune;{ORGNR_A};10;10;;sats;;KOMM;",
        f"jobbsjansen;2025;Kommunens AS;{ORGNR_B};10;10;;sats;;as;",
        f"jobbsjansen;2025;Bydelsforetak;{ORGNR_C};10;10;;sats;;KF;",
        f"{FRIVILLIG};2025;Kommunal stiftelse;{ORGNR_A};10;10;;sats;;STI;",
        f"{FRIVILLIG};2025;Bergen kommune;{ORGNR_B};10;10;;sats;;KOMM;privat",
    )
    decisions = read_award_file(path, schemes)
    kinds = [decision_kind_for(schemes[d.scheme_id], d) for d in decisions]
    assert kinds == [
        DecisionKind.AKSEPT,
        DecisionKind.ENKELTVEDTAK,
        DecisionKind.AKSEPT,
        DecisionKind.ENKELTVEDTAK,
        DecisionKind.ENKELTVEDTAK,
    ]
    assert [d.organisation_form for d in decisions] == ["KOMM", "AS", "KF", "STI", "KOMM"]


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (
            ";;AS;offentlig",
            "felt «organisasjonsform»: organisasjonsform AS (Aksjeselskap) er et privat rettssubjekt",
        ),
        (";;XYZ;", "felt «organisasjonsform»: ukjent organisasjonsform «XYZ»"),
        (";;SF;", "felt «organisasjonsform»: organisasjonsform SF (Statsforetak) sier ikke om søkeren"),
        (";;;", "felt «søkertype»: mangler både søkertype og organisasjonsform"),
    ],
)
def test_party_status_refused_naming_the_line(write_csv, schemes, cells, expected):
    path = write_csv(
        PARTY_HEADER + ";søkertype",
        f"jobbsjansen;2025;Gyldig;{ORGNR_B};10;10;;sats;;KOMM;",
        f"jobbsjansen;2025;X;{ORGNR_A};10;10;;sats{cells}",
    )
    with pytest.raises(AwardImportError) as info:
        read_award_file(path, schemes)
    assert f"tildelinger.csv, linje 3, {expected}" in str(info.value)


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            f"{FRIVILLIG};2025;X;{ORGNR_A};10;0;Utenfor;;;FLI",
            "avslag må oppgi grunnen i regelverket (kolonne grunn)",
        ),
        (f"{FRIVILLIG};2025;X;{ORGNR_A};10;5;;sats;;FLI", "redusert beløp må oppgi grunnen i regelverket"),
        (f"{FRIVILLIG};2025;X;{ORGNR_A};10;0;Utenfor;;ukjent;FLI", "«ukjent» er ikke en grunn for avslag"),
        # kostnader is a ground for a reduction, not for a rejection.
        (
            f"{FRIVILLIG};2025;X;{ORGNR_A};10;0;Utenfor;;kostnader;FLI",
            "en grunn for avslag i ordningen",
        ),
        (f"{FRIVILLIG};2025;X;{ORGNR_A};10;10;;sats;formal;FLI", "grunn oppgis bare ved avslag"),
    ],
)
def test_rejection_or_reduction_without_a_ground_is_refused(write_csv, schemes, row, expected):
    """Forvaltningsloven § 25: the reasons name the rule; the line and the field are named."""
    path = write_csv(PARTY_HEADER, f"jobbsjansen;2025;Gyldig;{ORGNR_B};10;10;;sats{FULL}", row)
    with pytest.raises(AwardImportError) as info:
        read_award_file(path, schemes)
    text = " ".join(str(info.value).split())
    assert "tildelinger.csv, linje 3, felt «grunn»:" in text and expected in text


def test_a_placeholder_ground_may_be_imported(write_csv, shipped_schemes):
    """The shipped grounds are placeholders: an import may name one; its letter is refused
    (test_letters.py)."""
    path = write_csv(PARTY_HEADER, f"{FRIVILLIG};2025;X;{ORGNR_A};10;0;Utenfor;;formal;FLI")
    (decision,) = read_award_file(path, shipped_schemes)
    assert decision.ground == "formal" and shipped_schemes[FRIVILLIG].grounds["formal"].placeholder
