"""Timings across releases as a reader sees them: for an example that measures time, one bar chart per
measurement (a release per bar, oldest first), and the same figures as a table, for screen readers, search and
anyone who wants the numbers. From the manifests (engine/evidence/measurements.py), never typed.

The charts are inline SVG drawn in `currentColor`, so they follow Material's light and dark palettes and need
no request; the same manifests give the same bytes.
"""

from __future__ import annotations

import math
import re
from html import escape

from mkdocs_memos.engine.evidence.measurements import FIGURE, Timing
from mkdocs_memos.engine.evidence.releases import label

LABELS = {
    "ko": {
        "title": "{snippet}의 릴리스별 시간 측정",
        "chart": "{name} ({unit}), 릴리스별",
        "desc": "릴리스마다 막대 하나: torch {first}부터 {last}까지. 수치는 아래 표에 있습니다.",
        "machine": "측정한 기계: {machine}, torch 스레드 {threads}개.",
        "machines": "측정한 기계는 릴리스마다 표에 적었습니다. torch 스레드 {threads}개.",
        "unknown": "기록되지 않음",
        "indicative": "각 수치는 그 릴리스에서 예제를 한 번 실행해 잰 것입니다. 실행과 기계가 다르면 시간도 달라지므로, "
                      "릴리스 사이의 차이는 대략적인 참고로만 보세요.",
        "release": "릴리스",
        "machine-column": "기계",
        "measured": "열마다 예제가 출력하는 줄 하나이며, “{figure}” 자리에 측정값이 들어갑니다.",
        "alone": "다른 릴리스의 측정값이 곁에 없어 릴리스별 시간을 그리지 않습니다.",
        "none": "시간을 재는 예제가 없습니다.",
    },
    "en": {
        "title": "Timings of {snippet}, release by release",
        "chart": "{name} ({unit}), by release",
        "desc": "One bar per release, torch {first} to {last}. The figures are in the table below.",
        "machine": "Measured on {machine}, {threads} torch thread(s).",
        "machines": "The machine of each release's measurement is in the table; {threads} torch thread(s).",
        "unknown": "not recorded",
        "indicative": "Each figure comes from one run of the example on that release. Timings from different runs "
                      "and machines are indicative only: read a difference between releases as a hint, not a "
                      "finding.",
        "release": "Release",
        "machine-column": "Machine",
        "measured": "Each column is a line the example prints, “{figure}” standing for the figure measured.",
        "alone": "No other release's measurements are beside this build: there is nothing to draw across releases.",
        "none": "No example measures time.",
    },
}
UNITS = [(1.0, "s"), (1e-3, "ms"), (1e-6, "µs")]
WIDTH, HEIGHT = 640, 170
LEFT, RIGHT, TOP, BOTTOM = 48, 8, 10, 22  # room for the value axis on the left, the releases underneath
SAME_SCALE = 10  # an example's measurements within this factor of each other share a value axis


def figure(timing: Timing, example: str, lang: str) -> str:
    """One example's timings: a chart per measurement, a caption saying what was measured, where, and how far
    to trust a difference, and the table of the figures. `example`: a link to the example."""
    t = LABELS[lang]
    ident = _ident(timing.snippet)
    scales = _scales(timing)
    charts = "".join(_chart(timing, name, scales[name], f"{ident}-{i}", lang) for i, name in enumerate(timing.names))
    machines = sorted({x.machine for x in timing.releases})
    if len(machines) == 1:
        where = t["machine"].format(machine=machines[0] or t["unknown"], threads=timing.threads)
    else:
        where = t["machines"].format(threads=timing.threads)
    title = t["title"].format(snippet=f'<a href="{escape(example)}"><code>{escape(timing.snippet)}</code></a>')
    caption = (f"<figcaption><p><strong>{title}</strong></p><p>{escape(where)} {escape(t['indicative'])}</p>"
               "</figcaption>")
    return (f'<figure class="memo-timings" id="timings-{ident}">{caption}{charts}'
            f"{_table(timing, scales, len(machines) > 1, lang)}</figure>")


