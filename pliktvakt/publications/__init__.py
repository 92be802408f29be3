"""Publications: the ministry's 14-day notice (instruks pkt. 6.1) and Kudos (pkt. 4.3).

- ``models``: ``PublicationInput``, ``PublicationKind``.
- ``csv_import``: ``read_publications_csv``, all or nothing.
- ``tables``: ``Publication`` (its gate: ``gate``, ``blocked_on``, ``goes_out_on``) and its history.
- ``gate``: the 14-day gate and the notice lead date.
- ``decisions``: what to do today, as actions with outbox keys.
- ``register`` / ``day`` / ``overview``: the register, the day's work and the gate per publication,
  on a database session.
- ``texts``: the notices and alerts in bokmål.
- ``kudos``: Kudos' query and answers; the HTTP client is ``tasks.kudos``.
"""
