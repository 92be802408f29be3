"""Fuzz suite, issue 30: what the reader reads is every row or a refusal, never a silent part.

- XLSX with patched <dimension> records and hidden sheets: every row is read, or the file is
  refused; a hidden first sheet is always refused.
- CSV with stray quotes: the file is refused, or every record is read as written.
- Amounts in every thousands style: the exact amount, or a refusal; never another number.
- Control characters in every text field: none reaches the terminal.

Derandomised with a fixed budget, like tests/test_fuzz.py.
"""

import re
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from pliktvakt.grants.inputs import parse_amount
from pliktvakt.tabular import FileRejected, read_csv, read_table

fuzz = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

HEADER = ["ordning", "år", "søker", "beregning"]
word = st.text(alphabet="abcæøå ABC0123456789-", min_size=1, max_size=12).map(str.strip).filter(bool)


def _workbook(path: Path, sheets: list[tuple[str, list[list], bool]]) -> None:
    book = Workbook()
    book.remove(book.active)
    for name, rows, hidden in sheets:
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        if hidden:
            sheet.sheet_state = "hidden"
    book.save(path)


def _dimension(path: Path, ref: str) -> None:
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    for name in [n for n in parts if n.startswith("xl/worksheets/sheet")]:
        xml = re.sub(rb'<dimension ref="[^"]*"/>', b"", parts[name])
        parts[name] = xml.replace(b"<sheetData", f'<dimension ref="{ref}"/><sheetData'.encode(), 1)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


refs = st.builds(
    lambda c1, r1, c2, r2: f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}",
    st.integers(1, 5),
    st.integers(1, 5),
    st.sampled_from([1, 2, 4, 26, 100, 16384]),
    st.sampled_from([1, 2, 3, 10, 5000, 1048576]),
)


@fuzz
@given(rows=st.lists(st.lists(word, min_size=4, max_size=4), min_size=1, max_size=30), ref=refs)
def test_xlsx_with_any_dimension_record_is_read_whole(rows, ref):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "v.xlsx"
        _workbook(path, [("Vedtak", [HEADER, *rows], False)])
        _dimension(path, ref)
        table = read_table(path)
    assert [cells for _, cells in table.rows] == rows
    assert table.sheet_name == "Vedtak"


@fuzz
@given(
    rows=st.lists(st.lists(word, min_size=4, max_size=4), min_size=1, max_size=5),
    others=st.lists(st.tuples(st.booleans(), st.booleans()), min_size=1, max_size=3),
    first_hidden=st.booleans(),
)
def test_hidden_or_ambiguous_sheets_are_refused_never_guessed(rows, others, first_hidden):
    sheets = [("Ark1", [HEADER, *rows], first_hidden)]
    sheets += [
        (f"Ark{n + 2}", [HEADER, *rows] if data else [], hidden) for n, (data, hidden) in enumerate(others)
    ]
    assume(not all(hidden for _, _, hidden in sheets))  # Excel (and openpyxl) keep one visible
    visible_with_data = sum(1 for _, content, hidden in sheets if content and not hidden)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "v.xlsx"
        _workbook(path, sheets)
        try:
            table = read_table(path)
        except FileRejected as exc:
            assert first_hidden or visible_with_data > 1, str(exc)
            return
    assert not first_hidden and visible_with_data == 1
    assert [cells for _, cells in table.rows] == rows


@fuzz
@given(
    rows=st.lists(st.lists(word, min_size=4, max_size=4), min_size=2, max_size=8),
    at=st.integers(0, 10_000),
)
def test_csv_with_a_stray_quote_is_refused_or_read_as_written(rows, at):
    lines = [";".join(HEADER)] + [";".join(row) for row in rows]
    text = "\n".join(lines) + "\n"
    position = len(lines[0]) + 1 + at % (len(text) - len(lines[0]) - 1)
    broken = text[:position] + '"' + text[position:]
    try:
        table = read_csv(broken.encode(), "v.csv", multiline=())
    except FileRejected:
        return
    problems = table.column_problems([])
    if problems:
        return  # refused by the import, naming line and field
    # Accepted: then no record swallowed another, and each has the header's fields.
    assert len(table.rows) == len(rows)
    assert all(len(cells) == len(HEADER) and not any("\n" in c for c in cells) for _, cells in table.rows)


def _styles(amount: int, ore: int) -> dict[str, tuple[str, bool]]:
    """The ways a person writes ``amount`` kroner and ``ore`` øre: (text, accepted)."""
    plain = str(amount)
    grouped = f"{amount:,}"
    decimals = f",{ore:02d}" if ore else ""
    ambiguous = "," in grouped  # 1000 and up: a dot or comma group reads two ways
    return {
        "plain": (plain + decimals, True),
        "space": (grouped.replace(",", " ") + decimals, True),
        "nbsp": (grouped.replace(",", "\u00a0") + decimals, True),
        "narrow nbsp": (grouped.replace(",", "\u202f") + decimals, True),
        "kr": (grouped.replace(",", " ") + decimals + " kr", True),
        "dots": (grouped.replace(",", ".") + decimals, not ambiguous),
        "english": (grouped + (f".{ore:02d}" if ore else ""), not ambiguous and not ore),
        "exponent": (f"{amount}e0", False),
        "apostrophe": (grouped.replace(",", "'") + decimals, not ambiguous),
    }


@fuzz
@given(amount=st.integers(0, 10**12 - 1), ore=st.integers(0, 99), style=st.sampled_from(list(_styles(0, 0))))
def test_amounts_in_every_thousands_style_are_exact_or_refused(amount, ore, style):
    text, accepted = _styles(amount, ore)[style]
    exact = Decimal(amount) + Decimal(ore) / 100
    try:
        parsed = parse_amount(text)
    except ValueError:
        assert not accepted, text
        return
    assert parsed == exact, (text, parsed)  # never another number


CONTROL = [chr(c) for c in [*range(0, 9), *range(11, 32), 127, *range(0x80, 0xA0)]]
hostile = st.lists(st.one_of(st.sampled_from(CONTROL), st.text(max_size=5)), max_size=12).map("".join)


@fuzz
@given(fields=st.lists(hostile, min_size=1, max_size=5))
def test_control_characters_in_any_text_field_never_reach_the_terminal(fields):
    from cli.common import err, fail, labelled, out, print_listing

    assume(any(fields))
    with out.capture() as shown:
        print_listing([{"f": f} for f in fields], False, ["Felt"], lambda item: [item["f"]])
        out.print(*fields)
        out.print(labelled("Feil:", "red", fields[0]))
    with err.capture() as said:
        fail(fields[-1])
    text = shown.get() + said.get()
    assert not set(text) & (set(CONTROL) - {"\x1b"}) and "\x1b]" not in text
    assert not re.search(r"\x1b(?!\[[0-9;]*m)", text)  # only rich's own colour codes, if any
