"""The prepublication-notice flow through a real Prefect server, mail through a real SMTP server.

Dates (2026, Easter Sunday 5 April): a publication planned for Wed 15 April gets its
notice 21 days before, Wed 25 March (a business day). The 14 days then allow
publication from 25 March + 14 = 8 April.
"""

import json
from datetime import date
from pathlib import Path

from flows.prepublication_notice import prepublication_notice
from pliktvakt.catalogue import load_catalogue
from pliktvakt.db import make_engine, session_scope
from pliktvakt.notify import NO_MINISTRY_RECIPIENTS
from pliktvakt.publications import inputs, store
from pliktvakt.publications.tables import Publication
from pliktvakt.tables import Occurrence
from tests.artifacts import latest_artifact

from .conftest import MINISTRY, OWNER_EMAIL

CONFIG = Path(__file__).resolve().parents[2] / "config"


def add(
    settings,
    title="Evaluering av introduksjonsprogrammet",
    kind="evaluering",
    publish_on="2026-04-15",
    summary="Hovedfunn om deltakernes overgang til arbeid.",
) -> int:
    data = inputs.validate(title=title, kind=kind, publish_on=publish_on, owner="kunnskap", summary=summary)
    with session_scope(make_engine(settings.database_url)) as session:
        return store.add(session, load_catalogue(CONFIG), data, "test", "tester").id


def change(settings, publication_id, **values) -> None:
    with session_scope(make_engine(settings.database_url)) as session:
        store.change(session, load_catalogue(CONFIG), publication_id, "kari@imdi.example", **values)


def read(settings, publication_id) -> tuple[Publication, Occurrence]:
    with session_scope(make_engine(settings.database_url)) as session:
        publication = session.get(Publication, publication_id)
        return publication, session.get(Occurrence, publication.notice_occurrence_id)


def run(as_of: str):
    state = prepublication_notice(as_of=as_of, return_state=True)
    assert state.is_completed(), state.message
    return state.result()


def test_notice_goes_once_on_the_lead_date(prefect_server, pub_env, smtp):
    publication_id = add(pub_env)
    run("2026-03-24")  # the day before the lead date: nothing
    assert smtp.messages == []
    run("2026-03-25")
    run("2026-03-25")  # a rerun of the day
    run("2026-03-26")
    for recipient in MINISTRY:  # one mail to each recipient, not three
        assert smtp.subjects(recipient) == [
            "Varsel om publisering: Evaluering av introduksjonsprogrammet (15.04.2026)"
        ]
    body = smtp.to(MINISTRY[0])[0].get_body(("plain", "html")).get_content()
    for fact in (
        "Evaluering av introduksjonsprogrammet",
        "evaluering",
        "onsdag 15. april 2026",
        "Hovedfunn om deltakernes overgang til arbeid.",
        "sara.lie@imdi.example",
        "pkt. 6.1",
    ):
        assert fact in body
    assert smtp.to(OWNER_EMAIL) == []  # in time: no alert
    publication, occurrence = read(pub_env, publication_id)
    assert (publication.notice_queued_on, publication.notice_delivered_on) == (
        date(2026, 3, 25),
        date(2026, 3, 25),
    )
    assert publication.notices_queued == 1
    assert occurrence.status == "done" and not occurrence.late
    assert occurrence.evidence.startswith("Varsel levert til departementet. Kvittering: ")
    assert (
        "postmottak@aid.example: Message-ID <" in occurrence.evidence
        and "godtatt av SMTP-tjeneren 127.0.0.1" in occurrence.evidence
    )

    table = latest_artifact("prepublication-gate")
    rows = json.loads(table.data)
    assert [
        (r["Id"], r["Varsel levert"], r["Tillatt på planlagt dato"], r["Tidligste dato"]) for r in rows
    ] == [(publication_id, "2026-03-25", "ja", "2026-04-08")]