def _scales(timing: Timing) -> dict[str, tuple[float, str, float]]:
    """Measurement -> (its unit in seconds, the unit's name, the top of its value axis in that unit). Measurements
    of like size (within SAME_SCALE of each other) share one, so that their bars compare across charts."""
    largest = {n: max(x.seconds[n] for x in timing.releases if n in x.seconds) for n in timing.names}
    found: dict[str, tuple[float, str, float]] = {}
    group: list[str] = []
    for name in sorted(largest, key=largest.get) + [None]:
        if group and (name is None or largest[name] > SAME_SCALE * largest[group[0]]):
            scale, unit = _unit(largest[group[-1]])
            found.update((n, (scale, unit, _ceiling(largest[group[-1]] / scale))) for n in group)
            group = []
        if name is not None:
            group.append(name)
    return found


def _chart(timing: Timing, name: str, axis: tuple[float, str, float], ident: str, lang: str) -> str:
    t = LABELS[lang]
    scale, unit, top = axis
    points = [(x.release, x.seconds[name]) for x in timing.releases if name in x.seconds]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / len(points)
    bars, labels = [], []
    for k, (release, value) in enumerate(points):
        h = value / scale / top * plot_h
        x = LEFT + k * step
        figure_text = f"{release}: {_number(value / scale)} {unit}"
        bars.append(f'<rect x="{x + step * 0.15:.1f}" y="{TOP + plot_h - h:.1f}" width="{step * 0.7:.1f}" '
                    f'height="{h:.1f}"><title>{escape(figure_text)}</title></rect>')
        labels.append(f'<text x="{x + step / 2:.1f}" y="{HEIGHT - 6}" text-anchor="middle">{escape(release)}</text>')
    ticks = []
    for k in range(3):
        y = TOP + plot_h - plot_h * k / 2
        ticks.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" class="memo-timings__grid"/>'
                     f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{top * k / 2:g}</text>')
    label = t["chart"].format(name=name, unit=unit)
    desc = t["desc"].format(first=points[0][0], last=points[-1][0])
    return (f'<div class="memo-timings__chart"><p class="memo-timings__name" id="{ident}-name">{escape(label)}</p>'
            f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{ident}-name" '
            f'aria-describedby="{ident}-desc" xmlns="http://www.w3.org/2000/svg">'
            f'<desc id="{ident}-desc">{escape(desc)}</desc>{"".join(ticks)}'
            f'<g class="memo-timings__bars">{"".join(bars)}</g>{"".join(labels)}</svg></div>')


def _table(timing: Timing, scales: dict, machines: bool, lang: str) -> str:
    t = LABELS[lang]
    head = f'<th scope="col">{escape(t["release"])}</th>' + "".join(
        f'<th scope="col">{escape(name)} ({scales[name][1]})</th>' for name in timing.names)
    if machines:
        head += f'<th scope="col">{escape(t["machine-column"])}</th>'
    rows = ""
    for x in timing.releases:
        cells = "".join(f"<td>{_number(x.seconds[n] / scales[n][0]) if n in x.seconds else '—'}</td>"
                        for n in timing.names)
        if machines:
            cells += f"<td>{escape(x.machine or t['unknown'])}</td>"
        rows += f'<tr><th scope="row">{escape(x.release)} <small>(torch {escape(label(x.torch))})</small></th>{cells}</tr>'
    note = escape(t["measured"].format(figure=FIGURE))
    return (f'<table class="memo-timings__table"><caption>{note}</caption><thead><tr>{head}</tr></thead>'
            f"<tbody>{rows}</tbody></table>")


def timings_page(figures: list[str], releases: int, lang: str) -> str:
    """The *Verdicts by release* page's timings: every measuring example's figure, or why there is none."""
    t = LABELS[lang]
    if releases < 2:
        return f"<p>{escape(t['alone'])}</p>"
    return "".join(figures) or f"<p>{escape(t['none'])}</p>"


def _unit(seconds: float) -> tuple[float, str]:
    """The unit a figure reads best in: the largest in which it is at least 1."""
    return next(((s, u) for s, u in UNITS if seconds >= s), UNITS[-1])


def _ceiling(value: float) -> float:
    """The top of the value axis: 1, 2 or 5 times a power of ten, at or above `value`."""
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= value)


def _number(value: float) -> str:
    """About three significant figures, never in exponent notation."""
    size = abs(value)
    return f"{value:.{0 if size >= 100 or size == 0 else 1 if size >= 10 else 2 if size >= 1 else 3}f}"


def _ident(snippet: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", snippet.lower().removesuffix(".py")).strip("-")
