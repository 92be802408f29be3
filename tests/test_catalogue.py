"""The catalogue: the real config loads, and every kind of mistake names file, entry, field."""

import functools
import json
import os
import re
import shutil
from datetime import date, time
from pathlib import Path
from typing import get_args

import pytest
import yaml

from pliktvakt.catalogue import SOURCE_NAMES, UNCONFIRMED, CatalogueError, Source, load_catalogue
from pliktvakt.watch import ESCALATION, due_steps

CONFIG = Path(__file__).resolve().parent.parent / "config"
PUBLIC_IDS = {
    "settlement-monthly-analysis",
    "publication-prenotice",
    "grant-award-ministry-notice",
    "grant-recipients-ministry-info",
    "tilskudd-registration",
    "evaluation-plan-ministry-notice",
    "half-year-report",
    "annual-report",
}


def test_real_catalogue_has_every_public_id_with_its_clause():
    catalogue = load_catalogue(CONFIG)
    assert len(catalogue.obligations) >= 20
    assert PUBLIC_IDS <= set(catalogue.obligations)
    for obligation in catalogue.obligations.values():
        assert obligation.clause.section and len(obligation.clause.text) > 20
        assert obligation.role in catalogue.roles


def test_every_quoted_clause_is_in_the_instruction():
    """The clause text must be the instruction's own words (whitespace aside); «[…]» marks
    sentences left out."""
    source = CONFIG.parent.parent / "shared" / "instruks-imdi-2024.md"
    if not source.exists() and os.environ.get("CI") != "true":
        pytest.skip(f"instruksen ligger ikke i {source}")
    text = source.read_text()
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)  # markdown links read as their text
    instruction = " ".join(text.split())
    for obligation in load_catalogue(CONFIG).obligations.values():
        for part in obligation.clause.text.split("[…]"):
            for sentence in part.strip().split(". "):
                assert sentence.rstrip(".") in instruction, (obligation.id, sentence)


def test_recurring_due_dates_follow_the_rules():
    catalogue = load_catalogue(CONFIG)
    half_year = catalogue.obligations["half-year-report"]
    # Anchored 30 Jun 2026; due 20 Aug 2026 (Thu), the placeholder date in the catalogue.
    assert half_year.recurrence.anchors(date(2026, 1, 1), date(2026, 12, 31)) == [date(2026, 6, 30)]
    assert half_year.deadline.due(date(2026, 6, 30)) == date(2026, 8, 20)
    prenotice = catalogue.obligations["publication-prenotice"]
    # Publication Sun 31 May 2026: 14 days before is Sun 17 May -> back to Fri 15 May.
    assert prenotice.deadline.due(date(2026, 5, 31)) == date(2026, 5, 15)


def test_a_report_owed_to_the_ministry_rolls_backward():
    annual = load_catalogue(CONFIG).obligations["annual-report"]
    # Anchored 31 Dec 2025, "innen 15. mars": 15 March 2026 is a Sunday; backward -> Friday 13 March,
    # not Monday 16 March.
    assert annual.deadline.roll == "backward"
    assert annual.deadline.due(date(2025, 12, 31)) == date(2026, 3, 13)
    # 15 March 2027 is a Monday, a business day: unchanged.
    assert annual.deadline.due(date(2026, 12, 31)) == date(2027, 3, 15)


def test_a_counterparts_deadline_rolls_forward():
    acceptance = load_catalogue(CONFIG).obligations["grant-acceptance-deadline"]
    # The recipient's acceptance deadline Sat 5 Dec 2026 runs to Mon 7 Dec (domstolloven § 149).
    assert acceptance.deadline.due(date(2026, 12, 5)) == date(2026, 12, 7)


def test_straks_is_the_same_business_day_or_the_next_after_three():
    deviation = load_catalogue(CONFIG).obligations["material-deviation-notice"]
    # Known Wed 1 Apr 2026 at 10:00: the same day. At 16:00: Thu 2 (Skjærtorsdag), Fri 3 (Langfredag),
    # Sat 4, Sun 5 and Mon 6 (Andre påskedag) are not business days -> Tue 7 Apr.
    assert deviation.deadline.due(date(2026, 4, 1), time(10, 0)) == date(2026, 4, 1)
    assert deviation.deadline.due(date(2026, 4, 1), time(16, 0)) == date(2026, 4, 7)
    # Escalated the business day after the due day: from due 1 Apr, on Tue 7 Apr (not before);
    # from due 7 Apr, on Wed 8 Apr.
    plan = deviation.reminders
    assert ESCALATION not in due_steps(date(2026, 4, 1), date(2026, 4, 6), plan)
    assert ESCALATION in due_steps(date(2026, 4, 1), date(2026, 4, 7), plan)
    assert ESCALATION not in due_steps(date(2026, 4, 7), date(2026, 4, 7), plan)
    assert ESCALATION in due_steps(date(2026, 4, 7), date(2026, 4, 8), plan)


