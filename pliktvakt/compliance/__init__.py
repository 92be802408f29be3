"""The compliance record (instruks pkt. 4.1 and 4.2): every occurrence of a year, on time or
late, with its evidence, its receipts and its audit trail, for management and auditors.

``record`` reads the stored state in a few bulk queries and builds the record with pure
functions; ``render`` turns it into HTML, Markdown, CSV or XLSX (str/bytes, never files);
``monthly`` decides when the monthly summary to management is due.
"""
