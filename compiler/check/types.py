"""Types and units of expressions, populations and measures.

Input: AST expressions with a context (row of a table, or merchant) and the `Symbols`.
Output: the value type of each expression, name resolutions, and diagnostics. The same
pure functions serve the lowering (rubric.ir.from_ast) with `sink=None`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from rubric.check.symbols import COLUMN_TYPES, Symbols, did_you_mean, report_absent
from rubric.diagnostics import Sink
from rubric.syntax import ast
from rubric.tree import walk as _walk

__all__ = [
    "Ctx", "Resolution", "availability", "check_group", "describe", "infer", "infer_measure", "check_population",
    "relation_link",
    "resolve_name", "resolve_table", "NUMERIC", "PHASES",
]

NUMERIC = {"count", "money", "number", "int", "score", "nps"}     # plain numbers (not shares)

_DESCRIBE = {
    "share": "a share (a percentage)", "duration": "a duration (hours)", "timestamp": "a time",
    "count": "a count", "money": "an amount of money", "number": "a number", "int": "a whole number",
    "score": "a score", "nps": "an NPS", "bool": "a yes/no condition", "label": "a label",
    "text": "a text", "id": "an id", "tier": "a tier", "status": "a status",
}

# Merchant-level phases, in evaluation order; a phase sees the names of earlier phases.
# A named value (`value`, `output`) becomes available after the latest phase it refers to.
PHASES = ("value", "indicator", "dimension", "total", "status", "tier", "consequence", "output")


def describe(t: str | None) -> str:
    return _DESCRIBE.get(t or "", "a value")


@dataclass(frozen=True)
class Ctx:
    level: Literal["row", "merchant"]
    table: str | None = None        # the row's table (canonical name)
    outer: str | None = None        # inside a relation: the outer row's table
    phase: str = "output"           # merchant level: what is already computed
    expanding: tuple[str, ...] = () # conditions being expanded (cycle guard)
    self_name: str | None = None    # the definition being checked (no self reference)

    def sees(self, phase: str) -> bool:
        if phase == self.phase and phase in ("value", "consequence"):
            return True   # values may use earlier values; consequences other consequences
        return PHASES.index(phase) < PHASES.index(self.phase)


# A resolution: ("col", scope, table, column, type) | ("cond", decl) | ("ref", target, name, type)
Resolution = tuple


def _type_of_column(col: ast.ColumnDecl) -> str:
    return COLUMN_TYPES[col.type]


def resolve_table(name: str, syms: Symbols) -> str | None:
    decl = syms.table(name)
    return decl.name.name if decl else None


def resolve_name(name: str, ctx: Ctx, syms: Symbols) -> Resolution | None:
    """What a bare name means in its context; None when unknown."""
    if ctx.level == "row":
        for scope, table in (("row", ctx.table), ("outer", ctx.outer)):
            col = syms.column(table, name) if table else None
            if col is not None:
                return ("col", scope, table, name, _type_of_column(col))
        if name in syms.conditions:
            return ("cond", syms.conditions[name])
        return None
    return _resolve_merchant(name, ctx, syms)


_MERCHANT_REFS = (
    ("indicators", "indicator", "indicator_value"),
    ("dimensions", "total", "dimension"),
    ("values", "value", "value"),
    ("outputs", "output", "output"),
    ("consequences", "consequence", "consequence"),
)


_RESOLVING: set[str] = set()   # guards the type lookup of mutually referring definitions


def _measure_type(decl, syms: Symbols) -> str | None:
    key = decl.name.name
    if key in _RESOLVING:
        return None
    _RESOLVING.add(key)
    try:
        phase = "value" if decl.kind == "indicator" else "output"
        return infer_measure(decl.measure, syms, None, phase, key)
    finally:
        _RESOLVING.discard(key)


def _resolve_merchant(name: str, ctx: Ctx, syms: Symbols) -> Resolution | None:
    if name == ctx.self_name and syms.column(syms.entity, name) is not None:
        # `indicator identity_verified = identity_verified`: the merchant's own column
        col = syms.column(syms.entity, name)
        return ("col", "merchant", syms.entity, name, _type_of_column(col))
    if name in syms.conditions:
        return ("cond", syms.conditions[name])
    if name in ("tier", "status"):
        return ("ref", name, name, name)
    for registry, _phase, target in _MERCHANT_REFS:
        decl = getattr(syms, registry).get(name)
        if decl is not None:
            if target in ("indicator_value", "value", "output"):
                vtype = _measure_type(decl, syms)
            else:
                vtype = "score" if target == "dimension" else "bool"
            return ("ref", target, name, vtype)
    col = syms.column(syms.entity, name)
    if col is not None:
        return ("col", "merchant", syms.entity, name, _type_of_column(col))
    return None


def _phase_of(res: Resolution, syms: Symbols) -> str:
    """The phase after which a resolved name is known."""
    if res[0] != "ref":
        return "value"
    if res[1] in ("value", "output"):
        registry = syms.values if res[1] == "value" else syms.outputs
        return availability(registry[res[2]].measure, syms)
    return {"indicator_value": "indicator", "indicator_score": "indicator", "dimension": "dimension",
            "tier": "tier", "status": "status", "consequence": "consequence", "score": "total",
            "raw": "total"}[res[1]]


def availability(measure: ast.Measure, syms: Symbols) -> str:
    """The latest phase a named value's measure depends on (it can be used after it)."""
    cache = syms.availability_cache
    key = id(measure)
    if key in cache:
        return cache[key]
    cache[key] = "value"                  # a cycle is reported elsewhere
    phase = "value"
    for node in _walk(measure):
        found = _node_phase(node, syms)
        if found is not None and PHASES.index(found) > PHASES.index(phase):
            phase = found
    cache[key] = phase
    return phase


