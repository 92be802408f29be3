"""What an occurrence is about, as the status and watch artifacts name it (pure)."""

from pliktvakt.rendering import about, markdown_text


def test_a_recurring_duty_names_its_month_week_or_year():
    assert about("2026-11-01", "FREQ=MONTHLY;BYMONTHDAY=1") == "november 2026"
    assert about("2026-11-23", "FREQ=WEEKLY;BYDAY=MO") == "uke 48 2026"  # Mon 23 Nov 2026 is in ISO week 48
    assert about("2027-01-01", "FREQ=YEARLY") == "2027"
    assert about("2026-11-11", None) == "11.11.2026"  # a date of the year (recurrence.dates)


def test_an_event_names_its_scheme_publication_round_or_decision():
    names = {"jobbsjansen": "Tilskudd til Jobbsjansen"}
    assert (
        about("event:2026-12-15:evaluation:jobbsjansen:2026", None, names) == "Tilskudd til Jobbsjansen, 2026"
    )
    assert about("event:2026-12-15:evaluation:ukjent-ordning:2026") == "ukjent-ordning, 2026"
    assert about("event:2027-01-27:publication:4") == "publikasjon nr. 4"
    assert about("event:2027-01-27:grant-round:2") == "tilskuddsrunde nr. 2"
    assert about("event:2027-01-27:grant-round:2:jobbsjansen", None, names) == (
        "tilskuddsrunde nr. 2, Tilskudd til Jobbsjansen"
    )
    assert about("event:2027-01-27:grant-decision/7") == "vedtak nr. 7"
    assert about("event:2026-03-02:rr-1") == "rr-1"  # a reference typed with `pliktvakt trigger --ref`
    assert about("event:2026-03-02") == "hendelse 02.03.2026"  # triggered without a reference


def test_text_from_config_or_users_is_not_markup():
    assert markdown_text("Se [her](http://x) *nå* | a_b") == r"Se \[her\](http://x) \*nå\* \| a\_b"
