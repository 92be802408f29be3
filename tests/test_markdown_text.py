"""Text from config or users in the status and watch artifacts stays text (pure). What an
occurrence is about is periods.period_text, tested in tests/test_periods.py."""

from pliktvakt.texts_status import markdown_text


def test_text_from_config_or_users_is_not_markup():
    assert markdown_text("Se [her](http://x) *nå* | a_b") == r"Se \[her\](http://x) \*nå\* \| a\_b"