# Every sentence of the instruction that imposes a duty on IMDi or blocks one of its actions,
# copied from ../shared/instruks-imdi-2024.md. Each must be quoted by an obligation or a gate.
DUTY_SENTENCES = {
    "1": [
        "Behov for unntak fra ØR tas opp med departementet, som eventuelt søker om unntak på vegne av IMDi.",
        "Departementet skal orienteres dersom det planlegges vesentlige endringer i økonomistyringen, "
        "herunder utføringen av økonomioppgaver, økonomisystemer og regnskapsprinsipper.",
        "skal departementet forelegges en vurdering av disse behovene og godkjenne endringen i forkant av "
        "iverksetting.",
    ],
    "2.2": [
        "holde departementet informert om IMDis internasjonale deltakelse og internasjonale delegasjoner som "
        "direktoratet tar imot.",
        "Direktoratet skal orientere ansvarlig departement om saker/forhold som kan gripe inn i etablert "
        "praksis og/eller fremstår som politisk eller prinsipielt viktige.",
        "Forslag med budsjettmessige konsekvenser skal IMDi spille inn i de ordinære budsjettprosessene.",
        "IMDi skal gjennomføre kartlegging av overføringsflyktninger før bosetting (integreringsloven § 6).",
        "IMDi skal utarbeide en månedlig analyse av bosettingsarbeidet som redegjør for status, trender og "
        "utviklingstrekk.",
        "Ved store avvik skal det rapporteres hyppigere.",
        "IMDi skal sørge for at oppdaterte nøkkeltall om bosetting er kvalitetssikret, publisert og lett "
        "tilgjengelige på offentlige nettsider.",
        "IMDi skal også lede Beregningsutvalget, som er et partssammensatt utvalg med representanter fra "
        "stat og kommune som årlig kartlegger kommunenes utgifter til bosetting og integrering av "
        "flyktninger.",
        "IMDi skal fastsette tilsynstemaer for tre år av gangen og utarbeide og vedlikeholde tilsynsinstruks "
        "og metodehåndbok for tilsyn.",
        "IMDi har videre ansvar for å følge opp varsler om tolkers brudd på loven",
    ],
    "3": [
        "I hastesaker kan oppdrag unntaksvis gis muntlig, men det skal følges opp skriftlig så raskt som "
        "mulig.",
    ],
    "3.1": [
        "IMDi skal levere virksomhets- og regnskapsrapport to ganger årlig, per 30.06 og per 31.12, i tråd "
        "med de kravene som er fastsatt i tildelingsbrevet, i tillegg til tildelingsbrevet og i andre "
        "oppdrag.",
        "Straks IMDi har kjennskap til vesentlige avvik i gjennomføringen av vedtatte planer eller "
        "tildelingsbrev, skal AID informeres.",
        "IMDi skal fremme forslag om mulige korrigerende tiltak.",
        "IMDi skal orientere departementet om saker som kan være av interesse for departementet, herunder "
        "saker fra Riksrevisjonen, Sivilombudet og andre tilsynsorgan.",
        "Rapportering og tilråding skal gis i IMDis halvårsrapport.",
    ],
    "3.2": ["Det avholdes etatsstyringsmøter jf. vedlegg med kalender for styringsdialog."],
    "4.2": [
        "IMDi skal ha en effektiv internkontroll som er tilpasset risiko, vesentlighet og egenart.",
        "Systemet skal dokumenteres.",
        "IMDi skal ha et system for risikovurderinger og aktiv håndtering av disse i henhold til gjeldende "
        "regelverk og krav, jf. Reglement for økonomistyring i staten.",
        "IMDi skal utvikle en konkret plan for oppfølging av eventuelle feil og mangler som er pekt på av "
        "Riksrevisjonen.",
        "IMDi skal oversende departementet kopi av svarbrev til Riksrevisjonen når korrespondansen går "
        "direkte mellom Riksrevisjonen og IMDi.",
    ],
    "4.3": [
        "IMDi skal vurdere behov og ev. gjennomføre evalueringer for å få informasjon om effektivitet, "
        "måloppnåelse og resultater",
        "Gjennomførte evalueringer som er gjort tilgjengelige for allmennheten, skal registreres i Kudos.",
    ],
    "4.5": ["at inventar og utstyr blir listeført ved anskaffelse og kassasjon."],
    "5": [
        "Det skal videre gjennomføres regelmessige øvelser.",
        "Øvelser og hendelser skal evalueres.",
        "Læringspunkter fra hendelser, øvelser, tilsyn o.l. skal følges opp gjennom ledelsesforankrede "
        "prosesser.",
        "rutiner for å varsle departementet om beredskapshendelser i sektoren.",
        "skal det utarbeides en oversikt over risiko og sårbarheter knyttet til kritiske funksjoner",
        "for å dele informasjon om digitale angrep med myndighetene og andre relevante aktører.",
    ],
    "6.1": [
        "AID og IMDi skal holde hverandre gjensidig orientert om relevante mediesaker og om mediesaker som "
        "kan ende opp som krevende.",
        "Departementet skal orienteres om IMDis vedtak om tildelinger av tilskudd under søkbare "
        "tilskuddsordninger før tilskuddsmottaker mottar tilskuddsbrev.",
        "IMDi skal også orientere departementet minst 14 dager i forkant ved publiseringer av FoU-rapporter, "
        "evalueringer m.m. som IMDi er ansvarlig for.",
    ],
    "6.2": [
        "Ansatte i IMDi skal ikke ha direkte kontakt med Stortinget og Stortingets organer uten at dette "
        "først er avklart med statsråden i AID.",
    ],
    "6.3": [
        "Ved eventuelle erstatningskrav skal IMDi foreta en juridisk vurdering av sakens "
        "erstatningsrettslige side og oversende saken til departementet med IMDis tilråding.",
    ],
    "6.4": ["IMDi skal utarbeide oppdragsbrev til kommuner som forvalter tilskuddsordninger."],
    "vedlegg 1": [
        "Tilskuddsordningene skal kunngjøres på nettsidene til IMDi når retningslinjene er godkjent av "
        "Arbeids- og inkluderingsdepartementet.",
        "Tildelinger av tilskudd skal registreres fortløpende.",
    ],
    "vedlegg 2": [
        "skal IMDi ta opp med departementet hvordan ubrukte midler skal disponeres.",
        "skal IMDi informere departementet om hvem som har fått tilskudd under de ulike tilskuddsordningene.",
    ],
    "vedlegg 3": [
        "Tilskuddsbrevet skal i tillegg inneholde informasjon om: - Begrunnelse for avslag på søknad om "
        "tilskudd - Informasjon om hvordan beløpet regnes ut for innvilgede tilskudd - Informasjon om "
        "klageadgang og klageregler - For tilskuddsordninger der avgjørelsen ikke er å anse som "
        "enkeltvedtak, skal tilskuddsbrevet inneholde frist for å bekrefte vilkår gjennom akseptbrev.",
    ],
    "vedlegg 5": [
        "Dersom akseptbrev ikke er mottatt innen at fristen for aksept har gått ut, faller tilskuddet bort."
    ],
    "vedlegg 9": [
        "IMDi skal etablere en rullerende evalueringsplan som sikrer jevnlig evaluering av "
        "tilskuddsordningene.",
        "Departementet skal være orientert om/forelegges hvilke ordninger som skal evalueres i budsjettåret.",
    ],
}


