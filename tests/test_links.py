"""The signed duty link shared by alerts and the duty desk (issue 27)."""

from datetime import UTC, datetime, timedelta

import pytest

from pliktvakt import links
from pliktvakt.settings import Settings

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
KEY = b"k" * 32


def test_a_duty_token_reads_back_its_officer_and_occurrence():
    grant = links.read_duty_token(KEY, links.duty_token(KEY, "Sara.Lie@imdi.no", 59, NOW), NOW)
    assert (grant.email, grant.occurrence_id) == ("sara.lie@imdi.no", 59)
    # 30 days from 6 December 09:00 UTC is 5 January 09:00 UTC.
    assert grant.expires == datetime(2027, 1, 5, 9, 0, tzinfo=UTC)


def test_a_token_is_refused_after_thirty_days_as_expired():
    token = links.duty_token(KEY, "sara.lie@imdi.no", 59, NOW)
    links.read_duty_token(KEY, token, NOW + timedelta(days=30) - timedelta(seconds=1))
    with pytest.raises(links.LinkError) as caught:
        links.read_duty_token(KEY, token, NOW + timedelta(days=30))
    assert caught.value.expired


@pytest.mark.parametrize("change", ["other key", "other occurrence", "truncated", "other purpose"])
def test_a_tampered_token_is_refused_as_invalid(change):
    token = links.duty_token(KEY, "sara.lie@imdi.no", 59, NOW)
    if change == "other key":
        token = links.duty_token(b"x" * 32, "sara.lie@imdi.no", 59, NOW)
    elif change == "other occurrence":
        forged = links.duty_token(KEY, "sara.lie@imdi.no", 60, NOW).split(".")[0]
        token = f"{forged}.{token.split('.')[1]}"
    elif change == "truncated":
        token = token[:-3]
    else:
        token = links.sign(KEY, "session", token.split(".")[0])
    with pytest.raises(links.LinkError) as caught:
        links.read_duty_token(KEY, token, NOW)
    assert not caught.value.expired


def test_the_url_starts_with_the_public_address_and_the_secret_decides_the_key():
    settings = Settings(public_url="https://plikt.imdi.no/", web_secret="s3cret")
    url = links.duty_url(settings, "sara.lie@imdi.no", 59, NOW)
    assert url.startswith("https://plikt.imdi.no/plikt/59?t=")
    assert "s3cret" not in url
    token = url.split("?t=")[1]
    assert links.read_duty_token(b"s3cret", token, NOW).occurrence_id == 59
    assert links.secret_key(Settings(web_secret=None)) != b"s3cret"