def _node_phase(node, syms: Symbols) -> str | None:
    kind = getattr(node, "kind", None)
    if kind == "score_ref":
        return "indicator" if node.of is not None else "total"
    if kind == "weighted_sum":
        return "dimension"
    if kind == "percentile":
        return None
    if kind == "name":
        res = _resolve_merchant(node.name, Ctx(level="merchant"), syms)
        if res is not None and res[0] == "cond":
            return max((_node_phase(n, syms) or "value" for n in _walk(res[1].expr)), key=PHASES.index, default="value")
        return _phase_of(res, syms) if res is not None and res[0] == "ref" else None
    return None


def _error(sink: Sink | None, code: str, message: str, span, label: str = "", help: str | None = None) -> None:
    if sink is not None:
        sink.error(code, message, span, label, help=help)


# --- expressions ---------------------------------------------------------------------

def infer(expr, ctx: Ctx, syms: Symbols, sink: Sink | None) -> str | None:
    """The value type of `expr`, or None after reporting why it has none."""
    return _INFER[expr.kind](expr, ctx, syms, sink)


def _infer_name(expr: ast.Name, ctx: Ctx, syms: Symbols, sink) -> str | None:
    res = resolve_name(expr.name, ctx, syms)
    if res is None:
        _unknown_name(expr, ctx, syms, sink)
        return None
    if res[0] == "cond":
        return _expand(res[1], expr, ctx, syms, sink)
    if res[0] == "ref":
        if res[2] == ctx.self_name:
            _error(sink, "R0201", f"`{expr.name}` cannot use itself", expr.span, "refers to itself")
            return None
        if ctx.level == "merchant" and not ctx.sees(_phase_of(res, syms)):
            _error(sink, "R0201", f"`{expr.name}` is not known yet at this point of the scoring",
                   expr.span, "computed later", help=_known_after(res, syms, sink))
            return None
        return res[3]
    return res[4]


# What each phase computes, in words; a name known after a phase can be used by the later ones.
_PHASE_TEXT = {
    "value": ("values", "are"), "indicator": ("indicator values", "are"), "dimension": ("dimension scores", "are"),
    "total": ("the total score", "is"), "status": ("statuses", "are"), "tier": ("tiers", "are"),
    "consequence": ("consequences", "are"), "output": ("outputs", "are"),
}


