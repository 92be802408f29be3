from decimal import Decimal

import pytest

from pliktvakt.grants.inputs import validate_rows
from pliktvakt.grants.texts import (
    render_award_notice,
    render_recipients_info,
    summarize_by_scheme,
    underspending,
)

from .conftest import ORGNR_A, ORGNR_B, ORGNR_C, PARTY_HEADER

FRIVILLIG = "integreringsarbeid-frivillige-organisasjoner"


@pytest.fixture
def decisions(schemes):
    rows = [
        f"jobbsjansen;2025;Bergen kommune;{ORGNR_B};500000;400000;;sats;ramme;KOMM",
        f"{FRIVILLIG};2025;Lag A;{ORGNR_A};200000;150000;;sats;ramme;FLI",
        f"{FRIVILLIG};2025;Lag B;{ORGNR_B};90000;0;utenfor målgruppen;;malgruppe;FLI",
        f"{FRIVILLIG};2025;Lag C;{ORGNR_C};60000,50;60000,50;;sats;;FLI",
    ]
    return validate_rows(
        "t.csv", [(1, PARTY_HEADER.split(";"))] + [(n, r.split(";")) for n, r in enumerate(rows, 2)], schemes
    )


def test_figures_per_scheme(decisions, schemes):
    frivillig, jobb = summarize_by_scheme(decisions, schemes)  # order of the schemes file
    # Frivillig: 3 applicants, 2 awarded; 150 000 + 60 000,50 = 210 000,50 awarded;
    # applied 200 000 + 90 000 + 60 000,50 = 350 000,50.
    assert (frivillig.scheme_id, frivillig.applicants, frivillig.grants_awarded) == (FRIVILLIG, 3, 2)
    assert frivillig.total_awarded == Decimal("210000.50")
    assert frivillig.total_applied == Decimal("350000.50")
    assert [d.applicant for d in frivillig.decisions] == ["Lag A", "Lag B", "Lag C"]
    assert (jobb.applicants, jobb.grants_awarded, jobb.total_awarded) == (1, 1, Decimal("400000"))


def test_award_notice_text_and_html(decisions, schemes):
    message = render_award_notice("2025-1", decisions, schemes)
    assert message.subject == "Orientering om tildeling av tilskudd – runde 2025-1"
    assert "Søkere: 3\n  Tilskudd innvilget: 2\n  Sum tildelt: 210\u00a0000,50\u00a0kr" in message.text
    assert "- Lag B (987879696): søkt 90\u00a0000\u00a0kr, avslag" in message.text
    assert "<td>Lag B</td><td>987879696</td><td>90\u00a0000\u00a0kr</td><td>Avslag</td>" in message.html
    assert "Sum tildelt: 400\u00a0000\u00a0kr" in message.text


def test_award_notice_leaves_out_schemes_that_do_not_need_it(decisions, schemes):
    # Instruks 6.1: not for recipients named in Prop. 1 S.
    changed = dict(schemes, jobbsjansen=schemes["jobbsjansen"].model_copy(update={"named_in_budget": True}))
    message = render_award_notice("2025-1", decisions, changed)
    assert "Jobbsjansen" not in message.text and "Lag A" in message.text
    only_jobb = [d for d in decisions if d.scheme_id == "jobbsjansen"]
    with pytest.raises(ValueError, match="ingen ordninger som krever orientering"):
        render_award_notice("2025-1", only_jobb, changed)


def test_recipients_info_lists_only_recipients(decisions, schemes):
    message = render_recipients_info("2025-1", decisions, schemes)
    assert "Mottakere: 2\n  Sum tildelt: 210\u00a0000,50\u00a0kr" in message.text
    assert "Lag B" not in message.text and "Lag B" not in message.html


def test_underspending_per_scheme(decisions, schemes):
    budgets = {
        FRIVILLIG: Decimal("250000"),  # 250 000 - 210 000,50 = 39 999,50 unused
        "jobbsjansen": Decimal("400000"),  # fully awarded: no duty
        "etnisk-mangfold-arbeidslivet": Decimal("100000"),  # no applications at all
    }
    found = underspending(budgets, decisions, schemes)
    assert [(u.scheme_id, u.unused) for u in found] == [
        (FRIVILLIG, Decimal("39999.50")),
        ("etnisk-mangfold-arbeidslivet", Decimal("100000")),
    ]
    assert "ubrukt 39\u00a0999,50\u00a0kr" in found[0].describe()
    assert "hvordan ubrukte midler skal disponeres" in found[0].describe()


def test_lapsed_grant_counts_as_unspent(decisions, schemes):
    # Lag A's 150 000 lapsed: standing awards 60 000,50; unused 250 000 - 60 000,50 = 189 999,50.
    standing = [d for d in decisions if d.applicant != "Lag A"]
    (found,) = underspending({FRIVILLIG: Decimal("250000")}, standing, schemes)
    assert found.unused == Decimal("189999.50")


def test_underspending_unknown_scheme(decisions, schemes):
    with pytest.raises(ValueError, match="ukjent ordning «finnes-ikke»"):
        underspending({"finnes-ikke": Decimal(1)}, decisions, schemes)
