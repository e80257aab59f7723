"""Charts for the annual report: matplotlib drawn straight to SVG (no display, no pyplot state).

Text stays text in the SVG (``svg.fonttype = none``) so the PDF is searchable and uses the
same font as the rest of the document.
"""

from __future__ import annotations

import io

from matplotlib import rcParams
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

# City blue for bars, a dark grey for goals: both readable on white and in greyscale print.
BAR = "#004993"
GOAL = "#b0000b"
TEXT = "#1a1a1a"
WIDTH_CM, HEIGHT_CM = 16, 6.5

rcParams["svg.fonttype"] = "none"
rcParams["font.family"] = "DejaVu Sans"


def _danish_number(value, _position) -> str:
    """Axis numbers as the report writes them: 2,5 and 1.000."""
    text = f"{value:,.10g}"
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


def _figure(height_cm: float = HEIGHT_CM) -> tuple[Figure, object]:
    fig = Figure(figsize=(WIDTH_CM / 2.54, height_cm / 2.54))
    ax = fig.add_subplot()
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_formatter(FuncFormatter(_danish_number))
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(colors=TEXT, labelsize=8)
    return fig, ax


def _svg(fig: Figure) -> str:
    fig.tight_layout()
    out = io.StringIO()
    fig.savefig(out, format="svg")
    svg = out.getvalue()
    # Inline in HTML: drop the XML prolog and doctype, keep the <svg> element.
    return svg[svg.index("<svg") :]


def _label(ax, bars, texts: list[str]) -> None:
    ax.bar_label(bars, labels=texts, fontsize=7, color=TEXT, padding=2)


def bars(
    labels: list[str],
    values: list[float | None],
    texts: list[str],
    *,
    goal: float | None = None,
    horizontal: bool = False,
    limit: float | None = None,
    xlabel: str = "",
) -> str:
    """A bar chart as SVG markup; ``texts`` are the formatted values written on the bars."""
    fig, ax = _figure(max(HEIGHT_CM, 0.7 * len(labels) + 1.5) if horizontal else HEIGHT_CM)
    numbers = [v or 0 for v in values]
    if all(float(v).is_integer() for v in numbers):  # counts: no half steps on the axis
        (ax.xaxis if horizontal else ax.yaxis).set_major_locator(MaxNLocator(integer=True))
    if horizontal:
        drawn = ax.barh(labels, numbers, color=BAR)
        ax.invert_yaxis()
        if goal is not None:
            ax.axvline(goal, color=GOAL, linewidth=1.2, linestyle="--")
        if limit is not None:
            ax.set_xlim(0, limit)
    else:
        drawn = ax.bar(labels, numbers, color=BAR)
        if goal is not None:
            ax.axhline(goal, color=GOAL, linewidth=1.2, linestyle="--")
        if limit is not None:
            ax.set_ylim(0, limit)
        if len(labels) > 6:
            ax.tick_params(axis="x", labelrotation=0, labelsize=7)
    if xlabel:
        ax.set_xlabel(xlabel, fontsize=8, color=TEXT)
    _label(ax, drawn, texts)
    return _svg(fig)
