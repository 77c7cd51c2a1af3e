"""The reference evaluator: the semantics oracle and the explainer.

Input: an `ir.Program`, validated tables (pyarrow, as loaded by rubric.data) and an as-of
date. Output: `Evaluation`, one result row per merchant plus an explanation trace of every
number. Plain Python, merchant by merchant, phase by phase; written for clarity, not speed.
`what_if` re-evaluates one merchant with some indicator values replaced, reusing a finished
evaluation; `first_unmet` and `window_bounds` explain rules for engines that compute the
numbers elsewhere.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Callable, Mapping

import pyarrow as pa

from rubric.backends.reference.timeutil import (
    as_of_micros, local_date, local_time_fraction, months_between, past_as_of,
)
from rubric.backends.reference.trace import Step
from rubric.check import parse_zone
from rubric.collector import collector_paused
from rubric.ir import nodes as ir
from rubric.ir.from_ast import HOUR_MICROS
from rubric.ir.printer import expr_text
from rubric.ir.schema import ColumnType
from rubric.tree import walk

__all__ = ["COMPARE", "DISPLAY_UNIT", "Evaluation", "MerchantResult", "NoVersionInForce", "Prepared", "cume_dist",
           "evaluate", "first_unmet", "prepare", "round9", "shadow_version", "version_in_force", "what_if",
           "window_bounds"]

_NINE = Decimal("1e-9")


def round9(x: float | None) -> float | None:
    """Round half away from zero to 9 decimals (the precision policy of every named value).

    >>> round9(0.0123456789049), round9(-2.5e-10)
    (0.012345679, -0.0)
    """
    if x is None:
        return None
    x = float(x)
    if not abs(x) < 1e15:          # no fractional digits left to round (or not finite)
        return x
    return float(Decimal(repr(x)).quantize(_NINE, rounding=ROUND_HALF_UP))


# --- data preparation ---------------------------------------------------------------------

@dataclass
class _TableRows:
    table: Any                      # the schema Table
    rows: list[dict]
    by_merchant: dict[str, list[dict]]
    indexes: dict[str, dict[Any, list[dict]]] = field(default_factory=dict)
    # column -> merchant -> (its rows' values of the column, sorted; the rows' positions)
    by_time: dict[str, dict[str, tuple[list, list[int]]]] = field(default_factory=dict)

    def index(self, column: str) -> dict[Any, list[dict]]:
        if column not in self.indexes:
            idx: dict[Any, list[dict]] = defaultdict(list)
            for row in self.rows:
                idx[row.get(column)].append(row)
            self.indexes[column] = idx
        return self.indexes[column]

    def between(self, merchant_id: str, column: str, low: int | None, high: int | None) -> list[dict]:
        """The merchant's rows with `column` in [low, high] (None: unbounded), in their
        original order; rows where it is missing are left out. A superset of any window."""
        if column not in self.by_time:
            index = {}
            for mid, rows in self.by_merchant.items():
                timed = sorted((r[column], i) for i, r in enumerate(rows) if r.get(column) is not None)
                index[mid] = ([t for t, _ in timed], [i for _, i in timed])
            self.by_time[column] = index
        times, positions = self.by_time[column].get(merchant_id, ((), ()))
        start = 0 if low is None else bisect.bisect_left(times, low)
        end = len(times) if high is None else bisect.bisect_right(times, high)
        rows = self.by_merchant[merchant_id] if end > start else ()
        return [rows[i] for i in sorted(positions[start:end])]


@dataclass
class Prepared:
    """Tables as Python rows (timestamps as UTC microseconds), grouped by merchant.

    It also keeps the assessments already computed on these rows (by rubric and as-of), so
    evaluations at neighbouring dates share the past assessments their history rules need.
    """

    tables: dict[str, _TableRows]
    merchants: list[dict]
    assessments: dict[int, tuple[ir.Program, dict[date, "_Past"]]] = field(default_factory=dict, repr=False)

    def past(self, rubric: ir.Program) -> dict[date, "_Past"]:
        """The assessments of `rubric` on these rows, by as-of (filled as they are computed)."""
        held = self.assessments.get(id(rubric))
        if held is None or held[0] is not rubric:
            held = self.assessments[id(rubric)] = (rubric, {})
        return held[1]


def _python_rows(table: pa.Table) -> list[dict]:
    columns = {}
    for name in table.column_names:
        col = table.column(name)
        if pa.types.is_timestamp(col.type):
            col = col.cast(pa.timestamp("us", tz="UTC")).cast(pa.int64())
        columns[name] = col.to_pylist()
    names = list(columns)
    return [dict(zip(names, values)) for values in zip(*columns.values())] if names else []


def prepare(program: ir.Program, data: Mapping[str, pa.Table]) -> Prepared:
    """The tables as Python rows, ready for `evaluate`; evaluate several as-of dates (and
    what-ifs) on one `Prepared` so they share their work."""
    tables: dict[str, _TableRows] = {}
    for schema in program.data.tables:
        if schema.name not in data:
            continue
        rows = _python_rows(data[schema.name])
        by_merchant: dict[str, list[dict]] = defaultdict(list)
        if any(c.name == "merchant_id" for c in schema.columns):
            for row in rows:
                by_merchant[row.get("merchant_id")].append(row)
        tables[schema.name] = _TableRows(schema, rows, by_merchant)
    merchants = sorted(tables[program.data.entity].rows, key=lambda r: r["merchant_id"])
    return Prepared(tables=tables, merchants=merchants)


# --- expressions ------------------------------------------------------------------------------

@dataclass
class _Frame:
    """What an expression can see: the current row, the outer row, the merchant's values."""

    row: dict | None = None
    outer: dict | None = None
    env: dict | None = None


