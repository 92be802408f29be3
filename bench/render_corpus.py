"""A corpus of what people read, rendered from fixed inputs, to prove a refactor changes no byte.

Renders the bokmål texts officers, the ministry and auditors read (alerts, digests, the watch's
artifact, grant letters, sanction letters, announcements, the ministry's summaries and alerts,
the settlement report and its messages, publications' notices, the grants register's texts,
the evaluation plan, the compliance record in every format and the status tables) from fixed
dates, officers and figures, and writes each to a file in OUTDIR, with OUTDIR/SHA256SUMS.

    uv run python bench/render_corpus.py /tmp/before     # on the commit before the refactor
    uv run python bench/render_corpus.py /tmp/after      # on the commit after it
    diff -r /tmp/before /tmp/after                       # every file, or only the sums:
    diff /tmp/before/SHA256SUMS /tmp/after/SHA256SUMS

After modules are renamed, only the marked import block below needs editing.

What is not deterministic by nature is normalised, and said where it is done:
- an XLSX file stores the time it was written (docProps/core.xml): each workbook is written as
  its zip members (``NAME.xlsx.d/...``) with the created/modified times in core.xml replaced by
  a fixed text; the workbook's bytes themselves are not written;
- the signed desk link ``notify`` adds counts its 30 days from the wall clock: in the watch's
  outbox rows the token (``?t=...``) is replaced by a fixed text; the alerts with a desk link
  are signed here with a fixed time and secret, so their tokens are kept as they are.
"""

import base64
import io
import json
import os
import random
import re
import shutil
import sys
import tempfile
import zipfile
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from hashlib import sha256
from pathlib import Path

import yaml
from sqlalchemy import insert, update

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# === pliktvakt imports: the only lines to edit after modules are renamed ====================
from pliktvakt import links  # noqa: E402
from pliktvakt.audit import canonical, entry_hash  # noqa: E402
from pliktvakt.catalogue import load_catalogue  # noqa: E402
from pliktvakt.compliance import render as compliance_render  # noqa: E402
from pliktvakt.compliance import render_summary as compliance_summary_render  # noqa: E402
from pliktvakt.compliance import rules as compliance_rules  # noqa: E402
from pliktvakt.compliance import rules_summary as compliance_summary_rules  # noqa: E402
from pliktvakt.compliance import store as compliance_store  # noqa: E402
from pliktvakt.compliance import texts as compliance_texts  # noqa: E402
from pliktvakt.db import make_engine, migrate, session_scope  # noqa: E402
from pliktvakt.evaluation import render as evaluation_render  # noqa: E402
from pliktvakt.evaluation import texts as evaluation_texts  # noqa: E402
from pliktvakt.evaluation.config import PlanSettings  # noqa: E402
from pliktvakt.evaluation.rules import SchemeInput  # noqa: E402
from pliktvakt.evaluation.rules import plan as evaluation_plan  # noqa: E402
from pliktvakt.grants import render_announcements as announcements  # noqa: E402
from pliktvakt.grants import render_sanctions as sanction_letters  # noqa: E402
from pliktvakt.grants.inputs import validate_rows  # noqa: E402
from pliktvakt.grants.render_letters import (  # noqa: E402
    LetterIncomplete,
    Particulars,
    build_letter_data,
    render_letter,
)
from pliktvakt.grants.schemes import load_schemes  # noqa: E402
from pliktvakt.grants.store import GrantsError  # noqa: E402
from pliktvakt.grants.tables import GrantDecision, GrantLetter, GrantSanction  # noqa: E402
from pliktvakt.grants.texts import render_award_notice, render_recipients_info, underspending  # noqa: E402
from pliktvakt.notify import with_desk_link  # noqa: E402
from pliktvakt.occurrences import sync_obligations  # noqa: E402
from pliktvakt.publications import texts as publication_texts  # noqa: E402
from pliktvakt.publications.inputs import PublicationKind  # noqa: E402
from pliktvakt.register import texts as register_alerts  # noqa: E402
from pliktvakt.register.rules import Difference  # noqa: E402
from pliktvakt.register.tables import RegisterSubmission, RegisterUpload  # noqa: E402
from pliktvakt.settings import get_settings  # noqa: E402
from pliktvakt.settlement import texts as settlement_messages  # noqa: E402
from pliktvakt.settlement.analysis import run_analysis  # noqa: E402
from pliktvakt.settlement.inputs import (  # noqa: E402
    CountyDeviationRule,
    DeviationRules,
    FarBehindRule,
    LargeDeviationRule,
    ProjectionConfig,
    SettlementConfig,
    YearMonth,
)
from pliktvakt.settlement.inputs_figures import COLUMNS as SETTLEMENT_COLUMNS  # noqa: E402
from pliktvakt.settlement.inputs_figures import parse_csv  # noqa: E402
from pliktvakt.settlement.keyfigures import QualityFailure  # noqa: E402
from pliktvakt.settlement.render import render_charts, render_report  # noqa: E402
from pliktvakt.settlement.rules_cadence import MONTHLY, WEEKLY, CadenceChange  # noqa: E402
from pliktvakt.settlement.tables import SettlementCadence  # noqa: E402
from pliktvakt.tables import AuditEntry, AuditHead, Occurrence, OutboxMessage  # noqa: E402
from pliktvakt.texts import AlertFacts, ops_event_alert, render_alert, render_digest  # noqa: E402
from pliktvakt.texts_status import catalogue_summary, open_summary, status_markdown, status_row  # noqa: E402
from pliktvakt.watch import (  # noqa: E402
    OpenOccurrence,
    WatchSummary,
    artifact_description,
    due_steps,
    plan_alerts,
    plan_digests,
    who_was_told,
)

