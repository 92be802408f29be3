"""Render: the Excel backend's upload file for the grants register.

Administrators without API access upload an Excel file to the register. pliktvakt writes it
with one sheet for schemes and one for awards, in the columns below. The register does not
publish its template, so the column names are pliktvakt's reading of what it asks for: IMDi
must check them against the template the register hands out (a placeholder, said in the message
that tells the officer the file is ready: ``texts.upload_ready``).

A submission in a file stays unregistered until an officer records the upload
(`pliktvakt grants-register confirm-upload SHA256 --by EMAIL`; ``store.confirm``). The receipt
is then the file's SHA-256 and the officer who confirmed it.
"""

import json

from pliktvakt import tabular
from pliktvakt.register.tables import Kind, RegisterSubmission

SCHEMES_SHEET = "Tilskuddsordninger"
AWARDS_SHEET = "Enkeltstående tilskudd"
# (column header, payload field)
SCHEME_COLUMNS = (
    ("Ekstern ID", "ekstern_id"),
    ("Tilskuddsordning", "navn"),
    ("Tilskuddsforvalter", "forvalter"),
    ("Ansvarlig departement", "ansvarlig_departement"),
    ("Regelverk", "regelverk"),
    ("Formål", "formaal"),
    ("Målgruppe", "malgruppe"),
)
AWARD_COLUMNS = (
    ("Ekstern ID", "ekstern_id"),
    ("Tilskuddsordning", "ordning"),
    ("Tilskuddsforvalter", "forvalter"),
    ("Ansvarlig departement", "ansvarlig_departement"),
    ("Mottakers organisasjonsnummer", "mottaker_orgnr"),
    ("Mottaker", "mottaker"),
    ("Tildelt beløp", "tildelt_belop"),
    ("Søkt beløp", "sokt_belop"),
    ("År", "aar"),
    ("Fylke", "fylke"),
)
AMOUNTS = {"tildelt_belop", "sokt_belop"}


def _cell(field: str, value):
    if value is None:
        return ""
    if field in AMOUNTS:
        return float(value)  # a number in the sheet, as the register reads it
    return value


def _rows(columns, payloads: list[dict]) -> list[list]:
    return [[header for header, _ in columns]] + [
        [_cell(field, payload.get(field)) for _, field in columns] for payload in payloads
    ]


def workbook(submissions: list[RegisterSubmission]) -> bytes:
    """The upload file of ``submissions``; every text cell neutralised (``tabular.xlsx_bytes``)."""
    by_kind = {Kind.SCHEME: [], Kind.AWARD: []}
    for submission in submissions:
        by_kind[Kind(submission.kind)].append(json.loads(submission.payload))
    sheets = {
        SCHEMES_SHEET: _rows(SCHEME_COLUMNS, by_kind[Kind.SCHEME]),
        AWARDS_SHEET: _rows(AWARD_COLUMNS, by_kind[Kind.AWARD]),
    }
    return tabular.xlsx_bytes(sheets, frozen_header=sheets)
