"""Grant administration: schemes, award rounds, letters and deadlines.

Instruction section 6.1 and its annex "Tilskuddsforvaltning" (vedlegg 1). Pure domain
code: no Prefect, no database.
"""
