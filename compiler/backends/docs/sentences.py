"""Plain-language definitions: IR measures, populations and conditions as English or Chinese text.

Stage: docs backend. Input: `ir.Measure`, `ir.Population`, `ir.Window` and condition
expressions of a checked `ir.Program`. Output: one sentence (str) per node, in `en` or `zh`.
Row-level conditions become qualifiers that follow a noun in English ("with 1 or 2 stars",
"shipped by the promised ship-by time", "that have a review ...") and modifiers that precede
it in Chinese ("1或2星的评价"). Words for columns and labels come from `words.py`; numbers
are shown exactly as the rubric states them (an illustrative number is still exact).
"""

from __future__ import annotations

from dataclasses import dataclass

from rubric.backends.docs.words import BOOL, COLUMN, EVENT, LABEL
from rubric.ir import nodes as ir

__all__ = ["OP_SYMBOL", "Speaker", "describe_condition", "describe_measure", "describe_window", "format_duration",
           "format_number", "join_zh", "number_g"]

_DAY, _HOUR, _MIN, _SEC = 86_400_000_000, 3_600_000_000, 60_000_000, 1_000_000


def number_g(x: float) -> str:
    """A number without float noise or trailing zeros.

    >>> number_g(0.012 * 100), number_g(4.0), number_g(5.56)
    ('1.2', '4', '5.56')
    """
    return f"{round(float(x), 9):.10g}"


def format_duration(micros: int | float, lang: str) -> str:
    """A row-level duration in microseconds, in the largest whole unit.

    >>> format_duration(30 * 86_400_000_000, "en"), format_duration(72 * 3_600_000_000, "zh")
    ('30 days', '72小时')
    >>> format_duration(48 * 3_600_000_000, "en")
    '48 h'
    """
    micros = int(micros)
    for size, en_one, en_many, zh in ((_DAY, "day", "days", "天"), (_HOUR, "h", "h", "小时"),
                                      (_MIN, "minute", "minutes", "分钟"), (_SEC, "s", "s", "秒")):
        if micros % size == 0 and micros >= size and (size != _DAY or micros >= 7 * _DAY):
            n = micros // size
            return f"{n}{zh}" if lang == "zh" else f"{n} {en_one if n == 1 else en_many}"
    return f"{micros}微秒" if lang == "zh" else f"{micros} µs"


def format_number(value, type_: str, lang: str) -> str:
    """An exact number in its unit: shares as percentages, durations in hours or days.

    >>> format_number(0.012, "share", "en"), format_number(48.0, "duration", "zh"), format_number(True, "bool", "zh")
    ('1.2%', '48小时', '是')
    """
    if value is None:
        return "—"
    if isinstance(value, bool) or type_ == "bool":
        return ({True: "是", False: "否"} if lang == "zh" else {True: "yes", False: "no"})[bool(value)]
    if type_ == "share":
        return f"{number_g(value * 100)}%"
    if type_ == "duration":
        if isinstance(value, int):
            return format_duration(value, lang)
        return f"{number_g(value)}小时" if lang == "zh" else f"{number_g(value)} h"
    if isinstance(value, (int, float)):
        return number_g(value)
    return str(value)


def describe_window(window: ir.Window, lang: str) -> str:
    """A window as words.

    >>> describe_window(ir.Window(name="w", start_micros=104 * 86_400_000_000,
    ...                           end_micros=14 * 86_400_000_000, text=""), "en")
    '15 to 104 days ago'
    """
    start, end = window.start_micros, window.end_micros
    if end == 0:
        span = format_duration(start, lang)
        return f"近{span}内" if lang == "zh" else f"in the last {span}"
    if start % _DAY == 0 and end % _DAY == 0:
        first, last = end // _DAY + 1, start // _DAY
        return f"前{first}至{last}天内" if lang == "zh" else f"{first} to {last} days ago"
    a, b = format_duration(end, lang), format_duration(start, lang)
    return f"考核时点前{b}至前{a}之间" if lang == "zh" else f"between {b} and {a} before the assessment time"