def _words(text: str) -> str:
    return " ".join(text.split())


@functools.lru_cache(maxsize=1)
def _shipped():
    return load_catalogue(CONFIG)


@pytest.mark.parametrize(
    "section, sentence", [(s, t) for s, sentences in DUTY_SENTENCES.items() for t in sentences]
)
def test_every_duty_sentence_is_an_obligation_or_a_gate(section, sentence):
    quoting = [
        o
        for o in _shipped().obligations.values()
        if o.clause.section == section and _words(sentence) in _words(o.clause.text)
    ]
    assert quoting, f"pkt. {section}: ingen plikt eller sperre siterer «{sentence}»"


def test_gates_are_their_own_kind_and_say_what_checks_them():
    catalogue = load_catalogue(CONFIG)
    gates = {o.id: o for o in catalogue.obligations.values() if o.kind == "gate"}
    assert {"storting-contact-clearance", "grant-letter-content"} <= set(gates)
    assert all(g.deadline is None and g.recurrence is None and g.trigger is None for g in gates.values())
    assert gates["storting-contact-clearance"].gate.checked_by is None  # a person holds it
    assert gates["grant-letter-content"].gate.checked_by.flow == "grant-award-notice"


def test_where_the_instruction_gives_no_deadline_there_is_none():
    catalogue = load_catalogue(CONFIG)
    for obligation_id in (
        "or-exemption-through-ministry",
        "interpreter-breach-reports",
        "oral-assignment-written-follow-up",
        "digital-attack-information-sharing",
        "beregningsutvalget-annual-survey",
        "internal-control-documented",
    ):
        obligation = catalogue.obligations[obligation_id]
        assert obligation.deadline is None and not obligation.dated, obligation_id


