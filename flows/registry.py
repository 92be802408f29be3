"""Every flow pliktvakt runs, by name: for `pliktvakt run` and for serving."""

from flows.deadline_watch import deadline_watch
from flows.materialise import materialise
from flows.prepublication_notice import prepublication_notice
from flows.settlement_analysis import settlement_analysis

FLOWS = {
    "materialise": materialise,
    "deadline-watch": deadline_watch,
    "settlement-analysis": settlement_analysis,
    "prepublication-notice": prepublication_notice,
}
