"""Every flow pliktvakt runs, by name: for `pliktvakt run` and for serving."""

from flows.materialise import materialise

FLOWS = {
    "materialise": materialise,
}
