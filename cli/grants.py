"""`pliktvakt grants …`: award rounds, the 6.1 gate before grant letters, appeals and acceptance."""

import getpass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table
from rich.text import Text

from cli.common import (
    AsJson,
    AsOf,
    Id,
    err,
    fail,
    labelled,
    out,
    print_json,
    print_listing,
    whole,
)
from pliktvakt import bounds, clock

# Each command imports what it needs when it runs (openpyxl, the database): see cli.py.

app = typer.Typer(
    help="Tilskuddsrunder: vedtak, orientering av departementet, tilskuddsbrev og frister.",
    no_args_is_help=True,
)

By = Annotated[Optional[str], typer.Option("--by", help="Hvem som registrerer (standard: brukernavnet).")]
CaseNumber = Annotated[
    Optional[str],
    typer.Option("--saksnummer", help="IMDis saksnummer for runden (står som «Vår referanse» i brevene)."),
]
On = Annotated[str, typer.Option("--on", help="Dato (ÅÅÅÅ-MM-DD).")]


def _shown_date(day: date) -> str:
    """A date as officers read it (14.03.2025); bokmal loads babel, so only when one is shown."""
    from pliktvakt.bokmal import date_short

    return date_short(day)


def _engine():
    from pliktvakt.db import make_engine
    from pliktvakt.settings import get_settings

    return make_engine(get_settings().database_url)


def _schemes():
    from pliktvakt.grants import store
    from pliktvakt.settings import get_settings

    return store.load_grant_schemes(get_settings().config_dir)


def _catalogue():
    from pliktvakt.catalogue import load_catalogue
    from pliktvakt.settings import get_settings

    return load_catalogue(get_settings().config_dir)


def _municipalities() -> dict:
    from pliktvakt.settings import get_settings
    from pliktvakt.settlement.inputs import municipalities_by_code

    return municipalities_by_code(get_settings().config_dir)


def _actor(by: str | None) -> str:
    return by or getpass.getuser()


def _date(value: str, option: str) -> date:
    from pliktvakt.grants import store

    try:
        return clock.parse_day(value)
    except ValueError as exc:
        raise store.GrantsError(f"{option}: {exc}.") from None


@app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(help="CSV (semikolon) eller XLSX med vedtakene.")],
    round_name: Annotated[str, typer.Option("--round", help="Navn på runden, f.eks. 2025-1.")],
    budget: Annotated[
        Optional[list[str]],
        typer.Option("--budget", help="Budsjett for en ordning: ORDNING=BELØP (kan gjentas)."),
    ] = None,
    administrator: Annotated[
        Optional[str],
        typer.Option(
            "--forvalter",
            metavar="KOMMUNENR",
            help="Kommunen som fattet vedtakene under en ordning IMDi har delegert (vedlegg 1 pkt. 1).",
        ),
    ] = None,
    allow_duplicate: Annotated[
        Optional[str],
        typer.Option(
            "--allow-duplicate",
            metavar="BEGRUNNELSE",
            help=(
                "Les inn vedtak som allerede finnes i en annen runde (eller samme fil); "
                "begrunnelsen revideres."
            ),
        ),
    ] = None,
    case_number: CaseNumber = None,
    by: By = None,
    as_json: AsJson = False,
    as_of: AsOf = None,
) -> None:
    """Les inn en runde med vedtak, alt eller ingenting. Avviste linjer lagres med grunn.
    Registreringen av vedtakene (vedlegg 1 pkt. 4) blir en forekomst med frist."""
    from pliktvakt.db import session_scope
    from pliktvakt.grants import store, store_intake
    from pliktvakt.grants.inputs import AwardImportError
    from pliktvakt.register import store as register_store
    from pliktvakt.settings import get_settings
    from pliktvakt.writer_note import writing

    schemes, catalogue = _schemes(), _catalogue()
    budgets = store_intake.parse_budgets(budget or [], schemes)
    engine, today = _engine(), clock.resolve(as_of).date()
    noted = writing(get_settings().database_url, f"grants import av runden «{round_name}» fra {file.name}")
    try:
        with noted, session_scope(engine) as session:
            grant_round = store_intake.import_round(
                session,
                schemes,
                file,
                round_name,
                budgets,
                _actor(by),
                catalogue=catalogue,
                on=today,
                allow_duplicate=allow_duplicate,
            )
            if case_number is not None:
                store.set_case_number(session, grant_round, case_number, _actor(by))
            if administrator is not None:
                register_store.mark_municipal(
                    session, schemes, _municipalities(), grant_round, administrator, _actor(by)
                )
            # Vedlegg 1 pkt. 1: each award to a voluntary organisation registered «fortløpende».
            register_store.open_occurrences(session, catalogue, schemes, grant_round, today, _actor(by))
            count = store.decision_count(session, grant_round)
    except AwardImportError as exc:
        _reject(engine, round_name, file, exc, _actor(by), as_json)
    if as_json:
        return print_json({"imported": True, "round": round_name, "decisions": count})
    next_step = (
        "Tildelingene registreres i tilskuddsregisteret av flyten tilskudd-registration."
        if administrator is not None
        else f"Neste steg: `pliktvakt grants decide {round_name}`."
    )
    out.print(f"Runde {round_name}: {count} vedtak lest inn fra {file.name}. {next_step}")


