"""Every flow pliktvakt runs, by name: for `pliktvakt run` and for serving."""

from flows.materialise import materialise
from flows.prepublication_notice import prepublication_notice

FLOWS = {
    "materialise": materialise,
    "prepublication-notice": prepublication_notice,
}
