"""Publications: the ministry's 14-day notice (instruks pkt. 6.1) and Kudos (pkt. 4.3).

- ``models``: ``PublicationInput``, ``PublicationKind``.
- ``csv_import``: ``read_publications_csv``, all or nothing.
- ``gate``: the 14-day gate and the notice lead date.
- ``decisions``: what to do today, as actions with outbox keys.
- ``texts``: the notices and alerts in bokmål.
- ``kudos``: the lookup in Kudos' public API.
"""
