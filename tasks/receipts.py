"""What apprise does not hand back, so that a receipt is evidence and not a fixed string.

- **Email.** apprise writes the Message-ID itself (``email.utils.make_msgid``) after the
  custom headers, so a ``+Message-ID`` header in the URL would give the mail two of them.
  Instead its email plugin gets a ``make_msgid`` that returns the Message-ID pliktvakt chose
  for the send under way; the receipt stores that id, and the SMTP server's copy carries it.
- **Teams.** apprise's workflows plugin returns True or False; it is given a ``requests``
  whose ``post`` notes the HTTP status the endpoint actually answered.

Both notes live in a context variable: apprise runs a plugin in its executor with the
caller's context copied (``submit_with_context``), and the noted object is shared, so what
the plugin notes is seen by the sender. tests/test_notify.py reads the server's copies: if
a new apprise stops calling these, those tests fail.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from email.utils import make_msgid

import apprise.plugins.email.base as apprise_email
import apprise.plugins.workflows as apprise_workflows
import requests

_original_make_msgid = apprise_email.make_msgid


@dataclass
class Noted:
    message_id: str | None = None
    http_status: int | None = None


_current: ContextVar[Noted | None] = ContextVar("pliktvakt_receipt", default=None)


def _make_msgid(*args, **kwargs) -> str:
    noted = _current.get()
    if noted is not None and noted.message_id:
        return noted.message_id
    return _original_make_msgid(*args, **kwargs)


class _RequestsNotingStatus:
    """The requests module, except that ``post`` notes the status of its response."""

    def __getattr__(self, name):
        return getattr(requests, name)

    @staticmethod
    def post(*args, **kwargs):
        response = requests.post(*args, **kwargs)
        noted = _current.get()
        if noted is not None:
            noted.http_status = response.status_code
        return response


apprise_email.make_msgid = _make_msgid
apprise_workflows.requests = _RequestsNotingStatus()


def new_message_id(domain: str) -> str:
    return make_msgid(idstring="pliktvakt", domain=domain)


@contextmanager
def noting(message_id: str | None = None):
    """Within this block, the mail sent gets ``message_id``, and a Teams post's status is noted."""
    noted = Noted(message_id=message_id)
    token = _current.set(noted)
    try:
        yield noted
    finally:
        _current.reset(token)