def _reject(engine, round_name: str, file: Path, exc, actor: str, as_json: bool) -> None:
    """The import was rolled back whole; keep the reasons in their own transaction and exit 2."""
    from pliktvakt.db import session_scope
    from pliktvakt.grants import store_intake

    with session_scope(engine) as session:
        store_intake.record_rejection(session, round_name, file, exc, actor)
    if as_json:
        print_json(
            {
                "imported": False,
                "errors": [{"line": e.line, "field": e.field, "message": e.message} for e in exc.errors],
            }
        )
    fail(exc)
    raise typer.Exit(2)


@app.command()
def decide(
    round_name: Annotated[str, typer.Argument(metavar="ROUND")],
    case_number: CaseNumber = None,
    by: By = None,
    as_of: AsOf = None,
) -> None:
    """Marker runden som vedtatt; departementet skal da orienteres før tilskuddsbrevene (pkt. 6.1)."""
    from pliktvakt.catalogue import load_catalogue
    from pliktvakt.db import session_scope
    from pliktvakt.grants import store
    from pliktvakt.settings import get_settings

    today = clock.resolve(as_of).date()
    catalogue = load_catalogue(get_settings().config_dir)
    with session_scope(_engine()) as session:
        if case_number is not None:
            store.set_case_number(session, store.get_round(session, round_name), case_number, _actor(by))
        _, occurrence = store.decide_round(session, catalogue, _schemes(), round_name, today, _actor(by))
    if occurrence is None:
        out.print(
            f"Runde {round_name} er vedtatt. Ingen ordning i runden krever orientering; brevene kan lages."
        )
    else:
        out.print(
            f"Runde {round_name} er vedtatt. Departementet orienteres av flyten grant-award-notice "
            f"(forekomst {occurrence.id}, frist {_shown_date(occurrence.due)}); "
            "brevene kan lages når den er levert."
        )


@app.command()
def letters(
    round_name: Annotated[str, typer.Argument(metavar="ROUND")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Mappe brevene skrives til.")] = Path(
        "tilskuddsbrev"
    ),
    by: By = None,
    as_of: AsOf = None,
) -> None:
    """Lag tilskuddsbrevene (HTML og JSON). Nektes til departementet er orientert, uten IMDis
    saksnummer, kontaktperson og klageadresse, og for hvert brev som mangler påkrevd innhold
    (også plassholdere i config/grant_schemes.yaml)."""
    from pliktvakt.settings import get_settings
    from tasks.grants import write_round_letters

    batch = write_round_letters.fn(
        get_settings().database_url,
        _schemes(),
        round_name,
        output,
        clock.resolve(as_of).date(),
        _actor(by),
        catalogue=_catalogue(),
        particulars=_particulars(),
    )
    out.print(f"Skrev {batch.letters} tilskuddsbrev til {output}.")
    for refused in batch.refused:
        err.print(labelled("Nektet:", "red", refused))
    if batch.refused:
        raise typer.Exit(1)