class _Context:
    """One as-of: visibility, masking and compiled expressions."""

    def __init__(self, program: ir.Program, prepared: Prepared, as_of: date):
        self.program = program
        self.prepared = prepared
        self.as_of = as_of
        self.zone = parse_zone(program.zone)
        self.t = as_of_micros(as_of, self.zone)
        self.schemas = {t.name: t for t in program.data.tables}
        self.envs: dict[str, dict] = {}
        self._percentiles: dict[int, dict[str, float | None]] = {}
        self._compiled: dict[int, tuple[Any, Callable[[_Frame], Any]]] = {}
        self.group_sizes: dict[str, int] = {}

    # visibility and masking (domain.md §1)
    def visible(self, table: str, row: dict) -> bool:
        created = self.schemas[table].created_by
        if created is None:
            return True
        value = row.get(created)
        return value is not None and value < self.t

    def read(self, table: str, column: str) -> Callable[[dict], Any]:
        col = self.schemas[table].column(column)
        t = self.t
        if col is not None and col.type is ColumnType.TIMESTAMP and not col.planned \
                and column != self.schemas[table].created_by:
            def masked(row):
                value = row.get(column)
                return value if value is None or value < t else None
            return masked
        return lambda row: row.get(column)

    # compile an expression into a closure over a frame (once per node and as-of)
    def compile(self, e) -> Callable[[_Frame], Any]:
        held = self._compiled.get(id(e))
        if held is None or held[0] is not e:
            held = self._compiled[id(e)] = (e, getattr(self, f"c_{e.kind}")(e))
        return held[1]

    def c_col(self, e: ir.Col):
        read = self.read(e.table, e.column)
        if e.scope == "row":
            return lambda f: read(f.row)
        if e.scope == "outer":
            return lambda f: read(f.outer)
        return lambda f: read(f.env["__merchant__"])

    def c_const(self, e: ir.Const):
        value = e.value
        return lambda f: value

    def c_as_of(self, e):
        t = self.t
        return lambda f: t

    def c_arith(self, e: ir.Arith):
        left = self.compile(e.left)
        if e.op == "neg":
            return lambda f: None if (v := left(f)) is None else -v
        right = self.compile(e.right)
        if e.op == "otherwise":
            return lambda f: v if (v := left(f)) is not None else right(f)
        op = _ARITH[e.op]

        def run(f):
            a, b = left(f), right(f)
            if a is None or b is None:
                return None
            return op(a, b)
        return run

    def c_compare(self, e: ir.Compare):
        left, right, op = self.compile(e.left), self.compile(e.right), _COMPARE[e.op]

        def run(f):
            a, b = left(f), right(f)
            return a is not None and b is not None and op(a, b)
        return run

    def c_is_null(self, e: ir.IsNull):
        operand, negate = self.compile(e.operand), e.negate
        return lambda f: (operand(f) is not None) if negate else (operand(f) is None)

    def c_in_set(self, e: ir.InSet):
        operand, values = self.compile(e.operand), frozenset(e.values)
        return lambda f: operand(f) in values

    def c_bool_op(self, e: ir.BoolOp):
        parts = [self.compile(o) for o in e.operands]
        if e.op == "and":
            return lambda f: all(bool(p(f)) for p in parts)
        return lambda f: any(bool(p(f)) for p in parts)

    def c_not(self, e: ir.Not):
        operand = self.compile(e.operand)
        return lambda f: not bool(operand(f))

    def c_exists(self, e: ir.Exists):
        rows = self.prepared.tables[e.table]
        index = rows.index(e.inner_column)
        outer_read = self.read(self._outer_table(e), e.outer_column)
        tests = [self.compile(t) for t in e.tests]
        excluded = self.schemas[e.table].excluded_by
        timing = None
        if e.within_micros is not None:
            inner_time = self.read(e.table, e.time_column)
            after_read = self._after_reader(e)
            timing = (inner_time, after_read, e.within_micros)

        def matches(f):
            key = outer_read(f.row)
            for inner in index.get(key, ()):
                if not self.visible(e.table, inner) or (excluded and inner.get(excluded)):
                    continue
                sub = _Frame(row=inner, outer=f.row, env=f.env)
                if timing is not None:
                    t, a = timing[0](inner), timing[1](sub)
                    if t is None or a is None or not (0 <= t - a <= timing[2]):
                        continue
                if all(bool(test(sub)) for test in tests):
                    yield sub

        if not e.earliest:
            return lambda f: next(matches(f), None) is not None
        then = self.compile(e.then)
        when = self.read(e.table, e.time_column or self.schemas[e.table].created_by)

        def earliest(f):
            found = list(matches(f))
            if not found:
                return False
            first = min(when(s.row) for s in found)
            # rows sharing the earliest instant: any of them decides
            return any(bool(then(s)) for s in found if when(s.row) == first)
        return earliest

    def _outer_table(self, e: ir.Exists) -> str:
        # the outer table is the one whose column `outer_column` the link names
        for table in self.schemas.values():
            for col in table.columns:
                if col.references == e.table and col.name == e.outer_column:
                    return table.name
        inner = self.schemas[e.table].column(e.inner_column)
        return inner.references if inner is not None and inner.references else e.table

    def _after_reader(self, e: ir.Exists):
        outer_table = self._outer_table(e)
        if self.schemas[outer_table].column(e.after_column) is not None:
            read = self.read(outer_table, e.after_column)
            return lambda f: read(f.outer)
        read = self.read(e.table, e.after_column)
        return lambda f: read(f.row)

    def c_ref(self, e: ir.Ref):
        key = (e.target, e.name)
        if e.target in ("value", "output"):
            named = self.named
            return lambda f: named(f.env, e.target, e.name)
        return lambda f: f.env.get(key)

    def named(self, env: dict, target: str, name: str):
        """A named value, computed the first time it is used (values are lazy)."""
        key = (target, name)
        if key not in env:
            env[key] = None                       # a cycle reads as missing
            env[key] = self.compute_named(env, target, name)
        return env[key]

    compute_named: Callable[[dict, str, str], Any] = None  # set by the evaluator

    def c_years_since(self, e: ir.YearsSince):
        read = self.read(self.program.data.entity, e.column)
        t = self.t

        def run(f):
            value = read(f.env["__merchant__"])
            return None if value is None else (t - value) / (365.25 * 86_400_000_000)
        return run

    def c_weighted_sum(self, e: ir.WeightedSum):
        members = e.members

        def run(f):
            total = 0.0
            for name, weight in members:
                score = f.env.get(("dimension", name))
                if score is None:
                    return None
                total += weight * score
            return total
        return run

    def c_months_since(self, e: ir.MonthsSince):
        entity = self.program.data.entity
        read = self.read(entity, e.column)
        zone, as_of = self.zone, self.as_of

        def run(f):
            value = read(f.env["__merchant__"])
            return None if value is None else months_between(local_date(value, zone), as_of)
        return run

    def c_percentile(self, e: ir.Percentile):
        operand = self.compile(e.operand)
        cache_key = id(e)

        def run(f):
            table = self._percentiles.get(cache_key)
            if table is None:
                table = self._percentile_table(e, operand)
                self._percentiles[cache_key] = table
            return table.get(f.env["__merchant__"]["merchant_id"])
        return run

    def _percentile_table(self, e: ir.Percentile, operand) -> dict[str, float | None]:
        groups: dict[tuple, list[tuple[str, float]]] = defaultdict(list)
        for merchant_id, env in self.envs.items():
            if not env["__open__"] or (e.among == "rated" and env.get(("score", "score")) is None):
                continue
            value = operand(_Frame(env=env))
            if value is None:
                continue
            key = tuple(env["__merchant__"].get(g) for g in e.group)
            groups[key].append((merchant_id, value))
        out: dict[str, float | None] = {}
        for members in groups.values():
            values = [v for _, v in members]
            n = len(values)
            for merchant_id, v in members:
                better = sum(1 for w in values if (w <= v if e.higher_is_better else w >= v))
                out[merchant_id] = round9(better / n)
                self.group_sizes[merchant_id] = n
        return out

_ARITH = {
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
    "/": lambda a, b: None if b == 0 else a / b,
}
_COMPARE = {
    "<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b, "=": lambda a, b: a == b, "!=": lambda a, b: a != b,
}


# --- populations and measures ---------------------------------------------------------------

