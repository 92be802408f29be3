"""Every flow pliktvakt runs, by name: for `pliktvakt run` and for serving."""

from flows.compliance import compliance
from flows.deadline_watch import deadline_watch
from flows.evaluation_plan import evaluation_plan
from flows.grant_award_notice import grant_award_notice
from flows.materialise import materialise
from flows.prepublication_notice import prepublication_notice
from flows.settlement_analysis import settlement_analysis
from flows.tilskudd_reconciliation import tilskudd_reconciliation
from flows.tilskudd_registration import tilskudd_registration

# In the order the embedded default runs them once at start: the catalogue first, the
# duties next, and the watch last, so it alerts on what is still open after them.
FLOWS = {
    "materialise": materialise,
    "settlement-analysis": settlement_analysis,
    "prepublication-notice": prepublication_notice,
    "grant-award-notice": grant_award_notice,
    "tilskudd-registration": tilskudd_registration,
    "tilskudd-reconciliation": tilskudd_reconciliation,
    "compliance": compliance,
    "evaluation-plan": evaluation_plan,
    "deadline-watch": deadline_watch,
}