@app.command("letter-received")
def letter_received(decision_id: Id, on: On, by: By = None) -> None:
    """Registrer når tilskuddsbrevet kom fram; klagefristen regnes fra denne dagen."""
    from pliktvakt.db import session_scope
    from pliktvakt.grants import store_responses

    with session_scope(_engine()) as session:
        letter = store_responses.letter_received(session, decision_id, _date(on, "--on"), _actor(by))
    due = f" Klagefrist: {_shown_date(letter.appeal_due)}." if letter.appeal_due else ""
    out.print(f"Vedtak {decision_id}: brevet kom fram {_shown_date(letter.received_on)}.{due}")


@app.command()
def appeal(
    decision_id: Id,
    posted: Annotated[
        str,
        typer.Option(
            "--posted",
            help="Dato klagen ble levert til posten, sendt elektronisk eller levert (poststempelet).",
        ),
    ],
    received: Annotated[str, typer.Option("--received", help="Dato klagen kom inn til IMDi.")],
    appellant: Annotated[
        Optional[str],
        typer.Option(
            "--appellant",
            help="Klager som ikke er parten, men har rettslig klageinteresse (f.eks. en konkurrent).",
        ),
    ] = None,
    learned: Annotated[
        Optional[str],
        typer.Option(
            "--learned", help="For --appellant: dagen de fikk eller burde fått kjennskap til vedtaket."
        ),
    ] = None,
    by: By = None,
) -> None:
    """Registrer en klage; i tide regnes etter datoen den ble postlagt eller sendt (fvl. §§ 28–30).
    Med --appellant og --learned: en klage fra en annen med rettslig klageinteresse (fvl. § 28)."""
    from pliktvakt.db import session_scope
    from pliktvakt.grants import store_responses

    kind = (
        store_responses.AppealKind.THIRD_PARTY if appellant is not None else store_responses.AppealKind.PARTY
    )
    with session_scope(_engine()) as session:
        item = store_responses.record_appeal(
            session,
            decision_id,
            _date(received, "--received"),
            _actor(by),
            posted=_date(posted, "--posted"),
            kind=kind,
            appellant=appellant,
            learned_on=_date(learned, "--learned") if learned is not None else None,
        )
    note = "i tide" if item.in_time else "for sent (kan likevel behandles etter forvaltningsloven § 31)"
    who = f" fra {item.appellant}" if item.appellant else ""
    out.print(
        f"Klage {item.id}{who} på vedtak {decision_id} registrert: "
        f"postlagt/sendt {_shown_date(item.posted_on)}, "
        f"kom inn {_shown_date(item.submitted_on)}; klagen kom {note} (forvaltningsloven § 30)."
    )


@app.command()
def reconsideration(
    decision_id: Id,
    posted: Annotated[str, typer.Option("--posted", help="Dato anmodningen ble postlagt eller sendt.")],
    received: Annotated[str, typer.Option("--received", help="Dato anmodningen kom inn til IMDi.")],
    by: By = None,
) -> None:
    """Registrer at en offentlig mottaker ber IMDi vurdere en avgjørelse på nytt (den kan ikke
    påklages, vedlegg 1 pkt. 2); saken får en behandlingsfrist."""
    from pliktvakt.db import session_scope
    from pliktvakt.grants import store_duties, store_responses
    from pliktvakt.grants.store import occurrence_for

    with session_scope(_engine()) as session:
        item = store_responses.record_appeal(
            session,
            decision_id,
            _date(received, "--received"),
            _actor(by),
            posted=_date(posted, "--posted"),
            kind=store_responses.AppealKind.RECONSIDERATION,
            catalogue=_catalogue(),
        )
        handling = occurrence_for(
            session, store_duties.RECONSIDERATION_OBLIGATION, store_duties.appeal_ref(item)
        )
    asked = "innen" if item.in_time else "etter"
    out.print(
        f"Anmodning {item.id} om ny vurdering av vedtak {decision_id} registrert (kom {asked} de tre ukene "
        f"brevet ba om). IMDi bør avgjøre den innen {_shown_date(handling.due)} (forekomst {handling.id}); "
        "registrer utfallet med `pliktvakt grants appeal-closed`, eller `appeal-not-upheld` for å sende "
        "den til departementet."
    )


