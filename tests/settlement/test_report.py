"""The report: bokmål text, the hand-computed figures, and three real PNG charts."""

import base64
import re

from pliktvakt.settlement.analysis import run_analysis
from pliktvakt.settlement.inputs import YearMonth
from pliktvakt.settlement.inputs_figures import parse_csv
from pliktvakt.settlement.render import render_report
from pliktvakt.templating import FILTERS
from tests.settlement.handmade import hand_made_csv, make_config

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_the_report_filters_format_in_bokmal():
    assert FILTERS["tall"](12000) == "12\u00a0000"
    assert FILTERS["tall"](-10) == "\u221210"  # a negative count with the minus sign, as in print
    assert FILTERS["pst"](0.8) == "80,0\u00a0%"
    assert FILTERS["endring"](-0.64) == "\u221264,0\u00a0%"
    assert FILTERS["pst"](None) == "–"


def test_markdown_has_figures_and_embedded_charts(load_result, municipalities):
    result = run_analysis(load_result, municipalities, make_config(150), YearMonth(2025, 3))
    html, markdown = render_report(result)
    # Projection 120 = 80 % of 150, below 85 %: the large-deviation notice.
    assert "**Stort avvik etter IMDis kriterier.**" in markdown
    assert (
        "> - Hele landet: framskrevet 120, 80,0\u00a0% av behovet på 150. Kriterium: framskrevet "
        "bosetting ved årets slutt under 85,0\u00a0% av behovet." in markdown
    )
    # The criteria are IMDi's own, and placeholders until IMDi confirms them.
    assert "Dette er IMDis egne kriterier – **plassholder:" in markdown
    assert "Bosatt i mars: 9, mot 6 måneden før (+50,0\u00a0%)" in markdown
    assert "| 46 Vestland | 80 | 70 | 4 |" in markdown
    assert "| 4601 Bergen | Vestland | 60 | 9 | 1 | 8 |" in markdown
    images = re.findall(r"!\[[^\]]+\]\(data:image/png;base64,([A-Za-z0-9+/=]+)\)", markdown)
    assert len(images) == 3
    assert all(base64.b64decode(image).startswith(PNG_MAGIC) for image in images)
    assert html.count('src="data:image/png;base64,') == 3
    assert '<html lang="nb">' in html and "Stort avvik etter IMDis kriterier." in html


def test_within_the_rule_and_quarantine_counted(load_result, municipalities):
    data = hand_made_csv() + "2025;3;0301;Oslo;bosatt;-2;0\n2025;3;4601;Bergen;flyttet;1;0\n"
    loaded = parse_csv(data.encode(), "inn.csv", [m.code for m in municipalities])
    result = run_analysis(loaded, municipalities, make_config(140), YearMonth(2025, 3))
    html, markdown = render_report(result)
    # Need 140: 120 is 85.7 %, within the rule.
    assert "**Innenfor IMDis kriterier for store avvik.**" in markdown
    assert "Rader i karantene: 2 (antall: negativt antall: 1; kategori: ukjent kategori: 1)" in markdown
    assert "Prikkede tall i kildedataene" in html