class _Measures:
    def __init__(self, ctx: _Context):
        self.ctx = ctx
        self._pops: dict[str, Callable[[str], list[dict]]] = {}
        self._by_node: dict[int, tuple[ir.Population, Callable[[str], list[dict]]]] = {}

    def population(self, pop: ir.Population) -> Callable[[str], list[dict]]:
        held = self._by_node.get(id(pop))
        if held is None or held[0] is not pop:
            key = pop.model_dump_json()          # equal populations share their rows
            if key not in self._pops:
                self._pops[key] = self._compile_population(pop)
            held = self._by_node[id(pop)] = (pop, self._pops[key])
        return held[1]

    def window_bounds(self, pop: ir.Population) -> tuple[int | None, int | None, bool]:
        """[low, high) bounds on the time column, high inclusive when `at least D before`."""
        t = self.ctx.t
        low = high = None
        inclusive = False
        if pop.window is not None:
            low, high = t - pop.window.start_micros, t - pop.window.end_micros
        if pop.before_micros is not None:
            limit = t - pop.before_micros
            if high is None or limit < high or (limit == high and pop.before_strict):
                high, inclusive = limit, not pop.before_strict
        return low, high, inclusive

    def _compile_population(self, pop: ir.Population):
        ctx = self.ctx
        rows = ctx.prepared.tables[pop.table]
        time_read = ctx.read(pop.table, pop.time_column) if pop.time_column else None
        low, high, inclusive = self.window_bounds(pop)
        filt = ctx.compile(pop.filter) if pop.filter is not None else None
        excluded, zone, tod = pop.excluded_by, ctx.zone, pop.time_of_day

        def keep(row) -> bool:
            if not ctx.visible(pop.table, row) or (excluded and row.get(excluded)):
                return False
            if time_read is not None:
                t = time_read(row)
                if t is None or (low is not None and t < low):
                    return False
                if high is not None and (t > high if inclusive else t >= high):
                    return False
                if tod is not None and not (tod[0] <= local_time_fraction(t, zone) < tod[1]):
                    return False
            return filt is None or bool(filt(_Frame(row=row)))

        cache: dict[str, list[dict]] = {}
        # rows outside the window on the raw time column are never kept: skip them by bisection
        timed = (time_read is not None and (low is not None or high is not None)
                 and rows.table.column(pop.time_column) is not None)

        def rows_of(merchant_id: str) -> list[dict]:
            if merchant_id not in cache:
                if timed:
                    source = rows.between(merchant_id, pop.time_column, low, high)
                else:
                    source = rows.by_merchant.get(merchant_id, ())
                cache[merchant_id] = [r for r in source if keep(r)]
            return cache[merchant_id]
        return rows_of

    def evaluate(self, m: ir.Measure, merchant_id: str, env: dict) -> tuple[Any, dict]:
        return getattr(self, f"m_{m.kind}")(m, merchant_id, env)

    def _population_details(self, m: ir.Measure) -> dict:
        low, high, inclusive = self.window_bounds(m.population)
        return {"population": m.population.text, "from": low, "to": high, "to_inclusive": inclusive}

    def m_share(self, m: ir.Measure, merchant_id: str, env: dict):
        rows = self.population(m.population)(merchant_id)
        excl = self.ctx.compile(m.excluding) if m.excluding is not None else None
        num = self.ctx.compile(m.numerator)
        counted = [r for r in rows if excl is None or not excl(_Frame(row=r, env=env))]
        hits = sum(1 for r in counted if num(_Frame(row=r, env=env)))
        details = {**self._population_details(m), "numerator": hits, "denominator": len(counted),
                   "excluded": len(rows) - len(counted)}
        return (round9(hits / len(counted)) if counted else None), details

    def m_count(self, m: ir.Measure, merchant_id: str, env: dict):
        rows = self.population(m.population)(merchant_id)
        return len(rows), {**self._population_details(m), "count": len(rows)}

    def _operands(self, m: ir.Measure, merchant_id: str, env: dict) -> list:
        rows = self.population(m.population)(merchant_id)
        read = self.ctx.compile(m.expr)
        return [v for v in (read(_Frame(row=r, env=env)) for r in rows) if v is not None]

    def m_sum(self, m: ir.Measure, merchant_id: str, env: dict):
        values = self._operands(m, merchant_id, env)
        total = sum(values) if values else 0
        if m.type == "duration":
            total = total / HOUR_MICROS
        return round9(total), {**self._population_details(m), "count": len(values), "sum": total}

    def m_mean(self, m: ir.Measure, merchant_id: str, env: dict):
        values = self._operands(m, merchant_id, env)
        if not values:
            return None, {**self._population_details(m), "count": 0}
        total = sum(values)
        mean = total / len(values)
        if m.type == "duration":
            mean = mean / HOUR_MICROS  # integer microsecond sum / count, then hours
        return round9(mean), {**self._population_details(m), "count": len(values), "sum": total}

    def m_nps(self, m: ir.Measure, merchant_id: str, env: dict):
        values = self._operands(m, merchant_id, env)
        promoters = sum(1 for v in values if v >= 9)
        detractors = sum(1 for v in values if v <= 6)
        details = {**self._population_details(m), "promoters": promoters, "detractors": detractors,
                   "passives": len(values) - promoters - detractors, "denominator": len(values)}
        return (round9(100 * (promoters - detractors) / len(values)) if values else None), details

    def m_lowest(self, m: ir.Measure, merchant_id: str, env: dict):
        """The lowest value in force during the window: the latest row at or before its start
        (the lowest if several share that instant) and every row inside it."""
        ctx, pop = self.ctx, m.population
        start = ctx.t - pop.window.start_micros
        end = ctx.t - pop.window.end_micros
        when = ctx.read(pop.table, pop.time_column)
        read = ctx.compile(m.expr)
        rows = [r for r in ctx.prepared.tables[pop.table].by_merchant.get(merchant_id, ()) if ctx.visible(pop.table, r)]
        before = [r for r in rows if when(r) <= start]
        values = [read(_Frame(row=r)) for r in rows if start < when(r) < end]
        at_start = None
        if before:
            latest = max(when(r) for r in before)
            at_start = min(read(_Frame(row=r)) for r in before if when(r) == latest)
        candidates = [v for v in values + [at_start] if v is not None]
        if not candidates:
            return m.default, {"in_force_at_start": None, "rows_in_window": 0, "default": m.default, "from": start,
                               "to": end, "to_inclusive": False, "population": pop.text}
        if at_start is None and m.default is not None:
            candidates.append(m.default)      # before the first record, the default was in force
        return min(candidates), {"in_force_at_start": at_start, "rows_in_window": len(values), "from": start,
                                 "to": end, "to_inclusive": False, "population": pop.text, "default": m.default}

    def m_expr(self, m: ir.Measure, merchant_id: str, env: dict):
        value = self.ctx.compile(m.expr)(_Frame(env=env))
        if isinstance(value, float):
            value = round9(value)
        return value, {}


# --- curves and weights ------------------------------------------------------------------------

def curve_score(curve: ir.Curve, x: float) -> tuple[float, dict]:
    """Piecewise-linear score, clamped to the end points; the segment used is explained."""
    pts = curve.points
    if x <= pts[0].x:
        return round9(pts[0].y), {"segment": "below", "point": (pts[0].x, pts[0].y)}
    for a, b in zip(pts, pts[1:]):
        if x <= b.x:
            y = a.y + (x - a.x) / (b.x - a.x) * (b.y - a.y)
            return round9(y), {"segment": "between", "from": (a.x, a.y), "to": (b.x, b.y)}
    return round9(pts[-1].y), {"segment": "above", "point": (pts[-1].x, pts[-1].y)}


