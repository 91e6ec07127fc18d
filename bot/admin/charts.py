"""Bar charts as PNG files, drawn by matplotlib's Agg renderer: no display, no download.

The caller gives every word already translated and every number already computed
(bot/admin/figures.py); this module only draws. `render_png` is synchronous and CPU-bound: call
it through `asyncio.to_thread`. It uses matplotlib's object API (a `Figure` per call, never
pyplot's global state), so charts can be drawn in parallel threads.

The numbers drawn are also written into the PNG as a `tEXt` chunk (key `mentorbot:data`,
JSON), so a test — or a curious coordinator — can check a chart against the text under it.
"""

from __future__ import annotations

import io
import json
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any

from babel.numbers import format_decimal

DATA_KEY = "mentorbot:data"
MAX_LABEL = 32
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9")  # Okabe-Ito
DPI = 110


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[float, ...]


@dataclass(frozen=True)
class Bars:
    """One panel: a bar per category and series (grouped side by side, or stacked)."""

    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    axis_label: str = ""
    horizontal: bool = False
    stacked: bool = False
    limit: float | None = None       # a fixed top of the value axis (5 for a 1–5 rating)
    notes: tuple[str, ...] = ()      # written after each category's bar, e.g. "4,5 (12)"


@dataclass(frozen=True)
class Chart:
    title: str
    panels: tuple[Bars, ...]
    lang: str = "en"                 # for the numbers on the axes ("4,5" in French)

    def data(self) -> dict[str, Any]:
        """The numbers drawn, as embedded in the PNG."""
        return {"title": self.title, "panels": [
            {"title": p.title, "categories": list(p.categories),
             "series": {s.label: list(s.values) for s in p.series}} for p in self.panels]}


def render_png(chart: Chart) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rows, columns = _grid(len(chart.panels))
    figure = Figure(figsize=(5.2 * columns + 1.5, 3.6 * rows + 0.9), dpi=DPI,
                    layout="constrained")
    FigureCanvasAgg(figure)
    figure.suptitle(_printable(chart.title, 90), fontsize=13, fontweight="bold")
    for index, panel in enumerate(chart.panels or (Bars("", (), ()),)):
        _draw(figure.add_subplot(rows, columns, index + 1), panel, chart.lang)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={
        DATA_KEY: json.dumps(chart.data(), ensure_ascii=True), "Software": "mentorbot"})
    return buffer.getvalue()


def _grid(panels: int) -> tuple[int, int]:
    if panels <= 1:
        return 1, 1
    if panels == 2:
        return 1, 2
    return (panels + 1) // 2, 2


def _draw(ax: Any, panel: Bars, lang: str) -> None:
    from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

    ax.set_title(_printable(panel.title, 60), fontsize=11)
    categories = [_printable(c, MAX_LABEL) for c in panel.categories]
    if not categories or not panel.series:
        ax.text(0.5, 0.5, "—", ha="center", va="center", fontsize=20, transform=ax.transAxes)
        ax.set_axis_off()
        return
    positions = list(range(len(categories)))
    width = 0.8 if panel.stacked else 0.8 / len(panel.series)
    base = [0.0] * len(categories)
    for number, series in enumerate(panel.series):
        values = [float(v) for v in series.values[:len(categories)]]
        values += [0.0] * (len(categories) - len(values))
        shift = 0.0 if panel.stacked else (number - (len(panel.series) - 1) / 2) * width
        where = [p + shift for p in positions]
        colour = PALETTE[number % len(PALETTE)]
        label = _printable(series.label, MAX_LABEL)
        if panel.horizontal:
            ax.barh(where, values, height=width, left=base, color=colour, label=label)
        else:
            ax.bar(where, values, width=width, bottom=base, color=colour, label=label)
        if panel.stacked:
            base = [b + v for b, v in zip(base, values, strict=True)]
    ends = base if panel.stacked else [
        max(float(s.values[i]) if i < len(s.values) else 0.0 for s in panel.series)
        for i in positions]
    _annotate(ax, panel, positions, ends)
    value_axis, category_axis = (ax.xaxis, ax.yaxis) if panel.horizontal else (ax.yaxis, ax.xaxis)
    category_axis.set_ticks(positions, categories)
    if panel.horizontal:
        ax.invert_yaxis()  # the first category on top
    elif len(categories) > 4:
        ax.tick_params(axis="x", labelrotation=30)
    whole = all(float(v).is_integer() for s in panel.series for v in s.values)
    value_axis.set_major_locator(MaxNLocator(integer=whole) if panel.limit is None
                                 else FixedLocator(range(int(panel.limit) + 1)))
    value_axis.set_major_formatter(FuncFormatter(
        lambda value, _: format_decimal(round(value, 2), format="#,##0.##", locale=lang)))
    # Room above the longest bar for its note.
    top = (panel.limit if panel.limit is not None else max([*ends, 1.0])) * 1.15
    (ax.set_xlim if panel.horizontal else ax.set_ylim)(0, top)
    if panel.axis_label:
        (ax.set_xlabel if panel.horizontal else ax.set_ylabel)(_printable(panel.axis_label, 60))
    ax.grid(axis="x" if panel.horizontal else "y", alpha=0.3)
    ax.set_axisbelow(True)
    if len(panel.series) > 1:
        ax.legend(fontsize=8)


def _annotate(ax: Any, panel: Bars, positions: list[int], ends: list[float]) -> None:
    for position, end, note in zip(positions, ends, panel.notes, strict=False):
        if not note:
            continue
        if panel.horizontal:
            ax.annotate(_printable(note, 40), (end, position), xytext=(3, 0),
                        textcoords="offset points", va="center", fontsize=8)
        else:
            ax.annotate(_printable(note, 40), (position, end), xytext=(0, 3),
                        textcoords="offset points", ha="center", fontsize=8)


@cache
def _glyphs() -> frozenset[int]:
    """Code points the default font (DejaVu Sans, shipped with matplotlib) can draw."""
    from matplotlib import font_manager

    font = font_manager.get_font(font_manager.findfont("DejaVu Sans"))
    return frozenset(font.get_charmap())


def _printable(text: str, limit: int) -> str:
    """Names come from people: no control characters, no glyph the font lacks (an emoji
    would be an empty box and a warning), no `$` mathtext, and not longer than `limit`."""
    glyphs = _glyphs()
    kept = "".join(
        c if ord(c) in glyphs else "?" if unicodedata.category(c)[0] == "L" else ""
        for c in unicodedata.normalize("NFC", text) if unicodedata.category(c)[0] != "C")
    kept = " ".join(kept.split())
    if len(kept) > limit:
        kept = kept[:limit - 1].rstrip() + "…"
    return kept.replace("$", r"\$")