@app.command("appeal-closed")
def appeal_closed(
    decision_id: Id,
    on: On,
    outcome: Annotated[str, typer.Option("--outcome", help="Utfallet, f.eks. «ikke tatt til følge».")],
    by: By = None,
) -> None:
    """Registrer at klagen er ferdig behandlet."""
    from pliktvakt.db import session_scope
    from pliktvakt.grants import store_responses

    with session_scope(_engine()) as session:
        item = store_responses.close_appeal(session, decision_id, _date(on, "--on"), outcome, _actor(by))
    out.print(
        f"Klage {item.id} på vedtak {decision_id} avsluttet {_shown_date(item.closed_on)}: {item.outcome}."
    )


@app.command()
def accept(decision_id: Id, on: On, by: By = None) -> None:
    """Registrer at akseptbrevet er mottatt."""
    from pliktvakt.db import session_scope
    from pliktvakt.grants import store_responses

    with session_scope(_engine()) as session:
        letter = store_responses.accept(session, decision_id, _date(on, "--on"), _actor(by))
    if letter.acceptance_due and letter.accepted_on > letter.acceptance_due:
        err.print(
            Text(
                f"Aksepten kom etter fristen {_shown_date(letter.acceptance_due)}: tilskuddet har falt bort "
                "(vedlegg 1 pkt. 5).",
                style="yellow",
            )
        )
        return
    out.print(f"Vedtak {decision_id}: aksept mottatt {_shown_date(letter.accepted_on)}.")


@app.command("list")
def list_rounds(as_json: AsJson = False, as_of: AsOf = None) -> None:
    """Vis rundene: orientering, brev, klager, frister og mottakerliste."""
    from pliktvakt.db import session_scope
    from pliktvakt.grants import store, store_status

    today = clock.resolve(as_of).date()
    schemes = _schemes()
    with session_scope(_engine()) as session:
        all_rounds = store.all_rounds(session)
        states = [store_status.round_state(session, schemes, r, today) for r in all_rounds]
        if as_json:
            for state, grant_round in zip(states, all_rounds, strict=True):
                state["decision_list"] = [
                    _decision_json(session, d) for d in store.decisions_of(session, grant_round)
                ]
    if as_json:
        return print_json(states)
    out.print(_rounds_table(states))


def _rounds_table(states: list[dict]) -> Table:
    table = Table(
        "Runde", "Vedtak", "Vedtatt", "Orientert", "Brev", "Åpne klager", "Siste frist", "Mottakerliste"
    )
    for s in states:
        table.add_row(
            s["round"],
            str(s["decisions"]),
            str(s["decided_on"] or "nei"),
            "ikke påkrevd" if not s["notice_needed"] else ("ja" if s["notice_sent_at"] else "nei"),
            f"{s['letters']} ({'tillatt' if s['letters_allowed'] else 'sperret'})",
            str(s["open_appeals"]),
            str(s["last_deadline"] or ""),
            "sendt" if s["recipients_sent_at"] else "ikke sendt",
        )
    return table


