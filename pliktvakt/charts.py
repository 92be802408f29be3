"""Charts for reports and markdown artifacts, the one place for it: matplotlib's Agg backend
(no display) and PNG as base64, which HTML embeds as a data URI and the Prefect UI renders in
a markdown artifact as ``![..](data:image/png;base64,..)``."""

import base64
import io

import matplotlib

matplotlib.use("Agg")  # before pyplot: never try to open a display

import matplotlib.pyplot as plt  # noqa: E402

__all__ = ["plt", "png"]


def png(fig) -> str:
    """The figure as base64 PNG; the figure is closed."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=72, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")