def test_every_placeholder_is_listed_with_its_file_and_line():
    catalogue = load_catalogue(CONFIG)
    lines = (CONFIG / "obligations.yaml").read_text().splitlines()
    listed = {(p.obligation, p.field) for p in catalogue.placeholders}
    # The invented dates named in issue 14 are all marked.
    assert {
        ("governance-meeting", "recurrence"),
        ("governance-meeting", "deadline"),
        ("half-year-report", "deadline"),
        ("supervision-and-complaints-report", "deadline"),  # the half-year report's, by alias
        ("municipal-assignment-letters", "deadline"),
        ("evaluation-plan-ministry-notice", "deadline"),
        ("risk-and-vulnerability-overview", "deadline"),
        ("preparedness-exercise", "deadline"),
        ("supervision-themes", "deadline"),
        ("oversight-matters-notice", "deadline"),
        ("grant-award-ministry-notice", "deadline"),
        ("riksrevisjonen-follow-up-plan", "deadline"),
    } <= listed
    for placeholder in catalogue.placeholders:
        assert placeholder.file.endswith("obligations.yaml") and placeholder.note
        assert lines[placeholder.line - 1].strip().startswith(f"{placeholder.field}:"), placeholder
        above = [line for line in lines[: placeholder.line] if line.startswith("  - id: ")][-1]
        assert above == f"  - id: {placeholder.obligation}", placeholder
    # The instruction's own deadlines are not placeholders.
    # Nor are those of ØR the instruction takes in (issue 29).
    for confirmed in (
        "publication-prenotice",
        "material-deviation-notice",
        "resettlement-refugee-mapping",
        "annual-report",
        "annual-report-publication",
    ):
        assert catalogue.obligations[confirmed].unconfirmed is None
    assert UNCONFIRMED == "frist ikke bekreftet"


def test_no_phantom_automation():
    """Every flow the catalogue names is deployed in prefect.yaml, and its entrypoint defines that flow."""
    catalogue = load_catalogue(CONFIG)
    deployments = {
        d["name"]: d for d in yaml.safe_load((CONFIG.parent / "prefect.yaml").read_text())["deployments"]
    }
    assert catalogue.unknown_flows(set(deployments)) == []
    named = {o.flow for o in catalogue.obligations.values() if o.flow}
    named |= {o.gate.checked_by.flow for o in catalogue.obligations.values() if o.gate and o.gate.checked_by}
    assert named >= {"settlement-analysis", "prepublication-notice", "grant-award-notice", "evaluation-plan"}
    for flow in named:
        module, function = deployments[flow]["entrypoint"].split(":")
        source = (CONFIG.parent / module).read_text()
        assert f'@flow(name="{flow}"' in source and f"def {function}(" in source, flow


def test_a_phantom_flow_is_caught(tmp_path):
    target = _broken(tmp_path, "    role: kunnskap\n", "    role: kunnskap\n    flow: evaluation-plan\n")
    problems = load_catalogue(target).unknown_flows({"materialise", "deadline-watch"})
    assert any(
        "evaluation-plan" in problem and "finnes ikke i prefect.yaml" in problem for problem in problems
    )


def _broken(tmp_path: Path, old: str, new: str, file: str = "obligations.yaml") -> Path:
    target = tmp_path / "config"
    shutil.copytree(CONFIG, target)
    text = (target / file).read_text()
    assert old in text, "the test's own premise"
    (target / file).write_text(text.replace(old, new, 1))
    return target


