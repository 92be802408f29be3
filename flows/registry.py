"""Every flow pliktvakt runs, by name: for `pliktvakt run` and for serving."""

from flows.materialise import materialise
from flows.settlement_analysis import settlement_analysis

FLOWS = {
    "materialise": materialise,
    "settlement-analysis": settlement_analysis,
}
