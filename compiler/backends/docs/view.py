"""The rule page's content: an `ir.Program` turned into translated, template-ready records.

Stage: docs backend. Input: a checked `ir.Program` (or one version of it) and a language.
Output: plain dataclasses of strings and numbers (`RulePage`), the same for the HTML and the
Markdown templates. Every number is a `Num` carrying its provenance badge (`Prov`), whose
source is a numbered footnote of the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rubric.backends.docs.charts import curve_chart
from rubric.backends.docs.sentences import OP_SYMBOL, Speaker, describe_window, format_number, number_g
from rubric.backends.docs.words import BOOL, LABEL, UI
from rubric.ir import nodes as ir

__all__ = ["Num", "Prov", "RulePage", "Sources", "build_rule_page", "period_text"]


@dataclass
class Prov:
    status: str | None           # confirmed, illustrative, or None (not marked)
    label: str
    source: int | None           # footnote number
    note: str | None = None


@dataclass
class Num:
    text: str
    prov: Prov | None = None


class Sources:
    """Numbered footnotes: one per distinct source (and note) of a page."""

    def __init__(self, lang: str):
        self.lang = lang
        self.items: list[dict] = []

    def prov(self, p: ir.Provenance | None) -> Prov:
        p = p or ir.Provenance()
        index = None
        if p.source:
            key = p.source
            found = next((i for i in self.items if i["source"] == key), None)
            if found is None:
                found = {"index": len(self.items) + 1, "source": key}
                self.items.append(found)
            index = found["index"]
        label = UI[self.lang][p.status] if p.status else UI[self.lang]["unmarked"]
        return Prov(status=p.status, label=label, source=index, note=p.note)

    def num(self, text: str, p: ir.Provenance | None) -> Num:
        return Num(text, self.prov(p))


@dataclass
class IndicatorView:
    name: str
    title: str
    anchor: str
    definition: str
    definition_prov: Prov
    window: Num | None
    direction: str | None
    excellent: Num | None
    points: list[Num]
    chart: str | None            # inline SVG markup
    chart_file: str | None       # the same chart as a file, for Markdown
    rank: list[Num]
    no_sample: Num


@dataclass
class DimensionView:
    name: str
    title: str
    anchor: str
    weight: Num | None
    how: str
    member_weights: list[Num]
    indicators: list[IndicatorView]


@dataclass
class RuleRow:
    name: str
    title: str
    condition: str
    prov: Prov
    extra: list[Num] = field(default_factory=list)


@dataclass
class RulePage:
    lang: str
    name: str
    file: str
    title: str
    other_title: str
    overview: list[tuple[str, str]]
    notes: list[str]
    version_label: str | None
    score_how: list[Num]
    dimensions: list[DimensionView]
    loose: list[IndicatorView]
    variants: dict | None
    values: list[RuleRow]
    outputs: list[RuleRow]
    tiers: list[RuleRow]
    star_table: dict | None
    statuses: list[RuleRow]
    status_note: str
    consequences: list[RuleRow]
    bands: dict | None
    gates: list[RuleRow]
    versions: list[dict]
    changes_file: str | None
    sources: list[dict]


def period_text(version: ir.Version, lang: str) -> str:
    """When a version is in force, in words.

    >>> period_text(ir.Version(name="v", title=ir.Title(), effective_from="2022-09-26",
    ...                        shadow_from="2022-09-08", program=ir.Program(name="p", title=ir.Title(),
    ...                        path="p", zone="UTC", data={"name": "d", "tables": ()})), "en")
    'in force from 2022-09-26; shown as a shadow score from 2022-09-08'
    """
    a, b = version.effective_from, version.effective_until
    if lang == "zh":
        text = f"{a}至{b}生效" if a and b else f"自{a}起生效" if a else f"{b}及之前生效" if b else "始终生效"
        return text + (f"；自{version.shadow_from}起作为影子分数展示" if version.shadow_from else "")
    text = (f"in force from {a} to {b}" if a and b else f"in force from {a}" if a
            else f"in force until {b}" if b else "always in force")
    return text + (f"; shown as a shadow score from {version.shadow_from}" if version.shadow_from else "")


class _Builder:
    def __init__(self, root: ir.Program, program: ir.Program, lang: str, file: str, chart_prefix: str):
        self.root = root
        self.p = program
        self.lang = lang
        self.zh = lang == "zh"
        self.w = UI[lang]
        self.say = Speaker(program, lang)
        self.src = Sources(lang)
        self.file = file
        self.chart_prefix = chart_prefix

    def t(self, title: ir.Title, name: str) -> str:
        return title.text(self.lang, name)

    def num(self, value, type_: str) -> str:
        return format_number(value, type_, self.lang)

    # --- overview ------------------------------------------------------------------------------
    def overview(self) -> list[tuple[str, str]]:
        p, w = self.root, self.w
        rows = [(w["source"], p.source or w["none"]), (w["zone"], p.zone)]
        rows.append((w["cadence"], w[p.cadence] if p.cadence else w["none"]))
        if p.scale is not None:
            rows.append((w["scale"], w["scale_text"].format(low=number_g(p.scale[0]), high=number_g(p.scale[1]))))
        return rows

    def notes(self) -> list[str]:
        out = []
        zone = self.root.zone
        out.append(f"考核日为D日时，考核时点是D日00:00（{zone}），只统计此前发生的数据。" if self.zh else
                   f"An assessment as of a date D is taken at 00:00 on D ({zone}): only what happened before then "
                   f"counts.")
        used = {t for t, _ in self.p.needs}
        for table in self.p.data.tables:
            if table.name in used and table.excluded_by:
                words = BOOL.get(table.excluded_by, (table.excluded_by,) * 4)
                noun = self.say.noun(table.name)
                out.append(f"{words[2]}的{noun}不计入任何{noun}统计，与之相关的其他记录仍照常统计。" if self.zh
                           else f"{noun[:1].upper() + noun[1:]} that are {words[0]} are left out of every count of "
                                f"{noun}; records attached to them still count.")
        return out

    # --- indicators and dimensions ----------------------------------------------------------------
    def indicator(self, ind: ir.Indicator, dim: ir.Dimension | None) -> IndicatorView:
        say, w = self.say, self.w
        pop = ind.measure.population
        window = None
        if pop is not None and pop.window is not None:
            win = pop.window
            window = self.src.num(self.window_text(win), win.provenance)
        direction = None
        if ind.higher_is_better is not None:
            direction = w["higher_better"] if ind.higher_is_better else w["lower_better"]
        excellent = None
        if ind.excellent is not None:
            excellent = self.src.num(f"{OP_SYMBOL.get(ind.excellent_op or '', ind.excellent_op or '')} "
                                     f"{self.num(ind.excellent, ind.type)}", ind.excellent_provenance)
        points, chart, chart_file = [], None, None
        if ind.curve is not None:
            points = [self.src.num(f"{self.num(bool(pt.x) if ind.type == 'bool' else pt.x, ind.type)} → "
                                   f"{number_g(pt.y)}", ind.curve.provenance) for pt in ind.curve.points]
            chart_id = f"{self.chart_prefix}{ind.name}"
            chart = curve_chart(ind, self.lang, chart_id)
            chart_file = f"charts/{chart_id}.svg" if chart else None
        return IndicatorView(
            name=ind.name, title=self.t(ind.title, ind.name), anchor=f"ind-{ind.name}",
            definition=say.measure(ind.measure), definition_prov=self.src.prov(ind.provenance),
            window=window, direction=direction, excellent=excellent, points=points, chart=chart,
            chart_file=chart_file, rank=self.rank(ind), no_sample=self.no_sample(ind, dim))

    def window_text(self, win: ir.Window) -> str:
        """The window in words, with its title when the title says something more."""
        words, name = describe_window(win, self.lang), self.t(win.title, win.name)
        plain = lambda text: text.lower().removeprefix("in the ").removesuffix("内")  # noqa: E731
        if plain(name) in plain(words) or name == win.name:
            return words
        return f"{words}（{name}）" if self.zh else f"{words} ({name})"

    def rank(self, ind: ir.Indicator) -> list[Num]:
        r = ind.rank
        if r is None:
            return []
        say = self.say
        what = "该指标" if self.zh else "the value"
        pct = say.percentile_text(what, r.among, r.group, ind.higher_is_better)
        out = [self.src.num(f"{number_g(r.factor)} × {pct}", r.provenance)]
        out.append(Num("没有样本的商家不参与排名，数值相同的商家百分位相同。" if self.zh
                       else "Merchants without a sample take no part in the ranking; ties share a percentile."))
        if r.floor_op is not None:
            text = (f"数值 {OP_SYMBOL.get(r.floor_op, r.floor_op)} {self.num(r.floor_value, ind.type)} 时得 "
                    f"{number_g(r.floor_score)} 分" if self.zh else
                    f"a value {OP_SYMBOL.get(r.floor_op, r.floor_op)} {self.num(r.floor_value, ind.type)} scores "
                    f"{number_g(r.floor_score)}")
            out.append(self.src.num(text, r.provenance))
        if r.min_group is not None:
            text = (f"组内商家少于{r.min_group}家时得 {number_g(r.min_group_score)} 分" if self.zh else
                    f"in a group of fewer than {r.min_group} merchants: score {number_g(r.min_group_score)}")
            out.append(self.src.num(text, r.provenance))
        return out

    def no_sample(self, ind: ir.Indicator, dim: ir.Dimension | None) -> Num:
        if ind.no_sample_score is not None:
            text = (f"保护分 {number_g(ind.no_sample_score)}" if self.zh
                    else f"protection score {number_g(ind.no_sample_score)}")
            return self.src.num(text, ind.no_sample_provenance)
        if dim is not None and dim.member_weights is not None:
            d = self.t(dim.title, dim.name)
            return Num(f"无得分；此时“{d}”也无得分" if self.zh else f"no score; then “{d}” has no score either")
        if dim is not None:
            return Num("不参与计算，其权重由同维度其余指标分摊" if self.zh
                       else "left out; its weight is shared by the other indicators of the dimension")
        return Num("无得分" if self.zh else "no score")

    def dimensions(self) -> tuple[list[DimensionView], list[IndicatorView]]:
        placed: set[str] = set()
        out = []
        for dim in self.p.dimensions:
            inds = [self.indicator(self.p.indicator(n), dim) for n in dim.members if self.p.indicator(n)]
            placed.update(dim.members)
            weights = []
            if dim.member_weights is not None:
                how = ("各指标得分的加权和（权重固定，不重新分摊）" if self.zh
                       else "Weighted sum of its indicators' scores (fixed weights, no renormalisation)")
                for n, wgt in zip(dim.members, dim.member_weights):
                    ind = self.p.indicator(n)
                    weights.append(self.src.num(f"{self.t(ind.title, n) if ind else n} {number_g(wgt * 100)}%",
                                                dim.provenance))
            else:
                how = ("各指标得分的平均值；无样本的指标不参与计算，其权重由其余指标分摊。" if self.zh
                       else "Mean of its indicators' scores; an indicator with no sample is left out and its "
                            "weight is shared by the rest.")
            weight = self.src.num(f"{number_g(dim.weight * 100)}%", dim.provenance) if dim.weight is not None else None
            out.append(DimensionView(dim.name, self.t(dim.title, dim.name), f"dim-{dim.name}", weight, how,
                                     weights, inds))
        loose = [self.indicator(i, None) for i in self.p.indicators if i.name not in placed]
        return out, loose

    def variants(self) -> dict | None:
        p = self.p
        if not p.weight_variants or p.total is None or not p.total.members:
            return None
        dims = [p.dimension(n) for n in p.total.members]
        head = [self.t(d.title, d.name) if d else n for d, n in zip(dims, p.total.members)]
        rows = [{"label": self.w["default_weights"],
                 "cells": [self.src.num(f"{number_g(d.weight * 100)}%", d.provenance) if d and d.weight is not None
                           else Num("—") for d in dims]}]
        for v in p.weight_variants:
            weights = dict(v.weights)
            values = "、".join(LABEL.get(x, (x, x))[1] for x in v.values) if self.zh else ", ".join(v.values)
            label = f"{self.say.col_noun(v.attribute)}：{values}" if self.zh else f"{self.say.col_noun(v.attribute)}: {values}"
            rows.append({"label": label, "cells": [self.src.num(f"{number_g(weights.get(n, 0) * 100)}%", v.provenance)
                                                   for n in p.total.members]})
        return {"head": head, "rows": rows}

    # --- the score ------------------------------------------------------------------------------
    def score_how(self) -> list[Num]:
        p, say = self.p, self.say
        out: list[Num] = []
        total = p.total
        if total is not None and total.members:
            names = "、".join(self.t(p.dimension(n).title, n) for n in total.members) if self.zh else \
                ", ".join(self.t(p.dimension(n).title, n) for n in total.members)
            out.append(self.src.num(
                f"{say.score_word()}为各维度（{names}）得分的加权平均，权重见下表；无样本的维度不参与计算，"
                f"其余维度的权重按比例放大至合计100%。" if self.zh else
                f"{say.score_word()} is the weighted mean of the dimension scores ({names}), with the weights "
                f"below; a dimension with no sample is left out and the others' weights are scaled up to sum to 100%.",
                total.provenance))
        elif total is not None and total.expr is not None:
            out.append(self.src.num(f"{say.score_word()} = {say.merchant(total.expr)}。" if self.zh else
                                    f"{say.score_word()} = {say.merchant(total.expr)}.", total.provenance))
        for d in p.deductions:
            pop = say.population(d.population)
            out.append(self.src.num(
                f"扣分“{self.t(d.title, d.name)}”：每条{pop}扣 {number_g(d.amount)} 分。" if self.zh else
                f"Deduction “{self.t(d.title, d.name)}”: {number_g(d.amount)} for each of the {pop}.", d.provenance))
        c = p.clamp
        if c is not None:
            if c.low is not None and c.high is not None:
                text = (f"最后将分数限定在 {number_g(c.low)} 至 {number_g(c.high)} 之间。" if self.zh
                        else f"Finally the score is limited to the range {number_g(c.low)} to {number_g(c.high)}.")
            elif c.low is not None:
                text = f"分数最低为 {number_g(c.low)}。" if self.zh else f"The score is floored at {number_g(c.low)}."
            else:
                text = f"分数最高为 {number_g(c.high)}。" if self.zh else f"The score is capped at {number_g(c.high)}."
            out.append(self.src.num(text, c.provenance))
        out.append(Num("没有任何样本的商家没有分数，状态为“暂无评分”。" if self.zh
                       else "A merchant with no sample at all has no score: it is unrated."))
        return out

    def named(self, items) -> list[RuleRow]:
        return [RuleRow(v.name, self.t(v.title, v.name), self.say.measure(v.measure), self.src.prov(v.provenance))
                for v in items]

    # --- tiers, statuses, consequences, bands, gates ---------------------------------------------
    def rules(self, rules) -> list[RuleRow]:
        return [RuleRow(r.name, self.t(r.title, r.name),
                        self.say.condition(r.when) if r.when is not None else self.w["otherwise_rule"],
                        self.src.prov(r.provenance)) for r in rules]

    def star_table(self) -> dict | None:
        tiers = self.p.tiers
        if not any(len(r.parts) > 1 for r in tiers):
            return None
        keys: list[str] = []
        rows = []
        for r in tiers:
            cells: dict[str, str] = {}
            ops = ()
            if r.when is not None:
                ops = r.when.operands if r.when.kind == "bool_op" and r.when.op == "and" and r.parts else (r.when,)
            for part in ops:
                if part.kind == "compare" and part.right.kind == "const":
                    key, cell = self.say.merchant(part.left), f"{OP_SYMBOL[part.op]} {self.say.merchant(part.right)}"
                else:
                    key, cell = self.say.merchant(part), self.w["required"]
                if key not in keys:
                    keys.append(key)
                cells[key] = cell
            rows.append({"name": r.name, "title": self.t(r.title, r.name), "cells": cells,
                         "otherwise": r.when is None, "prov": self.src.prov(r.provenance)})
        for row in rows:
            row["cells"] = [row["cells"].get(k, "") for k in keys]
        return {"head": keys, "rows": rows}

    def consequences(self) -> list[RuleRow]:
        out = []
        cad = {"weekly": ("weekly", "周度"), "monthly": ("monthly", "月度"), "daily": ("daily", "日度")}
        for c in self.p.consequences:
            extra = []
            if c.history_count > 1 and c.history_cadence:
                en, zh = cad[c.history_cadence]
                extra.append(Num(f"须在最近连续{c.history_count}次{zh}考核中均满足（任一次暂无评分即中断）" if self.zh else
                                 f"in each of the last {c.history_count} {en} assessments (an unrated assessment "
                                 f"breaks the run)"))
            if c.charge is not None:
                charge = self.say.merchant(c.charge)
                extra.append(self.src.num(f"收取 {charge}（输出列 {c.charge_output}）" if self.zh else
                                          f"charges {charge} (output column {c.charge_output})", c.charge_provenance))
            out.append(RuleRow(c.name, self.t(c.title, c.name), self.say.condition(c.when),
                               self.src.prov(c.provenance), extra))
        return out

    def bands(self) -> dict | None:
        b = self.p.bands
        if b is None:
            return None
        say = self.say
        raw = "调整前得分" if self.zh else "the score before banding"
        rows = []
        for band in b.rows:
            cond = (f"百分位 {OP_SYMBOL.get(band.op, band.op)} {self.num(band.threshold, 'share')}" if self.zh
                    else f"percentile {OP_SYMBOL.get(band.op, band.op)} {self.num(band.threshold, 'share')}") \
                if band.op else self.w["otherwise_rule"]
            rng = f"{number_g(band.low)} – {number_g(band.high)}"
            rows.append(RuleRow(band.name, self.t(band.title, band.name), cond,
                                self.src.prov(band.provenance if band.provenance.status else b.provenance),
                                [Num(rng)]))
        intro = self.src.num(
            f"展示分与同行相关：先按{say.percentile_text(raw, b.among, b.group, True)}确定区间；"
            f"再在最终区间内按调整前得分升序排名（并列同名次），得分 = 下限 + (上限 − 下限) × (名次 − 1) / 区间人数，"
            f"区间上限不可达到。" if self.zh else
            f"The displayed score is relative to peers: the {say.percentile_text(raw, b.among, b.group, True)} "
            f"picks a band; within its final band a merchant scores low + (high − low) × (rank − 1) / members, "
            f"ranked by the score before banding, ascending (ties share a rank); the top of a band is never reached.",
            b.provenance)
        return {"intro": intro, "rows": rows}

    def gates(self) -> list[RuleRow]:
        out = []
        titles = {b.name: self.t(b.title, b.name) for b in (self.p.bands.rows if self.p.bands else ())}
        for g in self.p.gates:
            bands = "、".join(titles.get(n, n) for n in g.bands) if self.zh else " or ".join(titles.get(n, n) for n in g.bands)
            cond = self.say.condition(g.when)
            text = (f"处于{bands}区间的商家，若{cond}，降一个区间（仅一次）；数值缺失时不触发。" if self.zh else
                    f"A merchant in the band {bands} moves one band down (once) when {cond}; a missing value "
                    f"never triggers it.")
            out.append(RuleRow(g.name, self.t(g.title, g.name), text, self.src.prov(g.provenance)))
        return out

    def versions(self, files: dict[str, str]) -> list[dict]:
        out = []
        for v in self.root.versions:
            out.append({"name": v.name, "title": self.t(v.title, v.name), "period": period_text(v, self.lang),
                        "prov": self.src.prov(v.provenance), "file": files.get(v.name)})
        return out


def build_rule_page(root: ir.Program, lang: str, file: str, *, version: ir.Version | None = None,
                    version_files: dict[str, str] | None = None, changes_file: str | None = None) -> RulePage:
    """The rule page of `root` (or of one of its versions) in `lang`.

    >>> from rubric.driver import compile_file, shipped_rules_dir
    >>> p = compile_file(shipped_rules_dir() / "tiktok_shop_store_rating.rubric")
    >>> page = build_rule_page(p, "en", "tiktok_shop_store_rating.html")
    >>> page.dimensions[0].weight.text, page.dimensions[0].weight.prov.label
    ('40%', 'confirmed')
    """
    program = version.program if version is not None else root
    prefix = f"{root.name}.{version.name}." if version is not None else f"{root.name}."
    b = _Builder(root, program, lang, file, prefix)
    dims, loose = b.dimensions()
    w = UI[lang]
    status_note = ("先于下表判断：考核日尚未开店的商家，状态为“未开店”；没有任何样本的商家，状态为“暂无评分”。"
                   if lang == "zh" else
                   "Before these: a merchant not open at the as-of date is “not open”; one with no sample at all is "
                   "“unrated”.")
    page = RulePage(
        lang=lang, name=root.name, file=file, title=b.t(root.title, root.name),
        other_title=(root.title.zh or "") if lang == "en" else "",     # the platform's own name, on English pages
        overview=b.overview(), notes=b.notes(),
        version_label=(f"{w['per_version']} {b.t(version.title, version.name)} ({period_text(version, lang)})"
                       if version is not None else None),
        score_how=b.score_how(), dimensions=dims, loose=loose, variants=b.variants(),
        values=b.named(program.values), outputs=b.named(program.outputs),
        tiers=b.rules(program.tiers), star_table=b.star_table(), statuses=b.rules(program.statuses),
        status_note=status_note, consequences=b.consequences(), bands=b.bands(), gates=b.gates(),
        versions=b.versions(version_files or {}), changes_file=changes_file, sources=[])
    page.sources = b.src.items
    return page
