"""The weekly digest's chart: the health index over the last weeks and its weakest factors, as a PNG.

matplotlib is imported on first use (never at a handler's cold import) with the Agg backend: no
display, no GUI toolkit, the same pixels on Lambda and on a laptop.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from talkworthy.usecases.community_health import ScoredWeek

__all__ = ["PNG_MAGIC", "render_chart"]

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def render_chart(title: str, weeks: Sequence[ScoredWeek]) -> bytes:
    """A PNG: the index week by week (0 to 100), this week's two movers' percentiles beneath it."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib.figure import Figure  # a Figure, not pyplot: no global state between invocations

    days = [week.week_start for week in weeks]
    figure = Figure(figsize=(8, 4.5), dpi=100, layout="constrained")
    score_axes, factor_axes = figure.subplots(2, 1, sharex=True, height_ratios=(2, 1))
    score_axes.plot(days, [week.score.score for week in weeks], color="#1264a3", marker="o", markersize=3, linewidth=2)
    score_axes.set_ylim(0, 100)
    score_axes.set_ylabel("health (0-100)")
    score_axes.set_title(title, loc="left", fontsize=12)
    score_axes.grid(alpha=0.3)
    movers = weeks[-1].score.movers if weeks else ()
    for factor, colour in zip(movers, ("#e01e5a", "#2eb67d"), strict=False):
        factor_axes.plot(days, [100 * week.score.percentiles[factor] for week in weeks], color=colour, label=factor)
    factor_axes.set_ylim(0, 100)
    factor_axes.set_ylabel("percentile")
    factor_axes.grid(alpha=0.3)
    if movers:
        factor_axes.legend(loc="lower left", fontsize=8, frameon=False)
    figure.autofmt_xdate()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