def _known_after(res: Resolution, syms: Symbols, sink: Sink | None) -> str:
    """`x` is known once the total score is computed (it uses `score`); it can be used in ..."""
    phase = _phase_of(res, syms)
    noun, verb = _PHASE_TEXT[phase]
    later = [_PHASE_TEXT[p][0] for p in PHASES[PHASES.index(phase) + 1:]]
    cause = ""
    if res[1] in ("value", "output") and sink is not None:
        decl = (syms.values if res[1] == "value" else syms.outputs)[res[2]]
        node = next((n for n in _walk(decl.measure) if _node_phase(n, syms) == phase), None)
        src = sink.sources.get(node.span.path) if node is not None else None
        cause = f" (it uses `{src.text[node.span.start:node.span.end]}`)" if src else ""
    where = " and ".join(later) if len(later) < 3 else f"{', '.join(later[:-1])} and {later[-1]}"
    return f"`{res[2]}` is known once {noun} {verb} computed{cause}" + (f"; use it in {where}" if later else "")


def _unknown_name(expr: ast.Name, ctx: Ctx, syms: Symbols, sink) -> None:
    if ctx.level == "row":
        candidates = set(syms.conditions)
        for table in (ctx.table, ctx.outer):
            decl = syms.table(table) if table else None
            candidates |= {c.name.name for c in decl.columns} if decl else set()
        where = " or ".join(f"`{t}`" for t in (ctx.table, ctx.outer) if t)
        owners = [t for t, d in syms.tables.items() if t not in (ctx.table, ctx.outer)
                  and any(c.name.name == expr.name for c in d.columns)]
        help_ = did_you_mean(expr.name, candidates)
        if help_ is None and owners:
            help_ = (f"`{expr.name}` is a column of `{owners[0]}`; inside a relation, give each test its own "
                     f"`with`: `have a ... with a = x with {expr.name} = y`")
        _error(sink, "R0203", f"`{expr.name}` is not a column of {where} nor a condition", expr.span,
               "unknown column", help_ or f"the columns of {where} are declared in the data module")
    elif not report_absent(expr, syms, sink):
        _error(sink, "R0201", f"unknown name `{expr.name}`", expr.span, "not defined",
               did_you_mean(expr.name, syms.merchant_names() | {"score"})
               or "define it with `indicator`, `value` or `condition`")


def _expand(decl: ast.ConditionDecl, at: ast.Name, ctx: Ctx, syms: Symbols, sink) -> str | None:
    if decl.name.name in ctx.expanding:
        _error(sink, "R0201", f"the condition `{decl.name.name}` refers to itself", at.span, "circular")
        return None
    if sink is not None:
        syms.used_conditions.add(decl.name.name)
    # errors inside a condition point into its definition; the sink reports each once
    return infer(decl.expr, replace(ctx, expanding=ctx.expanding + (decl.name.name,)), syms, sink)


def _infer_number(expr: ast.Number, ctx, syms, sink) -> str:
    return {"percent": "share", "duration": "duration", "number": "number"}[expr.unit]


def _infer_bool(expr, ctx, syms, sink) -> str:
    return "bool"


def _infer_string(expr, ctx, syms, sink) -> str:
    return "label"


def _infer_asof(expr, ctx, syms, sink) -> str:
    return "timestamp"


def _infer_score(expr: ast.ScoreRef, ctx: Ctx, syms: Symbols, sink) -> str | None:
    if ctx.level == "row":
        _error(sink, "R0201", "the score cannot be used in a row condition", expr.span, "not a column")
        return None
    if expr.of is None:
        if not ctx.sees("status"):
            _error(sink, "R0201", "the score is not known yet at this point of the scoring", expr.span,
                   "computed later", "use `score` in tiers, statuses, consequences and outputs")
            return None
        return "score"
    if expr.of.name not in syms.indicators:
        if report_absent(expr.of, syms, sink):
            return None
        if expr.of.name in syms.dimensions:
            _error(sink, "R0201", f"`score of` takes an indicator, and `{expr.of.name}` is a dimension",
                   expr.of.span, "a dimension", f"a dimension's name is its score: write `{expr.of.name}` "
                   f"instead of `score of {expr.of.name}`")
            return None
        _error(sink, "R0201", f"`{expr.of.name}` is not an indicator", expr.of.span, "not an indicator",
               did_you_mean(expr.of.name, syms.indicators))
        return None
    if not ctx.sees("indicator"):
        _error(sink, "R0201", "indicator scores are not known yet at this point", expr.span, "computed later")
        return None
    return "score"


