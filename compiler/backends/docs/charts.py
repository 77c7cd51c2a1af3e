"""Charts as inline SVG: an indicator's score curve and a merchant's score history.

Stage: docs backend. Input: an `ir.Indicator` (curve, excellence threshold, unit) or a list of
(as-of, score) pairs. Output: SVG markup (str) rendered server-side with pygal: no script, no
external reference, deterministic ids (so the same rubric always gives the same page).
"""

from __future__ import annotations

import re
import sys

import pygal
from pygal.style import Style

# pygal appends a legacy `sys.meta_path` finder (for its map plugins, unused here) that has no
# `find_spec`; importers that walk sys.meta_path (pytest's importlib mode) fail on it.
sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "PluginImportFixer"]

from rubric.backends.docs.sentences import OP_SYMBOL, format_number, number_g
from rubric.ir import nodes as ir

__all__ = ["curve_chart", "history_chart", "x_scale"]

_FONT = '"Noto Sans CJK SC", "Noto Sans SC", "Noto Sans", "DejaVu Sans", sans-serif'
_STYLE = Style(background="white", plot_background="#fbfbfd", foreground="#333", foreground_strong="#111",
               foreground_subtle="#ccc", font_family=_FONT, label_font_family=_FONT, major_label_font_family=_FONT,
               value_font_family=_FONT, title_font_family=_FONT, legend_font_family=_FONT,
               tooltip_font_family=_FONT, colors=("#2563eb", "#2563eb", "#d97706", "#16a34a"),
               label_font_size=11, major_label_font_size=11, legend_font_size=11, title_font_size=13)

_WORDS = {
    "en": {"curve": "score", "points": "declared points", "excellent": "excellent at", "score": "score",
           "value": "value"},
    "zh": {"curve": "得分", "points": "规则取点", "excellent": "优秀标准", "score": "得分", "value": "数值"},
}
_UNIT = {"share": "%", "duration": "h", "nps": "NPS", "money": "", "count": "", "number": ""}
_UNIT_ZH = {"share": "%", "duration": "小时", "nps": "NPS", "money": "", "count": "", "number": ""}


def x_scale(type_: str) -> float:
    """The factor from a stored value to the chart's x axis (shares are drawn in percent)."""
    return 100.0 if type_ == "share" else 1.0


def _clean(svg: str, chart_id: str) -> str:
    """Drop pygal's config script and comments; give the chart a stable id."""
    svg = re.sub(r"<script\b.*?</script>", "", svg, flags=re.S)
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    found = re.search(r'id="chart-([0-9a-f-]{36})"', svg)
    if found:
        svg = svg.replace(found.group(1), chart_id)
    return svg


def _safe_id(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", text)


def curve_chart(ind: ir.Indicator, lang: str, chart_id: str) -> str | None:
    """The score curve of `ind` as SVG, x in the indicator's unit; None when it has no curve
    to draw (ranked or yes/no indicators).

    >>> from rubric.driver import compile_file, shipped_rules_dir
    >>> p = compile_file(shipped_rules_dir() / "tiktok_shop_store_rating.rubric")
    >>> svg = curve_chart(p.indicator("return_rate"), "en", "c1")
    >>> svg.startswith("<svg") and "<script" not in svg and 'id="chart-c1"' in svg
    True
    """
    if ind.curve is None or ind.type == "bool":
        return None
    w = _WORDS[lang]
    k = x_scale(ind.type)
    pts = [(p.x * k, p.y) for p in ind.curve.points]
    xs, ys = [x for x, _ in pts], [y for _, y in pts]
    span = (max(xs) - min(xs)) or max(abs(max(xs)), 1.0)
    lo, hi = min(xs) - 0.15 * span, max(xs) + 0.15 * span
    if ind.type in ("share", "duration", "count", "money") and min(xs) >= 0:
        lo = max(lo, 0.0)
    if ind.type == "share":
        hi = min(hi, 100.0) if max(xs) <= 100 else hi
    ylo, yhi = min(ys), max(ys)
    if ylo == yhi:
        ylo, yhi = ylo - 1, yhi + 1
    unit = (_UNIT_ZH if lang == "zh" else _UNIT).get(ind.type, "")
    x_title = w["value"] + ((f"（{unit}）" if lang == "zh" else f" ({unit})") if unit else "")
    chart = pygal.XY(style=_STYLE, js=[], disable_xml_declaration=True, width=620, height=300,
                     explicit_size=False, show_legend=True, legend_at_bottom=True, legend_at_bottom_columns=3,
                     x_title=x_title, y_title=w["score"],
                     range=(ylo, yhi), xrange=(lo, hi), show_x_guides=True, dots_size=3,
                     truncate_legend=-1, margin=8, x_value_formatter=number_g, value_formatter=number_g)
    line = [(lo, pts[0][1])] + pts + [(hi, pts[-1][1])]
    chart.add(w["curve"], line, show_dots=False, stroke_style={"width": 2.5})
    chart.add(w["points"], pts, stroke=False, dots_size=4)
    if ind.excellent is not None:
        ex = ind.excellent * k
        label = f"{w['excellent']} {OP_SYMBOL.get(ind.excellent_op or '', '')} {format_number(ind.excellent, ind.type, lang)}"
        chart.add(label, [(ex, ylo), (ex, yhi)], show_dots=False,
                  stroke_style={"width": 1.5, "dasharray": "6, 4"})
    return _clean(chart.render(is_unicode=True), _safe_id(chart_id))


def history_chart(points: list[tuple[str, float | None]], scale: tuple[float, float] | None, lang: str,
                  chart_id: str) -> str:
    """Score over assessments as an SVG line chart; a missing score leaves a gap.

    >>> svg = history_chart([("2024-05-20", 4.3), ("2024-05-27", None), ("2024-06-03", 4.62)], (1, 5), "zh", "h")
    >>> "<script" in svg, svg.count("<svg")
    (False, 1)
    """
    w = _WORDS[lang]
    values = [v for _, v in points if v is not None]
    if scale is not None:
        ylo, yhi = scale
    elif values:
        ylo, yhi = min(values), max(values)
    else:
        ylo, yhi = 0.0, 1.0
    if ylo == yhi:
        ylo, yhi = ylo - 1, yhi + 1
    chart = pygal.Line(style=_STYLE, js=[], disable_xml_declaration=True, width=620, height=260,
                       show_legend=False, range=(ylo, yhi), y_title=w["score"], x_label_rotation=0,
                       dots_size=4, margin=8, margin_right=44, allow_interruptions=True, truncate_label=-1,
                       value_formatter=lambda v: f"{v:.2f}")
    chart.x_labels = [d for d, _ in points]
    chart.add(w["score"], [v for _, v in points], stroke_style={"width": 2.5})
    return _clean(chart.render(is_unicode=True), _safe_id(chart_id))
