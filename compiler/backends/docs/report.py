"""The diagnosis report: one merchant's score, tier, status, consequences and what to improve.

Stage: docs backend. Input: the `ir.Program`, the merchant's `Evaluation`s (oldest first, the
latest last) from the reference evaluator, and the data the latest one was computed from.
Output: one HTML (or Markdown, by the file suffix) page.

Points to gain are computed by re-evaluating the rubric, not estimated: for each indicator
not at its best, `rubric.backends.reference.evaluate.what_if` re-evaluates the rubric at the
same as-of with that indicator of the merchant at its excellence threshold (else the best point
of its curve, else - for a ranked indicator - the best value among its peers). Every other
merchant keeps its measured values; peer ranks, dimension renormalisation, regional weights,
totals, deductions, clamps, bands and gates, statuses, tiers and consequences with their
history are recomputed by the evaluator itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from markupsafe import Markup

from rubric.backends.docs.charts import history_chart
from rubric.backends.docs.render import html_env, md_env, tidy_md
from rubric.backends.docs.sentences import OP_SYMBOL, Speaker, format_number
from rubric.backends.docs.words import LABEL, UI
from rubric.backends.reference.evaluate import (
    COMPARE, DISPLAY_UNIT, Evaluation, Prepared, cume_dist, curve_score, evaluate, what_if,
)
from rubric.backends.reference.explain import fmt_value
from rubric.backends.reference.trace import Step
from rubric.ir import nodes as ir
from rubric.tree import walk

__all__ = ["Gain", "build_report", "peer_percentiles", "points_to_gain", "render_report"]

_UNIT = DISPLAY_UNIT


# --- points to gain -----------------------------------------------------------------------------

@dataclass
class Gain:
    indicator: str
    title: str
    current: Any
    target: Any
    unit: str
    gain: float
    new_score: float | None
    new_tier: str | None
    raw_gain: float = 0.0            # the score before banding (rubrics with bands)
    text: str = ""
    badge: str = ""


def _meets(value, op: str | None, threshold) -> bool:
    if value is None or op is None or threshold is None or op == "!=":
        return False
    return COMPARE[op](value, threshold)


def _peer_values(evaluation: Evaluation, ind: ir.Indicator, merchant_id: str, merchants: dict[str, dict]) -> list:
    """Values of open merchants with a value, in the merchant's rank group (or all)."""
    group = ind.rank.group if ind.rank is not None else ()
    me = merchants.get(merchant_id, {})
    out = []
    for mid, r in evaluation.results.items():
        v = r.row.get(f"ind.{ind.name}.value")
        if r.row.get("status") == "not_open" or v is None:
            continue
        attrs = merchants.get(mid, {})
        if all(attrs.get(g) == me.get(g) for g in group):
            out.append(v)
    return out


def _targets(ind: ir.Indicator, value, evaluation: Evaluation, merchant_id: str,
             merchants: dict[str, dict]) -> list[tuple[Any, bool]]:
    """Candidate values to re-evaluate with, best first, each with whether it is the curve's
    lowest-scoring point (tried only when a higher indicator score lowers the total, as for a
    deduction)."""
    if value is None:
        return []
    if ind.excellent is not None:
        return [] if _meets(value, ind.excellent_op, ind.excellent) else [(ind.excellent, False)]
    if ind.curve is not None:
        pts = ind.curve.points
        best, worst = max(pts, key=lambda p: p.y), min(pts, key=lambda p: p.y)
        cast = (lambda x: bool(x)) if ind.type == "bool" else (lambda x: x)
        return [(cast(best.x), False)] + ([(cast(worst.x), True)] if worst.y != best.y else [])
    if ind.rank is not None:
        peers = _peer_values(evaluation, ind, merchant_id, merchants)
        if not peers:
            return []
        best = max(peers) if ind.higher_is_better is not False else min(peers)
        return [] if best == value else [(best, False)]
    return []


def _actionable(ind: ir.Indicator) -> bool:
    """Whether the merchant can improve the indicator by what it does: not one that only time
    changes (a store's age, `years since opened_at`), which is no advice."""
    if ind.measure.kind != "expr" or ind.measure.expr is None:
        return True
    kinds = {getattr(node, "kind", None) for node in walk(ind.measure.expr)}
    return not (kinds & {"years_since", "months_since"}) or bool(kinds & {"ref"})