def _infer_years(expr: ast.YearsSince, ctx: Ctx, syms: Symbols, sink) -> str | None:
    return "number" if _infer_months(expr, ctx, syms, sink) else None


def _infer_weighted_sum(expr: ast.WeightedSum, ctx: Ctx, syms: Symbols, sink) -> str | None:
    if ctx.level != "merchant" or not ctx.sees("dimension"):
        _error(sink, "R0201", "dimension scores are not known yet at this point", expr.span, "computed later",
               "use `weighted sum of` in values, the total score, tiers and outputs")
        return None
    ok = True
    for member in expr.members:
        dim = syms.dimensions.get(member.name)
        if dim is None:
            if not report_absent(member, syms, sink):
                _error(sink, "R0201", f"`{member.name}` is not a dimension", member.span, "unknown dimension",
                       did_you_mean(member.name, syms.dimensions))
            ok = False
        elif dim.weight is None:
            _error(sink, "R0201", f"dimension `{member.name}` has no weight", member.span, "no weight",
                   f"declare it as `dimension {member.name} weight 40%`")
            ok = False
    if ok:
        total = sum(syms.dimensions[m.name].weight.value for m in expr.members)
        if abs(total - 1) > 1e-9:
            _error(sink, "R0401", f"the weights of {', '.join(m.name for m in expr.members)} sum to {total * 100:g}%, "
                   "not 100%", expr.span, "weights of this sum", "make the weights add up to 100%")
    return "score"


def _infer_months(expr: ast.MonthsSince, ctx: Ctx, syms: Symbols, sink) -> str | None:
    col = syms.column(syms.entity, expr.column.name)
    if col is None or col.type != "timestamp":
        _error(sink, "R0203", f"`{expr.column.name}` is not a timestamp column of `{syms.entity}`",
               expr.column.span, "not a merchant timestamp", did_you_mean(expr.column.name, [
                   c.name.name for c in syms.tables[syms.entity].columns]) if syms.entity in syms.tables else None)
        return None
    return "count"


def _arith_type(op: str, left: str, right: str) -> str | None:
    if op == "otherwise":
        if left == right or {left, right} <= NUMERIC:
            return left
        return None
    if op in "+-":
        if left == right and left in ("duration", "share", "money", "score", "count", "nps", "number", "int"):
            return left
        if {left, right} <= NUMERIC:
            return "number"
        if left == "timestamp" and right == "timestamp" and op == "-":
            return "duration"
        if left == "timestamp" and right == "duration":
            return "timestamp"
        return None
    if op == "*":
        for a, b in ((left, right), (right, left)):
            if a == "number" and (b in NUMERIC or b in ("duration", "share")):
                return b
            if a == "share" and b in NUMERIC:
                return b
        return None
    if right == "number" and (left in NUMERIC or left in ("duration", "share")):
        return left
    if left == right and left in NUMERIC | {"duration", "share"}:
        return "number"
    return None


def _infer_binary(expr: ast.Binary, ctx, syms, sink) -> str | None:
    left, right = infer(expr.left, ctx, syms, sink), infer(expr.right, ctx, syms, sink)
    if left is None or right is None:
        return None
    result = _arith_type(expr.op, left, right)
    if result is None:
        verb = {"+": "add", "-": "subtract", "*": "multiply", "/": "divide", "otherwise": "fall back from"}[expr.op]
        _error(sink, "R0301", f"cannot {verb} {describe(left)} {'to' if expr.op == 'otherwise' else 'and'} {describe(right)}", expr.span,
               f"{describe(left)} {expr.op} {describe(right)}", _unit_help(left, right))
    return result


def _unit_help(left: str, right: str) -> str | None:
    if "share" in (left, right) and "duration" in (left, right):
        return "a share is a percentage such as 95%; a duration is written with a unit such as 72 h"
    if "share" in (left, right) and "number" in (left, right):
        return "write shares as percentages, e.g. 90% rather than 0.9"
    if "duration" in (left, right):
        return "write durations with a unit: 72 h, 30 days, 3 minutes"
    return None


