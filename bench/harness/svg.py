"""Grouped bar charts as SVG, for doc/performance.md.

Written by hand rather than with a plotting library: bench/run needs
nothing but python3, so that anyone can run it on a fresh machine, and a
bar chart of ratios is a few rectangles, lines and labels.
"""

from __future__ import annotations

import math
from html import escape

PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1"]


def ratio_bars(title: str, groups: list[str], series: list[tuple[str, list[float | None]]],
               note: str) -> str:
    """Bars of ratios on a log scale, one group per benchmark and one bar
    per series; a line marks 1. Missing values leave a gap."""
    values = [v for _, vs in series for v in vs if v]
    lo = min([0.5] + values)
    hi = max([2.0] + values)
    lo_exp, hi_exp = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    width, height = 760, 360
    left, right, top, bottom = 60, 20, 40, 90
    plot_w, plot_h = width - left - right, height - top - bottom

    def y(v: float) -> float:
        frac = (math.log10(v) - lo_exp) / (hi_exp - lo_exp)
        return top + plot_h * (1 - frac)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{width / 2}" y="22" text-anchor="middle" font-size="15">{escape(title)}</text>',
    ]
    for e in range(lo_exp, hi_exp + 1):
        for m in (1, 3) if e < hi_exp else (1,):
            v = m * 10**e
            if v < 10**lo_exp or v > 10**hi_exp:
                continue
            yy = y(v)
            out.append(f'<line x1="{left}" x2="{width - right}" y1="{yy:.1f}" y2="{yy:.1f}" '
                       f'stroke="{"#333" if v == 1 else "#ddd"}" stroke-width="{1.5 if v == 1 else 1}"/>')
            label = f"{v:g}×"
            out.append(f'<text x="{left - 6}" y="{yy + 4:.1f}" text-anchor="end">{label}</text>')
    group_w = plot_w / max(1, len(groups))
    bar_w = group_w * 0.8 / max(1, len(series))
    base = y(1)
    for g, name in enumerate(groups):
        gx = left + g * group_w + group_w * 0.1
        for s, (_, vs) in enumerate(series):
            v = vs[g]
            if not v:
                continue
            top_y, bot_y = sorted((y(v), base))
            out.append(f'<rect x="{gx + s * bar_w:.1f}" y="{top_y:.1f}" width="{bar_w - 1:.1f}" '
                       f'height="{max(bot_y - top_y, 0.5):.1f}" fill="{PALETTE[s % len(PALETTE)]}">'
                       f'<title>{escape(series[s][0])}, {escape(name)}: {v:.2f}×</title></rect>')
        out.append(f'<text x="{left + (g + 0.5) * group_w:.1f}" y="{top + plot_h + 16}" '
                   f'text-anchor="middle">{escape(name)}</text>')
    lx = left
    for s, (label, _) in enumerate(series):
        out.append(f'<rect x="{lx}" y="{height - 52}" width="12" height="12" '
                   f'fill="{PALETTE[s % len(PALETTE)]}"/>')
        out.append(f'<text x="{lx + 16}" y="{height - 42}">{escape(label)}</text>')
        lx += 24 + 7 * len(label)
    out.append(f'<text x="{left}" y="{height - 16}" fill="#555">{escape(note)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
