"""Explanations for people: a merchant's trace rendered as a tree, in English or Chinese.

Input: a `Step` trace from the evaluator and its `ir.Program`. Output: rich `Tree` / text.
Numbers are shown with 2 decimals (shares as percentages), as the docs do.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from rich.console import Console
from rich.text import Text
from rich.tree import Tree

from rubric.backends.reference.trace import Step
from rubric.check import parse_zone
from rubric.ir import nodes as ir

__all__ = ["explain_text", "explain_tree", "fmt_value"]

_WORDS = {
    "en": {
        "as_of": "as of", "score": "score", "tier": "tier", "status": "status", "raw": "raw score",
        "weighted": "weighted mean of dimensions", "weights_for": "weights for", "default": "default weights",
        "weight": "weight", "no_sample": "no sample", "left_out": "left out, its weight shared",
        "protection": "protection score", "of": "of", "curve": "curve", "between": "between", "below": "at or below",
        "above": "at or above", "deduction": "deduction", "each": "each", "clamp": "clamped to",
        "tier_rules": "tier rules", "matched": "matched", "not_matched": "no", "consequence": "consequence",
        "applies": "applies", "does_not_apply": "does not apply", "assessment": "assessment", "holds": "holds",
        "fails": "does not hold", "charge": "charge", "output": "output", "group": "group of", "value": "value",
        "window": "window", "unrated": "unrated: no indicator has a sample", "not_open": "not open at as-of",
        "confirmed": "confirmed", "illustrative": "illustrative", "excluded": "left out", "after": "after deductions",
        "definition": "definition", "promoters": "promoters", "detractors": "detractors", "mean_of": "mean of",
        "status_rules": "status rules", "none": "none",
        "rank": "percentile", "in_group": "in a group of", "platform": "all merchants", "band": "band",
        "band_from": "the raw score's percentile", "places": "places it in", "moved": "moved one band down by",
        "because": "because", "final_band": "final band", "ranked": "ranked", "members": "members",
        "within": "score within the band", "next_up": "the next level up", "needs": "needs", "you_have": "you have",
        "shadow": "shadow score (new version, shown to the merchant only)", "version": "version",
        "in_force": "in force at the start", "rows": "records in the window", "lowest": "lowest",
        "fallback": "group too small", "floor": "rule",
    },
    "zh": {
        "as_of": "考核日", "score": "得分", "tier": "等级", "status": "状态", "raw": "原始得分",
        "weighted": "各维度加权平均", "weights_for": "权重适用于", "default": "默认权重",
        "weight": "权重", "no_sample": "无样本", "left_out": "不参与计算，权重由其余指标分摊",
        "protection": "保护分", "of": "/", "curve": "评分曲线", "between": "位于", "below": "不高于",
        "above": "不低于", "deduction": "扣分", "each": "每次", "clamp": "限定在",
        "tier_rules": "等级规则", "matched": "命中", "not_matched": "未命中", "consequence": "处置",
        "applies": "生效", "does_not_apply": "未生效", "assessment": "考核", "holds": "满足",
        "fails": "不满足", "charge": "费用", "output": "输出", "group": "组内商家数", "value": "数值",
        "window": "时间窗口", "unrated": "暂无评分：所有指标均无样本", "not_open": "考核日尚未开店",
        "confirmed": "已确认", "illustrative": "示例值", "excluded": "剔除", "after": "扣分后",
        "definition": "口径", "promoters": "推荐者", "detractors": "贬损者", "mean_of": "平均",
        "status_rules": "状态规则", "none": "无",
        "rank": "百分位", "in_group": "组内商家数", "platform": "全平台", "band": "分数区间",
        "band_from": "原始得分的百分位", "places": "对应区间", "moved": "降一档，原因", "because": "因为",
        "final_band": "最终区间", "ranked": "排名", "members": "家",
        "within": "区间内得分", "next_up": "上一级", "needs": "要求", "you_have": "当前",
        "shadow": "新版分数（仅对商家展示）", "version": "版本",
        "in_force": "期初有效值", "rows": "期间记录数", "lowest": "最低",
        "fallback": "组内商家过少", "floor": "规则",
    },
}


def fmt_value(value: Any, unit: str) -> str:
    """2-decimal display: shares as percentages, durations in hours.

    >>> fmt_value(0.01234, "share"), fmt_value(52.5, "hours"), fmt_value(None, "score")
    ('1.23%', '52.50 h', '—')
    """
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if unit == "share":
        return f"{value * 100:.2f}%"
    if unit == "hours":
        return f"{value:.2f} h"
    if unit == "count":
        return f"{value:g}" if isinstance(value, float) else str(value)
    if isinstance(value, (int, float)):
        return f"{value:.2f}"
    return str(value)


def _moment(micros: int | None, zone_text: str) -> str:
    if micros is None:
        return "…"
    moment = datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(microseconds=micros)
    return moment.astimezone(parse_zone(zone_text)).strftime("%Y-%m-%d %H:%M")


def _prov(step: Step, w: dict) -> str:
    status = step.provenance.status if step.provenance else None
    return f" [{w[status]}]" if status else ""


class _Tree(Tree):
    """A rich Tree whose labels are plain text: `[confirmed]` is not markup here."""

    def add_text(self, label: str) -> "_Tree":
        node = _Tree(Text(label), guide_style=self.guide_style)
        self.children.append(node)
        return node


class _Renderer:
    def __init__(self, program: ir.Program, lang: str):
        self.program = program
        self.lang = lang
        self.w = _WORDS[lang]

    def title(self, step: Step) -> str:
        text = step.title.text(self.lang, step.name)
        return text if text == step.name else f"{text} ({step.name})"

    def window(self, d: dict) -> str:
        if d.get("from") is None and d.get("to") is None:
            return ""
        close = "]" if d.get("to_inclusive") else ")"
        return f" [{_moment(d.get('from'), self.program.zone)} → {_moment(d.get('to'), self.program.zone)}{close}"

    def measure(self, step: Step) -> str:
        d, w = step.details, self.w
        if "denominator" in d and "numerator" in d:
            return f"{d['numerator']} {w['of']} {d['denominator']}: {d.get('definition', '')}{self.window(d)}"
        if "promoters" in d:
            return (f"{w['promoters']} {d['promoters']}, {w['detractors']} {d['detractors']} {w['of']} "
                    f"{d['denominator']}: {d.get('definition', '')}{self.window(d)}")
        if "count" in d:
            return f"n = {d['count']}: {d.get('definition', '')}{self.window(d)}"
        if "rows_in_window" in d:
            start = d["in_force_at_start"]
            start_text = fmt_value(start, "count") if start is not None else f"{w['none']} ({fmt_value(d.get('default'), 'count')})"
            return (f"{w['in_force']} {start_text}, {w['rows']} {d['rows_in_window']}: "
                    f"{d.get('definition', '')}{self.window(d)}")
        return d.get("definition", "")

    def curve(self, d: dict, unit: str) -> str:
        seg = d.get("curve")
        if not seg or unit == "bool":
            return ""
        w = self.w
        if seg["segment"] == "between":
            (x0, y0), (x1, y1) = seg["from"], seg["to"]
            return f"; {w['curve']} {w['between']} {fmt_value(x0, unit)}→{y0:g} … {fmt_value(x1, unit)}→{y1:g}"
        x, y = seg["point"]
        return f"; {w['curve']} {w[seg['segment']]} {fmt_value(x, unit)} → {y:g}"

    def indicator(self, step: Step, parent: Tree, weight: float | None = None) -> None:
        w, d = self.w, step.details
        value = fmt_value(step.value, step.unit)
        if step.value is None:
            rule = w["protection"] if d.get("no_sample") == "protection score" else w["left_out"]
            score = f"{w['no_sample']}: {rule}" + (f" = {fmt_value(d.get('score'), 'score')}" if d.get("score") is not None else "")
        elif "rank" in d:
            r = d["rank"]
            group = w["platform"] if r["group"] == "platform" else ", ".join(f"{k} {v}" for k, v in r["group"].items())
            score = (f"{w['score']} {fmt_value(d.get('score'), 'score')} = {r['factor']:g} × {w['rank']} "
                     f"{fmt_value(r['percentile'], 'share')} ({w['in_group']} {r['group_size']}: {group})")
            for key in ("floor", "fallback"):
                if key in r:
                    score += f"; {w[key]}: {r[key]}"
        else:
            score = f"{w['score']} {fmt_value(d.get('score'), 'score')}{self.curve(d, step.unit)}"
        weight_text = f" × {weight * 100:.2f}%" if weight is not None else ""
        node = parent.add_text(f"{self.title(step)} = {value} → {score}{weight_text}{_prov(step, w)}")
        node.add_text(self.measure(step))

    def dimension(self, step: Step, parent: Tree, weight: float | None) -> None:
        w = self.w
        weight_text = f" × {weight * 100:.2f}% {w['weight']}" if weight is not None else ""
        node = parent.add_text(f"{self.title(step)} = {fmt_value(step.value, 'score')}{weight_text}{_prov(step, w)}")
        used = {m["name"]: m["used_weight"] for m in step.details.get("members", [])}
        for child in step.children:
            self.indicator(child, node, used.get(child.name))

    def render(self, trace: Step) -> Tree:
        order = {v.name: i for i, v in enumerate(self.program.values)}
        values = sorted((c for c in trace.children if c.kind == "value"), key=lambda c: order.get(c.name, 0))
        rest = [c for c in trace.children if c.kind != "value"]
        trace = Step(trace.kind, trace.name, trace.title, trace.value, trace.unit, trace.details, values + rest,
                     trace.provenance)
        w, p = self.w, self.program
        attrs = ", ".join(f"{k} {v}" for k, v in trace.details.get("attributes", {}).items())
        version = f" · {w['version']} {trace.details['version']}" if trace.details.get("version") else ""
        head = (f"{trace.name}{f' ({attrs})' if attrs else ''} · {p.title.text(self.lang, p.name)} · "
                f"{w['as_of']} {trace.details.get('as_of')} ({p.zone}){version}")
        root = _Tree(Text(head))
        status = trace.details.get("status")
        if status == "not_open":
            root.add_text(f"{w['status']}: not_open ({w['not_open']})")
            return root
        tier = next((c for c in trace.children if c.kind == "tier"), None)
        root.add_text(f"{w['score']} {fmt_value(trace.value, 'score')} · {w['tier']} "
                 f"{tier.value if tier and tier.value else '—'} · {w['status']} {status}")
        self.score_part(trace, root)
        self.rules_part(trace, root)
        return root

    def score_part(self, trace: Step, root: Tree) -> None:
        w = self.w
        raw = next((c for c in trace.children if c.kind == "raw_score"), None)
        dims = {c.name: c for c in trace.children if c.kind == "dimension"}
        for step in trace.children:
            if step.kind == "value" and "rows_in_window" not in step.details:
                node = root.add_text(f"{self.title(step)} = {fmt_value(step.value, step.unit)}{_prov(step, w)}")
                node.add_text(self.measure(step))
        if raw is not None:
            weights_for = raw.details.get("weights_for")
            label = f"{w['weights_for']} {weights_for}" if weights_for and weights_for != "default" else w["default"]
            how = f" = {w['weighted']} ({label})" if "members" in raw.details else f" = {raw.details.get('definition')}"
            node = root.add_text(f"{w['raw']} = {fmt_value(raw.value, 'score')}{how}")
            used = {m["name"]: m["used_weight"] for m in raw.details.get("members", [])}
            for name, dim in dims.items():
                self.dimension(dim, node, used.get(name))
            for step in trace.children:
                if step.kind == "indicator":
                    self.indicator(step, node)
            if trace.value is None and raw.value is None:
                node.add_text(w["unrated"])
        for step in trace.children:
            if step.kind == "band":
                self.band(step, root)
            elif step.kind == "shadow":
                node = root.add_text(f"{w['shadow']}: {fmt_value(step.value, 'score')} ({w['version']} {step.name})")
                if step.details.get("gate"):
                    node.add_text(f"{w['moved']} {step.details['gate']}")
            elif step.kind == "deduction":
                d = step.details
                root.add_text(f"{w['deduction']} {self.title(step)}: {d['count']} × {d['each']:g} = "
                         f"−{fmt_value(step.value, 'score')}{_prov(step, w)}")
            elif step.kind == "score":
                d = step.details
                clamp = d.get("clamp")
                text = f"{w['score']} = {fmt_value(step.value, 'score')} ({w['after']} {fmt_value(d.get('after_deductions'), 'score')}"
                if clamp:
                    low = "−∞" if clamp[0] is None else f"{clamp[0]:g}"
                    high = "∞" if clamp[1] is None else f"{clamp[1]:g}"
                    text += f", {w['clamp']} {low} .. {high}"
                root.add_text(text + ")" + _prov(step, w))

    def band(self, step: Step, root: Tree) -> None:
        w, d = self.w, step.details
        node = root.add_text(f"{w['band']}: {self.title(step)} → {w['score']} {fmt_value(step.value, 'score')}"
                             f"{_prov(step, w)}")
        node.add_text(f"{w['band_from']} {fmt_value(d['percentile'], 'share')} ({w['in_group']} {d['group_size']}) "
                      f"{w['places']} {d['band_from_percentile']}")
        if d.get("gate"):
            node.add_text(f"{w['moved']} {d['gate']}: {d['gate_condition']} → {w['final_band']} {d['band']}")
        node.add_text(f"{w['within']}: {d['low']:g} + ({d['high']:g} − {d['low']:g}) × ({d['rank']} − 1) / "
                      f"{d['members']} = {fmt_value(step.value, 'score')} ({w['ranked']} {d['rank']} / {d['members']} "
                      f"{w['members']}, raw {fmt_value(d['score_before_bands'], 'score')})")

    def rules_part(self, trace: Step, root: Tree) -> None:
        w = self.w
        # outputs last, whenever they were computed
        steps = [c for c in trace.children if c.kind != "output"] + [c for c in trace.children if c.kind == "output"]
        for step in steps:
            if step.kind in ("status", "tier") and step.details.get("rules"):
                node = root.add_text(f"{w['status_rules'] if step.kind == 'status' else w['tier_rules']}: "
                                f"{step.value if step.value is not None else '—'}{_prov(step, w)}")
                for rule in step.details["rules"]:
                    mark = w["matched"] if rule["matched"] else w["not_matched"]
                    node.add_text(f"{rule['name']}: {rule['condition']} → {mark}")
                up = step.details.get("next_up")
                if up:
                    have = fmt_value(up["value"], up["unit"]) if up["value"] is not None else "—"
                    because = f" ({up['because']})" if up.get("because") else ""
                    node.add_text(f"{w['next_up']} {up['tier']} {w['needs']} {up['condition']}{because}; "
                                  f"{w['you_have']} {have}")
            elif step.kind == "consequence":
                self.consequence(step, root)
            elif step.kind == "output":
                extra = f" ({w['group']} {step.details['group_size']})" if "group_size" in step.details else ""
                root.add_text(f"{w['output']} {self.title(step)} = {fmt_value(step.value, step.unit)}{extra}{_prov(step, w)}")
            elif step.kind == "value" and "rows_in_window" in step.details:
                node = root.add_text(f"{self.title(step)} = {fmt_value(step.value, step.unit)}{_prov(step, w)}")
                node.add_text(self.measure(step))

    def consequence(self, step: Step, root: Tree) -> None:
        w, d = self.w, step.details
        verdict = w["applies"] if step.value else w["does_not_apply"]
        node = root.add_text(f"{w['consequence']} {self.title(step)}: {verdict} ({d['condition']}){_prov(step, w)}")
        runs = d.get("assessments", [])
        if len(runs) > 1:
            for run in runs:
                mark = w["holds"] if run["holds"] else w["fails"]
                node.add_text(f"{w['assessment']} {run['as_of']}: {w['score']} {fmt_value(run['score'], 'score')} → {mark}")
        charge = d.get("charge")
        if charge and charge["amount"] is not None:
            node.add_text(f"{w['charge']} {charge['output']} = {charge['amount']:.2f}")


def explain_tree(trace: Step, program: ir.Program, lang: str = "en") -> Tree:
    return _Renderer(program, lang).render(trace)


def explain_text(trace: Step, program: ir.Program, lang: str = "en", width: int = 120) -> str:
    """The explanation tree as plain text (no colour)."""
    console = Console(width=width, record=True, color_system=None, force_terminal=False, file=_Null())
    console.print(explain_tree(trace, program, lang))
    return console.export_text()


class _Null:
    def write(self, _text: str) -> int:
        return 0

    def flush(self) -> None:
        pass