def _decision_json(session, row) -> dict:
    from pliktvakt.grants import store_cases

    letter = store_cases.letter_of(session, row.id)
    return {
        "id": row.id,
        "scheme": row.scheme_id,
        "applicant": row.applicant,
        "orgnr": row.orgnr,
        "awarded": str(row.amount_awarded),
        "kind": row.decision_kind,
        "lapsed_at": row.lapsed_at,
        "letter": None
        if letter is None
        else {
            "reference": letter.reference,
            "date": letter.letter_date,
            "received_on": letter.received_on,
            "appeal_due": letter.appeal_due,
            "acceptance_due": letter.acceptance_due,
            "accepted_on": letter.accepted_on,
        },
        "appeals": [
            {
                "id": a.id,
                "kind": a.kind,
                "appellant": a.appellant,
                "learned_on": a.learned_on,
                "posted_on": a.posted_on,
                "submitted_on": a.submitted_on,
                "in_time": a.in_time,
                "not_upheld_on": a.not_upheld_on,
                "closed_on": a.closed_on,
            }
            for a in store_cases.appeals_of(session, row.id)
        ],
    }


@app.command()
def payments(
    round_name: Annotated[str, typer.Argument(metavar="ROUND")], as_json: AsJson = False, as_of: AsOf = None
) -> None:
    """Utbetalingsliste: innvilgede tilskudd som kan betales (bortfalte og uaksepterte er utelatt)."""
    from pliktvakt.db import session_scope
    from pliktvakt.grants import store, store_status

    today = clock.resolve(as_of).date()
    with session_scope(_engine()) as session:
        rows = store_status.payment_list(session, store.get_round(session, round_name), today)
    items = [
        {
            "decision": r.id,
            "applicant": r.applicant,
            "orgnr": r.orgnr,
            "scheme": r.scheme_id,
            "amount": str(r.amount_awarded),
        }
        for r in rows
    ]
    columns = ("Vedtak", "Mottaker", "Org.nr.", "Ordning", "Beløp")
    print_listing(items, as_json, columns, _payment_cells, title=f"Utbetalinger, runde {round_name}")


def _payment_cells(item: dict) -> tuple[str, ...]:
    from pliktvakt.bokmal import kroner

    return (
        str(item["decision"]),
        item["applicant"],
        item["orgnr"],
        item["scheme"],
        kroner(Decimal(item["amount"])),
    )


@app.command("appeal-not-upheld")
def appeal_not_upheld(decision_id: Id, on: On, by: By = None) -> None:
    """Registrer at IMDi ikke tar klagen til følge; den skal da sendes departementet (fvl. § 33)."""
    from pliktvakt.db import session_scope
    from pliktvakt.grants import store_duties

    with session_scope(_engine()) as session:
        item, occurrence = store_duties.appeal_not_upheld(
            session, _catalogue(), decision_id, _date(on, "--on"), _actor(by)
        )
    role = "overordnet organ" if item.kind == "omgjoring" else "klageinstans"
    out.print(
        f"Klage {item.id} på vedtak {decision_id} er ikke tatt til følge. Den skal oversendes "
        f"Arbeids- og inkluderingsdepartementet som {role} innen {_shown_date(occurrence.due)} "
        f"(forekomst {occurrence.id}; fullfør med `pliktvakt complete {occurrence.id}`). "
        "Registrer utfallet med `pliktvakt grants appeal-closed` når departementet har avgjort klagen."
    )


Reason = Annotated[
    str, typer.Option("--reason", help="Hvilke forutsetninger for tilskuddet som ikke er oppfylt.")
]
Amount = Annotated[
    Optional[str],
    typer.Option(
        "--amount",
        metavar="BELØP",
        help="Beløpet som stanses eller kreves tilbake (kroner); påkrevd for tilbakebetaling.",
    ),
]
LetterDir = Annotated[Path, typer.Option("-o", "--output", help="Mappe vedtaksbrevet skrives til.")]


def _particulars():
    """The letters' contact person and appeal address, from the settings; the case number is
    the round's own."""
    from pliktvakt.grants.render_letters import Particulars
    from pliktvakt.settings import get_settings

    settings = get_settings()
    return Particulars(
        contact=settings.grant_contact,
        appeal_address=settings.grant_appeal_address,
        appeal_email=settings.grant_appeal_email,
    )