# The tests' own data: the filled scheme facts and the hand-made settlement figures.
from tests.grants.conftest import fill_facts  # noqa: E402
from tests.settlement.handmade import MUNICIPALITIES, ROWS_2025, SETTLED_2024  # noqa: E402

# === end of the pliktvakt imports ===========================================================

FIXED_NOW = datetime(2026, 12, 4, 7, 30, tzinfo=timezone.utc)
PUBLIC_URL = "https://pliktvakt.imdi.example"
SETTINGS = {
    "PLIKTVAKT_PUBLIC_URL": PUBLIC_URL,
    "PLIKTVAKT_WEB_SECRET": "render-corpus-fixed-secret",
    "PLIKTVAKT_GRANT_CONTACT": "Testkontakt Kari, tlf. 22 00 00 00",
    "PLIKTVAKT_GRANT_APPEAL_ADDRESS": "IMDi, Testpostboks 1, 0101 Oslo",
    "PLIKTVAKT_GRANT_APPEAL_EMAIL": "klage@imdi.example",
    "PLIKTVAKT_MINISTRY_RECIPIENTS": "postmottak@aid.example,tilskudd@aid.example",
    "PLIKTVAKT_GO_LIVE": "2025-01-01",
}
TOKEN = re.compile(r"\?t=[A-Za-z0-9_.-]+")
CORE_TIMES = re.compile(r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


class Corpus:
    """Writes each output under ``root`` and keeps the count per kind."""

    def __init__(self, root: Path):
        self.root = root
        self.counts: dict[str, int] = {}

    def write(self, kind: str, name: str, content: str | bytes) -> None:
        path = self.root / kind / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        self.counts[kind] = self.counts.get(kind, 0) + 1

    def message(self, kind: str, name: str, message) -> None:
        """A message as its subject and text, its HTML, and each attachment."""
        self.write(kind, f"{name}.txt", f"Emne: {message.subject}\n\n{message.text}")
        if message.html is not None:
            self.write(kind, f"{name}.html", message.html)
        for attachment in message.attachments:
            self.write(kind, f"{name}.vedlegg.{attachment.filename}", attachment.content)

    def xlsx(self, kind: str, name: str, content: bytes) -> None:
        """A workbook as its members; the times in docProps/core.xml are replaced."""
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            for member in sorted(archive.namelist()):
                data = archive.read(member)
                if member == "docProps/core.xml":
                    data = CORE_TIMES.sub(r"\1(tid fjernet)\3", data.decode("utf-8")).encode("utf-8")
                self.write(kind, f"{name}.xlsx.d/{member}", data)

    def json(self, kind: str, name: str, value) -> None:
        self.write(kind, name, json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, default=str))


# --- settings and config ---------------------------------------------------------------------


