"""Grant administration: schemes, award rounds, letters and deadlines.

Instruction section 6.1 and its annex "Tilskuddsforvaltning" (vedlegg 1). Domain code, no
Prefect, no HTTP and no file writes. Named by kind (DESIGN.md): ``tables`` (rows and their
transitions), ``rules`` and ``rules_*`` (pure decisions), ``store`` and ``store_*`` (session
code; each audits what it changes), ``texts`` (what people read), ``render_*`` (letters and
announcements) and ``inputs`` (the award file); ``schemes`` and ``parties`` are configuration.
"""
