"""Hand-made input for the flow tests, in the four municipalities of conftest.MUNICIPALITY_CSV.

2024 (history): Oslo settles 10, 10, 10, 20 x 8, 10 = 200 in the year, so the seasonal
share by the end of February is 20/200 = 10 %, of March 30/200 = 15 %, of April 50/200 = 25 %.
2025: every municipality has its request and agreement in January (Oslo 100, Stavanger 40,
Bergen 40, Kinn 20); Oslo settles the given count each month, the others settle 0.
The need for 2025 is 200 (conftest.SETTLEMENT_YAML); large deviation is below 85 % of it.
"""

from tests.settlement.handmade import SETTLED_2024, csv_text

AGREED = {"0301": ("Oslo", 100), "1103": ("Stavanger", 40), "4601": ("Bergen", 40), "4602": ("Kinn", 20)}


def scenario(oslo_2025: list[int], leave_out: str | None = None, extra: str = "") -> str:
    rows = [f"2024;{month};0301;Oslo;bosatt;{count};0" for month, count in enumerate(SETTLED_2024, 1)]
    for code, (name, agreed) in AGREED.items():
        if code == leave_out:
            continue
        rows += [f"2025;1;{code};{name};anmodet;{agreed};0", f"2025;1;{code};{name};vedtatt;{agreed};0"]
        for month, count in enumerate(oslo_2025, 1):
            rows.append(f"2025;{month};{code};{name};bosatt;{count if code == '0301' else 0};0")
    return csv_text("\n".join(rows) + "\n" + extra)


# Projections (settled so far / seasonal share), against the need of 200:
ON_TRACK_FEB = [10, 10]  # 20 / 0.10 = 200 -> 100 %: monthly
BEHIND_MAR = [10, 10, 4]  # 24 / 0.15 = 160 -> 80 % < 85 %: weekly
BACK_APR = [10, 10, 4, 26]  # 50 / 0.25 = 200 -> 100 %: monthly again


def settled_by(settled: dict[str, list[int]]) -> str:
    """Like ``scenario``, but each municipality settles its own counts in 2025 (0 if left out)."""
    rows = [f"2024;{month};0301;Oslo;bosatt;{count};0" for month, count in enumerate(SETTLED_2024, 1)]
    months = max(len(counts) for counts in settled.values())
    for code, (name, agreed) in AGREED.items():
        rows += [f"2025;1;{code};{name};anmodet;{agreed};0", f"2025;1;{code};{name};vedtatt;{agreed};0"]
        counts = settled.get(code, [0] * months)
        rows += [f"2025;{month};{code};{name};bosatt;{count};0" for month, count in enumerate(counts, 1)]
    return csv_text("\n".join(rows) + "\n")


# County deviations (15 points below the nation's settled-of-agreed share), agreed 200 in all:
# February: Oslo 30 of 100; the nation 30 / 200 = 15 %, Rogaland 0 % and Vestland 0 % are
#   15 points below, more than 10: weekly. Nationally 30 / 0.10 = 300, 150 % of the need.
COUNTIES_BEHIND_FEB = {"0301": [15, 15]}
# March: Stavanger 6 of 40 = 15 %, Bergen + Kinn 6 + 2 of 60 = 13,3 %; the nation 44 / 200 =
#   22 %: 7 and 8,7 points below, within 10: monthly again.
COUNTIES_BACK_MAR = {"0301": [15, 15, 0], "1103": [0, 0, 6], "4601": [0, 0, 6], "4602": [0, 0, 2]}