def prepare(work: Path) -> tuple[Path, str]:
    """A filled copy of config/ and a SQLite file in ``work``; the settings in the environment."""
    config = work / "config"
    shutil.copytree(ROOT / "config", config)
    raw = yaml.safe_load((ROOT / "config" / "grant_schemes.yaml").read_text(encoding="utf-8"))
    (config / "grant_schemes.yaml").write_text(
        yaml.safe_dump(fill_facts(raw), allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    url = f"sqlite:///{work / 'corpus.db'}"
    for name in [n for n in os.environ if n.startswith("PLIKTVAKT_")]:
        del os.environ[name]
    os.environ.update(SETTINGS)
    os.environ["PLIKTVAKT_CONFIG_DIR"] = str(config)
    os.environ["PLIKTVAKT_DATABASE_URL"] = url
    os.chdir(work)  # no .env of the caller's is read
    get_settings.cache_clear()
    return config, url


# --- alerts, digests, the watch ------------------------------------------------------------

ALERT_CASES = [  # obligation, period, due, today, step
    ("settlement-monthly-analysis", "desember 2026", date(2026, 12, 15), date(2026, 12, 8), "reminder-5"),
    ("settlement-monthly-analysis", "november 2026", date(2026, 11, 13), date(2026, 11, 13), "due-day"),
    ("settlement-monthly-analysis", "oktober 2026", date(2026, 10, 14), date(2026, 10, 16), "overdue-1"),
    ("half-year-report", "første halvår 2026", date(2026, 8, 14), date(2026, 7, 31), "reminder-10"),
    ("half-year-report", "første halvår 2026", date(2026, 8, 14), date(2026, 9, 4), "escalation"),
    ("annual-report", "2025", date(2026, 3, 15), date(2026, 3, 1), "reminder-10"),
    ("annual-report", "2025", date(2026, 3, 15), date(2026, 3, 27), "overdue-3"),
    (
        "material-deviation-notice",
        "avvik i tilskuddsforvaltningen",
        date(2026, 5, 4),
        date(2026, 5, 4),
        "due-day",
    ),
    ("grant-award-ministry-notice", "runde 2026-1", date(2026, 2, 27), date(2026, 3, 20), "escalation"),
    ("publication-prenotice", "«Rapport om bosetting»", date(2026, 6, 1), date(2026, 5, 28), "reminder-2"),
    ("media-case-mutual-notice", "mediesak 12", date(2026, 4, 16), date(2026, 4, 22), "overdue-1"),
    ("grant-acceptance-deadline", "vedtak 41", date(2026, 5, 23), date(2026, 5, 23), "due-day"),
]


def alerts(corpus: Corpus, catalogue) -> None:
    settings = get_settings()
    digest_items = []
    for number, (obligation_id, period, due, today, step) in enumerate(ALERT_CASES, start=1):
        obligation = catalogue.obligations[obligation_id]
        responsible = catalogue.officer_for_role(obligation.role)
        facts = AlertFacts(100 + number, period, due, today, step, obligation, responsible)
        message = render_alert(facts)
        name = f"{number:02d}-{obligation_id}-{step}"
        corpus.message("alerts", name, message)
        url = links.duty_url(settings, responsible.email, facts.occurrence_id, FIXED_NOW)
        linked = with_desk_link(message, url)
        corpus.message("alerts", f"{name}-med-lenke", linked)
        digest_items.append((linked.subject, linked.text))
    for officer_id, items, today in (
        ("kommunikasjonsradgiver", digest_items[:2], date(2026, 12, 4)),
        ("bosettingsleder", digest_items[:7], date(2026, 12, 7)),
        ("tilskuddsleder", digest_items[7:], date(2027, 1, 4)),
    ):
        digest = render_digest(items, catalogue.officers[officer_id], today)
        corpus.message("alerts", f"digest-{officer_id}", digest)
    events = [
        (
            "prefect.flow-run.Failed",
            "sturdy-otter",
            "e1",
            "run-1",
            "settlement-monthly/default",
            "Kilden svarte 503",
        ),
        ("prefect.flow-run.Crashed", "calm-heron", "e:2", "prefect.flow-run.run-2", "", ""),
        ("prefect.flow-run.Late", "slow-fox", "e3", "", "watch/default", "  "),
        ("prefect.work-pool.not-ready", "pliktvakt-pool", "e4", "", "", ""),
    ]
    for number, (event, resource, event_id, run_id, deployment, reason) in enumerate(events, start=1):
        key, message = ops_event_alert(
            event, resource, event_id, "http://prefect.imdi.example/", run_id, deployment, reason
        )
        corpus.message("alerts", f"ops-{number}-{key.reference}", message)


def watch(corpus: Corpus, catalogue) -> None:
    """The watch's alerts as outbox rows, its artifact and its digests."""
    today = date(2026, 12, 4)
    cases = [  # id, obligation, period, due
        (201, "settlement-monthly-analysis", "2026-12-01", date(2026, 12, 9)),
        (202, "half-year-report", "2026-07-01", date(2026, 11, 20)),
        (203, "annual-report", "2026-01-01", date(2026, 12, 4)),
        (204, "grant-award-ministry-notice", "event:2026-11-02:runde-2026-2", date(2026, 11, 6)),
        (205, "publication-prenotice", "event:2026-11-20:rapport-7", date(2026, 12, 7)),
        (206, "media-case-mutual-notice", "event:2026-12-01:sak-3", date(2026, 12, 2)),
        (207, "material-deviation-notice", "event:2026-10-01:ekstra", date(2026, 11, 2)),
    ]
    open_ = [
        OpenOccurrence(number, obligation_id, period, due, catalogue.obligations[obligation_id].role)
        for number, obligation_id, period, due in cases
    ]
    for occurrence in open_:
        obligation = catalogue.obligations[occurrence.obligation_id]
        corpus.write(
            "watch",
            f"steps-{occurrence.id}.txt",
            "\n".join(due_steps(occurrence.due, today, obligation.reminders)) + "\n",
        )
    summary = WatchSummary(open_occurrences=len(open_))
    rows = plan_alerts(catalogue, open_, today, frozenset({"bosettingsleder"}), set(), summary)
    for row in rows:
        shown = {k: TOKEN.sub("?t=(token fjernet)", v) if isinstance(v, str) else v for k, v in row.items()}
        corpus.json("watch", f"outbox-{row['key'].replace(':', '_')}.json", shown)
    delivery = {
        row["key"]: (row["recipient"], ("sent", "pending", "digest")[n % 3]) for n, row in enumerate(rows)
    }
    corpus.write("watch", "who-was-told.md", who_was_told(summary.rows, delivery, PUBLIC_URL))
    corpus.write("watch", "who-was-told-empty.md", who_was_told([], {}, PUBLIC_URL))
    corpus.write("watch", "description.txt", artifact_description(FIXED_NOW, summary, 5, 1, 0))
    corpus.write("watch", "description-waiting.txt", artifact_description(FIXED_NOW, summary, 0, 0, 3))
    held = [
        OutboxMessage(
            key=f"watch:held-{n}:reminder-5:{officer}:{channel}",
            duty="watch",
            officer_id=officer,
            channel=channel,
            recipient=f"{officer}@imdi.example",
            subject=f"Påminnelse {n}",
            body=f"Tekst {n}\n\nLinje to",
            status="digest",
        )
        for n, (officer, channel) in enumerate(
            [
                ("kommunikasjonsradgiver", "email"),
                ("kommunikasjonsradgiver", "email"),
                ("analytiker", "email"),
            ]
        )
    ]
    for number, (row, items) in enumerate(plan_digests(held, catalogue, today), start=1):
        corpus.json("watch", f"digest-{number}.json", {**row, "gathers": [m.subject for m in items]})


# --- grants ------------------------------------------------------------------------------

FRIVILLIG = "integreringsarbeid-frivillige-organisasjoner"
ORGNR_A, ORGNR_B, ORGNR_C = "974760673", "987879696", "971526920"
HEADER = "ordning;år;søker;orgnr;søkt_beløp;tildelt_beløp;avslagsgrunn;beregning;søkertype;grunn"
DECISION_ROWS = [
    f"{FRIVILLIG};2025;Frivillig lag;{ORGNR_A};200000;150000;;75 % av budsjettet;privat;ramme",
    f"{FRIVILLIG};2025;Frivillig forening;{ORGNR_B};90000;0;"
    "Tiltaket er ikke rettet mot målgruppen;;privat;malgruppe",
    f"jobbsjansen;2025;Bergen kommune;{ORGNR_B};500000;400000;;Sats 80 000 kr × 5 deltakere;offentlig;ramme",
    f"jobbsjansen;2025;Voss kommune;{ORGNR_A};300000;0;Søknaden kom etter fristen;;offentlig;malgruppe",
    f"kompetansekartlegging-mottaksbeboere;2025;Kartlegging AS;{ORGNR_A};100000;60000;;"
    "60 % av godkjent budsjett;privat;ramme",
    f"{FRIVILLIG};2025;Fullt lag;{ORGNR_C};100000;100000;;Full sats for ett tiltak;privat;",
    f"jobbsjansen;2025;Stiftelse <AS> & co;{ORGNR_A};100000;100000;;Sats;privat;",
    f"{FRIVILLIG};2026;Frivillig lag;{ORGNR_A};100000;100000;;Sats;privat;",
    f"jobbsjansen;2025;Oslo kommune;{ORGNR_C};250000;250000;;Sats 50 000 kr × 5 deltakere;offentlig;",
]


def decisions(schemes):
    """Each row on its own: some are the same applicant in another case."""
    header = HEADER.split(";")
    return [
        validate_rows("vedtak.csv", [(1, header), (2, row.split(";"))], schemes)[0] for row in DECISION_ROWS
    ]


def grants(corpus: Corpus, schemes) -> None:
    made = decisions(schemes)
    particulars = Particulars(
        case_number="25/1234",
        contact="Testkontakt Kari, tlf. 22 00 00 00",
        appeal_address="IMDi, Testpostboks 1, 0101 Oslo",
        appeal_email="klage@imdi.example",
    )
    letter_dates = (date(2025, 3, 31), date(2025, 5, 2), date(2025, 12, 1))
    for index, decision in enumerate(made):
        for letter_date in letter_dates:
            if decision.year > 2025 and letter_date != date(2025, 12, 1):
                continue  # a provisional commitment for next year: dated 1 December only
            for with_particulars in (False, True):
                if with_particulars and letter_date != date(2025, 3, 31):
                    continue
                data = build_letter_data(
                    "2025-1",
                    f"25/100-{index + 2}",
                    schemes[decision.scheme_id],
                    decision,
                    letter_date,
                    presumed_received=date(2025, 4, 3) if with_particulars else None,
                    particulars=particulars if with_particulars else None,
                )
                letter = render_letter(data)
                tag = f"{letter_date.isoformat()}{'-opplysninger' if with_particulars else ''}"
                corpus.write("grant-letters", f"{letter.file_stem}-{tag}.html", letter.html)
                corpus.write("grant-letters", f"{letter.file_stem}-{tag}.json", letter.json)
    sanctions(corpus, schemes, particulars)
    for scheme_id, year, announced_on, passed in (
        (FRIVILLIG, 2026, date(2025, 11, 10), False),
        (FRIVILLIG, 2026, date(2026, 1, 2), False),
        ("jobbsjansen", 2026, date(2025, 11, 10), True),
        ("jobbsjansen", 2027, date(2026, 10, 1), False),
        ("kompetansekartlegging-mottaksbeboere", 2026, date(2025, 12, 15), False),
    ):
        made_announcement = announcements.render(schemes[scheme_id], year, announced_on, passed)
        name = f"{scheme_id}-{year}-{announced_on.isoformat()}"
        corpus.write("grant-announcements", f"{name}.html", made_announcement.html)
        corpus.write(
            "grant-announcements",
            f"{name}-evidence.txt",
            announcements.evidence(Path("kunngjoringer") / f"{name}.html", "0" * 64, made_announcement),
        )
    current = [d for d in made if d.year == 2025]
    corpus.message("grant-summaries", "award-notice-2025-1", render_award_notice("2025-1", current, schemes))
    corpus.message("grant-summaries", "recipients-2025-1", render_recipients_info("2025-1", current, schemes))
    corpus.message(
        "grant-summaries", "recipients-2025-2", render_recipients_info("2025-2", current[:3], schemes)
    )
    budgets = {
        FRIVILLIG: Decimal(400000),
        "jobbsjansen": Decimal(1000000),
        "norskopplaeringen": Decimal(50000),
    }
    corpus.write(
        "grant-summaries",
        "underspending.txt",
        "\n\n".join(found.describe() for found in underspending(budgets, current, schemes)) + "\n",
    )


def refusals(corpus: Corpus, shipped) -> None:
    """What an officer reads when the shipped placeholders refuse a letter or an announcement."""
    texts = []
    for number, decision in enumerate(decisions(shipped)[:4], start=1):
        try:
            build_letter_data(
                "2025-1", f"25/200-{number}", shipped[decision.scheme_id], decision, date(2025, 5, 2)
            )
        except LetterIncomplete as exc:
            texts.append(str(exc))
    try:
        announcements.render(shipped[FRIVILLIG], 2026, date(2025, 11, 10))
    except GrantsError as exc:
        texts.append(str(exc))
    corpus.write("grant-refusals", "refusals.txt", "\n\n".join(texts) + "\n")


def sanctions(corpus: Corpus, schemes, particulars) -> None:
    cases = [  # decision kind, kind, amount, response, with grant letter
        ("enkeltvedtak", "stop", None, None, True),
        ("enkeltvedtak", "reclaim", Decimal(50000), "Vi mener tiltaket ble gjennomført som avtalt.", True),
        ("aksept", "stop", Decimal(100000), None, False),
        ("aksept", "reclaim", None, "Vi ber om utsatt frist.", True),
    ]
    for number, (decision_kind, kind, amount, response, with_letter) in enumerate(cases, start=1):
        decision = GrantDecision(
            id=40 + number,
            round_id=1,
            source_line=number + 1,
            scheme_id="jobbsjansen" if decision_kind == "aksept" else FRIVILLIG,
            year=2025,
            applicant=f"Mottaker {number} AS",
            orgnr=ORGNR_A,
            applicant_kind="offentlig" if decision_kind == "aksept" else "privat",
            amount_applied=Decimal(200000),
            amount_awarded=Decimal(150000),
            computation="Sats",
            decision_kind=decision_kind,
        )
        sanction = GrantSanction(
            id=number,
            decision_id=decision.id,
            kind=kind,
            reason="Rapporten viser at midlene ikke er brukt etter formålet.",
            proposed_on=date(2025, 9, 1),
            response_due=date(2025, 9, 22),
            response_on=date(2025, 9, 15) if response else None,
            response_text=response,
            amount=amount,
        )
        grant_letter = (
            GrantLetter(
                decision_id=decision.id,
                reference=f"25/100-{number}",
                letter_date=date(2025, 3, 31),
                data="{}",
            )
            if with_letter
            else None
        )
        data = sanction_letters.build(
            schemes[decision.scheme_id],
            decision,
            sanction,
            date(2025, 9, 1),
            grant_letter,
            date(2025, 10, 6),
            particulars,
        )
        letter = sanction_letters.render(data)
        corpus.write("grant-sanction-letters", f"{number}-{letter.file_stem}.html", letter.html)
        corpus.write("grant-sanction-letters", f"{number}-{letter.file_stem}.json", letter.json)


# --- settlement --------------------------------------------------------------------------

FIXED_CHARTS = {name: f"(figur {name})" for name in ("settled_vs_need", "counties", "deviations")}


def settlement_config(need: int, county: CountyDeviationRule | None = None) -> SettlementConfig:
    return SettlementConfig(
        need={2024: 200, 2025: need},
        large_deviation=DeviationRules(national=LargeDeviationRule(below=0.85), county=county),
        far_behind=FarBehindRule(ratio=0.6, min_shortfall=5),
        projection=ProjectionConfig(history_years=3),
        suppression_threshold=5,
    )


def settlement(corpus: Corpus) -> None:
    rows_2024 = "".join(f"2024;{m};0301;Oslo;bosatt;{c};0\n" for m, c in enumerate(SETTLED_2024, 1))
    base = ";".join(SETTLEMENT_COLUMNS) + "\n" + rows_2024 + ROWS_2025
    quarantined = base + "2025;3;0301;Oslo;bosatt;-2;0\n2025;3;4601;Bergen;flyttet;1;0\n"
    codes = [m.code for m in MUNICIPALITIES]
    cases = [  # name, data, need, month, county rule, weekly period, mark, approval
        ("mars-150", base, 150, 3, None, None, None, None),
        ("mars-140-karantene", quarantined, 140, 3, None, None, None, None),
        ("februar-200", base, 200, 2, None, "weekly:2025-W09", None, None),
        ("januar-100", base, 100, 1, None, None, "DEMO – syntetiske tall", None),
        (
            "mars-150-fylke",
            base,
            150,
            3,
            CountyDeviationRule(points_below=0.05, min_agreed=10),
            None,
            None,
            "Godkjent av Ingrid Berg 14.04.2025",
        ),
    ]
    for name, data, need, month, county, weekly, mark, approval in cases:
        loaded = parse_csv(data.encode("utf-8"), "bosetting.csv", codes)
        result = run_analysis(
            loaded, list(MUNICIPALITIES), settlement_config(need, county), YearMonth(2025, month)
        )
        html, markdown = render_report(result, FIXED_CHARTS, mark, approval)
        corpus.write("settlement", f"{name}-report.html", html)
        corpus.write("settlement", f"{name}-report.md", markdown)
        filename = settlement_messages.report_filename(result, name)
        message = settlement_messages.report_message(result, weekly, html, filename)
        corpus.message("settlement", f"{name}-message", message)
        if name == "mars-150":
            for chart, png in render_charts(result).items():
                corpus.write("settlement", f"{name}-chart-{chart}.png", base64.b64decode(png))
    for previous, cadence in ((MONTHLY, WEEKLY), (WEEKLY, MONTHLY)):
        row = SettlementCadence(
            from_date=date(2025, 4, 14),
            cadence=cadence,
            reason="Framskrevet bosetting er 80,0 % av behovet, under grensen på 85,0 %.",
            analysed_month="2025-03",
            projected_year_end=120.0,
            need=150,
            need_ratio=0.8,
        )
        corpus.message(
            "settlement",
            f"cadence-{cadence}",
            settlement_messages.cadence_alert(CadenceChange(row, previous)),
        )
    for count in (1, 7, 33):
        failures = [
            QualityFailure("no_negative_counts", f"kommune {n:04d}", "tallet er -1") for n in range(count)
        ]
        corpus.message(
            "settlement", f"quality-{count}", settlement_messages.quality_alert(failures, "mars 2025")
        )


# --- publications, register --------------------------------------------------------------


def publications(corpus: Corpus) -> None:
    items = [
        (
            "Rapport om bosetting 2025",
            PublicationKind.FOU,
            date(2026, 3, 2),
            "Bosettingen gikk ned.",
            "Kari Nordmann",
        ),
        (
            "Evaluering av «Jobbsjansen» & mer",
            PublicationKind.EVALUERING,
            date(2026, 6, 15),
            None,
            "Per Olsen",
        ),
        ("Årsrapport", PublicationKind.RAPPORT, date(2026, 12, 1), "Kort om året.", "Ola Hansen"),
        ("Notat", PublicationKind.ANNET, date(2027, 1, 4), "", "Sara Lie"),
    ]
    for number, (title, kind, publish_on, summary, contact) in enumerate(items, start=1):
        texts = publication_texts
        earliest = publish_on + timedelta(days=3)
        out = {
            "notice": texts.notice_to_ministry(title, kind, publish_on, summary, contact),
            "notice-2": texts.notice_to_ministry(title, kind, publish_on, summary, contact, number=2),
            "later": texts.date_update_to_ministry(
                title, kind, publish_on, publish_on + timedelta(days=7), date(2026, 2, 1), contact
            ),
            "earlier": texts.date_update_to_ministry(
                title, kind, publish_on, publish_on - timedelta(days=2), None, contact
            ),
            "late-notice": texts.late_notice_alert(
                title, publish_on, publish_on - timedelta(days=10), earliest
            ),
            "too-early": texts.date_too_early_alert(title, publish_on, date(2026, 2, 1), earliest),
            "too-early-undelivered": texts.date_too_early_alert(title, publish_on, None, earliest),
            "missed": texts.notice_missed_alert(title, publish_on, earliest),
            "undelivered": texts.notice_undelivered_alert(
                title, publish_on, publish_on - timedelta(days=20), earliest
            ),
            "kudos": texts.kudos_reminder(
                title, publish_on, 30 + number, "Integrerings- og mangfoldsdirektoratet"
            ),
        }
        for name, message in out.items():
            corpus.message("publications", f"{number}-{name}", message)


def register(corpus: Corpus) -> None:
    upload = RegisterUpload(id=1, sha256="ab" * 32, file="tilskuddsregisteret-2025-10-06.xlsx", rows=12)
    folder = Path("/srv/pliktvakt/register")
    for name, earliest in (
        ("none", None),
        ("confirmed", (date(2025, 10, 10), False)),
        ("unconfirmed", (date(2025, 10, 10), True)),
    ):
        corpus.message(
            "register", f"upload-ready-{name}", register_alerts.upload_ready(upload, folder, earliest)
        )
    differences = [
        Difference(ORGNR_A, FRIVILLIG, Decimal(150000), None, ("grant-decision/1",)),
        Difference(
            ORGNR_B, "jobbsjansen", Decimal(400000), Decimal(350000), ("grant-decision/3", "grant-decision/9")
        ),
    ]
    corpus.message(
        "register", "differences-2", register_alerts.differences_message(2025, differences, "tilskudd.dfo.no")
    )
    corpus.message(
        "register", "differences-1", register_alerts.differences_message(2026, differences[:1], "fil.csv")
    )
    submissions = [
        RegisterSubmission(
            kind="tildeling",
            ref="grant-decision/1",
            idempotency_key="k1",
            payload=json.dumps({"mottaker": "Frivillig lag", "beløp": 150000}),
            backend="api",
            status="venter",
        ),
        RegisterSubmission(
            kind="ordning",
            ref=FRIVILLIG,
            idempotency_key="k2",
            payload=json.dumps({"navn": "Integreringsarbeid i *frivillige* organisasjoner"}),
            backend="excel",
            status="i-opplastingsfil",
            attempts=1,
            upload_sha256="cd" * 32,
        ),
        RegisterSubmission(
            kind="tildeling",
            ref="grant-decision/3",
            idempotency_key="k3",
            payload=json.dumps({"mottaker": "Bergen kommune"}),
            backend="api",
            status="avvist",
            attempts=3,
            error="400 Bad Request: orgnr | ugyldig",
        ),
    ]
    rows = [register_alerts.submission_row(s, n) for n, s in zip((301, None, 303), submissions, strict=True)]
    rows.append(register_alerts.waiting_row("2025-2"))
    corpus.json("register", "rows.json", rows)
    corpus.write("register", "unregistered.md", register_alerts.unregistered_markdown(rows, PUBLIC_URL))
    corpus.write("register", "unregistered-empty.md", register_alerts.unregistered_markdown([], PUBLIC_URL))


# --- evaluation --------------------------------------------------------------------------


def evaluation(corpus: Corpus) -> None:
    sourced = {"source": "placeholder", "note": "test"}
    settings_cases = {
        "placeholder": PlanSettings.model_validate(
            {
                "capacity_per_year": {"value": 2, **sourced},
                "horizon_years": {"value": 10, **sourced},
                "start_by": {"value": "04-30", **sourced},
                "report_by": {"value": "12-15", **sourced},
            }
        ),
        "confirmed": PlanSettings.model_validate(
            {
                "capacity_per_year": {"value": 1, "source": "okonomiregelverket", "note": "vedtatt"},
                "horizon_years": {"value": 6, "source": "okonomiregelverket", "note": "punkt 6.5"},
                "start_by": {"value": "02-29", "source": "okonomiregelverket", "note": "skuddår"},
                "report_by": {"value": "11-30", "source": "okonomiregelverket", "note": "punkt 6.5"},
            }
        ),
    }
    scheme_cases = {
        "even": [
            SchemeInput("a", "Ordning A", 2, 2025),
            SchemeInput("b", "Ordning B", 2, 2025),
            SchemeInput("c", "Ordning C", 4, 2024),
            SchemeInput("d", "Ordning D", 4, 2024),
        ],
        "overdue": [
            SchemeInput("d", "Ordning D", 3, 2024),
            SchemeInput("c", "Ordning C", 5, None, last_confirmed=False),
            SchemeInput("b", "Ordning B", 5, 2020),
            SchemeInput("a", "Ordning A «gammel»", 5, 2018),
            SchemeInput("e", "Ordning E", 4, 2021, in_progress=2026),
        ],
    }
    for scheme_name, schemes in scheme_cases.items():
        for settings_name, settings in settings_cases.items():
            name = f"{scheme_name}-{settings_name}"
            result = evaluation_plan(
                schemes, settings.capacity_per_year.value, 2027, settings.horizon_years.value
            )
            corpus.write(
                "evaluation",
                f"{name}-plan.md",
                evaluation_render.markdown(result, settings, date(2026, 10, 1)),
            )
            corpus.json("evaluation", f"{name}-table.json", evaluation_render.table(result, settings))
            corpus.json(
                "evaluation",
                f"{name}-artifact-table.json",
                evaluation_render.table(result, settings, evaluation_render.ARTIFACT_COLUMNS),
            )
            corpus.xlsx("evaluation", f"{name}-plan", evaluation_render.xlsx(result, settings))
            corpus.message(
                "evaluation", f"{name}-ministry", evaluation_texts.ministry_message(result, settings)
            )
            for status in result.schemes:
                if status.overdue or status.in_budget_year:
                    corpus.message(
                        "evaluation",
                        f"{name}-alert-{status.id}",
                        evaluation_texts.alert_message(status, result),
                    )


# --- compliance and the status tables ----------------------------------------------------

YEAR = 2025
AS_OF = datetime(2025, 9, 15, 7, tzinfo=timezone.utc)


def seed(url: str, catalogue, count: int = 48) -> None:
    """A year of ``count`` occurrences with a delivered message each and a valid audit chain
    of fixed times, as bench/compliance_bench.py seeds it (rows inserted directly)."""
    migrate(url)
    engine = make_engine(url)
    with session_scope(engine) as session:
        sync_obligations(session, catalogue)
        head = session.get(AuditHead, 1)
        seq, prev = head.seq, head.hash
    rng = random.Random(16)
    dated = [o for o in catalogue.obligations.values() if o.dated]
    occurrences, messages, entries = [], [], []

    def audit(at: datetime, action: str, subject: str, details: dict) -> None:
        nonlocal seq, prev
        seq += 1
        text = canonical(details)
        digest = entry_hash(seq, at, "corpus", action, subject, text, prev)
        entries.append(
            {
                "seq": seq,
                "at": at,
                "actor": "corpus",
                "action": action,
                "subject": subject,
                "details": text,
                "prev_hash": prev,
                "hash": digest,
            }
        )
        prev = digest

    for n in range(count):
        obligation = dated[n % len(dated)]
        due = date(YEAR, 1, 1) + timedelta(days=rng.randint(0, 364))
        if due > AS_OF.date():
            outcome = "withdrawn" if rng.random() < 0.1 else "open"
        else:
            roll = rng.random()
            outcome = (
                "on-time"
                if roll < 0.6
                else "late"
                if roll < 0.8
                else "overdue"
                if roll < 0.92
                else "withdrawn"
            )
        done_at = None
        if outcome in ("on-time", "late"):
            shift = -rng.randint(0, 5) if outcome == "on-time" else rng.randint(1, 20)
            done_at = datetime.combine(due + timedelta(days=shift), datetime.min.time(), timezone.utc)
            done_at += timedelta(hours=8, minutes=n)
        period = f"event:{due.isoformat()}:korpus-{n}"
        occurrences.append(
            {
                "id": n + 1,
                "obligation_id": obligation.id,
                "period": period,
                "anchor": due,
                "due": due,
                "role": obligation.role,
                "status": {"on-time": "done", "late": "done", "withdrawn": "withdrawn"}.get(outcome, "open"),
                "late": outcome == "late",
                "completed_at": done_at,
                "completed_by": "kari.nordmann@imdi.example" if done_at else None,
                "evidence": (f"Sak 25/{n}; «=SUM(A1)» | linje\nto" if n % 7 == 0 else f"Sak 25/{n}")
                if done_at
                else None,
                "created_at": AS_OF,
                "updated_at": AS_OF,
            }
        )
        key = f"corpus:occurrence-{n + 1}:notice:post@aid.example:email"
        sent_at = datetime.combine(due, datetime.min.time(), timezone.utc) - timedelta(days=1)
        receipt = f"godtatt av SMTP-tjeneren 127.0.0.1 {sent_at:%d.%m.%Y} kl. 09:00 (250 OK)"
        sent = n % 5 != 0
        messages.append(
            {
                "key": key,
                "duty": "corpus",
                "officer_id": None,
                "channel": "email",
                "recipient": "post@aid.example",
                "subject": "Orientering",
                "body": "Tekst",
                "occurrence_id": n + 1,
                "step": "notice",
                "status": "sent" if sent else "pending",
                "attempts": 1,
                "receipt": receipt if sent else None,
                "message_id": f"<{n}@imdi>",
                "created_at": sent_at,
                "sent_at": sent_at if sent else None,
            }
        )
        audit(sent_at, "message.queued", key, {"channel": "email", "recipient": "post@aid.example"})
        if sent:
            audit(sent_at, "message.sent", key, {"channel": "email", "receipt": receipt})
        if done_at:
            audit(done_at, "occurrence.completed", f"{obligation.id}/{period}", {"id": n + 1})
            if outcome == "late":
                audit(done_at, "occurrence.marked_late", f"{obligation.id}/{period}", {"reason": "Sykdom"})
        elif outcome == "withdrawn":
            audit(AS_OF, "occurrence.withdrawn", f"{obligation.id}/{period}", {"reason": "regelen er endret"})
    with engine.begin() as connection:
        for table, rows in ((Occurrence, occurrences), (OutboxMessage, messages), (AuditEntry, entries)):
            connection.execute(insert(table), rows)
        connection.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=seq, hash=prev))


