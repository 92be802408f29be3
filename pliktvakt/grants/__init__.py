"""Grant administration: schemes, award rounds, letters and deadlines.

Instruction section 6.1 and its annex "Tilskuddsforvaltning" (vedlegg 1). Domain code, no
Prefect, no HTTP and no file writes. Pure rules: ``schemes``, ``awards``, ``deadlines``,
``letters`` and ``summary``. Rules over stored rounds, in the caller's database session
(each audits what it changes): ``intake``, ``rounds`` (finding, deciding, the 6.1 gate),
``cases``, ``round_letters``, ``responses``, ``status`` and ``notices``. Tables: ``tables``.
"""