def weighted_mean(members: list[tuple[str, float, float | None]]) -> tuple[float | None, list[dict]]:
    """Σ (w_i / W) × s_i over members with a score, W = Σ w_i of those (left to right)."""
    present = [(n, w, s) for n, w, s in members if s is not None]
    total_weight = 0.0
    for _, w, _ in present:
        total_weight += w
    rows = []
    if not present or total_weight == 0:
        return None, [{"name": n, "weight": w, "used_weight": None, "score": s} for n, w, s in members]
    value = 0.0
    for name, w, s in members:
        used = (w / total_weight) if s is not None else None
        if s is not None:
            value += used * s
        rows.append({"name": name, "weight": w, "used_weight": used, "score": s})
    return round9(value), rows


# --- the evaluation ------------------------------------------------------------------------------

@dataclass
class MerchantResult:
    merchant_id: str
    row: dict[str, Any]
    trace: Step
    # consequence name -> its condition held at this assessment (before any history rule)
    holds: dict[str, bool] = field(default_factory=dict)


@dataclass
class Evaluation:
    """Every merchant's result at one as-of. `program` is the version in force; `rubric` the
    program as given to `evaluate` (the whole versioned rubric) and `prepared` the rows it was
    computed from, kept for `what_if`."""

    program: ir.Program
    as_of: date
    results: dict[str, MerchantResult]
    columns: list[str]
    rubric: ir.Program | None = field(default=None, repr=False, compare=False)
    prepared: Prepared | None = field(default=None, repr=False, compare=False)
    _state: "_State | None" = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class _Past:
    """A past assessment, as much of it as history rules read: every merchant's score and
    which consequence conditions held."""

    as_of: date
    scores: dict[str, Any]
    holds: dict[str, dict[str, bool]]

    @classmethod
    def of(cls, evaluation: Evaluation) -> "_Past":
        results = evaluation.results
        return cls(evaluation.as_of, {m: r.row.get("score") for m, r in results.items()},
                   {m: r.holds for m, r in results.items()})


@dataclass
class _State:
    """What `what_if` reuses of a finished evaluation: every merchant's values and the ranks."""

    envs: dict[str, dict]
    ranks: dict[str, dict[str, tuple[float, int]]]


# Entries of a merchant's values that may depend on other merchants' scores (bands, percentiles):
# a what-if drops them for merchants it does not recompute; they are recomputed when read.
_LATE = frozenset({"value", "output", "status", "tier", "consequence", "__holds__", "charge", "band", "gate"})


_DISPLAY_UNIT = {"share": "share", "duration": "hours", "nps": "nps", "count": "count", "money": "money",
                 "number": "number", "score": "score", "bool": "bool", "int": "count"}


def cume_dist(members: list[tuple[str, float]], higher_is_better: bool) -> dict[str, float]:
    """Each member's share of the group at or below it (in the better direction); ties share."""
    values = sorted(v for _, v in members)
    n = len(values)
    out = {}
    for merchant_id, v in members:
        if higher_is_better:
            better = bisect.bisect_right(values, v)
        else:
            better = n - bisect.bisect_left(values, v)
        out[merchant_id] = round9(better / n)
    return out


