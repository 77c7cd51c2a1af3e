"""The reference evaluator: the semantics oracle and the explainer.

Input: an `ir.Program`, validated tables (pyarrow, as loaded by rubric.data) and an as-of
date. Output: `Evaluation`, one result row per merchant plus an explanation trace of every
number. Plain Python, merchant by merchant, phase by phase; written for clarity, not speed.
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
from rubric.ir import nodes as ir
from rubric.ir.from_ast import HOUR_MICROS
from rubric.ir.printer import expr_text
from rubric.ir.schema import ColumnType

__all__ = ["Evaluation", "MerchantResult", "NoVersionInForce", "Prepared", "cume_dist", "evaluate", "prepare", "round9",
           "shadow_version", "version_in_force"]

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

    def index(self, column: str) -> dict[Any, list[dict]]:
        if column not in self.indexes:
            idx: dict[Any, list[dict]] = defaultdict(list)
            for row in self.rows:
                idx[row.get(column)].append(row)
            self.indexes[column] = idx
        return self.indexes[column]


@dataclass
class Prepared:
    """Tables as Python rows (timestamps as UTC microseconds), grouped by merchant."""

    tables: dict[str, _TableRows]
    merchants: list[dict]


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

    # compile an expression into a closure over a frame
    def compile(self, e) -> Callable[[_Frame], Any]:
        return getattr(self, f"c_{e.kind}")(e)

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

    def population(self, pop: ir.Population) -> Callable[[str], list[dict]]:
        key = pop.model_dump_json()
        if key not in self._pops:
            self._pops[key] = self._compile_population(pop)
        return self._pops[key]

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

        def rows_of(merchant_id: str) -> list[dict]:
            if merchant_id not in cache:
                source = rows.rows if pop.table == ctx.program.data.entity else rows.by_merchant.get(merchant_id, ())
                cache[merchant_id] = [r for r in source if keep(r) and (pop.table != ctx.program.data.entity
                                                                       or r["merchant_id"] == merchant_id)]
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
    program: ir.Program
    as_of: date
    results: dict[str, MerchantResult]
    columns: list[str]


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
    def __init__(self, program: ir.Program, prepared: Prepared, as_of: date, depth: int = 0,
                 cache: dict | None = None, progress: Callable[[str, int, int], None] | None = None,
                 root: ir.Program | None = None):
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

    def run(self) -> Evaluation:
        ctx = self.ctx
        entity = self.program.data.entity
        for merchant in self.prepared.merchants:
            env = {"__merchant__": merchant, "__open__": ctx.visible(entity, merchant)}
            ctx.envs[merchant["merchant_id"]] = env
            attributes = {k: merchant[k] for k in ("region", "category") if merchant.get(k) is not None}
            self.traces[merchant["merchant_id"]] = Step(
                kind="merchant", name=merchant["merchant_id"],
                details={"as_of": self.as_of.isoformat(), "zone": self.program.zone, "attributes": attributes})
        self._each(self.phase_indicator_values)
        self.rank_indicators()                 # ranks need every merchant's value
        self._each(self.phase_indicator_scores)
        self._each(self.phase_total)
        if self.program.bands is not None:
            self.apply_bands()                 # bands need every merchant's score
        for phase in (self.phase_status, self.phase_tier, self.phase_consequences, self.phase_outputs):
            self._each(phase)
        results = {mid: MerchantResult(mid, self.output_row(mid, env, self.traces[mid]), self.traces[mid],
                                       {c.name: bool(env.get(("__holds__", c.name))) for c in self.program.consequences})
                   for mid, env in ctx.envs.items()}
        return Evaluation(self.program, self.as_of, results, self.columns())

    def _each(self, phase) -> None:
        envs = self.ctx.envs
        total = len(envs)
        for done, (merchant_id, env) in enumerate(envs.items(), 1):
            if env["__open__"]:
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
        if mid in self.ctx.group_sizes:
            details["group_size"] = self.ctx.group_sizes[mid]
        self.traces[mid].children.append(Step(
            target, name, definition.title, value, _DISPLAY_UNIT.get(definition.measure.type, ""),
            {**details, "definition": definition.measure.text}, provenance=definition.provenance))
        return value

    # --- indicators -------------------------------------------------------------------------
    def phase_indicator_values(self, mid: str, env: dict, trace: Step) -> None:
        for ind in self.program.indicators:
            value, details = self.measures.evaluate(ind.measure, mid, env)
            env[("indicator_value", ind.name)] = value
            details["definition"] = ind.measure.text
            trace.children.append(Step("indicator", ind.name, ind.title, value, _DISPLAY_UNIT.get(ind.type, ""),
                                       details, provenance=(ind.curve or ind.rank or ind).provenance))

    def rank_indicators(self) -> None:
        """Percentile ranks of ranked indicators: needs every merchant's value first."""
        self.ranks: dict[str, dict[str, tuple[float, int]]] = {}
        for ind in self.program.indicators:
            if ind.rank is None:
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
                entry["failed"] = self._first_failed(rule, env)
            tried.append(entry)
            if hit:
                return rule, tried
        return None, tried

    def _first_failed(self, rule: ir.Rule, env: dict) -> dict | None:
        """The first condition of a row that does not hold, with the merchant's value; for a
        named condition, also the comparison inside it that failed."""
        for text, part in zip(rule.parts, rule.when.operands):
            if bool(self.ctx.compile(part)(_Frame(env=env))):
                continue
            inner = self._failing_comparison(part, env)
            found = {"condition": text, "value": None, "unit": ""}
            if inner is not None:
                found.update(value=self.ctx.compile(inner.left)(_Frame(env=env)),
                             unit=_DISPLAY_UNIT.get(getattr(inner.left, "type", ""), ""))
                if inner is not part:
                    found["because"] = expr_text(inner)
            return found
        return None

    def _failing_comparison(self, part, env: dict):
        if part.kind == "compare":
            return part
        if part.kind == "bool_op" and part.op == "and":
            for operand in part.operands:
                if not bool(self.ctx.compile(operand)(_Frame(env=env))):
                    return self._failing_comparison(operand, env)
        return None

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

    def _past(self, cadence: str, steps: int) -> "Evaluation":
        day = past_as_of(self.as_of, cadence, steps)
        if day not in self.cache:
            self.cache[day] = _run(self.root, self.prepared, day, self.depth + 1, self.cache)
        return self.cache[day]

    def phase_consequences(self, mid: str, env: dict, trace: Step) -> None:
        for cons in self.program.consequences:
            now = bool(self.ctx.compile(cons.when)(_Frame(env=env)))
            runs = [{"as_of": self.as_of.isoformat(), "score": env.get(("score", "score")), "holds": now}]
            fired = now
            if cons.history_cadence and cons.history_count > 1 and self.depth == 0:
                for k in range(1, cons.history_count):
                    past = self._past(cons.history_cadence, k)
                    result = past.results.get(mid)
                    held = bool(result and result.holds.get(cons.name))
                    runs.append({"as_of": past.as_of.isoformat(), "score": result.row.get("score") if result else None,
                                 "holds": held})
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
         progress=None) -> Evaluation:
    if not program.versions:
        return _Evaluator(program, prepared, as_of, depth, cache, progress).run()
    version = version_in_force(program, as_of)
    evaluation = _Evaluator(version.program, prepared, as_of, depth, cache, progress, root=program).run()
    evaluation.columns += ["version", "shadow_score", "shadow_gate"]
    shadow = shadow_version(program, as_of)
    shadow_eval = _Evaluator(shadow.program, prepared, as_of, depth + 1, {}, None).run() if shadow else None
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


def evaluate(program: ir.Program, data: Mapping[str, pa.Table] | Prepared, as_of: date,
             progress: Callable[[str, int, int], None] | None = None) -> Evaluation:
    """Score every merchant at `as_of` (a local date in the rubric's zone); a versioned rubric
    uses the version in force and adds the shadow version's score during its shadow period."""
    prepared = data if isinstance(data, Prepared) else prepare(program, data)
    return _run(program, prepared, as_of, progress=progress)