def points_to_gain(evaluation: Evaluation, merchant_id: str) -> list[Gain]:
    """For each indicator of the merchant that is not at its best: the score gained when it
    is, by re-evaluation (`what_if`); positive gains only, largest first. `evaluation` comes
    from `evaluate` (it keeps the rows it was computed from)."""
    result = evaluation.results[merchant_id]
    base = result.row.get("score")
    if base is None or result.row.get("status") == "not_open":
        return []
    merchants = {m["merchant_id"]: m for m in evaluation.prepared.merchants}
    gains = [g for ind in evaluation.program.indicators if _actionable(ind)
             if (g := _gain(evaluation, ind, merchant_id, merchants)) is not None]
    gains.sort(key=lambda g: (-g.gain, -g.raw_gain, g.indicator))
    return gains


def _gain(evaluation: Evaluation, ind: ir.Indicator, merchant_id: str, merchants: dict[str, dict]) -> Gain | None:
    """The first target of `_targets` that raises the score (or, with bands, the score before
    banding), re-evaluated."""
    row = evaluation.results[merchant_id].row
    value, current = row.get(f"ind.{ind.name}.value"), row.get(f"ind.{ind.name}.score")
    banded = evaluation.program.bands is not None
    for target, lowest in _targets(ind, value, evaluation, merchant_id, merchants):
        if target == value:
            continue
        if ind.curve is not None and ind.rank is None:
            at = curve_score(ind.curve, 1.0 if target is True else 0.0 if target is False else target)[0]
            if at == current or (lowest and at > current) or (not lowest and at < current):
                continue
        new_row = what_if(evaluation, merchant_id, {ind.name: target}).row
        new = new_row.get("score")
        if new is None:
            continue
        gain = round(new - row["score"], 9)
        raw_gain = 0.0
        if banded and new_row.get("raw_score") is not None and row.get("raw_score") is not None:
            raw_gain = round(new_row["raw_score"] - row["raw_score"], 9)
        if gain > 0 or (gain == 0 and raw_gain > 0):
            return Gain(ind.name, ind.title.en or ind.name, value, target, _UNIT.get(ind.type, ""), gain, new,
                        new_row.get("tier"), raw_gain)
        if not lowest and gain == 0 and raw_gain == 0:
            return None              # the score does not move with this indicator: no need to try lower
    return None


def peer_percentiles(evaluation: Evaluation, merchant_id: str) -> dict[str, float | None]:
    """Per indicator: the merchant's cume_dist among open merchants with a value, in the
    better direction (the share of them whose value is no better); for an indicator scored
    against peers, within the group it is ranked in, so it is the percentile its score uses."""
    attributes = {m["merchant_id"]: m for m in evaluation.prepared.merchants} if evaluation.prepared else {}
    mine = attributes.get(merchant_id, {})
    out: dict[str, float | None] = {}
    for ind in evaluation.program.indicators:
        group = ind.rank.group if ind.rank is not None else ()
        members = []
        for mid, r in evaluation.results.items():
            v = r.row.get(f"ind.{ind.name}.value")
            if r.row.get("status") != "not_open" and v is not None and \
                    all(attributes.get(mid, {}).get(g) == mine.get(g) for g in group):
                members.append((mid, float(v)))
        ranks = cume_dist(members, ind.higher_is_better is not False) if members else {}
        out[ind.name] = ranks.get(merchant_id)
    return out


# --- the page's content ---------------------------------------------------------------------------

@dataclass
class IndicatorRow:
    name: str
    title: str
    value: str
    sample: str
    score: str
    percentile: str
    excellent: str
    meets: bool | None
    weight: str


@dataclass
class DimensionRow:
    name: str
    title: str
    score: str
    weight: str
    indicators: list[IndicatorRow]


@dataclass
class ReportPage:
    lang: str
    rubric: str
    rubric_title: str
    merchant: str
    attributes: str
    as_of: str
    zone: str
    version: str | None
    stats: list[tuple[str, str]]
    consequences: list[dict]
    next_tier: tuple[str, list[str]]
    bands: list[str]
    improve: list[Gain]
    dimensions: list[DimensionRow]
    loose: list[IndicatorRow]
    deductions: list[str]
    outputs: list[tuple[str, str]]
    history: list[tuple[str, str, str]]
    history_chart: str | None
    notes: list[str] = field(default_factory=list)