def compliance(corpus: Corpus, catalogue, url: str) -> None:
    engine = make_engine(url)
    scopes = [("all", None, None), ("pkt-6.1", "6.1", None), ("plikt", None, "half-year-report")]
    for name, section, obligation in scopes:
        with session_scope(engine) as session:
            stored = compliance_store.read(session, catalogue, YEAR, section, obligation)
        built = compliance_rules.build(stored, YEAR, AS_OF, section, obligation, software_version="9.9.9")
        for fmt in ("html", "md", "csv"):
            corpus.write(
                "compliance",
                f"{name}-{compliance_render.filename(built, fmt)}",
                compliance_render.render(built, fmt),
            )
        workbook = compliance_render.filename(built, "xlsx").removesuffix(".xlsx")
        corpus.xlsx("compliance", f"{name}-{workbook}", compliance_render.render(built, "xlsx"))
        if name == "all":
            html = compliance_render.render(built, "html")
            for today in (date(2025, 9, 1), date(2025, 9, 15)):
                message = compliance_texts.summary_message(built, today, html)
                summary = compliance_summary_rules.plan_summary(today, message)
                corpus.message("compliance", f"summary-{today.isoformat()}", summary.message)
                for receipts in ([], ["levert til ledelsen@imdi.example 01.09.2025 kl. 08:00"]):
                    sent = compliance_texts.sent_line(summary, receipts, today)
                    corpus.write(
                        "compliance",
                        f"artifact-{today.isoformat()}-{len(receipts)}.md",
                        compliance_summary_render.artifact_markdown(built, today, None, sent),
                    )
    broken = compliance_rules.build(
        replace(stored, chain_problems=["rad 7: hash stemmer ikke (innsatt av korpuset)"]),
        YEAR,
        AS_OF,
        software_version="9.9.9",
    )
    corpus.write("compliance", "broken-chain.md", compliance_render.render(broken, "md"))
    corpus.write("compliance", "broken-chain.html", compliance_render.render(broken, "html"))
    status(corpus, catalogue, engine)