@dataclass(frozen=True)
class _Clause:
    """A row-level condition as a qualifier; `kind` says how it joins a noun in English:
    adj ("on sale", "delivered"), with ("with a video"), have ("that have a review"),
    whose ("whose first case ..."). `bare`: the Chinese modifier joins its noun without 的
    ("1星或2星" + "评价")."""

    kind: str
    en: str
    zh: str
    bare: bool = False

    def text(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


OP_SYMBOL = {"<": "<", "<=": "≤", ">": ">", ">=": "≥", "=": "=", "!=": "≠"}
_OP_EN = {"<": "less than", "<=": "at most", ">": "more than", ">=": "at least", "=": "", "!=": "other than"}
_OP_ZH = {"<": "小于", "<=": "不超过", ">": "超过", ">=": "不少于", "=": "为", "!=": "不为"}
_TS_EN = {"<": "before", "<=": "by", ">": "after", ">=": "at or after", "=": "at", "!=": "not at"}
_TS_ZH = {"<": "早于", "<=": "不晚于", ">": "晚于", ">=": "不早于", "=": "等于", "!=": "不等于"}


def _article(noun: str) -> str:
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def _label(value: str, lang: str) -> str:
    words = LABEL.get(value)
    return (words[1] if lang == "zh" else words[0]) if words else value


def _quoted(values, lang: str, joiner_en: str = " or ", joiner_zh: str = "或") -> str:
    parts = [f"“{_label(v, lang)}”" for v in values]
    return (joiner_zh if lang == "zh" else joiner_en).join(parts)


def join_zh(parts, word: str) -> str:
    """Chinese parts joined by a conjunction, spaced where it meets a number or Latin letter.

    >>> join_zh(["店铺评分 ≥ 4.4", "店铺评分 < 4.6"], "且"), join_zh(["已发货", "未揽收"], "且")
    ('店铺评分 ≥ 4.4 且店铺评分 < 4.6', '已发货且未揽收')
    """
    out = ""
    for part in parts:
        if out:
            gap_left = " " if out[-1].isascii() and out[-1].isalnum() else ""
            gap_right = " " if part[:1].isascii() and part[:1].isalnum() else ""
            out += f"{gap_left}{word}{gap_right}"
        out += part
    return out



class Speaker:
    """Turns IR nodes of one program into sentences in one language.

    >>> from rubric.driver import compile_file, shipped_rules_dir
    >>> p = compile_file(shipped_rules_dir() / "tiktok_shop_store_rating.rubric")
    >>> Speaker(p, "en").measure(p.indicator("negative_review_rate").measure)
    'Share of orders paid in the last 30 days that have a review with 1 or 2 stars; orders without a review count too.'
    """

    def __init__(self, program: ir.Program, lang: str):
        self.program = program
        self.lang = lang
        self.zh = lang == "zh"

    # --- words for tables, columns and events ------------------------------------------------
    def table(self, name: str):
        return self.program.data.table(name)

    def noun(self, table: str) -> str:
        """The plural noun of a table (en), or its Chinese title."""
        t = self.table(table)
        if t is None:
            return table
        if self.zh:
            return t.title_zh or t.title_en or table
        title = t.title_en or table.replace("_", " ")
        return title[0].lower() + title[1:] if len(title) > 1 and title[1].islower() else title

    def singular(self, table: str) -> str:
        t = self.table(table)
        if self.zh:
            return self.noun(table)
        return (t.singular if t is not None else table).replace("_", " ")

    def column(self, table: str, column: str):
        t = self.table(table)
        return t.column(column) if t is not None else None

    def event(self, table: str, column: str) -> tuple[str, str, str]:
        """(en noun, en participle, zh word) of a timestamp column."""
        found = EVENT.get(f"{table}.{column}") or EVENT.get(column)
        return found or (column.replace("_", " "), column.replace("_", " "), column)

    def col_noun(self, column: str) -> str:
        words = COLUMN.get(column)
        if words is None:
            return column.replace("_", " ") if not self.zh else column
        return words[1] if self.zh else words[0]

    # --- numbers ---------------------------------------------------------------------------
    def num(self, value, type_: str) -> str:
        return format_number(value, type_, self.lang)

    def dur(self, micros: int) -> str:
        return format_duration(micros, self.lang)

    def window(self, window: ir.Window) -> str:
        return describe_window(window, self.lang)

    # --- row-level expressions as noun phrases (timestamps, amounts) ----------------------------
    def row_noun(self, e) -> str:
        """A row-level value as a noun phrase: an event time, an amount, a deadline."""
        kind = e.kind
        if kind == "col":
            if e.type == "timestamp":
                en, _, zh = self.event(e.table, e.column)
                return zh if self.zh else en
            return self.col_noun(e.column)
        if kind == "arith" and e.op == "otherwise":
            left, right = self.row_noun(e.left), self.row_noun(e.right)
            return f"{left}（无则为{right}）" if self.zh else f"{left} (or {right} when there is none)"
        if kind == "arith" and e.op in "+-" and e.right is not None and e.right.kind == "const" \
                and e.right.type == "duration":
            base, d = self.row_noun(e.left), self.dur(e.right.value)
            if self.zh:
                return f"{base}{'后' if e.op == '+' else '前'}{d}"
            return f"{d} {'after' if e.op == '+' else 'before'} {base}"
        if kind == "arith" and e.op in "+-*/":
            sym = {"+": "+", "-": "−", "*": "×", "/": "÷"}[e.op]
            if self.zh and e.op == "-":
                return f"{self.row_noun(e.left)}减{self.row_noun(e.right)}"
            if not self.zh and e.op == "-":
                return f"{self.row_noun(e.left)} minus {self.row_noun(e.right)}"
            return f"{self.row_noun(e.left)} {sym} {self.row_noun(e.right)}"
        if kind == "as_of":
            return "考核时点" if self.zh else "the assessment time"
        if kind == "const":
            return self.num(e.value, e.type)
        return self.merchant(e)

    def participle(self, e) -> tuple[str, str] | None:
        """(en participle, zh verb) when `e` is an event column of the row."""
        if e.kind == "col" and e.type == "timestamp":
            en_noun, en_part, zh = self.event(e.table, e.column)
            return en_part, zh
        return None

    # --- row-level conditions as qualifiers -----------------------------------------------------
    def clause(self, e) -> _Clause:
        return getattr(self, f"q_{e.kind}", self.q_other)(e)

    def q_other(self, e) -> _Clause:
        text = self.merchant(e)
        return _Clause("where", f"where {text}", text)

    def q_col(self, e: ir.Col) -> _Clause:
        words = BOOL.get(e.column)
        if words is None:
            name = e.column.replace("_", " ")
            return _Clause("adj", name, e.column)
        return _Clause("with" if words[0].startswith("with") else "adj", words[0], words[2])

    def q_not(self, e: ir.Not) -> _Clause:
        inner = e.operand
        if inner.kind == "col" and inner.column in BOOL:
            words = BOOL[inner.column]
            return _Clause("with" if words[1].startswith("with") else "adj", words[1], words[3])
        if inner.kind == "is_null":
            return self.q_is_null(ir.IsNull(operand=inner.operand, negate=not inner.negate))
        c = self.clause(inner)
        en = f"not {c.en}" if c.kind == "adj" else f"where not ({c.en})"
        return _Clause("adj" if c.kind == "adj" else "where", en, self._not_zh(inner) or f"不满足“{c.zh}”")

    def _not_zh(self, e) -> str | None:
        """The negation of a deadline comparison as Chinese says it; a missing event (not yet
        happened) makes the comparison false, so it is covered: "未按承诺送达时间签收"."""
        if e.kind != "compare" or e.op not in ("<=", "<"):
            return None
        left, right = e.left, e.right
        if left.kind == "arith" and left.op == "-" and right.kind == "const" and right.type == "duration" \
                and e.op == "<=" and left.left.kind != "as_of":
            verbs = self.participle(left.left)
            if verbs is not None:
                return f"未在{self.row_noun(left.right)}后{self.dur(right.value)}内{verbs[1]}"
        if _is_time(left) and _is_time(right):
            verbs = self.participle(left)
            if verbs is not None:
                other = self.row_noun(right)
                return f"未按{other}{verbs[1]}" if e.op == "<=" else f"未在{other}前{verbs[1]}"
        return None

    def q_bool_op(self, e: ir.BoolOp) -> _Clause:
        parts = [self.clause(o) for o in e.operands]
        en_join, zh_join = (" and ", "且") if e.op == "and" else (" or ", "或")
        if e.op == "or":
            parts = [_Clause(p.kind, f"({p.en})", f"（{p.zh}）") if o.kind == "bool_op" else p
                     for p, o in zip(parts, e.operands)]
        return _Clause(parts[0].kind, en_join.join(p.en for p in parts), join_zh([p.zh for p in parts], zh_join))

    def q_is_null(self, e: ir.IsNull) -> _Clause:
        op = e.operand
        present = e.negate
        verbs = self.participle(op)
        if verbs is not None:
            en, zh = verbs
            return _Clause("adj", en if present else f"not {en} yet", f"已{zh}" if present else f"尚未{zh}")
        if op.kind == "col" and op.column == "duplicate_of":
            return (_Clause("adj", "duplicating another product", "重复铺货") if present
                    else _Clause("adj", "not duplicating another product", "非重复铺货"))
        noun = self.row_noun(op)
        if present:
            return _Clause("with", f"with {_article(noun)}", f"有{noun}")
        return _Clause("with", f"without {_article(noun)}", f"无{noun}")

    def q_in_set(self, e: ir.InSet) -> _Clause:
        col = e.operand.column if e.operand.kind == "col" else ""
        values_en, values_zh = _quoted(e.values, "en"), _quoted(e.values, "zh")
        if col == "rating":
            return _Clause("adj", f"rated {values_en}", f"评价为{values_zh}")
        noun_en, noun_zh = COLUMN.get(col, (col, col, "", ""))[:2]
        return _Clause("with", f"with {noun_en} {values_en}", f"{noun_zh}为{values_zh}")

    def q_compare(self, e: ir.Compare) -> _Clause:
        left, right, op = e.left, e.right, e.op
        if left.kind == "col" and left.type == "label" and right.kind == "const":
            return self._label_compare(left, op, right.value)
        if left.kind == "col" and right.kind == "const" and left.type in ("int", "number", "money"):
            return self._number_compare(left, op, right)
        if left.kind == "arith" and left.op == "-" and right.kind == "const" and right.type == "duration":
            return self._duration_compare(left, op, right.value)
        if _is_time(left) and (_is_time(right) or right.kind == "as_of"):
            return self._time_compare(left, op, right)
        return self.q_other(e)

    def _label_compare(self, col: ir.Col, op: str, value) -> _Clause:
        noun_en, noun_zh = COLUMN.get(col.column, (col.column, col.column, "", ""))[:2]
        v_en, v_zh = _quoted([value], "en"), _quoted([value], "zh")
        if op == "!=":
            return _Clause("with", f"with {noun_en} other than {v_en}", f"{noun_zh}不为{v_zh}")
        if col.column == "rating":
            return _Clause("adj", f"rated {v_en}", f"评价为{v_zh}")
        return _Clause("with", f"with {noun_en} {v_en}", f"{noun_zh}为{v_zh}")

    def _number_compare(self, col: ir.Col, op: str, const: ir.Const) -> _Clause:
        noun_en, noun_zh, unit_en, unit_zh = COLUMN.get(col.column, (col.column, col.column, "", ""))
        declared = self.column(col.table, col.column)
        value = const.value
        if unit_en == "stars" and declared is not None:
            low = declared.minimum if declared.minimum is not None else value
            high = declared.maximum if declared.maximum is not None else value
            lo, hi = {"<=": (low, value), "<": (low, value - 1), ">=": (value, high), ">": (value + 1, high),
                      "=": (value, value)}.get(op, (None, None))
            if lo is not None:
                a, b = number_g(lo), number_g(hi)
                if lo == hi:
                    return _Clause("with", f"with {a} {'star' if lo == 1 else 'stars'}", f"{a}星", bare=True)
                en = f"{a} or {b}" if hi - lo == 1 else f"{a} to {b}"
                zh = f"{a}星或{b}星" if hi - lo == 1 else f"{a}至{b}星"
                return _Clause("with", f"with {en} stars", zh, bare=True)
        v = number_g(value)
        suffix_en = f" {unit_en}" if unit_en else ""
        op_en = _OP_EN[op]
        return _Clause("with", f"with {noun_en} {op_en + ' ' if op_en else ''}{v}{suffix_en}",
                       f"{noun_zh}{_OP_ZH[op]}{v}{unit_zh}")

    def _duration_compare(self, diff: ir.Arith, op: str, micros: int) -> _Clause:
        d = self.dur(micros)
        later, earlier = diff.left, diff.right
        since = self.row_noun(earlier)
        verbs = self.participle(later)
        if later.kind == "as_of":
            en = {"<=": f"with at most {d} passed since {since}", "<": f"with less than {d} passed since {since}",
                  ">": f"with more than {d} passed since {since}", ">=": f"with at least {d} passed since {since}"}
            zh = {"<=": f"距{since}不超过{d}", "<": f"距{since}不足{d}", ">": f"距{since}已超过{d}",
                  ">=": f"距{since}已至少{d}"}
            return _Clause("with", en.get(op, f"with as-of − {since} {OP_SYMBOL[op]} {d}"),
                           zh.get(op, f"考核时点减{since}{OP_SYMBOL[op]}{d}"))
        if verbs is None:
            return _Clause("where", f"where {self.row_noun(diff)} {OP_SYMBOL[op]} {d}", f"{self.row_noun(diff)}{OP_SYMBOL[op]}{d}")
        part_en, verb_zh = verbs
        en = {"<=": f"{part_en} at most {d} after {since}", "<": f"{part_en} less than {d} after {since}",
              ">": f"{part_en} more than {d} after {since}", ">=": f"{part_en} at least {d} after {since}"}
        zh = {"<=": f"{since}后{d}内{verb_zh}", "<": f"{since}后不足{d}即{verb_zh}",
              ">": f"{since}后超过{d}才{verb_zh}", ">=": f"{since}后至少{d}才{verb_zh}"}
        return _Clause("adj", en.get(op, f"{part_en} {OP_SYMBOL[op]} {d} after {since}"),
                       zh.get(op, f"{since}后{OP_SYMBOL[op]}{d}{verb_zh}"))

    def _time_compare(self, left, op: str, right) -> _Clause:
        other = self.row_noun(right)
        verbs = self.participle(left)
        if verbs is not None:
            part_en, verb_zh = verbs
            return _Clause("adj", f"{part_en} {_TS_EN[op]} {other}", f"{verb_zh}时间{_TS_ZH[op]}{other}")
        noun = self.row_noun(left)
        return _Clause("with", f"with {noun} {_TS_EN[op]} {other}", f"{noun}{_TS_ZH[op]}{other}")

    def q_exists(self, e: ir.Exists) -> _Clause:
        one_en, noun_zh = self.singular(e.table), self.noun(e.table)
        inner_en, inner_zh = [], []
        if e.within_micros is not None and e.time_column:
            _, part_en, verb_zh = self.event(e.table, e.time_column)
            after = self._after_noun(e)
            d = self.dur(e.within_micros)
            inner_en.append(f"{part_en} within {d} after {after}")
            inner_zh.append(f"{after}后{d}内{verb_zh}")
        for test in e.tests:
            c = self.clause(test)
            inner_en.append(c.en)
            inner_zh.append(c.zh)
        if e.earliest and e.then is not None:
            then = self.clause(e.then)
            has = then.en[5:] if then.en.startswith("with ") else then.en
            verb = "has" if then.kind == "with" else "is"
            en = f"whose first {' '.join([one_en] + inner_en)} {verb} {has}"
            zh = f"{'、'.join(inner_zh)}的首个{noun_zh}{then.zh}" if inner_zh else f"首个{noun_zh}{then.zh}"
            return _Clause("whose", en, zh)
        en = f"that have {_article(' '.join([one_en] + inner_en))}"
        tests = [self.clause(t) for t in e.tests]
        joint = "" if e.within_micros is None and tests and all(c.bare for c in tests) else "的"
        zh = f"有{'、'.join(inner_zh)}{joint}{noun_zh}" if inner_zh else f"有{noun_zh}"
        return _Clause("have", en, zh)

    def _after_noun(self, e: ir.Exists) -> str:
        for table in self.program.data.tables:
            if table.column(e.after_column) is not None and any(
                    c.references == e.table or c.name == e.outer_column for c in table.columns):
                if table.name != e.table:
                    en, _, zh = self.event(table.name, e.after_column)
                    return zh if self.zh else en
        en, _, zh = self.event(e.table, e.after_column or "")
        return zh if self.zh else en

    # --- populations ---------------------------------------------------------------------------
    def population(self, pop: ir.Population) -> str:
        """A population as a noun phrase (en) or a modified noun (zh)."""
        return self._population_zh(pop) if self.zh else self._population_en(pop)

    def _time_bits(self, pop: ir.Population) -> list[str]:
        bits = []
        zh = self.zh
        if pop.before_micros is not None:
            d = self.dur(pop.before_micros)
            if zh:
                bits.append(f"距考核时点{'超过' if pop.before_strict else '至少'}{d}")
            else:
                bits.append(f"{'more than' if pop.before_strict else 'at least'} {d} before the assessment time")
        if pop.time_of_day is not None:
            a, b = (f"{m // 60:02d}:{m % 60:02d}" for m in pop.time_of_day)
            bits.append(f"当地时间{a}至{b}之间" if zh else f"between {a} and {b} local time")
        return bits

    def _population_en(self, pop: ir.Population) -> str:
        noun = self.noun(pop.table)
        head = noun
        if pop.time_column:
            col = self.column(pop.table, pop.time_column)
            ev_noun, part, _ = self.event(pop.table, pop.time_column)
            when = [self.window(pop.window)] if pop.window is not None else []
            when += self._time_bits(pop)
            if col is not None and col.planned:
                head = f"{noun} whose {ev_noun.removeprefix('the ')} falls {' and '.join(when)}" if when else noun
            elif when:
                head = f"{noun} {part} {' and '.join(when)}"
        if pop.filter is not None:
            c = self.clause(pop.filter)
            sep = ", " if head != noun else " "
            head = f"{head}{sep}{c.en}"
        return head

    def _population_zh(self, pop: ir.Population) -> str:
        noun = self.noun(pop.table)
        mods = []
        if pop.time_column:
            col = self.column(pop.table, pop.time_column)
            _, _, verb = self.event(pop.table, pop.time_column)
            window = self.window(pop.window) if pop.window is not None else ""
            bits = self._time_bits(pop)
            if col is not None and col.planned:
                mods.append(f"{verb}在{window}" + ("且" + "且".join(bits) if bits else "") if window
                            else "且".join(bits))
            else:
                tod = [b for b in bits if b.startswith("当地时间")]
                rest = [b for b in bits if b not in tod]
                mods.append("、".join(x for x in (window, *tod) if x) + verb + ("且" + "、".join(rest) if rest else ""))
        if pop.filter is not None:
            mods.append(self.clause(pop.filter).zh)
        return f"{'、'.join(m for m in mods if m)}的{noun}" if any(mods) else noun

    # --- measures ------------------------------------------------------------------------------
    def measure(self, m: ir.Measure) -> str:
        """The plain-language definition of an indicator, value or output."""
        text = getattr(self, f"m_{m.kind}")(m)
        return text if text.endswith(("。", ".")) else text + ("。" if self.zh else ".")

    def m_share(self, m: ir.Measure) -> str:
        pop = m.population
        num = self.clause(m.numerator)
        noun = self.noun(pop.table)
        note = ""
        if _only_relations(m.numerator):
            related = self.singular(_first_relation(m.numerator).table)
            note = (f"；没有{related}的{noun}也计入分母" if self.zh
                    else f"; {noun} without {_article(related)} count too")
        if self.zh:
            excl = f"（先剔除{self.clause(m.excluding).zh}的{noun}）" if m.excluding is not None else ""
            return f"{self.population(pop)}{excl}中，{num.zh}{'' if num.bare else '的'}{noun}所占比例{note}"
        excl = f" (leaving out those {self.clause(m.excluding).en})" if m.excluding is not None else ""
        joined = f"that are {num.en}" if num.kind == "adj" else num.en
        return f"Share of {self.population(pop)}{excl} {joined}{note}"

    def m_count(self, m: ir.Measure) -> str:
        if self.zh:
            return f"{self.population(m.population)}数量"
        pop, table = self.population(m.population), m.population.table
        noun = self.noun(table)
        if noun == self.singular(table):          # an uncountable noun ("content") counts items
            pop = pop.replace(noun, f"{noun} items", 1)
        return f"Number of {pop}"

    def m_sum(self, m: ir.Measure) -> str:
        what = self.row_noun(m.expr)
        e = m.expr
        if self.zh and e.kind == "arith" and e.op == "-" and e.right.kind == "col":
            return f"{self.population(m.population)}的{self.row_noun(e.left)}合计（扣除{self.row_noun(e.right)}）"
        if self.zh:
            return f"{self.population(m.population)}的{what}之和"
        return f"Total {what} of {self.population(m.population)}"

    def m_mean(self, m: ir.Measure) -> str:
        e = m.expr
        if e.kind == "arith" and e.op == "-" and m.type == "duration":
            a, b = self.row_noun(e.left), self.row_noun(e.right)
            if self.zh:
                return f"{self.population(m.population)}从{b}到{a}的平均时长（小时）"
            return f"Average time from {b} to {a}, in hours, over {self.population(m.population)}"
        what = self.row_noun(e)
        return (f"{self.population(m.population)}的{what}平均值" if self.zh
                else f"Average {what} over {self.population(m.population)}")

    def m_nps(self, m: ir.Measure) -> str:
        pop = self.population(m.population)
        if self.zh:
            return f"{pop}的净推荐值：100 ×（9至10分的答卷数 − 0至6分的答卷数）÷ 答卷总数"
        return f"Net promoter score over {pop}: 100 × (answers of 9 or 10 − answers of 0 to 6) ÷ all answers"

    def m_lowest(self, m: ir.Measure) -> str:
        pop = m.population
        what = self.row_noun(m.expr)
        window = self.window(pop.window)
        default = number_g(m.default) if m.default is not None else "—"
        if self.zh:
            return (f"{window}任一时刻有效的最低{what}（期初时点之前最近的一条记录及期间的每条记录；"
                    f"没有任何记录时为{default}）")
        return (f"Lowest {what} in force at any moment {window} (the latest record at or before its start "
                f"and every record within it; {default} when there is none)")

    def m_expr(self, m: ir.Measure) -> str:
        e = m.expr
        if e.kind == "col" and e.scope == "merchant" and e.type == "bool":
            words = BOOL.get(e.column, (e.column, "", e.column, ""))
            return f"商家是否{words[2]}，取值为是或否" if self.zh else f"Whether the merchant {words[0]}: yes or no"
        if e.kind == "years_since":
            noun = self.row_noun(ir.Col(scope="merchant", table=self.program.data.entity, column=e.column,
                                        type="timestamp"))
            if self.zh:
                return f"{noun}至考核时点的年数（相隔天数 ÷ 365.25）"
            return f"Years since {noun} (the time from {noun} to the as-of date ÷ 365.25 days)"
        text = self.merchant(e)
        return text[0].upper() + text[1:] if not self.zh and text else text

    # --- merchant-level expressions and conditions -------------------------------------------------
    def title(self, title: ir.Title, name: str) -> str:
        return title.text(self.lang, name)

    def ref(self, e: ir.Ref) -> str:
        p = self.program
        if e.target in ("indicator_value", "indicator_score"):
            ind = p.indicator(e.name)
            t = self.title(ind.title, e.name) if ind else e.name
            if e.target == "indicator_value":
                return t
            return f"{t}得分" if self.zh else f"score of {t}"
        if e.target == "dimension":
            d = p.dimension(e.name)
            return self.title(d.title, e.name) if d else e.name
        if e.target in ("value", "output"):
            found = next((v for v in (p.values if e.target == "value" else p.outputs) if v.name == e.name), None)
            return self.title(found.title, e.name) if found else e.name
        if e.target == "score":
            return self.score_word()
        if e.target == "raw":
            return "原始得分" if self.zh else "raw score"
        if e.target in ("tier", "status"):
            return {"tier": "等级", "status": "状态"}[e.target] if self.zh else e.target
        if e.target == "consequence":
            c = next((c for c in p.consequences if c.name == e.name), None)
            return self.title(c.title, e.name) if c else e.name
        return e.name

    def score_word(self) -> str:
        total = self.program.total
        if total is not None and (total.title.zh if self.zh else total.title.en):
            return total.title.text(self.lang)
        return "得分" if self.zh else "score"

    def rule_title(self, target: str, name: str) -> str:
        rules = self.program.tiers if target == "tier" else self.program.statuses
        rule = next((r for r in rules if r.name == name), None)
        return self.title(rule.title, name) if rule else str(name)

    def merchant(self, e) -> str:
        """A merchant-level expression or condition, with the rubric's titles."""
        return getattr(self, f"x_{e.kind}", self.x_other)(e)

    def x_other(self, e) -> str:
        return e.kind

    def x_ref(self, e: ir.Ref) -> str:
        return self.ref(e)

    def x_const(self, e: ir.Const) -> str:
        return self.num(e.value, e.type)

    def x_col(self, e: ir.Col) -> str:
        if e.type == "bool" and e.column in BOOL:
            return BOOL[e.column][2 if self.zh else 0]
        return self.row_noun(e)

    def x_as_of(self, e) -> str:
        return "考核时点" if self.zh else "the assessment time"

    def x_compare(self, e: ir.Compare) -> str:
        left, right = e.left, e.right
        if left.kind == "ref" and left.target in ("tier", "status") and right.kind == "const":
            shown = f"“{self.rule_title(left.target, right.value)}”"
            if self.zh:
                return f"{self.ref(left)}{'为' if e.op == '=' else '不为'}{shown}"
            return f"{self.ref(left)} is {'' if e.op == '=' else 'not '}{shown}"
        return f"{self.merchant(left)} {OP_SYMBOL[e.op]} {self.merchant(right)}"

    def x_bool_op(self, e: ir.BoolOp) -> str:
        parts = [self.merchant(o) for o in e.operands]
        if e.op == "or":
            parts = [(f"（{p}）" if self.zh else f"({p})") if " and " in p or "且" in p else p for p in parts]
        if self.zh:
            return join_zh(parts, "且" if e.op == "and" else "或")
        return f" {e.op} ".join(parts)

    def x_not(self, e: ir.Not) -> str:
        inner = self.merchant(e.operand)
        return f"不满足“{inner}”" if self.zh else f"not ({inner})"

    def x_is_null(self, e: ir.IsNull) -> str:
        inner = self.merchant(e.operand)
        if self.zh:
            return f"{inner}{'有数值' if e.negate else '无数值（无样本）'}"
        return f"{inner} {'has a value' if e.negate else 'has no value (no sample)'}"

    def x_in_set(self, e: ir.InSet) -> str:
        return (f"{self.merchant(e.operand)}为{_quoted(e.values, 'zh')}" if self.zh
                else f"{self.merchant(e.operand)} is {_quoted(e.values, 'en')}")

    def x_arith(self, e: ir.Arith) -> str:
        if e.op == "neg":
            return f"−{self.merchant(e.left)}"
        if e.op == "otherwise":
            return (f"{self.merchant(e.left)}（无则为{self.merchant(e.right)}）" if self.zh
                    else f"{self.merchant(e.left)} (or {self.merchant(e.right)} when missing)")
        sym = {"+": "+", "-": "−", "*": "×", "/": "÷"}[e.op]

        def side(x):
            text = self.merchant(x)
            return f"({text})" if x.kind == "arith" and x.op in "+-" and e.op in "*/" else text
        return f"{side(e.left)} {sym} {side(e.right)}"

    def x_months_since(self, e: ir.MonthsSince) -> str:
        return "开店以来的整自然月数" if self.zh else "whole calendar months since the shop opened"

    def x_years_since(self, e: ir.YearsSince) -> str:
        return "开店年数" if self.zh else "years since the shop opened"

    def x_weighted_sum(self, e: ir.WeightedSum) -> str:
        parts = []
        for name, weight in e.members:
            d = self.program.dimension(name)
            parts.append(f"{self.title(d.title, name) if d else name} {number_g(weight * 100)}%")
        return f"加权和（{'、'.join(parts)}）" if self.zh else f"weighted sum of ({', '.join(parts)})"

    def x_percentile(self, e: ir.Percentile) -> str:
        return self.percentile_text(self.merchant(e.operand), e.among, e.group, e.higher_is_better)

    def percentile_text(self, what: str, among: str, group, higher_is_better: bool | None) -> str:
        groups = [self.col_noun(g) for g in group]
        if self.zh:
            who = ("已评分" if among == "rated" else "已开店") + "商家"
            scope = f"同{'、'.join(groups)}的{who}" if groups else f"全平台{who}"
            direction = "（越低越好，按更优方向排序）" if higher_is_better is False else ""
            return f"{what}在{scope}中的百分位{direction}"
        who = f"{'rated' if among == 'rated' else 'open'} merchants"
        scope = f"{who} of the same {' and '.join(groups)}" if groups else f"all {who}"
        direction = " (lower is better, ranked in the better direction)" if higher_is_better is False else ""
        return f"percentile of {what} among {scope}{direction}"

    def condition(self, e) -> str:
        return self.merchant(e)


def _is_time(e) -> bool:
    if e.kind == "col":
        return e.type == "timestamp"
    if e.kind == "arith":
        return e.type == "timestamp"
    return False


def _only_relations(e) -> bool:
    if e.kind == "exists":
        return not e.earliest
    if e.kind == "bool_op" and e.op == "or":
        return all(_only_relations(o) for o in e.operands)
    return False


def _first_relation(e) -> ir.Exists:
    return e if e.kind == "exists" else _first_relation(e.operands[0])


def describe_measure(measure: ir.Measure, program: ir.Program, lang: str = "en") -> str:
    """The plain-language definition of `measure` in `lang` ("en" or "zh").

    >>> from rubric.driver import compile_file, shipped_rules_dir
    >>> p = compile_file(shipped_rules_dir() / "tiktok_shop_store_rating.rubric")
    >>> describe_measure(p.indicator("negative_review_rate").measure, p, "zh")
    '近30天内付款的订单中，有1星或2星评价的订单所占比例；没有评价的订单也计入分母。'
    """
    return Speaker(program, lang).measure(measure)


def describe_condition(expr, program: ir.Program, lang: str = "en") -> str:
    """A merchant-level condition (tier, status, gate, consequence) with the rubric's titles.

    >>> from rubric.driver import compile_file, shipped_rules_dir
    >>> p = compile_file(shipped_rules_dir() / "tiktok_shop_store_rating.rubric")
    >>> describe_condition(p.tiers[1].when, p, "en")
    'Store rating ≥ 4.8'
    """
    return Speaker(program, lang).condition(expr)
