"""Every flow pliktvakt runs, by name: for `pliktvakt run` and for serving."""

from flows.grant_award_notice import grant_award_notice
from flows.materialise import materialise

FLOWS = {
    "materialise": materialise,
    "grant-award-notice": grant_award_notice,
}