class _Evaluator:
    """One evaluation. `overrides` ({merchant: {indicator: value}}) replace measured values;
    `measured` is an evaluation whose indicator values are reused for every other merchant;
    `only` limits outputs and results to those merchants (others' values stay lazy)."""

    def __init__(self, program: ir.Program, prepared: Prepared, as_of: date, depth: int = 0,
                 cache: dict | None = None, progress: Callable[[str, int, int], None] | None = None,
                 root: ir.Program | None = None, overrides: Mapping[str, Mapping[str, Any]] | None = None,
                 measured: Evaluation | None = None, only: frozenset[str] | None = None):
        self.overrides = overrides or {}
        self.measured = measured
        self.only = only
        self.progress = progress
        self.program = program
        self.root = root or program            # the versioned rubric, for past assessments
        self.prepared = prepared
        self.as_of = as_of
        self.depth = depth
        self.cache = cache if cache is not None else {}
        self.ctx = _Context(program, prepared, as_of)
        self.ctx.compute_named = self.compute_named
        self.measures = _Measures(self.ctx)
        self.traces: dict[str, Step] = {}
        self._named = {("value", v.name): v for v in program.values}
        self._named.update({("output", o.name): o for o in program.outputs})
        # named values whose measure ranks merchants: their trace says the group's size
        self._ranked = {key for key, d in self._named.items()
                        if any(getattr(n, "kind", None) == "percentile" for n in walk(d.measure))}
        self._value_order = {v.name: i for i, v in enumerate(program.values)}
        self._output_order = {o.name: i for i, o in enumerate(program.outputs)}

    def _start(self, merchant: dict, env: dict | None = None) -> None:
        mid = merchant["merchant_id"]
        self.ctx.envs[mid] = env if env is not None else {
            "__merchant__": merchant, "__open__": self.ctx.visible(self.program.data.entity, merchant)}
        attributes = {k: merchant[k] for k in ("region", "category") if merchant.get(k) is not None}
        self.traces[mid] = Step(kind="merchant", name=mid, details={
            "as_of": self.as_of.isoformat(), "zone": self.program.zone, "attributes": attributes})

    def run(self) -> Evaluation:
        if self.measured is not None and self.measured._state is not None:
            return self._run_what_if(self.measured._state)
        for merchant in self.prepared.merchants:
            self._start(merchant)
        self._each(self.phase_indicator_values)
        self.rank_indicators()                 # ranks need every merchant's value
        self._each(self.phase_indicator_scores)
        self._each(self.phase_total)
        if self.program.bands is not None:
            self.apply_bands()                 # bands need every merchant's score
        for phase in (self.phase_status, self.phase_tier, self.phase_consequences):
            self._each(phase)
        self._each(self.phase_outputs, self.only)
        return self._evaluation(_State(self.ctx.envs, self.ranks) if self.depth == 0 else None)

    def _evaluation(self, state: _State | None) -> Evaluation:
        results = {mid: MerchantResult(mid, self.output_row(mid, env, self.traces[mid]), self.traces[mid],
                                       {c.name: bool(env.get(("__holds__", c.name))) for c in self.program.consequences})
                   for mid, env in self.ctx.envs.items() if self.only is None or mid in self.only}
        return Evaluation(self.program, self.as_of, results, self.columns(), self.root, self.prepared, state)

    def _run_what_if(self, base: _State) -> Evaluation:
        """Recompute only what the overrides can change: the overridden merchants' values, the
        ranks of the indicators whose values changed, the scores of merchants whose ranks
        moved, then bands for everyone and the rest for `only`. Other merchants keep the
        measured evaluation's values; what may depend on other merchants is dropped from
        them and recomputed when read."""
        banded = self.program.bands is not None
        for merchant in self.prepared.merchants:
            mid = merchant["merchant_id"]
            if mid in self.overrides:
                self._start(merchant)
                continue
            env = {k: v for k, v in base.envs[mid].items() if not (isinstance(k, tuple) and k[0] in _LATE)}
            if banded and ("score", "before_bands") in env:
                env[("score", "score")] = env[("score", "before_bands")]
            self._start(merchant, env)
        self._each(self.phase_indicator_values, frozenset(self.overrides))
        changed = {ind.name for ind in self.program.indicators if ind.rank is not None and any(
            self.ctx.envs[mid].get(("indicator_value", ind.name)) != base.envs[mid].get(("indicator_value", ind.name))
            for mid in self.overrides)}
        self.rank_indicators(changed, base.ranks)
        moved = {mid for name in changed for mid, rank in self.ranks[name].items() if base.ranks[name].get(mid) != rank}
        again = frozenset(moved | set(self.overrides))
        for mid in again - set(self.overrides):         # their scores are recomputed from the measured values
            self._measured_values(mid, self.ctx.envs[mid], self.traces[mid])
        self._each(self.phase_indicator_scores, again)
        self._each(self.phase_total, again)
        if banded:
            self.apply_bands()
        for phase in (self.phase_status, self.phase_tier, self.phase_consequences, self.phase_outputs):
            self._each(phase, self.only)
        return self._evaluation(None)

    def _each(self, phase, only: frozenset[str] | None = None) -> None:
        envs = self.ctx.envs
        total = len(envs)
        for done, (merchant_id, env) in enumerate(envs.items(), 1):
            if env["__open__"] and (only is None or merchant_id in only):
                phase(merchant_id, env, self.traces[merchant_id])
            if self.progress is not None and (done % 500 == 0 or done == total):
                self.progress(phase.__name__.removeprefix("phase_"), done, total)

    # --- named values (lazy) --------------------------------------------------------------
    def compute_named(self, env: dict, target: str, name: str):
        definition = self._named[(target, name)]
        mid = env["__merchant__"]["merchant_id"]
        value, details = self.measures.evaluate(definition.measure, mid, env)
        if getattr(definition, "when", None) is not None and not self.ctx.compile(definition.when)(_Frame(env=env)):
            value = None
        if isinstance(value, float):
            value = round9(value)
        if (target, name) in self._ranked and mid in self.ctx.group_sizes:
            details["group_size"] = self.ctx.group_sizes[mid]
        self.traces[mid].children.append(Step(
            target, name, definition.title, value, _DISPLAY_UNIT.get(definition.measure.type, ""),
            {**details, "definition": definition.measure.text}, provenance=definition.provenance))
        return value

    # --- indicators -------------------------------------------------------------------------
    def phase_indicator_values(self, mid: str, env: dict, trace: Step) -> None:
        replaced = self.overrides.get(mid, {})
        if self.measured is not None and not replaced and mid in self.measured.results:
            return self._measured_values(mid, env, trace)
        for ind in self.program.indicators:
            value, details = self.measures.evaluate(ind.measure, mid, env)
            if ind.name in replaced:            # in order: a later indicator reading this one sees the new value
                details["measured"] = value
                value = replaced[ind.name]
            env[("indicator_value", ind.name)] = value
            details["definition"] = ind.measure.text
            trace.children.append(Step("indicator", ind.name, ind.title, value, _DISPLAY_UNIT.get(ind.type, ""),
                                       details, provenance=(ind.curve or ind.rank or ind).provenance))

    def _measured_values(self, mid: str, env: dict, trace: Step) -> None:
        row = self.measured.results[mid].row if mid in self.measured.results else {}
        for ind in self.program.indicators:
            key = ("indicator_value", ind.name)
            value = env[key] if key in env else row.get(f"ind.{ind.name}.value")
            env[key] = value
            trace.children.append(Step("indicator", ind.name, ind.title, value, _DISPLAY_UNIT.get(ind.type, ""),
                                       {"definition": ind.measure.text, "reused": True}))

    def rank_indicators(self, only: set[str] | None = None, known: dict | None = None) -> None:
        """Percentile ranks of ranked indicators: needs every merchant's value first. With
        `only`, the other indicators' ranks are taken from `known`."""
        self.ranks: dict[str, dict[str, tuple[float, int]]] = dict(known or {})
        for ind in self.program.indicators:
            if ind.rank is None or (only is not None and ind.name not in only):
                continue
            groups: dict[tuple, list[tuple[str, float]]] = defaultdict(list)
            for mid, env in self.ctx.envs.items():
                value = env.get(("indicator_value", ind.name))
                if env["__open__"] and value is not None:
                    groups[tuple(env["__merchant__"].get(g) for g in ind.rank.group)].append((mid, value))
            ranks = {}
            for members in groups.values():
                for mid, p in cume_dist(members, ind.higher_is_better is not False).items():
                    ranks[mid] = (p, len(members))
            self.ranks[ind.name] = ranks

    def phase_indicator_scores(self, mid: str, env: dict, trace: Step) -> None:
        steps = {s.name: s for s in trace.children if s.kind == "indicator"}
        for ind in self.program.indicators:
            value, step = env[("indicator_value", ind.name)], steps[ind.name]
            if value is None:
                score = ind.no_sample_score
                step.details["no_sample"] = "protection score" if score is not None else "left out"
            elif ind.rank is not None:
                score = self._rank_score(ind, mid, value, step.details)
            else:
                score, seg = curve_score(ind.curve, 1.0 if value is True else 0.0 if value is False else value)
                step.details["curve"] = seg
            env[("indicator_score", ind.name)] = score
            step.details["score"] = score

    def _rank_score(self, ind: ir.Indicator, mid: str, value, details: dict) -> float:
        rank = ind.rank
        p, size = self.ranks[ind.name][mid]
        details["rank"] = {"percentile": p, "group_size": size, "factor": rank.factor,
                           "group": {g: self.ctx.envs[mid]["__merchant__"].get(g) for g in rank.group} or "platform"}
        if rank.floor_op is not None and _COMPARE[rank.floor_op](value, rank.floor_value):
            details["rank"]["floor"] = f"a value {rank.floor_op} {rank.floor_value:g} scores {rank.floor_score:g}"
            return rank.floor_score
        if rank.min_group is not None and size < rank.min_group:
            details["rank"]["fallback"] = f"group of {size} < {rank.min_group}"
            return rank.min_group_score
        return round9(rank.factor * p)

    # --- dimensions and the score -----------------------------------------------------------
    def _dimension_weights(self, env: dict) -> tuple[dict[str, float], str | None]:
        weights = {d.name: d.weight for d in self.program.dimensions}
        merchant = env["__merchant__"]
        for variant in self.program.weight_variants:
            if merchant.get(variant.attribute) in variant.values:
                return dict(variant.weights), f"{variant.attribute} in ({', '.join(variant.values)})"
        return weights, None

    def _dimension(self, dim: ir.Dimension, env: dict) -> tuple[float | None, list[dict]]:
        if dim.member_weights is None:
            return weighted_mean([(i, 1.0, env[("indicator_score", i)]) for i in dim.members])
        rows, total = [], 0.0
        for name, weight in zip(dim.members, dim.member_weights):
            score = env[("indicator_score", name)]
            rows.append({"name": name, "weight": weight, "used_weight": weight, "score": score})
            total = None if total is None or score is None else total + weight * score
        return round9(total), rows

    def phase_total(self, mid: str, env: dict, trace: Step) -> None:
        by_name = {s.name: s for s in trace.children if s.kind == "indicator"}
        for dim in self.program.dimensions:
            score, rows = self._dimension(dim, env)
            env[("dimension", dim.name)] = score
            step = Step("dimension", dim.name, dim.title, score, "score", {"members": rows},
                        children=[by_name[i] for i in dim.members if i in by_name], provenance=dim.provenance)
            trace.children = [c for c in trace.children if not (c.kind == "indicator" and c.name in dim.members)]
            trace.children.append(step)
        total = self.program.total
        if total is None:
            return
        if total.members:
            weights, variant = self._dimension_weights(env)
            raw, rows = weighted_mean([(d, weights.get(d, 0.0), env[("dimension", d)]) for d in total.members])
            details = {"members": rows, "weights_for": variant or "default"}
        else:
            raw = round9(self.ctx.compile(total.expr)(_Frame(env=env)))
            details = {"definition": total.text}
        env[("raw", "raw")] = raw
        trace.details["raw_score"] = raw
        trace.children.append(Step("raw_score", "raw_score", total.title, raw, "score", details,
                                   provenance=total.provenance))
        self.apply_deductions(mid, env, trace, raw)

    def apply_deductions(self, mid: str, env: dict, trace: Step, raw: float | None) -> None:
        score = raw
        for ded in self.program.deductions:
            rows = self.measures.population(ded.population)(mid)
            points = round9(ded.amount * len(rows))
            env[("deduction", ded.name)] = points
            trace.children.append(Step("deduction", ded.name, ded.title, points, "score",
                                       {"count": len(rows), "each": ded.amount, "population": ded.population.text,
                                        "applied": raw is not None}, provenance=ded.provenance))
            if score is not None:
                score = score - points
        clamp = self.program.clamp
        before = score
        if score is not None and clamp is not None:
            if clamp.low is not None and score < clamp.low:
                score = clamp.low
            if clamp.high is not None and score > clamp.high:
                score = clamp.high
        score = round9(score)
        env[("score", "score")] = score
        details = {"raw_score": raw, "after_deductions": round9(before)}
        if clamp is not None:
            details["clamp"] = (clamp.low, clamp.high)
        trace.children.append(Step("score", "score", self.program.title, score, "score", details,
                                   provenance=clamp.provenance if clamp else None))

    # --- bands, gates and re-ranking (cross-merchant) -----------------------------------------
    def apply_bands(self) -> None:
        bands = self.program.bands
        rows = list(bands.rows)
        rated = [(mid, env) for mid, env in self.ctx.envs.items()
                 if env["__open__"] and env.get(("score", "score")) is not None]
        groups: dict[tuple, list[tuple[str, float]]] = defaultdict(list)
        for mid, env in rated:
            groups[tuple(env["__merchant__"].get(g) for g in bands.group)].append((mid, env[("score", "score")]))
        placed: dict[str, dict] = {}
        for key, members in groups.items():
            for mid, p in cume_dist(members, True).items():
                index = next(i for i, r in enumerate(rows) if r.op is None or _COMPARE[r.op](p, r.threshold))
                placed[mid] = {"percentile": p, "group_size": len(members), "band_from_percentile": rows[index].name,
                               "index": index, "group": key}
        for mid, info in placed.items():
            env = self.ctx.envs[mid]
            for gate in self.program.gates:
                if "gate" not in info and rows[info["index"]].name in gate.bands \
                        and bool(self.ctx.compile(gate.when)(_Frame(env=env))):
                    info["gate"] = gate.name
                    info["gate_condition"] = gate.text
                    info["index"] += 1
        final: dict[tuple, list[tuple[str, float]]] = defaultdict(list)
        for mid, info in placed.items():
            final[(info["group"], info["index"])].append((mid, self.ctx.envs[mid][("score", "score")]))
        for (key, index), members in final.items():
            band = rows[index]
            raws = sorted(v for _, v in members)
            for mid, raw in members:
                rank = bisect.bisect_left(raws, raw) + 1          # RANK(): ties share the lowest rank
                score = round9(band.low + (band.high - band.low) * (rank - 1) / len(members))
                info = placed[mid]
                info.update(band=band.name, low=band.low, high=band.high, rank=rank, members=len(members))
                self._record_band(mid, info, raw, score, band)

    def _record_band(self, mid: str, info: dict, raw: float, score: float, band: ir.Band) -> None:
        env = self.ctx.envs[mid]
        env[("score", "before_bands")] = raw
        env[("score", "score")] = score
        env[("band", "band")] = info["band"]
        env[("band", "percentile")] = info["percentile"]
        env[("gate", "gate")] = info.get("gate")
        details = {k: v for k, v in info.items() if k not in ("index", "group")}
        details["score_before_bands"] = raw
        self.traces[mid].children.append(Step("band", band.name, band.title, score, "score", details,
                                              provenance=self.program.bands.provenance))

    # --- statuses, tiers, consequences, outputs --------------------------------------------
    def _match(self, rules: tuple[ir.Rule, ...], env: dict) -> tuple[ir.Rule | None, list[dict]]:
        tried = []
        for rule in rules:
            hit = rule.when is None or bool(self.ctx.compile(rule.when)(_Frame(env=env)))
            entry = {"name": rule.name, "condition": rule.text, "matched": hit}
            if not hit and rule.parts:
                entry["failed"] = _first_failed(self.ctx, rule, env)
            tried.append(entry)
            if hit:
                return rule, tried
        return None, tried

    def phase_status(self, mid: str, env: dict, trace: Step) -> None:
        if env.get(("score", "score")) is None:
            status, tried = "unrated", []
        else:
            rule, tried = self._match(self.program.statuses, env)
            status = rule.name if rule else "rated"
        env[("status", "status")] = status
        trace.children.append(Step("status", "status", value=status, unit="label", details={"rules": tried}))

    def phase_tier(self, mid: str, env: dict, trace: Step) -> None:
        rule, tried = self._match(self.program.tiers, env)
        env[("tier", "tier")] = rule.name if rule else None
        details = {"rules": tried}
        position = next((i for i, t in enumerate(tried) if t["matched"]), None)
        if position:
            above = tried[position - 1]
            if above.get("failed"):
                details["next_up"] = {"tier": above["name"], **above["failed"]}
        trace.children.append(Step("tier", rule.name if rule else "", rule.title if rule else ir.Title(),
                                   rule.name if rule else None, "label", details,
                                   provenance=rule.provenance if rule else None))

    def _past(self, cadence: str, steps: int) -> _Past:
        day = past_as_of(self.as_of, cadence, steps)
        if day not in self.cache:
            self.cache[day] = _Past.of(_run(self.root, self.prepared, day, self.depth + 1))
        return self.cache[day]

    def phase_consequences(self, mid: str, env: dict, trace: Step) -> None:
        for cons in self.program.consequences:
            now = bool(self.ctx.compile(cons.when)(_Frame(env=env)))
            runs = [{"as_of": self.as_of.isoformat(), "score": env.get(("score", "score")), "holds": now}]
            fired = now
            if cons.history_cadence and cons.history_count > 1 and self.depth == 0:
                for k in range(1, cons.history_count):
                    past = self._past(cons.history_cadence, k)
                    held = bool(past.holds.get(mid, {}).get(cons.name))
                    runs.append({"as_of": past.as_of.isoformat(), "score": past.scores.get(mid), "holds": held})
                    fired = fired and held
            env[("consequence", cons.name)] = fired
            env[("__holds__", cons.name)] = now
            details = {"condition": cons.text, "assessments": runs}
            if cons.charge is not None:
                amount = round9(self.ctx.compile(cons.charge)(_Frame(env=env))) if fired else None
                env[("charge", cons.charge_output)] = amount
                details["charge"] = {"output": cons.charge_output, "amount": amount}
            trace.children.append(Step("consequence", cons.name, cons.title, fired, "bool", details,
                                       provenance=cons.provenance))

    def phase_outputs(self, mid: str, env: dict, trace: Step) -> None:
        for out in self.program.outputs:
            self.ctx.named(env, "output", out.name)
        for value in self.program.values:       # every value is explained, used or not
            self.ctx.named(env, "value", value.name)
        # values and outputs are computed when first read, so their steps arrive in no fixed
        # order: values first and outputs last, each as declared (the order of every engine's
        # trace and of the text)
        values, outputs = self._value_order, self._output_order

        def place(step: Step) -> tuple[int, int]:
            if step.kind == "value" and step.name in values:
                return 0, values[step.name]
            if step.kind == "output" and step.name in outputs:
                return 2, outputs[step.name]
            return 1, 0
        trace.children.sort(key=place)

    # --- the output row (domain.md §3) -----------------------------------------------------
    def columns(self) -> list[str]:
        p = self.program
        cols = ["merchant_id", "score", "tier", "status", "consequences"]
        cols += [f"dim.{d.name}" for d in p.dimensions]
        for ind in p.indicators:
            cols += [f"ind.{ind.name}.value", f"ind.{ind.name}.score"]
        cols += [c.charge_output for c in p.consequences if c.charge_output]
        cols += [o.name for o in p.outputs]
        if p.bands is not None:
            cols += ["gate", "band", "band_percentile"]
        cols += ["raw_score"] + [f"ded.{d.name}" for d in p.deductions]
        return cols

    def output_row(self, mid: str, env: dict, trace: Step) -> dict[str, Any]:
        p = self.program
        is_open = env["__open__"]
        status = env.get(("status", "status")) if is_open else "not_open"
        trace.value = env.get(("score", "score"))
        trace.details["status"] = status
        row: dict[str, Any] = {"merchant_id": mid, "score": env.get(("score", "score")),
                               "tier": env.get(("tier", "tier")), "status": status,
                               "consequences": ";".join(sorted(c.name for c in p.consequences
                                                               if env.get(("consequence", c.name))))}
        for d in p.dimensions:
            row[f"dim.{d.name}"] = env.get(("dimension", d.name))
        for ind in p.indicators:
            row[f"ind.{ind.name}.value"] = env.get(("indicator_value", ind.name))
            row[f"ind.{ind.name}.score"] = env.get(("indicator_score", ind.name))
        for c in p.consequences:
            if c.charge_output:
                row[c.charge_output] = env.get(("charge", c.charge_output))
        for o in p.outputs:
            row[o.name] = env.get(("output", o.name))
        if p.bands is not None:
            row.update(gate=env.get(("gate", "gate")), band=env.get(("band", "band")),
                       band_percentile=env.get(("band", "percentile")))
        row["raw_score"] = env.get(("raw", "raw"))
        for d in p.deductions:
            row[f"ded.{d.name}"] = env.get(("deduction", d.name))
        return row