class _Report:
    def __init__(self, root: ir.Program, history: list[Evaluation], merchant_id: str, lang: str, gains: list[Gain]):
        self.root = root
        self.ev = history[-1]
        self.history = history
        self.mid = merchant_id
        self.lang = lang
        self.zh = lang == "zh"
        self.w = UI[lang]
        self.p = self.ev.program
        self.say = Speaker(self.p, lang)
        self.result = self.ev.results[merchant_id]
        self.row = self.result.row
        self.trace = self.result.trace
        self.gains = gains
        self.pct = peer_percentiles(self.ev, merchant_id)

    def fmt(self, value, unit: str) -> str:
        if isinstance(value, bool) or unit == "bool":
            if value is None:
                return "—"
            return ("是" if value else "否") if self.zh else ("yes" if value else "no")
        if self.zh and unit == "hours" and isinstance(value, (int, float)):
            return f"{value:.2f}小时"
        return fmt_value(value, unit)

    def t(self, title: ir.Title, name: str) -> str:
        return title.text(self.lang, name)

    # --- header numbers ---------------------------------------------------------------------------
    def rule_title(self, rules, name) -> str:
        rule = next((r for r in rules if r.name == name), None)
        return f"{self.t(rule.title, name)}" if rule else (str(name) if name is not None else "—")

    def stats(self) -> list[tuple[str, str]]:
        w, row, p = self.w, self.row, self.root
        scale = f" / {p.scale[1]:g}" if p.scale else ""
        out = [(self.say.score_word(), f"{self.fmt(row.get('score'), 'score')}{scale}")]
        if self.p.tiers:
            out.append((w["tier"], self.rule_title(self.p.tiers, row.get("tier"))))
        status = row.get("status")
        builtin = {"not_open": w["not_open"], "unrated": w["unrated_status"], "rated": w["rated_status"]}
        out.append((w["status"], builtin.get(status) or self.rule_title(self.p.statuses, status)))
        raw = row.get("raw_score")
        if raw is not None and raw != row.get("score"):
            out.append((w["raw"], self.fmt(raw, "score")))
        if row.get("shadow_score") is not None:
            out.append((w["shadow_score"], self.fmt(row.get("shadow_score"), "score")))
        return out

    def consequences(self) -> list[dict]:
        out = []
        for c in self.p.consequences:
            step = next((s for s in self.trace.children if s.kind == "consequence" and s.name == c.name), None)
            if step is None:
                continue
            w = self.w
            runs = [f"{r['as_of']}{w['colon']}{self.fmt(r['score'], 'score')}{'，' if self.zh else ', '}"
                    f"{w['holds'] if r['holds'] else w['not_holds']}"
                    for r in step.details.get("assessments", [])] if len(step.details.get("assessments", [])) > 1 else []
            charge = step.details.get("charge") or {}
            amount = charge.get("amount")
            out.append({"title": self.t(c.title, c.name), "name": c.name, "applies": bool(step.value),
                        "condition": self.say.condition(c.when), "runs": runs,
                        "charge": f"{amount:.2f}" if amount is not None else None})
        return out

    # --- the next tier --------------------------------------------------------------------------
    def ref_value(self, e):
        row = self.row
        if e.kind == "ref":
            key = {"score": "score", "raw": "raw_score", "indicator_value": f"ind.{e.name}.value",
                   "indicator_score": f"ind.{e.name}.score", "dimension": f"dim.{e.name}", "output": e.name,
                   "tier": "tier", "status": "status"}.get(e.target)
            if key is not None:
                return row.get(key)
            if e.target == "value":
                step = next((s for s in self.trace.children if s.kind == "value" and s.name == e.name), None)
                return step.value if step else None
        return None

    def unmet(self, e) -> list[str]:
        """The parts of a condition the merchant does not meet, each with its value and gap."""
        if e.kind == "bool_op" and e.op == "and":
            return [text for o in e.operands for text in self.unmet(o)]
        if e.kind == "compare" and e.right.kind == "const":
            have = self.ref_value(e.left)
            need = e.right.value
            ok = have is not None and _meets(have, e.op, need) if e.op != "!=" else have != need
            if ok:
                return []
            unit = _UNIT.get(getattr(e.left, "type", ""), "number")
            cond = self.say.condition(e)
            if have is None:
                return [f"{cond}（当前：—）" if self.zh else f"{cond} (you have —)"]
            gap = ""
            if isinstance(have, (int, float)) and isinstance(need, (int, float)) and e.op in ("<", "<=", ">", ">="):
                diff = abs(need - have)
                if unit == "share":          # a gap between percentages is in percentage points
                    amount = f"{diff * 100:.2f}{'个百分点' if self.zh else ' percentage points'}"
                else:
                    amount = fmt_value(diff, unit)
                gap = f"，差 {amount}" if self.zh else f"; {amount} to go"
            return [f"{cond}（当前：{self.fmt(have, unit)}{gap}）" if self.zh
                    else f"{cond} (you have {self.fmt(have, unit)}{gap})"]
        return [self.say.condition(e)]

    def next_tier(self) -> tuple[str, list[str]]:
        """A heading and the unmet conditions of the tier row just above the merchant's."""
        tiers = self.p.tiers
        if not tiers:
            return self.w["no_tier"], []
        current = self.row.get("tier")
        index = next((i for i, r in enumerate(tiers) if r.name == current), None)
        if index is None:
            return "—", []
        above = [r for r in tiers[:index] if r.when is not None and r.when.kind != "is_null"]
        if not above:
            return self.w["at_top"], []
        rule = above[-1]
        title = self.t(rule.title, rule.name)
        head = f"要达到“{title}”，还需满足：" if self.zh else f"To reach “{title}” you still need:"
        return head, self.unmet(rule.when)

    def bands(self) -> list[str]:
        step = next((s for s in self.trace.children if s.kind == "band"), None)
        if step is None or self.p.bands is None:
            return []
        d = step.details
        rows = list(self.p.bands.rows)
        names = [r.name for r in rows]
        current = rows[names.index(d["band"])]
        out = [(f"区间：{self.t(current.title, current.name)}；组内百分位 {fmt_value(d['percentile'], 'share')}"
                f"（{d['group_size']}家），区间内排名 {d['rank']}/{d['members']}") if self.zh else
               (f"Band: {self.t(current.title, current.name)}; percentile in group {fmt_value(d['percentile'], 'share')} "
                f"({d['group_size']} merchants), rank {d['rank']} of {d['members']} in the band")]
        if d.get("gate"):
            gate = next((g for g in self.p.gates if g.name == d["gate"]), None)
            out.append(f"{self.w['gate_moved']} {self.t(gate.title, gate.name) if gate else d['gate']}: "
                       f"{self.say.condition(gate.when) if gate else d.get('gate_condition', '')}")
        start = names.index(d["band_from_percentile"])
        if start > 0:
            up = rows[start - 1]
            need = f"{OP_SYMBOL.get(up.op, up.op)} {format_number(up.threshold, 'share', self.lang)}"
            out.append(f"上一区间“{self.t(up.title, up.name)}”要求组内百分位 {need}" if self.zh else
                       f"The next band up, {self.t(up.title, up.name)}, needs a percentile {need}")
        return out

    # --- dimensions and indicators ---------------------------------------------------------------
    def indicator_row(self, step: Step, ind: ir.Indicator, weight: float | None) -> IndicatorRow:
        d, w = step.details, self.w
        unit = step.unit or _UNIT.get(ind.type, "")
        if "denominator" in d and "numerator" in d:
            sample = f"{d['numerator']} / {d['denominator']}"
        elif "promoters" in d:
            sample = (f"推荐者 {d['promoters']}、贬损者 {d['detractors']}，共 {d['denominator']} 份" if self.zh else
                      f"{d['promoters']} promoters, {d['detractors']} detractors of {d['denominator']}")
        elif "count" in d:
            sample = str(d["count"])
        else:
            sample = "—"
        score = d.get("score")
        score_text = self.fmt(score, "score")
        rank = d.get("rank") or {}
        if step.value is None:
            note = w["protection"] if score is not None else w["left_out"]
            score_text += f"{w['lparen']}{note}{w['rparen']}"
        elif rank.get("floor") and ind.rank is not None:
            r = ind.rank
            limit = f"{OP_SYMBOL.get(r.floor_op, r.floor_op)} {format_number(r.floor_value, ind.type, self.lang)}"
            note = f"数值 {limit} 时得 {r.floor_score:g} 分" if self.zh else f"a value {limit} scores {r.floor_score:g}"
            score_text += f"{w['lparen']}{note}{w['rparen']}"
        elif rank.get("fallback") and ind.rank is not None:
            r = ind.rank
            note = (f"组内不足{r.min_group}家，得 {r.min_group_score:g} 分" if self.zh
                    else f"fewer than {r.min_group} in the group: {r.min_group_score:g}")
            score_text += f"{w['lparen']}{note}{w['rparen']}"
        elif rank:
            score_text += f" = {rank['factor']:g} × {fmt_value(rank['percentile'], 'share')}"
        excellent = "—"
        meets = None
        if ind.excellent is not None:
            excellent = f"{OP_SYMBOL.get(ind.excellent_op or '', '')} {format_number(ind.excellent, ind.type, self.lang)}"
            meets = _meets(step.value, ind.excellent_op, ind.excellent) if step.value is not None else None
        pct = self.pct.get(ind.name)
        return IndicatorRow(ind.name, self.t(ind.title, ind.name), self.fmt(step.value, unit), sample, score_text,
                            fmt_value(pct, "share") if pct is not None else "—", excellent, meets,
                            f"{weight * 100:.2f}%" if weight is not None else "—")

    def dimensions(self) -> tuple[list[DimensionRow], list[IndicatorRow]]:
        raw = next((s for s in self.trace.children if s.kind == "raw_score"), None)
        used = {m["name"]: m["used_weight"] for m in (raw.details.get("members", []) if raw else [])}
        dims = []
        for step in self.trace.children:
            if step.kind != "dimension":
                continue
            dim = self.p.dimension(step.name)
            members = {m["name"]: m["used_weight"] for m in step.details.get("members", [])}
            rows = [self.indicator_row(c, self.p.indicator(c.name), members.get(c.name)) for c in step.children]
            weight = used.get(step.name)
            dims.append(DimensionRow(step.name, self.t(dim.title, dim.name) if dim else step.name,
                                     self.fmt(step.value, "score"),
                                     f"{weight * 100:.2f}%" if weight is not None else
                                     (f"{dim.weight * 100:g}%" if dim and dim.weight is not None else "—"), rows))
        loose = [self.indicator_row(s, self.p.indicator(s.name), None) for s in self.trace.children
                 if s.kind == "indicator" and self.p.indicator(s.name)]
        return dims, loose

    def deductions(self) -> list[str]:
        out = []
        for step in self.trace.children:
            if step.kind == "deduction":
                d = step.details
                points = fmt_value(step.value, "score")
                points = f"−{points}" if step.value else points        # no deduction: 0.00, not −0.00
                formula = f"{d['count']} × {d['each']:g} = {points}"
                title = self.t(step.title, step.name)
                out.append(f"扣分“{title}”：{d['count']} 条 × {d['each']:g} 分 = {points}"
                           if self.zh else f"Deduction “{title}”: {formula}")
        return out

    def outputs(self) -> list[tuple[str, str]]:
        out = []
        for o in self.p.outputs:
            unit = _UNIT.get(o.measure.type, "number")
            out.append((self.t(o.title, o.name), self.fmt(self.row.get(o.name), unit)))
        return out

    # --- gains and history ------------------------------------------------------------------------
    def gain_text(self, g: Gain) -> Gain:
        ind = self.p.indicator(g.indicator)
        title = self.t(ind.title, ind.name)
        g.title = title
        now = self.fmt(g.current, g.unit)
        exact = ind.excellent is not None or ind.curve is not None
        target = format_number(g.target, ind.type, self.lang) if exact else self.fmt(g.target, g.unit)
        new = fmt_value(g.new_score, "score")
        if ind.type == "bool":
            what = f"使“{title}”为“{target}”" if self.zh else f"Making “{title}” {target}"
        else:
            up = isinstance(g.target, (int, float)) and isinstance(g.current, (int, float)) and g.target > g.current
            what = (f"将“{title}”从 {now} {'提高' if up else '降低'}到 {target}" if self.zh else
                    f"{'Raising' if up else 'Lowering'} “{title}” from {now} to {target}")
        if g.gain == 0 and g.raw_gain > 0:
            g.badge = f"+{g.raw_gain:.2f}"
            g.text = (f"{what}，调整前得分 {g.badge}；展示分仍为 {new}（超过同组商家后才会上升）" if self.zh else
                      f"{what} adds {g.badge} to the score before banding; the displayed score stays {new} "
                      f"until you pass peers")
            return g
        g.badge = f"+{g.gain:.2f}" if g.gain >= 0.005 else "+<0.01"
        tier = ""
        if g.new_tier and g.new_tier != self.row.get("tier") and self.p.tiers:
            name = self.rule_title(self.p.tiers, g.new_tier)
            tier = f"，等级变为“{name}”" if self.zh else f"; tier becomes “{name}”"
        g.text = (f"{what}，{self.say.score_word()} {g.badge}（升至 {new}）{tier}" if self.zh else
                  f"{what} adds {g.badge} (score {new}){tier}")
        return g

    def history_rows(self) -> tuple[list[tuple[str, str, str]], str | None]:
        points, rows = [], []
        for ev in self.history:
            r = ev.results.get(self.mid)
            score = r.row.get("score") if r else None
            tier = r.row.get("tier") if r else None
            points.append((ev.as_of.isoformat(), score))
            rows.append((ev.as_of.isoformat(), fmt_value(score, "score"),
                         self.rule_title(ev.program.tiers, tier) if tier is not None else "—"))
        chart = history_chart(points, self.root.scale, self.lang, f"history-{self.root.name}") if points else None
        return rows, chart

    def build(self) -> ReportPage:
        attrs = self.trace.details.get("attributes", {})
        dims, loose = self.dimensions()
        rows, chart = self.history_rows()
        attributes = ("，" if self.zh else ", ").join(
            f"{self.say.col_noun(k)}{self.w['colon']}{LABEL[v][1 if self.zh else 0] if k == 'region' and v in LABEL else v}"
            for k, v in attrs.items())
        return ReportPage(
            lang=self.lang, rubric=self.root.name, rubric_title=self.t(self.root.title, self.root.name),
            merchant=self.mid, attributes=attributes, as_of=self.ev.as_of.isoformat(), zone=self.root.zone,
            version=self.row.get("version"), stats=self.stats(), consequences=self.consequences(),
            next_tier=self.next_tier(), bands=self.bands(), improve=[self.gain_text(g) for g in self.gains],
            dimensions=dims, loose=loose, deductions=self.deductions(), outputs=self.outputs(), history=rows,
            history_chart=Markup(chart) if chart else None,
            notes=[self.w["gain_how"], self.w["peer_how"]])