@pytest.mark.parametrize(
    "old, new, entry, field, words",
    [
        (
            "role: bosetting\n    flow: settlement-analysis",
            "role: finnes-ikke\n    flow: settlement-analysis",
            "settlement-monthly-analysis",
            "role",
            "ukjent rolle",
        ),
        (
            'rrule: "FREQ=MONTHLY;BYMONTHDAY=1"',
            'rrule: "FREQ=SOMETIMES"',
            "settlement-monthly-analysis",
            "recurrence.rrule",
            "ugyldig RRULE",
        ),
        (
            "offset: 10d\n      days: business",
            "offset: 2 weeks\n      days: business",
            "settlement-monthly-analysis",
            "deadline.offset",
            "ikke en gyldig frist",
        ),
        (
            "    kind: recurring\n    # The analysis",
            "    kind: sometimes\n    # The analysis",
            "settlement-monthly-analysis",
            "kind",
            "recurring",
        ),
        (
            "- id: settlement-key-figures-published",
            "- id: settlement-monthly-analysis",
            "settlement-monthly-analysis",
            "id",
            "brukt før",
        ),
        (
            'recurrence: {dates: ["06-30"], source: instruction}',
            'recurrence: {dates: ["06-31"], source: instruction}',
            "half-year-report",
            "recurrence.dates",
            "ugyldig dato",
        ),
        # A placeholder must say where it comes from.
        (
            "      source: placeholder\n      note: Instruksen sier «månedlig», ikke når",
            "      source: placeholder\n      nte: x «månedlig», ikke når",
            "settlement-monthly-analysis",
            "deadline.nte",
            "ukjent felt",
        ),
        (
            "      source: placeholder\n      note: Instruksen sier «månedlig», ikke når analysen skal være "
            "levert; 10 virkedager inn i neste måned er pliktvaktens forslag.\n",
            "      source: placeholder\n",
            "settlement-monthly-analysis",
            "deadline",
            "må ha en 'note'",
        ),
        (
            "      source: placeholder\n      note: Instruksen sier «månedlig», ikke når",
            "      source: gjetning\n      note: Instruksen sier «månedlig», ikke når",
            "settlement-monthly-analysis",
            "deadline.source",
            "instruction",
        ),
        (
            'section: "2.2"\n      heading: Bosetting av flyktninger\n      text: IMDi skal utarbeide',
            'section: "Vedlegg, 2"\n      heading: Bosetting av flyktninger\n      text: IMDi skal utarbeide',
            "settlement-monthly-analysis",
            "clause.section",
            "har ikke riktig form",
        ),
        # A gate has no date, and a standing duty neither.
        (
            "    kind: gate\n    # No software",
            "    kind: event\n    # No software",
            "storting-contact-clearance",
            "(oppføringen)",
            "må ha 'trigger'",
        ),
        (
            "    kind: standing\n    role: tilsyn",
            "    kind: standing\n    deadline: {offset: 1m, source: instruction}\n    role: tilsyn",
            "supervision-instruction-and-handbook",
            "(oppføringen)",
            "verken",
        ),
    ],
)
def test_catalogue_errors_name_file_entry_and_field(tmp_path, old, new, entry, field, words):
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(_broken(tmp_path, old, new))
    error = caught.value
    assert error.file.endswith("obligations.yaml") and error.entry == entry and error.field == field
    assert words in str(error) and "linje" in str(error)


def test_missing_clause_is_named(tmp_path):
    old = """    clause:
      section: "2.2"
      heading: Bosetting av flyktninger
      text: IMDi skal utarbeide en månedlig"""
    target = _broken(tmp_path, old, "    text_missing: IMDi skal utarbeide en månedlig")
    with pytest.raises(CatalogueError, match="settlement-monthly-analysis: feltet 'clause'"):
        load_catalogue(target)


def test_officer_errors_are_named(tmp_path):
    target = _broken(
        tmp_path,
        "manager: direktor\n  - id: okonomileder",
        "manager: ukjent\n  - id: okonomileder",
        file="officers.yaml",
    )
    with pytest.raises(
        CatalogueError, match=r"officers.yaml.*styringsleder: feltet 'manager': ukjent saksbehandler"
    ):
        load_catalogue(target)


