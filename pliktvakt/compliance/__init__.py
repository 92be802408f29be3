"""The compliance record (instruks pkt. 4.1 and 4.2): every occurrence of a year, on time or
late, with its evidence, its receipts and its audit trail, for management and auditors.

``store`` reads the stored state in a few bulk queries and ``rules`` builds the record with
pure functions; ``render`` (with ``render_workbook``) turns it into HTML, Markdown, CSV or XLSX
(str/bytes, never files); ``rules_summary`` decides when the monthly summary to management is
due, ``texts`` writes it, and ``render_summary`` and ``render_chart`` make its artifact.
"""