def test_a_late_notice_is_sent_and_alerts_the_owner_with_the_earliest_date(prefect_server, pub_env, smtp):
    # Added on Tue 7 April for Wed 15 April: the notice goes at once; 7 + 14 = 21 April.
    publication_id = add(pub_env, kind="fou", title="FoU om bosetting")
    result = run("2026-04-07")
    assert all(len(smtp.to(r)) == 1 for r in MINISTRY)
    assert smtp.subjects(OWNER_EMAIL) == [
        "For sent varsel: «FoU om bosetting» kan tidligst publiseres 21.04.2026"
    ]
    alert = smtp.to(OWNER_EMAIL)[0].get_body(("plain", "html")).get_content()
    assert "tirsdag 21. april 2026" in alert and "tirsdag 7. april 2026" in alert
    publication, occurrence = read(pub_env, publication_id)
    assert occurrence.late and occurrence.status == "done"
    assert result["marked_late"] == [publication_id] and result["blocked"] == [publication_id]
    run("2026-04-08")
    assert len(smtp.to(OWNER_EMAIL)) == 1  # the alert goes once
    rows = json.loads(latest_artifact("prepublication-gate").data)
    assert [(r["Tillatt på planlagt dato"], r["Tidligste dato"]) for r in rows] == [("nei", "2026-04-21")]


def test_moved_earlier_later_and_changed_summary(prefect_server, pub_env, smtp):
    publication_id = add(pub_env)
    run("2026-03-25")  # notice 1; earliest 8 April
    assert all(len(smtp.to(r)) == 1 for r in MINISTRY)

    change(pub_env, publication_id, publish_on="2026-04-01")  # before 8 April
    run("2026-03-26")
    assert (
        smtp.subjects(MINISTRY[0])[1]
        == "Endret dato for publisering: Evaluering av introduksjonsprogrammet (01.04.2026)"
    )
    assert smtp.subjects(OWNER_EMAIL) == [
        "Ny dato for tidlig: «Evaluering av introduksjonsprogrammet» kan tidligst publiseres 08.04.2026"
    ]

    change(pub_env, publication_id, publish_on="2026-05-06")  # later: an update, no new notice, no alert
    run("2026-03-27")
    update = smtp.to(MINISTRY[1])[2]
    assert (
        update["Subject"] == "Endret dato for publisering: Evaluering av introduksjonsprogrammet (06.05.2026)"
    )
    assert "utsatt" in update.get_body(("plain", "html")).get_content()
    assert len(smtp.to(OWNER_EMAIL)) == 1
    publication, _ = read(pub_env, publication_id)
    assert publication.notices_queued == 1 and publication.notice_delivered_on == date(2026, 3, 25)

    change(pub_env, publication_id, summary="Nye funn om arbeid og utdanning.")
    run("2026-03-30")
    run("2026-03-31")
    for recipient in MINISTRY:
        subjects = smtp.subjects(recipient)
        assert len(subjects) == 4
        assert (
            subjects[3] == "Endret varsel om publisering: Evaluering av introduksjonsprogrammet (06.05.2026)"
        )
    assert (
        "Nye funn om arbeid og utdanning."
        in smtp.to(MINISTRY[0])[3].get_body(("plain", "html")).get_content()
    )
    publication, _ = read(pub_env, publication_id)
    # The 14 days still count from the first notice's delivery (rules.py).
    assert publication.notices_queued == 2 and publication.notice_delivered_on == date(2026, 3, 25)


def test_without_ministry_recipients_the_run_fails_clearly(prefect_server, pub_env, monkeypatch):
    from pliktvakt.settings import get_settings

    monkeypatch.setenv("PLIKTVAKT_MINISTRY_RECIPIENTS", "")
    get_settings.cache_clear()
    add(pub_env)
    state = prepublication_notice(as_of="2026-03-25", return_state=True)
    assert state.is_failed()
    assert state.message == NO_MINISTRY_RECIPIENTS