def build_report(program: ir.Program, evaluation_history: list[Evaluation], merchant_id: str, lang: str,
                 data: Mapping | Prepared | None = None) -> ReportPage:
    """The report's content. The latest evaluation is re-evaluated for the points to gain
    from the rows it keeps; `data` is needed only for an evaluation not made by `evaluate`."""
    latest = evaluation_history[-1]
    if merchant_id not in latest.results:
        raise KeyError(f"no merchant {merchant_id!r} in the evaluation of {program.name} as of {latest.as_of}")
    if latest.prepared is None:
        if data is None:
            raise ValueError("the latest evaluation does not keep its rows: pass the data it was computed from")
        latest = evaluate(program, data, latest.as_of)
        evaluation_history = [*evaluation_history[:-1], latest]
    gains = points_to_gain(latest, merchant_id)
    return _Report(program, evaluation_history, merchant_id, lang, gains).build()


def render_report(program: ir.Program, evaluation_history: list[Evaluation], merchant_id: str, out_path,
                  lang: str = "zh", *, data: Mapping | Prepared | None = None) -> Path:
    """Write the diagnosis page of `merchant_id` to `out_path` (HTML, or Markdown for `.md`).

    `evaluation_history` holds the rubric's evaluations from `evaluate`, oldest first, the
    latest last; evaluate them on one `Prepared` so they share their past assessments. `data`
    (the tables or rows the latest evaluation was computed from) is needed only when the
    latest evaluation was not made by `evaluate`.

    >>> import tempfile, datetime
    >>> from rubric.driver import compile_file, load_data, shipped_rules_dir
    >>> from rubric.sample.generate import generate_sample
    >>> folder = tempfile.mkdtemp(); _ = generate_sample(folder, merchants=40, seed=3)
    >>> p = compile_file(shipped_rules_dir() / "douyin_cs_satisfaction.rubric"); tables = load_data(p, folder)
    >>> ev = evaluate(p, tables, datetime.date(2024, 6, 3))
    >>> render_report(p, [ev], sorted(ev.results)[0], folder + "/r.html", "en").name
    'r.html'
    """
    if lang not in UI:
        raise ValueError(f"unknown language {lang!r}: use zh or en")
    if not evaluation_history:
        raise ValueError("render_report needs at least one evaluation")
    page = build_report(program, evaluation_history, merchant_id, lang, data)
    out = Path(out_path)
    fmt = "md" if out.suffix.lower() in (".md", ".markdown") else "html"
    env = html_env() if fmt == "html" else md_env()
    text = env.get_template(f"report.{fmt}.j2").render(page=page, lang=lang, w=UI[lang], home=None, home_md=None,
                                                        alt_href=None, alt_lang=None)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(tidy_md(text) if fmt == "md" else text, encoding="utf-8")
    return out