def _infer_neg(expr: ast.Neg, ctx, syms, sink) -> str | None:
    inner = infer(expr.operand, ctx, syms, sink)
    if inner is not None and inner not in NUMERIC | {"share", "duration"}:
        _error(sink, "R0304", f"cannot negate {describe(inner)}", expr.span, "not a number")
        return None
    return inner


_LABEL_TYPES = ("label", "tier", "status")


def _label_values(expr, ctx: Ctx, syms: Symbols) -> tuple[str, tuple[str, ...]] | None:
    """For a label-typed operand: (what, allowed values)."""
    if expr.kind == "name":
        res = resolve_name(expr.name, ctx, syms)
        if res and res[0] == "col" and res[4] == "label":
            col = syms.column(res[2], res[3])
            return (f"`{res[3]}`", tuple(v.name for v in col.values))
        if res and res[0] == "ref" and res[1] in ("tier", "status"):
            registry = syms.tiers if res[1] == "tier" else syms.statuses
            names = tuple(registry)
            if res[1] == "status":
                names += ("not_open", "unrated", "rated")
            return (f"`{res[1]}`", names)
    return None


def _is_label_literal(expr, ctx: Ctx, syms: Symbols) -> bool:
    if expr.kind == "string":
        return True
    return expr.kind == "name" and resolve_name(expr.name, ctx, syms) is None


def _label_of(expr) -> str:
    return expr.value if expr.kind == "string" else expr.name


def check_label(value: str, span, allowed, what: str, sink) -> None:
    if value not in allowed:
        _error(sink, "R0208" if what in ("`tier`", "`status`") else "R0206", f"`{value}` is not a value of {what}", span, "unknown value",
               did_you_mean(value, allowed) or f"the values are: {', '.join(allowed)}")


def _infer_compare(expr: ast.Compare, ctx, syms, sink) -> str | None:
    for side, other in ((expr.left, expr.right), (expr.right, expr.left)):
        labels = _label_values(side, ctx, syms)
        if labels is not None and _is_label_literal(other, ctx, syms):
            check_label(_label_of(other), other.span, labels[1], labels[0], sink)
            if expr.op not in ("=", "!="):
                _error(sink, "R0301", "labels can only be compared with = or !=", expr.span, "not ordered")
            return "bool"
    left = infer(expr.left, ctx, syms, sink)
    if left is None and expr.right.kind == "name" and resolve_name(expr.right.name, ctx, syms) is None:
        return "bool"     # `reason = quality` with `reason` unknown: one error, not two
    right = infer(expr.right, ctx, syms, sink)
    if left is None or right is None:
        return "bool"
    if not _comparable(left, right):
        if "timestamp" in (left, right) and "duration" in (left, right):
            _error(sink, "R0301", f"cannot compare {describe(left)} with {describe(right)}", expr.span,
                   "a time vs a duration", "subtract two times to get a duration: `shipped_at - paid_at <= 48 h`")
            return "bool"
        units = {"number", "share", "duration"}
        _error(sink, "R0302" if units & {left, right} else "R0301",
               f"cannot compare {describe(left)} with {describe(right)}", expr.span,
               f"{describe(left)} vs {describe(right)}", _unit_help(left, right))
    elif expr.op not in ("=", "!=") and left in ("bool", "label", "text", "id", "tier", "status"):
        _error(sink, "R0301", f"{describe(left)} has no order; use = or !=", expr.span, "not ordered")
    else:
        _share_bounds(expr, left, right, sink)
    return "bool"


def _share_bounds(expr: ast.Compare, left: str, right: str, sink) -> None:
    """A share runs from 0% to 100%: compared with a percentage outside, the condition never
    holds or always holds, which is a mistake (e.g. `store_rank >= 105%`)."""
    flipped = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "=", "!=": "!="}
    for share, literal, op in ((left, expr.right, expr.op), (right, expr.left, flipped[expr.op])):
        if share == "share" and literal.kind == "number" and literal.unit == "percent" \
                and not 0.0 <= literal.value <= 1.0:
            above = literal.value > 1.0
            never = op in ((">", ">=", "=") if above else ("<", "<=", "="))
            _error(sink, "R0408", f"a share runs from 0% to 100%: `{op} {literal.text}` "
                                  f"{'never' if never else 'always'} holds", literal.span, "outside 0% .. 100%",
                   "write a percentage between 0% and 100%")