def _sanction(
    kind: str, decision_id: int, reason: str, amount: str | None, output: Path, by: str | None, as_of
) -> None:
    from pliktvakt.db import session_scope
    from pliktvakt.grants import render_sanctions, store_sanctions
    from pliktvakt.grants.inputs import parse_amount
    from tasks.files import write_files

    sanction_kind = store_sanctions.SanctionKind(kind)
    name = store_sanctions.KIND_NAMES[sanction_kind]
    parsed = None
    if amount is not None:
        try:
            parsed = parse_amount(amount)
        except ValueError as exc:
            raise _grants_error(f"--amount: {exc}") from None
    with session_scope(_engine()) as session:
        step = store_sanctions.request(
            session,
            _catalogue(),
            _schemes(),
            decision_id,
            sanction_kind,
            reason,
            clock.resolve(as_of).date(),
            _actor(by),
            amount=parsed,
            particulars=_particulars(),
        )
        if step.carried_out:
            # Written inside the transaction: the stop or reclaim is recorded only if its letter is.
            written = write_files(render_sanctions.render(step.letter).files(output))
    if step.carried_out:
        out.print(
            f"Vedtak {decision_id}: {name} er registrert {_shown_date(step.sanction.carried_out_on)}, etter "
            f"forhåndsvarselet (forekomst {step.notice.id}). Vedtaksbrevet er skrevet til {written[0]}."
        )
        return
    err.print(labelled("Nektet:", "red", _waiting(step, decision_id, name)))
    raise typer.Exit(1)


def _grants_error(message: str):
    from pliktvakt.grants.store import GrantsError

    return GrantsError(message)


def _waiting(step, decision_id: int, name: str) -> str:
    from pliktvakt.grants.store_sanctions import Stage

    if step.stage is Stage.AWAITING_RESPONSE:
        return (
            f"Vedtak {decision_id}: {name} kan ikke gjennomføres før fristen for å uttale seg om "
            f"forhåndsvarselet har gått ut {_shown_date(step.sanction.response_due)} "
            "(forvaltningsloven § 16), "
            f"eller svaret er registrert med `pliktvakt grants response {decision_id} --on DATO --text …`."
        )
    opened = "Forslaget er registrert. " if step.new else ""
    return (
        f"{opened}Vedtak {decision_id}: {name} kan ikke gjennomføres før tilskuddsmottakeren er "
        f"forhåndsvarslet (forvaltningsloven § 16, vedlegg 1 pkt. 5). Send varselet innen "
        f"{_shown_date(step.notice.due)}, registrer det med `pliktvakt complete {step.notice.id} --by … "
        "--evidence …`, og kjør kommandoen igjen; mottakeren har da frist til å uttale seg."
    )


@app.command()
def stop(
    decision_id: Id,
    reason: Reason,
    amount: Amount = None,
    output: LetterDir = Path("tilskuddsbrev"),
    by: By = None,
    as_of: AsOf = None,
) -> None:
    """Stans utbetalingen av et tilskudd; nektes til forhåndsvarselet er sendt og fristen for å
    uttale seg er ute eller svaret registrert (fvl. § 16). Skriver vedtaksbrevet."""
    _sanction("stop", decision_id, reason, amount, output, by, as_of)


@app.command()
def reclaim(
    decision_id: Id,
    reason: Reason,
    amount: Amount = None,
    output: LetterDir = Path("tilskuddsbrev"),
    by: By = None,
    as_of: AsOf = None,
) -> None:
    """Krev et tilskudd tilbake; nektes til forhåndsvarselet er sendt og fristen for å uttale seg
    er ute eller svaret registrert (fvl. § 16). Skriver vedtaksbrevet."""
    _sanction("reclaim", decision_id, reason, amount, output, by, as_of)