def test_broken_yaml_gives_line(tmp_path):
    target = _broken(tmp_path, "obligations:\n", "obligations:\n  - id: [unclosed\n")
    with pytest.raises(CatalogueError, match="ugyldig YAML") as caught:
        load_catalogue(target)
    assert caught.value.line is not None


def test_teams_url_from_environment_is_secret(monkeypatch):
    monkeypatch.setenv(
        "PLIKTVAKT_TEAMS_STYRING", "workflows://example.logic.azure.com/abc/SIGNATURE123456789"
    )
    catalogue = load_catalogue(CONFIG)
    officer = catalogue.officers["styringsleder"]
    assert officer.teams_url.get_secret_value().endswith("SIGNATURE123456789")
    assert "SIGNATURE" not in repr(officer) and "SIGNATURE" not in officer.model_dump_json()
    monkeypatch.delenv("PLIKTVAKT_TEAMS_STYRING")
    assert load_catalogue(CONFIG).officers["styringsleder"].teams_url is None


def test_manager_cycle_in_officers_yaml_is_refused_with_the_chain(tmp_path):
    # styringsleder's manager is direktor; giving direktor the manager styringsleder closes a ring.
    target = _broken(
        tmp_path,
        "email: direktor@imdi.example\n",
        "email: direktor@imdi.example\n    manager: styringsleder\n",
        file="officers.yaml",
    )
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(target)
    assert str(caught.value).endswith(
        "officers.yaml, linje 5: direktor: feltet 'manager': "
        "lederne går i ring: direktor → styringsleder → direktor"
    )


def test_annual_report_dates_come_from_or(env, pliktvakt_cli):
    """Issue 29: 15 March is ØR pkt. 1.6.1 (taken in by instruction 3.1), not a placeholder;
    publication on the website by 1 May is ØR pkt. 2.3.3. Anchored 31 Dec 2026: 1 May 2027 is
    a Saturday and a public holiday, so the last business day before it, Fri 30 Apr 2027. The
    supervision report follows the half-year report's deadline: anchored 31 Dec 2025, due with
    the half-year report on Thu 20 Aug 2026."""
    listed = {o["id"]: o for o in json.loads(pliktvakt_cli("obligations", "list", "--json").stdout)}
    annual = listed["annual-report"]
    assert annual["deadline_confirmed"] is True and annual["deadline"]["source"] == "okonomiregelverket"
    assert "ØR) pkt. 1.6.1" in annual["deadline"]["note"]
    published = listed["annual-report-publication"]
    assert (published["deadline"]["by"], published["deadline_confirmed"]) == ("05-01", True)
    assert "pkt. 2.3.3" in published["deadline"]["note"]
    catalogue = load_catalogue(CONFIG)
    assert catalogue.obligations["annual-report-publication"].deadline.due(date(2026, 12, 31)) == date(
        2027, 4, 30
    )
    supervision, half_year = (
        catalogue.obligations[i] for i in ("supervision-and-complaints-report", "half-year-report")
    )
    assert supervision.deadline == half_year.deadline
    assert supervision.deadline.due(date(2025, 12, 31)) == date(2026, 8, 20)


def test_every_source_of_a_date_has_a_name_people_read():
    """The duty desk names where a deadline comes from; a source without a name would break
    every page of a duty that uses it."""
    assert set(SOURCE_NAMES) == set(get_args(Source))
    assert SOURCE_NAMES["okonomiregelverket"] == "økonomiregelverket"


def test_a_file_changed_in_place_is_read_again_even_at_the_same_size_and_time(tmp_path):
    """The parsed catalogue is kept per text (issue 31: a flow run and its go-live check read
    the same files); a file rewritten with a title of the same length, its time set back, is
    read as it now is."""
    target = tmp_path / "config"
    shutil.copytree(CONFIG, target)
    path = target / "obligations.yaml"
    first = load_catalogue(target)
    obligation = next(iter(first.obligations.values()))
    stat = path.stat()
    text = path.read_text(encoding="utf-8")
    title = obligation.title
    changed = "X" + title[1:] if title[0] != "X" else "Y" + title[1:]
    path.write_text(text.replace(f"title: {title}", f"title: {changed}", 1), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size and path.stat().st_mtime_ns == stat.st_mtime_ns
    second = load_catalogue(target)
    assert second.obligations[obligation.id].title == changed
    assert load_catalogue(target) == second