def _first_failed(ctx: _Context, rule: ir.Rule, env: dict) -> dict | None:
    """The first condition of a row that does not hold, with the merchant's value; for a
    named condition, also the comparison inside it that failed."""
    for text, part in zip(rule.parts, rule.when.operands):
        if bool(ctx.compile(part)(_Frame(env=env))):
            continue
        inner = _failing_comparison(ctx, part, env)
        found = {"condition": text, "value": None, "unit": ""}
        if inner is not None:
            found.update(value=ctx.compile(inner.left)(_Frame(env=env)),
                         unit=_DISPLAY_UNIT.get(getattr(inner.left, "type", ""), ""))
            if inner is not part:
                found["because"] = expr_text(inner)
        return found
    return None


def _failing_comparison(ctx: _Context, part, env: dict):
    if part.kind == "compare":
        return part
    if part.kind == "bool_op" and part.op == "and":
        for operand in part.operands:
            if not bool(ctx.compile(operand)(_Frame(env=env))):
                return _failing_comparison(ctx, operand, env)
    return None


# --- helpers for engines that compute the numbers elsewhere ----------------------------------

def _values_context(program: ir.Program, as_of: date) -> _Context:
    ctx = _Context(program, Prepared(tables={}, merchants=[]), as_of)
    ctx.compute_named = lambda env, target, name: env.get((target, name))   # named values are given
    return ctx