def status(corpus: Corpus, catalogue, engine) -> None:
    """The obligation-status table and the catalogue summary (pliktvakt/texts_status.py)."""
    today = date(2025, 9, 15)
    with session_scope(engine) as session:
        rows_read = session.connection().execute(Occurrence.__table__.select().order_by(Occurrence.id)).all()
    occurrences = [Occurrence(**row._mapping) for row in rows_read]
    for occurrence in occurrences:
        if occurrence.completed_at is not None:
            occurrence.completed_at = occurrence.completed_at.replace(tzinfo=timezone.utc)
    for go_live in (None, date(2025, 6, 1)):
        rows = [status_row(o, catalogue, today, go_live, {"runde": "Runde"}) for o in occurrences]
        tag = go_live.isoformat() if go_live else "uten-go-live"
        corpus.json("status", f"rows-{tag}.json", rows)
        for days in (14, 90):
            corpus.write("status", f"status-{tag}-{days}.md", status_markdown(rows, today, days, PUBLIC_URL))
        dues = [(o.obligation_id, o.due) for o in occurrences if o.is_open]
        corpus.write("status", f"open-summary-{tag}.md", open_summary(catalogue, dues, today, go_live))
    corpus.write("status", "catalogue-summary.md", catalogue_summary(catalogue, {}, today))


