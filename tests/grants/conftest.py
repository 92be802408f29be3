from pathlib import Path

import pytest

from pliktvakt.grants.schemes import load_schemes

ROOT = Path(__file__).resolve().parents[2]
HEADER = "ordning;år;søker;orgnr;søkt_beløp;tildelt_beløp;avslagsgrunn;beregning"

# Real organisation numbers with valid check digits (mod 11), used as test applicants.
ORGNR_A = "974760673"
ORGNR_B = "987879696"
ORGNR_C = "971526920"


@pytest.fixture(scope="session")
def schemes():
    return load_schemes(ROOT / "config" / "grant_schemes.yaml")


@pytest.fixture
def write_csv(tmp_path):
    def write(*lines: str, name: str = "tildelinger.csv", encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
        return path

    return write