def _comparable(left: str, right: str) -> bool:
    if left == right:
        return True
    if {left, right} <= NUMERIC:
        return True
    return {left, right} <= {"label", "text", "id"}


def _infer_missing(expr: ast.Missing, ctx, syms, sink) -> str:
    infer(expr.operand, ctx, syms, sink)
    return "bool"


def _infer_one_of(expr: ast.OneOf, ctx, syms, sink) -> str:
    labels = _label_values(expr.operand, ctx, syms)
    if labels is None:
        inner = infer(expr.operand, ctx, syms, sink)
        if inner is not None and inner not in ("text", "id"):
            _error(sink, "R0301", f"`is one of` needs a label, not {describe(inner)}", expr.operand.span, "not a label")
        return "bool"
    for label in expr.labels:
        check_label(label.value, label.span, labels[1], labels[0], sink)
    return "bool"


def _need_bool(expr, ctx, syms, sink) -> None:
    t = infer(expr, ctx, syms, sink)
    if t is not None and t != "bool":
        _error(sink, "R0303", f"expected a yes/no condition, found {describe(t)}", expr.span, "not a condition",
               "compare it with something, e.g. `x >= 95%`")


def _infer_logic(expr: ast.Logic, ctx, syms, sink) -> str:
    for operand in expr.operands:
        _need_bool(operand, ctx, syms, sink)
    return "bool"


def _infer_not(expr: ast.Not, ctx, syms, sink) -> str:
    _need_bool(expr.operand, ctx, syms, sink)
    return "bool"


def relation_link(inner: str, outer: str, syms: Symbols) -> tuple[str, str] | None:
    """(inner column, outer column) joining a related table to the outer row's table."""
    inner_decl, outer_decl = syms.tables[inner], syms.tables[outer]
    refs = [c.name.name for c in inner_decl.columns if c.references and resolve_table(c.references.name, syms) == outer]
    if len(refs) == 1 and outer_decl.key:
        return refs[0], outer_decl.key[0].name
    back = [c.name.name for c in outer_decl.columns if c.references and resolve_table(c.references.name, syms) == inner]
    if len(back) == 1 and inner_decl.key:
        return inner_decl.key[0].name, back[0]
    return None


def _infer_relation(expr: ast.Relation, ctx: Ctx, syms: Symbols, sink) -> str | None:
    if ctx.level != "row":
        _error(sink, "R0209", "`have a ...` tests rows related to a row; use it inside a population",
               expr.span, "no row here", "e.g. `share of orders paid in recent that have a review with stars <= 2`")
        return "bool"
    inner = resolve_table(expr.table.name, syms)
    if inner is None:
        _error(sink, "R0202", f"unknown table `{expr.table.name}`", expr.table.span, "not declared",
               did_you_mean(expr.table.name, list(syms.tables) + list(syms.singulars)))
        return "bool"
    if relation_link(inner, ctx.table, syms) is None:
        _error(sink, "R0209", f"`{inner}` and `{ctx.table}` have no declared reference between them",
               expr.table.span, "not related", f"declare a column of `{inner}` that references `{ctx.table}`")
        return "bool"
    inner_ctx = Ctx(level="row", table=inner, outer=ctx.table, phase=ctx.phase, expanding=ctx.expanding)
    for test in expr.tests:
        _need_bool(test, inner_ctx, syms, sink)
    if expr.within is not None:
        _check_within(expr.within, inner, ctx.table, syms, sink)
    return "bool"


def _check_within(within: ast.Within, inner: str, outer: str, syms: Symbols, sink) -> None:
    column = f"{within.verb.name}_at"
    col = syms.column(inner, column)
    if col is None or col.type != "timestamp":
        _error(sink, "R0210", f"`{inner}` has no timestamp `{column}` for `{within.verb.name}`", within.verb.span,
               "no such event", did_you_mean(column, [c.name.name for c in syms.tables[inner].columns if c.type == "timestamp"]))
    after = syms.column(outer, within.after.name) or syms.column(inner, within.after.name)
    if after is None or after.type != "timestamp":
        _error(sink, "R0203", f"`{within.after.name}` is not a timestamp of `{outer}`", within.after.span,
               "not a timestamp", did_you_mean(within.after.name, [c.name.name for c in syms.tables[outer].columns]))


