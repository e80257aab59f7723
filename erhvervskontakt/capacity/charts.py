"""Server-rendered SVG charts of a plan: no JavaScript, readable by screen readers.

Each chart is an ``<svg role="img">`` with a title and a description; the page always shows the same
numbers in tables. Series differ by shape (bars, solid and dashed lines) and not only by colour, and
the colours keep at least 3:1 contrast against white (WCAG 1.4.11).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 960, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 36, 40
BAR_COLOUR = "#3b6e9b"  # 5.3:1 on white
LINE_COLOUR = "#1a1a1a"
DASH_COLOUR = "#a3400a"  # 5.6:1 on white
GRID_COLOUR = "#d9d9d9"


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float | None]
    style: str  # "bars", "step" (solid stepped line) or "dashed" (dashed stepped line)


@dataclass(frozen=True)
class Group:
    """A labelled run of points, e.g. one day's open intervals."""

    label: str
    start: int
    end: int  # exclusive


def _scale(peak: float) -> tuple[float, float]:
    """A round top and tick step for values up to ``peak``: steps of 1, 2, 2.5 or 5 x 10^k, 3-6 ticks."""
    if peak <= 0:
        return 1.0, 0.25
    raw = peak / 5
    exponent = 10 ** math.floor(math.log10(raw))
    step = next(m * exponent for m in (1, 2, 2.5, 5, 10) if m * exponent >= raw)
    if step < 1:
        step = 1.0  # calls and agents: whole numbers on the axis
    return step * math.ceil(peak / step), step


def _fmt(value: float) -> str:
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


def chart(
    *, chart_id: str, title: str, description: str, series: list[Series], groups: list[Group], y_label: str
) -> SafeString:
    """An SVG chart of ``series`` over the same points, with ``groups`` labelled along the x axis."""
    points = max((len(s.values) for s in series), default=0)
    if points == 0:
        return mark_safe("")  # noqa: S308 - empty string
    peak = max((v for s in series for v in s.values if v is not None), default=0.0)
    top, tick_step = _scale(peak)
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    step = plot_w / points

    def x(i: float) -> float:
        return LEFT + i * step

    def y(v: float) -> float:
        return TOP + plot_h * (1 - v / top)

    parts = [
        f'<svg class="ek-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for tick in [tick_step * i for i in range(round(top / tick_step) + 1)]:
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            f'stroke="{GRID_COLOUR}" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="12">{_fmt(tick)}</text>'
        )
    parts.append(f'<text x="4" y="{TOP - 14}" font-size="12">{escape(y_label)}</text>')
    for group in groups:
        parts.append(
            f'<line x1="{x(group.start):.1f}" x2="{x(group.start):.1f}" '
            f'y1="{TOP}" y2="{HEIGHT - BOTTOM + 6}" '
            f'stroke="#8c8c8c" stroke-width="1"/>'
            f'<text x="{(x(group.start) + x(group.end)) / 2:.1f}" y="{HEIGHT - BOTTOM + 20}" '
            f'text-anchor="middle" font-size="12">{escape(group.label)}</text>'
        )
    bar_series = [s for s in series if s.style == "bars"]
    bar_w = step * 0.8 / max(1, len(bar_series))
    for number, s in enumerate(bar_series):
        for i, value in enumerate(s.values):
            if not value:
                continue
            left = x(i) + step * 0.1 + number * bar_w
            parts.append(
                f'<rect x="{left:.1f}" y="{y(value):.1f}" width="{bar_w:.1f}" '
                f'height="{y(0) - y(value):.1f}" fill="{BAR_COLOUR}"/>'
            )
    for s in series:
        if s.style == "bars":
            continue
        path: list[str] = []
        for i, value in enumerate(s.values):
            if value is None:
                continue
            command = "M" if not path or s.values[i - 1] is None else "L"
            path.append(f"{command}{x(i):.1f},{y(value):.1f} L{x(i + 1):.1f},{y(value):.1f}")
        if path:
            colour, dash = (
                (LINE_COLOUR, "") if s.style == "step" else (DASH_COLOUR, ' stroke-dasharray="6 4"')
            )
            parts.append(
                f'<path d="{" ".join(path)}" fill="none" stroke="{colour}" stroke-width="2.5"{dash}/>'
            )
    # Legend along the top.
    legend_x = LEFT + 120
    for s in series:
        if s.style == "bars":
            mark = f'<rect x="{legend_x}" y="{TOP - 24}" width="14" height="12" fill="{BAR_COLOUR}"/>'
        else:
            colour, dash = (
                (LINE_COLOUR, "") if s.style == "step" else (DASH_COLOUR, ' stroke-dasharray="6 4"')
            )
            mark = (
                f'<line x1="{legend_x}" x2="{legend_x + 22}" y1="{TOP - 18}" y2="{TOP - 18}" '
                f'stroke="{colour}" stroke-width="2.5"{dash}/>'
            )
        parts.append(f'{mark}<text x="{legend_x + 28}" y="{TOP - 14}" font-size="12">{escape(s.name)}</text>')
        legend_x += 40 + 7 * len(s.name)
    parts.append(
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(0):.1f}" y2="{y(0):.1f}" '
        f'stroke="{LINE_COLOUR}" stroke-width="1"/>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text node above is escaped
