"""Publications: the ministry's 14-day notice (instruks pkt. 6.1) and Kudos (pkt. 4.3).

- ``inputs``: ``PublicationInput``, ``PublicationKind``.
- ``inputs_csv``: ``read_publications_csv``, all or nothing.
- ``tables``: ``Publication`` (its gate: ``gate``, ``blocked_on``, ``goes_out_on``; its transitions)
  and its history.
- ``rules``: the 14-day gate, the notice lead date, and what to do today, as actions with outbox keys.
- ``store`` / ``store_day``: the register, and the day's work and the gate per publication, on a
  database session.
- ``texts``: the notices and alerts in bokmål.
- ``render``: the ``prepublication-gate`` artifact.
- ``kudos``: Kudos' query and answers; the HTTP client is ``tasks.kudos``.
"""