def _infer_first_relation(expr: ast.FirstRelation, ctx: Ctx, syms: Symbols, sink) -> str | None:
    relation = ast.Relation(span=expr.span, table=expr.table, tests=expr.tests, within=expr.within)
    _infer_relation(relation, ctx, syms, sink)
    inner = resolve_table(expr.table.name, syms)
    if inner is not None and ctx.level == "row" and relation_link(inner, ctx.table, syms) is not None:
        _need_bool(expr.then, Ctx(level="row", table=inner, outer=ctx.table, phase=ctx.phase,
                                  expanding=ctx.expanding), syms, sink)
    return "bool"


def check_group(among: ast.Name, entity: ast.Name, same, syms: Symbols, sink,
                groups: tuple[str, ...] = ("rated", "open")) -> None:
    """A ranking group: `among rated|open <entity> of the same <columns>` (`groups`: the ones allowed here)."""
    if among.name not in groups:
        use = " or ".join(f"`among {g}`" for g in groups)
        _error(sink, "R0201", f"`among {among.name}` is not a group; use {use}",
               among.span, "unknown group", did_you_mean(among.name, groups) or f"write {use}")
    if entity.name != syms.entity:
        _error(sink, "R0202", f"percentiles rank `{syms.entity}`, not `{entity.name}`", entity.span,
               "not the scored table", f"write `among {among.name} {syms.entity}`")
    seen: set[str] = set()
    for attr in same:
        if attr.name in seen:
            _error(sink, "R0204", f"`{attr.name}` is listed twice in `of the same ...`", attr.span, "listed before",
                   f"list each column once: `of the same {', '.join(dict.fromkeys(a.name for a in same))}`")
            continue
        seen.add(attr.name)
        if syms.column(syms.entity, attr.name) is None:
            _error(sink, "R0203", f"`{attr.name}` is not a column of `{syms.entity}`", attr.span, "unknown column",
                   did_you_mean(attr.name, [c.name.name for c in syms.tables[syms.entity].columns]) if syms.entity in syms.tables else None)


def _infer_percentile(expr: ast.Percentile, ctx: Ctx, syms: Symbols, sink) -> str | None:
    if ctx.level != "merchant" or not ctx.sees("total"):
        _error(sink, "R0201", "a percentile compares merchants; use it in tiers, consequences or outputs",
               expr.span, "not available here")
        return None
    operand = infer(expr.operand, ctx, syms, sink)
    if operand is not None and operand not in NUMERIC | {"share", "duration"}:
        _error(sink, "R0304", f"a percentile ranks numbers, not {describe(operand)}", expr.operand.span, "not a number")
    check_group(expr.among, expr.entity, expr.same, syms, sink)
    return "share"


_INFER = {
    "name": _infer_name, "number": _infer_number, "bool": _infer_bool, "string": _infer_string,
    "asof": _infer_asof, "score_ref": _infer_score, "months_since": _infer_months,
    "years_since": _infer_years, "weighted_sum": _infer_weighted_sum, "first_relation": _infer_first_relation,
    "binary": _infer_binary, "neg": _infer_neg, "compare": _infer_compare, "missing": _infer_missing,
    "one_of": _infer_one_of, "logic": _infer_logic, "not": _infer_not, "relation": _infer_relation,
    "percentile": _infer_percentile,
}


# --- populations and measures ------------------------------------------------------------

