"""The change log: what changed between consecutive versions, found by comparing their IR.

Stage: docs backend. Input: a versioned `ir.Program` (each `ir.Version` holds a whole
program). Output: `ChangesPage`, one dated section per version with one sentence per change:
indicators added, removed or replaced, definitions, curves, thresholds and weights changed
(old -> new numbers), tiers, consequences, bands and gates added, removed or changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rubric.backends.docs.sentences import OP_SYMBOL, Speaker, format_number, number_g
from rubric.backends.docs.view import Prov, Sources, period_text
from rubric.ir import nodes as ir

__all__ = ["Change", "ChangesPage", "build_changes_page", "diff_programs"]


@dataclass
class Change:
    text: str
    before: str | None = None
    after: str | None = None
    prov: Prov | None = None


@dataclass
class VersionSection:
    name: str
    title: str
    period: str
    changes: list[Change]
    first: bool
    file: str | None


@dataclass
class ChangesPage:
    lang: str
    name: str
    file: str
    title: str
    other_title: str
    rules_file: str
    sections: list[VersionSection]
    sources: list[dict] = field(default_factory=list)


_VOLATILE = {"origin", "text", "provenance", "title"}


def _strip(node):
    """A model dump without spans, texts, titles and provenance: what computes, only."""
    if isinstance(node, dict):
        return {k: _strip(v) for k, v in node.items() if k not in _VOLATILE}
    if isinstance(node, (list, tuple)):
        return [_strip(v) for v in node]
    return node


def _same(a, b) -> bool:
    return _strip(a.model_dump()) == _strip(b.model_dump())


def _numbers(node, path=()):
    """(path, value, type) of every number inside a dumped expression or measure."""
    if isinstance(node, dict):
        if node.get("kind") == "const" and isinstance(node.get("value"), (int, float)) \
                and not isinstance(node.get("value"), bool):
            yield path, node["value"], node.get("type", "number")
            return
        for key, value in node.items():
            if key.endswith("_micros") and isinstance(value, int):
                yield path + (key,), value, "duration"
            else:
                yield from _numbers(value, path + (key,))
    elif isinstance(node, (list, tuple)):
        for i, value in enumerate(node):
            yield from _numbers(value, path + (i,))


class _Differ:
    def __init__(self, old: ir.Program, new: ir.Program, version: ir.Version, lang: str, src: Sources):
        self.old, self.new, self.v = old, new, version
        self.lang, self.zh = lang, lang == "zh"
        self.say_old, self.say_new = Speaker(old, lang), Speaker(new, lang)
        self.src = src
        self.out: list[Change] = []
        day = version.effective_from
        if self.zh:
            self.prefix = f"自{day}起" if day else "在此版本中"
        else:
            self.prefix = f"From {day}" if day else "In this version"

    def t(self, item, fallback: str) -> str:
        """A title as it reads inside an English sentence ("the timely pickup rate")."""
        text = item.title.text(self.lang, fallback)
        first = text.split(" ", 1)[0]
        if not self.zh and len(first) > 1 and first[0].isupper() and first[1:].islower():
            return text[0].lower() + text[1:]
        return text

    def add(self, en: str, zh: str, before=None, after=None, prov=None) -> None:
        text = f"{self.prefix}，{zh}" if self.zh else f"{self.prefix}, {en}"
        self.out.append(Change(text, before, after, self.src.prov(prov) if prov is not None else None))

    def num_pairs(self, old_dump, new_dump) -> str:
        old = {p: (v, t) for p, v, t in _numbers(_strip(old_dump))}
        pairs = []
        for path, value, type_ in _numbers(_strip(new_dump)):
            if path in old and old[path][0] != value:
                pair = f"{format_number(old[path][0], type_, self.lang)} → {format_number(value, type_, self.lang)}"
                if pair not in pairs:
                    pairs.append(pair)
        return ", ".join(pairs) if not self.zh else "，".join(pairs)

    def run(self) -> list[Change]:
        for step in (self.indicators, self.dimensions, self.variants, self.total, self.deductions, self.clamp,
                     self.windows, self.named, self.rules, self.consequences, self.bands, self.gates):
            step()
        return self.out

    # --- indicators -------------------------------------------------------------------------------
    def _dimension_of(self, program: ir.Program, name: str) -> tuple[ir.Dimension | None, int]:
        for d in program.dimensions:
            if name in d.members:
                return d, d.members.index(name)
        return None, -1

    def replacements(self, removed: list[str], added: list[str]) -> dict[str, str]:
        pairs = {}
        for old_name in removed:
            dim, i = self._dimension_of(self.old, old_name)
            if dim is None:
                continue
            now = self.new.dimension(dim.name)
            if now is not None and i < len(now.members) and now.members[i] in added:
                pairs[old_name] = now.members[i]
        return pairs

    def indicators(self) -> None:
        old_names = [i.name for i in self.old.indicators]
        new_names = [i.name for i in self.new.indicators]
        removed = [n for n in old_names if n not in new_names]
        added = [n for n in new_names if n not in old_names]
        replaced = self.replacements(removed, added)
        for old_name, new_name in replaced.items():
            a, b = self.old.indicator(old_name), self.new.indicator(new_name)
            dim, _ = self._dimension_of(self.new, new_name)
            where = self.t(dim, dim.name) if dim else ""
            self.add(f"the {self.t(a, old_name)} is replaced by the {self.t(b, new_name)}"
                     f"{f' in the {where} dimension' if where else ''}.",
                     f"{f'{where}中的' if where else ''}“{self.t(a, old_name)}”由“{self.t(b, new_name)}”取代。",
                     before=self.say_old.measure(a.measure), after=self.say_new.measure(b.measure),
                     prov=b.provenance)
        for name in added:
            if name in replaced.values():
                continue
            b = self.new.indicator(name)
            dim, _ = self._dimension_of(self.new, name)
            where = self.t(dim, dim.name) if dim else ""
            self.add(f"a new indicator, the {self.t(b, name)}, counts{f' in {where}' if where else ''}.",
                     f"新增指标“{self.t(b, name)}”{f'（计入{where}）' if where else ''}。",
                     after=self.say_new.measure(b.measure), prov=b.provenance)
        for name in removed:
            if name in replaced:
                continue
            a = self.old.indicator(name)
            self.add(f"the {self.t(a, name)} no longer counts.", f"“{self.t(a, name)}”不再计入。",
                     before=self.say_old.measure(a.measure))
        for name in new_names:
            if name in old_names:
                self.indicator_changes(self.old.indicator(name), self.new.indicator(name))

    def indicator_changes(self, a: ir.Indicator, b: ir.Indicator) -> None:
        title = self.t(b, b.name)
        if not _same(a.measure, b.measure):
            numbers = self.num_pairs(a.measure.model_dump(), b.measure.model_dump())
            self.add(f"the definition of the {title} changes{f' ({numbers})' if numbers else ''}.",
                     f"“{title}”的口径变更{f'（{numbers}）' if numbers else ''}。",
                     before=self.say_old.measure(a.measure), after=self.say_new.measure(b.measure),
                     prov=b.provenance)
        if (a.curve is None) != (b.curve is None) or (a.curve and b.curve and not _same(a.curve, b.curve)):
            self.add(f"the score curve of the {title} changes from {self.points(a)} to {self.points(b)}.",
                     f"“{title}”的评分曲线由 {self.points(a)} 改为 {self.points(b)}。",
                     prov=b.curve.provenance if b.curve else None)
        if (a.excellent, a.excellent_op) != (b.excellent, b.excellent_op):
            self.add(f"the excellence threshold of the {title} changes from {self.excellent(a)} to {self.excellent(b)}.",
                     f"“{title}”的优秀标准由 {self.excellent(a)} 改为 {self.excellent(b)}。",
                     prov=b.excellent_provenance)
        if a.no_sample_score != b.no_sample_score:
            old, new = self.no_sample(a), self.no_sample(b)
            self.add(f"when the {title} has no sample: {new} (before: {old}).",
                     f"“{title}”无样本时：{new}（变更前：{old}）。", prov=b.no_sample_provenance)
        if a.higher_is_better != b.higher_is_better:
            word = {True: ("higher is better", "越高越好"), False: ("lower is better", "越低越好"),
                    None: ("no direction", "无方向")}[b.higher_is_better]
            self.add(f"for the {title}, {word[0]}.", f"“{title}”改为{word[1]}。")
        if (a.rank is None) != (b.rank is None) or (a.rank and b.rank and not _same(a.rank, b.rank)):
            self.add(f"the peer ranking of the {title} changes.", f"“{title}”的同行排名规则变更。",
                     prov=b.rank.provenance if b.rank else None)

    def points(self, ind: ir.Indicator) -> str:
        if ind.curve is None:
            return "—"
        return ", ".join(f"{format_number(p.x, ind.type, self.lang)} → {number_g(p.y)}" for p in ind.curve.points)

    def excellent(self, ind: ir.Indicator) -> str:
        if ind.excellent is None:
            return "无" if self.zh else "none"
        return f"{OP_SYMBOL.get(ind.excellent_op or '', '')} {format_number(ind.excellent, ind.type, self.lang)}"

    def no_sample(self, ind: ir.Indicator) -> str:
        if ind.no_sample_score is None:
            return "不参与计算" if self.zh else "left out"
        return f"保护分 {number_g(ind.no_sample_score)}" if self.zh else f"protection score {number_g(ind.no_sample_score)}"

    # --- dimensions and weights ---------------------------------------------------------------------
    def dimensions(self) -> None:
        for b in self.new.dimensions:
            a = self.old.dimension(b.name)
            title = self.t(b, b.name)
            if a is None:
                self.add(f"a new dimension, {title}, counts.", f"新增维度“{title}”。", prov=b.provenance)
                continue
            if a.weight != b.weight:
                self.add(f"the weight of {title} changes from {self.pct(a.weight)} to {self.pct(b.weight)}.",
                         f"“{title}”的权重由 {self.pct(a.weight)} 改为 {self.pct(b.weight)}。", prov=b.provenance)
            if a.member_weights != b.member_weights and a.members == b.members:
                self.add(f"the indicator weights in {title} change from {self.members(self.old, a)} to "
                         f"{self.members(self.new, b)}.",
                         f"“{title}”内的指标权重由 {self.members(self.old, a)} 改为 {self.members(self.new, b)}。",
                         prov=b.provenance)
        for a in self.old.dimensions:
            if self.new.dimension(a.name) is None:
                self.add(f"the dimension {self.t(a, a.name)} no longer counts.", f"维度“{self.t(a, a.name)}”不再计入。")

    def pct(self, w: float | None) -> str:
        return "—" if w is None else f"{number_g(w * 100)}%"

    def members(self, program: ir.Program, d: ir.Dimension) -> str:
        parts = []
        for i, name in enumerate(d.members):
            ind = program.indicator(name)
            weight = f" {self.pct(d.member_weights[i])}" if d.member_weights else ""
            parts.append(f"{self.t(ind, name) if ind else name}{weight}")
        return "、".join(parts) if self.zh else ", ".join(parts)

    def variants(self) -> None:
        if _strip([v.model_dump() for v in self.old.weight_variants]) == \
                _strip([v.model_dump() for v in self.new.weight_variants]):
            return
        self.add("the regional weights change (see the rules page).", "分地区权重变更（见规则页）。")

    def total(self) -> None:
        a, b = self.old.total, self.new.total
        if a is None or b is None or _same(a, b):
            return
        text_b = self.say_new.merchant(b.expr) if b.expr is not None else self.say_new.score_word()
        self.add(f"the score is computed differently: {text_b}.", f"得分计算方式变更：{text_b}。", prov=b.provenance)

    def deductions(self) -> None:
        old = {d.name: d for d in self.old.deductions}
        for d in self.new.deductions:
            title = self.t(d, d.name)
            a = old.get(d.name)
            if a is None:
                self.add(f"a new deduction, {title}: {number_g(d.amount)} for each of the "
                         f"{self.say_new.population(d.population)}.",
                         f"新增扣分“{title}”：每条{self.say_new.population(d.population)}扣 {number_g(d.amount)} 分。",
                         prov=d.provenance)
            elif a.amount != d.amount:
                self.add(f"the deduction {title} changes from {number_g(a.amount)} to {number_g(d.amount)} each.",
                         f"扣分“{title}”由每条 {number_g(a.amount)} 分改为 {number_g(d.amount)} 分。", prov=d.provenance)
            elif not _same(a.population, d.population):
                self.add(f"the deduction {title} now counts the {self.say_new.population(d.population)}.",
                         f"扣分“{title}”改为统计{self.say_new.population(d.population)}。",
                         before=self.say_old.population(a.population), after=self.say_new.population(d.population),
                         prov=d.provenance)
        for name, a in old.items():
            if name not in {d.name for d in self.new.deductions}:
                self.add(f"the deduction {self.t(a, name)} no longer applies.", f"扣分“{self.t(a, name)}”取消。")

    def clamp(self) -> None:
        a, b = self.old.clamp, self.new.clamp
        key = lambda c: None if c is None else (c.low, c.high)  # noqa: E731
        if key(a) != key(b):
            shown = lambda c: "—" if c is None else f"{'−∞' if c.low is None else number_g(c.low)} .. " \
                f"{'∞' if c.high is None else number_g(c.high)}"  # noqa: E731
            self.add(f"the score limits change from {shown(a)} to {shown(b)}.",
                     f"分数限制由 {shown(a)} 改为 {shown(b)}。", prov=b.provenance if b else None)

    def windows(self) -> None:
        old = {w.name: w for w in self.old.windows}
        for w in self.new.windows:
            a = old.get(w.name)
            if a is not None and (a.start_micros, a.end_micros) != (w.start_micros, w.end_micros):
                from rubric.backends.docs.sentences import describe_window
                self.add(f"the window “{self.t(w, w.name)}” changes from {describe_window(a, 'en')} to "
                         f"{describe_window(w, 'en')}.",
                         f"时间窗口“{self.t(w, w.name)}”由{describe_window(a, 'zh')}改为{describe_window(w, 'zh')}。",
                         prov=w.provenance)

    def named(self) -> None:
        for kind_en, kind_zh, olds, news in (("value", "数值", self.old.values, self.new.values),
                                             ("output", "输出", self.old.outputs, self.new.outputs)):
            old = {v.name: v for v in olds}
            for v in news:
                a = old.get(v.name)
                title = self.t(v, v.name)
                if a is None:
                    self.add(f"a new {kind_en}, {title}.", f"新增{kind_zh}“{title}”。",
                             after=self.say_new.measure(v.measure), prov=v.provenance)
                elif not _same(a.measure, v.measure):
                    numbers = self.num_pairs(a.measure.model_dump(), v.measure.model_dump())
                    self.add(f"the definition of {title} changes{f' ({numbers})' if numbers else ''}.",
                             f"“{title}”的口径变更{f'（{numbers}）' if numbers else ''}。",
                             before=self.say_old.measure(a.measure), after=self.say_new.measure(v.measure),
                             prov=v.provenance)
            for name, a in old.items():
                if name not in {v.name for v in news}:
                    self.add(f"the {kind_en} {self.t(a, name)} is removed.", f"{kind_zh}“{self.t(a, name)}”取消。")

    def rules(self) -> None:
        for kind_en, kind_zh, olds, news in (("tier", "等级", self.old.tiers, self.new.tiers),
                                             ("status", "状态", self.old.statuses, self.new.statuses)):
            old = {r.name: r for r in olds}
            for r in news:
                a = old.get(r.name)
                title = self.t(r, r.name)
                cond_new = self.say_new.condition(r.when) if r.when is not None else ("其他情况" if self.zh else "otherwise")
                if a is None:
                    self.add(f"a new {kind_en}, {title}, when {cond_new}.", f"新增{kind_zh}“{title}”：{cond_new}。",
                             prov=r.provenance)
                elif not _same(a, r):
                    cond_old = self.say_old.condition(a.when) if a.when is not None else ("其他情况" if self.zh else "otherwise")
                    numbers = self.num_pairs(a.model_dump(), r.model_dump())
                    self.add(f"the {kind_en} {title} changes{f' ({numbers})' if numbers else ''}.",
                             f"{kind_zh}“{title}”的条件变更{f'（{numbers}）' if numbers else ''}。",
                             before=cond_old, after=cond_new, prov=r.provenance)
            for name, a in old.items():
                if name not in {r.name for r in news}:
                    self.add(f"the {kind_en} {self.t(a, name)} is removed.", f"{kind_zh}“{self.t(a, name)}”取消。")

    def consequences(self) -> None:
        old = {c.name: c for c in self.old.consequences}
        for c in self.new.consequences:
            a = old.get(c.name)
            title = self.t(c, c.name)
            cond = self.say_new.condition(c.when)
            if a is None:
                self.add(f"a new consequence, {title}, when {cond}.", f"新增处置“{title}”：{cond}。", prov=c.provenance)
            elif not _same(a, c):
                numbers = self.num_pairs(a.model_dump(), c.model_dump())
                self.add(f"the consequence {title} changes{f' ({numbers})' if numbers else ''}.",
                         f"处置“{title}”变更{f'（{numbers}）' if numbers else ''}。",
                         before=self.say_old.condition(a.when), after=cond, prov=c.provenance)
        for name, a in old.items():
            if name not in {c.name for c in self.new.consequences}:
                self.add(f"the consequence {self.t(a, name)} no longer applies.", f"处置“{self.t(a, name)}”取消。")

    def bands(self) -> None:
        a, b = self.old.bands, self.new.bands
        if a is None and b is None:
            return
        if a is None or b is None:
            self.add("displayed score bands are " + ("introduced." if b else "removed."),
                     "展示分区间" + ("启用。" if b else "取消。"), prov=b.provenance if b else None)
            return
        old = {r.name: r for r in a.rows}
        for r in b.rows:
            o = old.get(r.name)
            if o is not None and (o.op, o.threshold, o.low, o.high) != (r.op, r.threshold, r.low, r.high):
                show = lambda x: (f"{OP_SYMBOL.get(x.op, x.op)} {format_number(x.threshold, 'share', self.lang)}"  # noqa: E731
                                  if x.op else ("其他情况" if self.zh else "otherwise")) + \
                    f", {number_g(x.low)} – {number_g(x.high)}"
                self.add(f"the band {self.t(r, r.name)} changes from {show(o)} to {show(r)}.",
                         f"区间“{self.t(r, r.name)}”由 {show(o)} 改为 {show(r)}。", prov=b.provenance)
        if [r.name for r in a.rows] != [r.name for r in b.rows]:
            self.add("the list of bands changes (see the rules page).", "区间列表变更（见规则页）。", prov=b.provenance)

    def gates(self) -> None:
        old = {g.name: g for g in self.old.gates}
        titles = {r.name: self.t(r, r.name) for r in (self.new.bands.rows if self.new.bands else ())}
        for g in self.new.gates:
            a = old.get(g.name)
            bands_en = " or ".join(titles.get(n, n) for n in g.bands)
            bands_zh = "、".join(titles.get(n, n) for n in g.bands)
            cond = self.say_new.condition(g.when)
            if a is None:
                self.add(f"a new gate, the {self.t(g, g.name)}, applies: a merchant in the band {bands_en} moves "
                         f"one band down when {cond}.",
                         f"新增门槛“{self.t(g, g.name)}”：处于{bands_zh}区间的商家，若{cond}，降一个区间。",
                         prov=g.provenance)
            elif not _same(a, g):
                self.add(f"the gate {self.t(g, g.name)} changes.", f"门槛“{self.t(g, g.name)}”变更。",
                         before=self.say_old.condition(a.when), after=cond, prov=g.provenance)
        for name, a in old.items():
            if name not in {g.name for g in self.new.gates}:
                self.add(f"the gate {self.t(a, name)} no longer applies.", f"门槛“{self.t(a, name)}”取消。")


def diff_programs(old: ir.Program, new: ir.Program, version: ir.Version, lang: str,
                  sources: Sources | None = None) -> list[Change]:
    """Sentences for what `version` (whose program is `new`) changes relative to `old`.

    >>> from rubric.driver import compile_file, shipped_rules_dir
    >>> p = compile_file(shipped_rules_dir() / "douyin_experience_score.rubric")
    >>> first, second = p.versions
    >>> diff_programs(first.program, second.program, second, "en")[0].text
    'From 2022-09-26, the logistics quality return rate is replaced by the logistics negative feedback rate in the logistics experience dimension.'
    """
    return _Differ(old, new, version, lang, sources or Sources(lang)).run()


def build_changes_page(root: ir.Program, lang: str, file: str, rules_file: str,
                       version_files: dict[str, str] | None = None) -> ChangesPage:
    """The change log page of a versioned rubric, one section per version, oldest first."""
    src = Sources(lang)
    sections = []
    previous = None
    for v in root.versions:
        changes = diff_programs(previous.program, v.program, v, lang, src) if previous is not None else []
        sections.append(VersionSection(v.name, v.title.text(lang, v.name), period_text(v, lang), changes,
                                       previous is None, (version_files or {}).get(v.name)))
        previous = v
    other_title = (root.title.zh or "") if lang == "en" else ""       # the platform's own name, on English pages
    page = ChangesPage(lang, root.name, file, root.title.text(lang, root.name), other_title, rules_file, sections)
    page.sources = src.items
    return page