def first_unmet(program: ir.Program, as_of: date, rule: ir.Rule, values: Mapping) -> dict | None:
    """The first condition of a status, tier or consequence row that a merchant does not meet,
    as the evaluator explains it: `{"condition", "value", "unit"}` plus `"because"` (the
    comparison that failed inside a named condition); None when every condition holds or the
    row has no listed conditions.

    `values` holds the merchant's numbers keyed as the evaluator keys them: `"__merchant__"`
    (the merchant's row), `("indicator_value" | "indicator_score" | "dimension" | "value" |
    "output" | "consequence", name)`, `("score", "score")`, `("raw", "raw")`,
    `("tier", "tier")`, `("status", "status")`. Nothing is computed from data.

    >>> from rubric.driver import compile_file, shipped_rules_dir
    >>> p = compile_file(shipped_rules_dir() / "aicaigou_store_score.rubric")
    >>> four_stars = next(r for r in p.tiers if r.name == "4")
    >>> values = {("output", "store_rank"): 0.8, ("dimension", "product_quality"): 5.0, ("dimension", "credit"): 1.0}
    >>> first_unmet(p, date(2024, 6, 3), four_stars, values)
    {'condition': 'product_quality >= 5.8', 'value': 5.0, 'unit': 'score'}
    """
    return _first_failed(_values_context(program, as_of), rule, dict(values)) if rule.parts else None


def window_bounds(program: ir.Program, population: ir.Population, as_of: date) -> tuple[int | None, int | None, bool]:
    """The bounds of a population's time column at `as_of`: (low, high, high_inclusive) in UTC
    microseconds, low inclusive, None where unbounded.

    >>> from rubric.driver import compile_file, shipped_rules_dir
    >>> p = compile_file(shipped_rules_dir() / "douyin_cs_satisfaction.rubric")
    >>> low, high, _ = window_bounds(p, p.indicators[0].measure.population, date(2024, 6, 3))
    >>> (high - low) // 86_400_000_000 > 0
    True
    """
    return _Measures(_values_context(program, as_of)).window_bounds(population)


COMPARE: Mapping[str, Callable[[Any, Any], bool]] = _COMPARE
"""The comparison operators of the IR (`<`, `<=`, `>`, `>=`, `=`, `!=`), both sides present."""

DISPLAY_UNIT: Mapping[str, str] = _DISPLAY_UNIT
"""The display unit of each value type (`share`, `hours`, `nps`, `count`, ...), as traces carry it."""