@app.command()
def response(
    decision_id: Id,
    on: On,
    text: Annotated[str, typer.Option("--text", help="Hva mottakeren svarte på forhåndsvarselet.")],
    by: By = None,
) -> None:
    """Registrer mottakerens svar på forhåndsvarselet om stans eller tilbakebetaling (fvl. § 16)."""
    from pliktvakt.db import session_scope
    from pliktvakt.grants import store_sanctions

    with session_scope(_engine()) as session:
        sanction = store_sanctions.record_response(session, decision_id, _date(on, "--on"), text, _actor(by))
    out.print(
        f"Vedtak {decision_id}: svaret på forhåndsvarselet er registrert "
        f"{_shown_date(sanction.response_on)}; "
        "stansen eller tilbakebetalingen kan nå gjennomføres, og begrunnelsen skal vurdere svaret."
    )


@app.command()
def announcement(
    scheme_id: Annotated[str, typer.Argument(metavar="ORDNING")],
    year: Annotated[
        int, typer.Option("--year", help="Tilskuddsåret kunngjøringen gjelder.", parser=whole(2000, 2100))
    ],
    output: Annotated[Path, typer.Option("-o", "--output", help="Filen kunngjøringen skrives til (HTML).")],
    budget_passed: Annotated[
        bool,
        typer.Option(
            "--budget-passed", help="Stortinget har vedtatt budsjettet for året (da uten forbehold)."
        ),
    ] = False,
    by: By = None,
    as_of: AsOf = None,
) -> None:
    """Lag kunngjøringen av en ordning fra fakta i config/grant_schemes.yaml (vedlegg 1 pkt. 1), med
    Stortingets budsjettforbehold når den kunngjøres før budsjettåret; plikten fullføres med filen."""
    import hashlib

    from pliktvakt import occurrences
    from pliktvakt.db import session_scope
    from pliktvakt.grants import render_announcements
    from pliktvakt.grants.store import GrantsError, occurrence_for
    from tasks.files import write_file

    schemes = _schemes()
    if scheme_id not in schemes:
        raise GrantsError(f"Ukjent ordning «{scheme_id}»; bruk en id fra config/grant_schemes.yaml.")
    today, actor = clock.resolve(as_of).date(), _actor(by)
    made = render_announcements.render(schemes[scheme_id], year, today, budget_passed)
    catalogue = _catalogue()
    with session_scope(_engine()) as session:
        ref = f"{scheme_id}:{year}"
        occurrence = occurrence_for(session, render_announcements.OBLIGATION, ref)
        if occurrence is None or not occurrence.is_open:
            occurrence, _ = occurrences.trigger(
                session, catalogue, render_announcements.OBLIGATION, today, ref, actor
            )
        written = write_file(output, made.html)
        digest = hashlib.sha256(made.html.encode("utf-8")).hexdigest()
        evidence = render_announcements.evidence(written, digest, made)
        occurrences.complete(session, occurrence.id, actor, evidence, clock.resolve(as_of))
    out.print(
        f"{evidence}. Plikten {render_announcements.OBLIGATION} er fullført (forekomst {occurrence.id})."
    )


@app.command("control-sample")
def control_sample(
    round_name: Annotated[str, typer.Argument(metavar="ROUND")],
    seed: Annotated[
        int,
        typer.Option(
            "--seed",
            help="Startverdi for trekningen; samme verdi gir samme utvalg.",
            # Stored in a database integer: the same bound on SQLite and PostgreSQL.
            parser=whole(0, bounds.MAX_ID),
            metavar="HELTALL",
        ),
    ],
    share: Annotated[float, typer.Option("--share", help="Andel som kontrolleres, f.eks. 0.1.")] = 0.1,
    by: By = None,
    as_json: AsJson = False,
    as_of: AsOf = None,
) -> None:
    """Trekk og registrer et risikobasert kontrollutvalg, vektet etter beløp og tidligere avvik (pkt. 8)."""
    from pliktvakt.db import session_scope
    from pliktvakt.grants import store_control

    with session_scope(_engine()) as session:
        rows = store_control.record_sample(
            session, round_name, share, seed, clock.resolve(as_of).date(), _actor(by)
        )
        items = _control_items(session, rows)
    columns = ("Kontroll", "Vedtak", "Mottaker", "Org.nr.", "Beløp", "Vekt")
    print_listing(items, as_json, columns, _control_cells, title=f"Kontrollutvalg, runde {round_name}")