def check_population(pop: ast.Population, syms: Symbols, sink: Sink | None) -> str | None:
    """Check a population; return its canonical table name (None when unknown)."""
    table = resolve_table(pop.table.name, syms)
    if table is None:
        _error(sink, "R0202", f"unknown table `{pop.table.name}`", pop.table.span, "not declared",
               did_you_mean(pop.table.name, list(syms.tables) + list(syms.singulars)) or "tables are declared in the data module (`uses commerce`)")
        return None
    if syms.entity in syms.tables and table != syms.entity and not any(
            c.references and resolve_table(c.references.name, syms) == syms.entity for c in syms.tables[table].columns):
        _error(sink, "R0209", f"`{table}` has no column referencing `{syms.entity}`", pop.table.span,
               "cannot be grouped by merchant")
    time_col = _check_time_column(pop, table, syms, sink)
    if pop.window is not None and pop.window.name not in syms.windows:
        _error(sink, "R0207", f"unknown window `{pop.window.name}`", pop.window.span, "not declared",
               did_you_mean(pop.window.name, syms.windows) or "declare it: `window recent = last 30 days`")
    if (pop.bounds or pop.time_of_day) and time_col is None and pop.verb is None and pop.column is None:
        span = (pop.bounds[0] if pop.bounds else pop.time_of_day).span
        _error(sink, "R0210", "a time bound needs a time column: write `<table> <verb> in <window>` first",
               span, "no time column")
    tod = pop.time_of_day
    if tod is not None and max(tod.start, tod.end) > 24 * 60:
        _error(sink, "R0104", "a time of day runs from 00:00 to 24:00", tod.span, "not a time of day",
               "e.g. `between 08:00 and 23:00 local`")
    elif tod is not None and not (0 <= tod.start < tod.end <= 24 * 60):
        _error(sink, "R0408", "the time of day must run forward within one day", tod.span, "empty range",
               "e.g. `between 09:00 and 21:00 local`")
    if pop.filter is not None:
        _need_bool(pop.filter, Ctx(level="row", table=table), syms, sink)
    return table


def _check_time_column(pop: ast.Population, table: str, syms: Symbols, sink) -> str | None:
    if pop.verb is not None:
        column, span = f"{pop.verb.name}_at", pop.verb.span
    elif pop.column is not None:
        column, span = pop.column.name, pop.column.span
    else:
        return None
    col = syms.column(table, column)
    if col is None or col.type != "timestamp":
        stamps = [c.name.name for c in syms.tables[table].columns if c.type == "timestamp"]
        verbs = [s[:-3] for s in stamps if s.endswith("_at")]
        hint = did_you_mean(pop.verb.name, verbs) if pop.verb is not None else did_you_mean(column, stamps)
        _error(sink, "R0210", f"`{table}` has no timestamp column `{column}`", span, "no such time",
               hint or f"its timestamps are: {', '.join(stamps) or 'none'}")
        return None
    return column


def _infer_lowest(measure: ast.Measure, table: str, syms: Symbols, sink) -> str | None:
    if syms.tables[table].created_by is None:
        _error(sink, "R0210", f"`{table}` has no creation time, so no value is in force at an instant",
               measure.population.table.span, "no time")
    inner = infer(measure.expr, Ctx(level="row", table=table), syms, sink)
    if inner is not None and inner not in NUMERIC:
        _error(sink, "R0304", f"the lowest of {describe(inner)} is not defined", measure.expr.span, "not a number")
        return None
    return "number"


def infer_measure(measure: ast.Measure, syms: Symbols, sink: Sink | None, phase: str,
                  self_name: str | None = None) -> str | None:
    if measure.kind == "expr":
        return infer(measure.expr, Ctx(level="merchant", phase=phase, self_name=self_name), syms, sink)
    table = check_population(measure.population, syms, sink)
    if table is None:
        return None
    ctx = Ctx(level="row", table=table)
    if measure.kind == "share":
        if measure.excluding is not None:
            _need_bool(measure.excluding, ctx, syms, sink)
        _need_bool(measure.numerator, ctx, syms, sink)
        return "share"
    if measure.kind == "count":
        return "count"
    if measure.kind == "lowest":
        return _infer_lowest(measure, table, syms, sink)
    inner = infer(measure.expr, ctx, syms, sink)
    if inner is None:
        return None
    if measure.kind == "nps":
        if inner not in ("int", "number"):
            _error(sink, "R0304", f"an NPS is computed from 0..10 answers, not {describe(inner)}", measure.expr.span, "not a number")
        return "nps"
    if inner not in NUMERIC | {"duration", "share"}:
        _error(sink, "R0304", f"cannot take the {measure.kind} of {describe(inner)}", measure.expr.span, "not a number",
               "for durations subtract two times, e.g. `completed_at - requested_at`")
        return None
    return inner if inner != "int" else "number"