# --- main --------------------------------------------------------------------------------


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("bruk: python bench/render_corpus.py OUTDIR")
    outdir = Path(sys.argv[1]).resolve()
    if outdir.exists():
        shutil.rmtree(outdir)
    outdir.mkdir(parents=True)
    corpus = Corpus(outdir)
    with tempfile.TemporaryDirectory(prefix="render-corpus-") as tmp:
        config, url = prepare(Path(tmp))
        catalogue = load_catalogue(config)
        schemes = load_schemes(config / "grant_schemes.yaml")
        alerts(corpus, catalogue)
        watch(corpus, catalogue)
        grants(corpus, schemes)
        refusals(corpus, load_schemes(ROOT / "config" / "grant_schemes.yaml"))
        settlement(corpus)
        publications(corpus)
        register(corpus)
        evaluation(corpus)
        seed(url, catalogue)
        compliance(corpus, catalogue, url)
        get_settings.cache_clear()
    os.chdir(ROOT)
    files = sorted(p for p in outdir.rglob("*") if p.is_file())
    sums = [f"{sha256(p.read_bytes()).hexdigest()}  {p.relative_to(outdir).as_posix()}" for p in files]
    (outdir / "SHA256SUMS").write_text("\n".join(sorted(sums, key=lambda s: s[66:])) + "\n", encoding="utf-8")
    for kind, count in sorted(corpus.counts.items()):
        print(f"{kind:24} {count:4}")
    print(f"{'i alt':24} {len(files):4} filer, {outdir / 'SHA256SUMS'}")


if __name__ == "__main__":
    main()