# --- versions ------------------------------------------------------------------------------

class NoVersionInForce(ValueError):
    """The as-of date is outside every version's effective period."""


def _in_period(day: date, start: str | None, end: str | None) -> bool:
    return (start is None or day >= date.fromisoformat(start)) and (end is None or day <= date.fromisoformat(end))


def version_in_force(program: ir.Program, day: date) -> ir.Version:
    for version in program.versions:
        if _in_period(day, version.effective_from, version.effective_until):
            return version
    periods = ", ".join(f"{v.name}: {v.effective_from or '…'} to {v.effective_until or '…'}" for v in program.versions)
    raise NoVersionInForce(f"no version of {program.name} is in force on {day}; the versions are {periods}")


def shadow_version(program: ir.Program, day: date) -> ir.Version | None:
    return next((v for v in program.versions if v.shadow_from and v.effective_from
                 and date.fromisoformat(v.shadow_from) <= day < date.fromisoformat(v.effective_from)), None)


def _run(program: ir.Program, prepared: Prepared, as_of: date, depth: int = 0, cache: dict | None = None,
         progress=None, overrides: Mapping[str, Mapping[str, Any]] | None = None) -> Evaluation:
    if not program.versions:
        return _Evaluator(program, prepared, as_of, depth, cache, progress, overrides=overrides).run()
    version = version_in_force(program, as_of)
    evaluation = _Evaluator(version.program, prepared, as_of, depth, cache, progress, root=program,
                            overrides=overrides).run()
    evaluation.columns += _VERSION_COLUMNS
    shadow = shadow_version(program, as_of) if depth == 0 else None     # history reads only the version in force
    shadow_eval = None
    if shadow is not None:
        own = {i.name for i in shadow.program.indicators}
        shadow_eval = _Evaluator(shadow.program, prepared, as_of, depth + 1, {}, None, overrides={
            mid: {k: v for k, v in values.items() if k in own} for mid, values in (overrides or {}).items()}).run()
    for mid, result in evaluation.results.items():
        twin = shadow_eval.results.get(mid) if shadow_eval else None
        result.row.update(version=version.name, shadow_score=twin.row.get("score") if twin else None,
                          shadow_gate=twin.row.get("gate") if twin else None)
        result.trace.details["version"] = version.name
        if twin is not None:
            result.trace.details["shadow"] = {"version": shadow.name, "score": twin.row.get("score"),
                                              "gate": twin.row.get("gate")}
            result.trace.children.append(Step("shadow", shadow.name, shadow.title, twin.row.get("score"), "score",
                                              {"gate": twin.row.get("gate"), "trace": twin.trace}))
    return evaluation


_VERSION_COLUMNS = ["version", "shadow_score", "shadow_gate"]


def _check_overrides(program: ir.Program, prepared: Prepared, as_of: date,
                     overrides: Mapping[str, Mapping[str, Any]]) -> None:
    current = version_in_force(program, as_of).program if program.versions else program
    names = {i.name for i in current.indicators}
    known = {m["merchant_id"] for m in prepared.merchants}
    for mid, values in overrides.items():
        if mid not in known:
            raise KeyError(f"no merchant {mid!r} in the data")
        unknown = sorted(set(values) - names)
        if unknown:
            raise ValueError(f"{current.name} has no indicator {', '.join(map(repr, unknown))}; "
                             f"its indicators are {', '.join(sorted(names))}")


def evaluate(program: ir.Program, data: Mapping[str, pa.Table] | Prepared, as_of: date,
             progress: Callable[[str, int, int], None] | None = None, *,
             overrides: Mapping[str, Mapping[str, Any]] | None = None) -> Evaluation:
    """Score every merchant at `as_of` (a local date in the rubric's zone); a versioned rubric
    uses the version in force and adds the shadow version's score during its shadow period.

    `overrides` ({merchant_id: {indicator: value}}) evaluates a what-if: those indicator values
    replace the measured ones, and everything computed from them follows (peer ranks, scores,
    bands, tiers, consequences); past assessments stay as measured. Evaluations on the same
    `Prepared` rows share the past assessments their history rules need.

    >>> import tempfile, datetime
    >>> from rubric.driver import compile_file, load_data, shipped_rules_dir
    >>> from rubric.sample.generate import generate_sample
    >>> folder = tempfile.mkdtemp(); _ = generate_sample(folder, merchants=40, seed=3)
    >>> p = compile_file(shipped_rules_dir() / "douyin_cs_satisfaction.rubric")
    >>> data = prepare(p, load_data(p, folder))
    >>> ev = evaluate(p, data, datetime.date(2024, 6, 3), overrides={"m0005": {"satisfaction_rate": 0.95}})
    >>> ev.results["m0005"].row["ind.satisfaction_rate.value"], ev.results["m0005"].row["score"]
    (0.95, 95.0)
    """
    with collector_paused():
        prepared = data if isinstance(data, Prepared) else prepare(program, data)
        if overrides:
            _check_overrides(program, prepared, as_of, overrides)
            return _run(program, prepared, as_of, progress=progress, cache=prepared.past(program), overrides=overrides)
        past = prepared.past(program)
        evaluation = _run(program, prepared, as_of, progress=progress, cache=past)
        if as_of not in past:                 # a later evaluation's history reads its holds and scores
            past[as_of] = _Past.of(evaluation)
        return evaluation


def what_if(evaluation: Evaluation, merchant_id: str, values: Mapping[str, Any]) -> MerchantResult:
    """The result of `merchant_id` had its indicators measured `values` ({indicator: value}) at
    the evaluation's as-of: the same as `evaluate(..., overrides={merchant_id: values})`, but
    every other merchant's indicator values are taken from `evaluation` instead of measured
    again, and only this merchant's outputs are computed. Peer ranks, bands and percentiles
    use the new values. For a versioned rubric the version in force is re-evaluated and the
    shadow columns are left empty.

    >>> import tempfile, datetime
    >>> from rubric.driver import compile_file, load_data, shipped_rules_dir
    >>> from rubric.sample.generate import generate_sample
    >>> folder = tempfile.mkdtemp(); _ = generate_sample(folder, merchants=40, seed=3)
    >>> p = compile_file(shipped_rules_dir() / "douyin_cs_satisfaction.rubric")
    >>> ev = evaluate(p, prepare(p, load_data(p, folder)), datetime.date(2024, 6, 3))
    >>> what_if(ev, "m0005", {"satisfaction_rate": 0.95}).row["score"]
    95.0
    """
    if evaluation.prepared is None:
        raise ValueError("what_if needs an evaluation made by evaluate() (it keeps the rows it was computed from)")
    root = evaluation.rubric or evaluation.program
    prepared = evaluation.prepared
    _check_overrides(root, prepared, evaluation.as_of, {merchant_id: values})
    with collector_paused():
        run = _Evaluator(evaluation.program, prepared, evaluation.as_of, 0, prepared.past(root), root=root,
                         overrides={merchant_id: values}, measured=evaluation, only=frozenset([merchant_id])).run()
    result = run.results[merchant_id]
    if root.versions:
        result.row.update(dict.fromkeys(_VERSION_COLUMNS), version=evaluation.results[merchant_id].row.get("version"))
        result.trace.details["version"] = result.row["version"]
    return result
