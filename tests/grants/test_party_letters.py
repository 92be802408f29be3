"""Party status from the organisation form, end to end (issue 29): through the CLI, the real
Prefect server and the real SMTP server that delivers the ministry notice before the letters."""

import functools
import json

import pytest

from flows.grant_award_notice import grant_award_notice

from .conftest import HEADER, MINISTRY, ORGNR_A, ORGNR_B, ORGNR_C

FRIVILLIG = "integreringsarbeid-frivillige-organisasjoner"
NOTICE = "Orientering om tildeling"


@pytest.fixture
def cli(grants_env, pliktvakt_cli):
    return functools.partial(pliktvakt_cli, timeout=180)


def test_organisation_form_decides_letter_and_payment(
    prefect_server, grants_env, smtp, cli, write_csv, tmp_path
):
    """Imported and decided Tue 22 Apr 2025; the ministry notice is delivered by SMTP on Wed
    23 Apr; letters dated Thu 24 Apr 2025.
    - Oslo kommune (KOMM): an acceptance letter, not appealable, acceptance due 24 Apr + 3
      weeks = Thu 15 May 2025, and not on the payment list before it has accepted.
    - the municipality's AS: an enkeltvedtak, appeal deadline 24 Apr + 3 weeks = 15 May 2025.
    - a rejected association (FLI): its letter cites the ground's point of the regelverk."""
    no_party = write_csv(HEADER, f"jobbsjansen;2025;Oslo kommune;{ORGNR_A};10;10;;Sats", name="uten.csv")
    refused = cli("grants", "import", str(no_party), "--round", "2025-1", expect=2)
    assert "uten.csv, linje 1, felt «organisasjonsform»: kolonnen mangler" in " ".join(refused.stderr.split())
    rejection = f"{FRIVILLIG};2025;Forening;{ORGNR_C};90 000;0;Tiltaket er et kurs for ansatte;;"
    ungrounded = write_csv(HEADER + ";grunn;organisasjonsform", rejection + ";FLI", name="grunn.csv")
    refused = cli("grants", "import", str(ungrounded), "--round", "2025-1", expect=2)
    assert "grunn.csv, linje 2, felt «grunn»: avslag må oppgi grunnen" in " ".join(refused.stderr.split())
    awards = write_csv(
        HEADER + ";grunn;organisasjonsform",
        f"jobbsjansen;2025;Oslo kommune;{ORGNR_A};500 000;500 000;;Sats 100 000 kr × 5;;KOMM",
        f"jobbsjansen;2025;Oslo kommunale AS;{ORGNR_B};300 000;300 000;;Sats 100 000 kr × 3;;AS",
        rejection + "formal;FLI",
    )
    cli(
        "grants",
        "import",
        str(awards),
        "--round",
        "2025-1",
        "--saksnummer",
        "25/01234",
        "--as-of",
        "2025-04-22",
    )
    cli("grants", "decide", "2025-1", "--as-of", "2025-04-22")
    assert grant_award_notice(as_of="2025-04-23", return_state=True).is_completed()
    assert [len(smtp.to(a, NOTICE)) for a in MINISTRY] == [1, 1]
    out = tmp_path / "brev"
    cli("grants", "letters", "2025-1", "-o", str(out), "--as-of", "2025-04-24")
    letters = {json.loads(p.read_text())["applicant"]: json.loads(p.read_text()) for p in out.glob("*.json")}
    html = {
        p.stem.rsplit("-", 1)[1]: " ".join(p.read_text(encoding="utf-8").split()) for p in out.glob("*.html")
    }
    kommune, aksjeselskap = letters["Oslo kommune"], letters["Oslo kommunale AS"]
    assert (kommune["decision_kind"], kommune["appeal"], kommune["acceptance"]["deadline"]) == (
        "aksept",
        None,
        "2025-05-15",
    )
    assert "Tilskuddet blir ikke utbetalt før IMDi har mottatt akseptbrevet" in html[ORGNR_A]
    assert "be IMDi vurdere avgjørelsen på nytt" in html[ORGNR_A] and "§ 16" not in html[ORGNR_A]
    assert (aksjeselskap["decision_kind"], aksjeselskap["appeal"]["deadline"]) == (
        "enkeltvedtak",
        "2025-05-15",
    )
    assert "Testregelverket pkt. 5.1: Testgrunn formal" in html[ORGNR_C]  # the ground's point
    # Letter particulars: IMDi's case number, the contact, where to appeal, and the appeal
    # sentence with the date shown as for a letter that arrived the day it was dated.
    assert "Vår referanse: 25/01234" in html[ORGNR_B] and "Kontaktperson: Testkontakt Kari" in html[ORGNR_B]
    assert "IMDi, Testpostboks 1, 0101 Oslo, eller på e-post til klage@imdi.example" in html[ORGNR_B]
    assert "Klagefristen er tre uker fra den dagen dere mottok dette brevet" in html[ORGNR_B]
    assert "Mottok dere brevet 24. april 2025, samme dag som det er datert, er siste frist" in html[ORGNR_B]
    payable = json.loads(cli("grants", "payments", "2025-1", "--json", "--as-of", "2025-04-25").stdout)
    assert [p["applicant"] for p in payable] == ["Oslo kommunale AS"]
    cli("grants", "accept", str(_id(cli, "Oslo kommune")), "--on", "2025-05-02")
    payable = json.loads(cli("grants", "payments", "2025-1", "--json", "--as-of", "2025-05-02").stdout)
    assert [p["applicant"] for p in payable] == ["Oslo kommune", "Oslo kommunale AS"]


def _id(cli, applicant: str) -> int:
    [state] = json.loads(cli("grants", "list", "--json").stdout)
    return next(d["id"] for d in state["decision_list"] if d["applicant"] == applicant)
