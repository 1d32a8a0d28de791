"""Charts drawn on the server as SVG: no script, no inline style (the CSP forbids both). Pure.

Every chart carries a <title> and a <desc> and is shown next to a table of the same figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

IN_PERSON, SELF_PACED, TRACK, TARGET, INK, MUTED = (
    "#1d4e89",
    "#7fa7d9",
    "#e4e8ee",
    "#1c2430",
    "#1c2430",
    "#4f5b6b",
)
WIDTH = 340  # small enough that 14-unit text stays readable when a phone scales the chart down
VALUE_SPACE = 76
FONT = 14


@dataclass(frozen=True)
class Bar:
    """One sector in the bar chart."""

    label: str
    in_person: int
    self_paced: int
    target: int | None = None
    words: str = ""  # said instead of the value when set ("fewer than 5" in a report that leaves the coalition)

    @property
    def value(self) -> int:
        return self.in_person + self.self_paced


def _svg(chart_id: str, height: int, title: str, desc: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="coverage-chart" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" '
        f'font-size="{FONT}" font-family="system-ui, sans-serif">'
        f'<title id="{chart_id}-t">{escape(title)}</title><desc id="{chart_id}-d">{escape(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _text(x: float, y: float, text: str, *, anchor: str = "start", fill: str = INK, weight: str = "") -> str:
    bold = ' font-weight="600"' if weight else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}"{bold}>{escape(text)}</text>'


def _rect(x: float, y: float, width: float, height: float, fill: str) -> str:
    return f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(width, 0):.1f}" height="{height:.1f}" fill="{fill}"/>'


def _value_words(bar: Bar) -> str:
    value = bar.words or str(bar.value)
    return f"{value} of {bar.target}" if bar.target else value


def bar_chart(chart_id: str, title: str, bars: Sequence[Bar]) -> str:
    """Draw a bar per sector: trained people, in person then self-paced, with the target marked."""
    scale = max([1] + [b.value for b in bars] + [b.target or 0 for b in bars])
    row, body = 46, []
    track = WIDTH - VALUE_SPACE
    for i, bar in enumerate(bars):
        top = 20 + i * row
        body.append(_text(0, top, bar.label))
        body.append(_text(WIDTH, top + 19, _value_words(bar), anchor="end", fill=INK))
        body.append(_rect(0, top + 6, track, 16, TRACK))
        first = track * bar.in_person / scale
        body.append(_rect(0, top + 6, first, 16, IN_PERSON))
        body.append(_rect(first, top + 6, track * bar.self_paced / scale, 16, SELF_PACED))
        if bar.target:
            x = min(track * bar.target / scale, track - 3)
            body.append(_rect(x, top + 2, 3, 24, TARGET))
    desc = "; ".join(
        (f"{b.label}: {b.words} trained" if b.words else
         f"{b.label}: {b.value} trained ({b.in_person} in person, {b.self_paced} self-paced)")
        + (f", target {b.target}" if b.target else ", no target")
        for b in bars
    )
    return _svg(chart_id, 16 + len(bars) * row, title, desc or "No sectors.", body)


def trend_chart(chart_id: str, title: str, periods: Sequence[str], values: Sequence[int]) -> str:
    """Draw one column per period with its value above it and the period below."""
    height, base, top = 200, 170, 26
    scale = max([1, *values])
    step = WIDTH / max(len(values), 1)
    body = [f'<line x1="0" y1="{base}" x2="{WIDTH}" y2="{base}" stroke="{MUTED}" stroke-width="1"/>']
    for i, (period, value) in enumerate(zip(periods, values, strict=True)):
        tall = (base - top) * value / scale
        x = i * step + step * 0.2
        body.append(_rect(x, base - tall, step * 0.6, tall, IN_PERSON))
        body.append(_text(x + step * 0.3, base - tall - 6, str(value), anchor="middle", weight="600"))
        body.append(_text(x + step * 0.3, base + 20, period, anchor="middle", fill=MUTED))
    desc = ", ".join(f"{p}: {v}" for p, v in zip(periods, values, strict=True))
    return _svg(chart_id, height, title, desc, body)


def sparkline(values: Sequence[int], width: int = 80, height: int = 22) -> str:
    """Draw a small line of a series; decorative (aria-hidden), the numbers sit beside it."""
    scale = max([1, *values])
    step = width / max(len(values) - 1, 1)
    points = " ".join(f"{i * step:.1f},{height - 2 - (height - 4) * v / scale:.1f}" for i, v in enumerate(values))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sparkline" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-hidden="true" focusable="false">'
        f'<polyline points="{points}" fill="none" stroke="{IN_PERSON}" stroke-width="2"/></svg>'
    )