@app.command("control-list")
def control_list(
    round_name: Annotated[str, typer.Argument(metavar="ROUND")], as_json: AsJson = False
) -> None:
    """Vis kontrollutvalget for en runde, med registrerte avvik."""
    from pliktvakt.db import session_scope
    from pliktvakt.grants import store_control

    with session_scope(_engine()) as session:
        items = _control_items(session, store_control.samples_of(session, round_name))
    columns = ("Kontroll", "Vedtak", "Mottaker", "Org.nr.", "Beløp", "Vekt")
    print_listing(items, as_json, columns, _control_cells, title=f"Kontrollutvalg, runde {round_name}")


@app.command("control-finding")
def control_finding(
    sample_id: Id,
    finding: Annotated[str, typer.Option("--finding", help="Avviket kontrollen fant.")],
    by: By = None,
) -> None:
    """Registrer et avvik funnet i kontrollen; det gir mottakeren høyere vekt i senere trekninger."""
    from pliktvakt.db import session_scope
    from pliktvakt.grants import store_control

    with session_scope(_engine()) as session:
        row = store_control.record_finding(session, sample_id, finding, _actor(by))
    out.print(f"Kontroll {row.id} (vedtak {row.decision_id}): avvik registrert.")


def _control_items(session, rows) -> list[dict]:
    from pliktvakt.grants import store_cases

    items = []
    for row in rows:
        decision = store_cases.get_decision(session, row.decision_id)
        items.append(
            {
                "sample": row.id,
                "decision": row.decision_id,
                "applicant": decision.applicant,
                "orgnr": decision.orgnr,
                "amount": str(decision.amount_awarded),
                "weight": row.weight,
                "seed": row.seed,
                "share": row.share,
                "finding": row.finding,
            }
        )
    return items


def _control_cells(item: dict) -> tuple[str, ...]:
    from pliktvakt.bokmal import kroner

    return (
        str(item["sample"]),
        str(item["decision"]),
        item["applicant"],
        item["orgnr"],
        kroner(Decimal(item["amount"])),
        f"{item['weight']:.0f}",
    )


@app.command("facts")
def facts(as_json: AsJson = False) -> None:
    """Vis ordningenes fakta for tilskuddsbrevene, med kilde; plassholdere er merket (brevene nektes)."""
    from pliktvakt.grants.schemes import FACT_NAMES

    items = [
        {
            "scheme": scheme.id,
            "field": f"facts.{name}",
            "fact": FACT_NAMES[name],
            "source": getattr(scheme.facts, name).source.value,
            "reference": getattr(scheme.facts, name).reference,
            "text": getattr(scheme.facts, name).text,
        }
        for scheme in _schemes().values()
        if scheme.facts is not None
        for name in FACT_NAMES
    ]
    columns = ("Ordning", "Felt", "Kilde", "Henvisning")
    print_listing(items, as_json, columns, _fact_cells, title="Fakta i config/grant_schemes.yaml")
    waiting = sum(item["source"] == "placeholder" for item in items)
    if waiting and not as_json:
        err.print(
            labelled(
                "PLASSHOLDER:",
                "yellow",
                f"{waiting} fakta er ikke fylt inn av IMDi; tilskuddsbrev som trenger dem blir nektet.",
            )
        )


def _fact_cells(item: dict) -> tuple[str, ...]:
    shown = "PLASSHOLDER (ikke fylt inn)" if item["source"] == "placeholder" else item["source"]
    return (item["scheme"], item["field"], shown, item["reference"] or "")
