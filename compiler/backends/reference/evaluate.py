"""The reference evaluator: the semantics oracle and the explainer.

Input: an `ir.Program`, validated tables (pyarrow, as loaded by rubric.data) and an as-of
date. Output: `Evaluation`, one result row per merchant plus an explanation trace of every
number. Plain Python, merchant by merchant, phase by phase; written for clarity, not speed.
"""

from __future__ import annotations

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
from rubric.ir.schema import ColumnType

__all__ = ["Evaluation", "Prepared", "evaluate", "prepare", "round9", "MerchantResult"]

_NINE = Decimal("1e-9")


def round9(x: float | None) -> float | None:
    """Round half away from zero to 9 decimals (the precision policy of every named value).

    >>> round9(0.0123456789049), round9(-2.5e-10)
    (0.012345679, -0.0)
    """
    if x is None:
        return None
    return float(Decimal(repr(float(x))).quantize(_NINE, rounding=ROUND_HALF_UP))


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

        def run(f):
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
                    return True
            return False
        return run

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
        return lambda f: f.env.get(key)

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

@dataclass
class _CompiledPopulation:
    pop: ir.Population
    rows_of: Callable[[str], list[dict]]
    bounds: tuple[int | None, int | None]


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


class _Evaluator:
    def __init__(self, program: ir.Program, prepared: Prepared, as_of: date, depth: int = 0,
                 cache: dict | None = None, progress: Callable[[str, int, int], None] | None = None):
        self.progress = progress
        self.program = program
        self.prepared = prepared
        self.as_of = as_of
        self.depth = depth
        self.cache = cache if cache is not None else {}
        self.ctx = _Context(program, prepared, as_of)
        self.measures = _Measures(self.ctx)

    def run(self) -> Evaluation:
        ctx = self.ctx
        entity = self.program.data.entity
        traces: dict[str, Step] = {}
        for merchant in self.prepared.merchants:
            env = {"__merchant__": merchant, "__open__": ctx.visible(entity, merchant)}
            ctx.envs[merchant["merchant_id"]] = env
            attributes = {k: merchant[k] for k in ("region", "category") if merchant.get(k) is not None}
            traces[merchant["merchant_id"]] = Step(kind="merchant", name=merchant["merchant_id"],
                                                   details={"as_of": self.as_of.isoformat(), "zone": self.program.zone,
                                                            "attributes": attributes})
        for phase in (self.phase_values, self.phase_indicators, self.phase_total, self.phase_status,
                      self.phase_tier, self.phase_consequences, self.phase_outputs):
            total = len(ctx.envs)
            for done, (merchant_id, env) in enumerate(ctx.envs.items(), 1):
                if env["__open__"]:
                    phase(merchant_id, env, traces[merchant_id])
                if self.progress is not None and (done % 500 == 0 or done == total):
                    self.progress(phase.__name__.removeprefix("phase_"), done, total)
        results = {mid: MerchantResult(mid, self.output_row(mid, env, traces[mid]), traces[mid],
                                       {c.name: bool(env.get(("__holds__", c.name))) for c in self.program.consequences})
                   for mid, env in ctx.envs.items()}
        return Evaluation(self.program, self.as_of, results, self.columns())

    # --- phases ---------------------------------------------------------------------------
    def phase_values(self, mid: str, env: dict, trace: Step) -> None:
        for value in self.program.values:
            v, details = self.measures.evaluate(value.measure, mid, env)
            env[("value", value.name)] = v
            trace.children.append(Step("value", value.name, value.title, v, _DISPLAY_UNIT.get(value.measure.type, ""),
                                       {**details, "definition": value.measure.text}, provenance=value.provenance))

    def phase_indicators(self, mid: str, env: dict, trace: Step) -> None:
        for ind in self.program.indicators:
            value, details = self.measures.evaluate(ind.measure, mid, env)
            if isinstance(value, bool):
                value_x = 1.0 if value else 0.0
            else:
                value_x = value
            if value is None:
                score = ind.no_sample_score
                details["no_sample"] = "protection score" if score is not None else "left out"
            else:
                score, seg = curve_score(ind.curve, value_x)
                details["curve"] = seg
            env[("indicator_value", ind.name)] = value
            env[("indicator_score", ind.name)] = score
            details["definition"] = ind.measure.text
            step = Step("indicator", ind.name, ind.title, value, _DISPLAY_UNIT.get(ind.type, ""), details,
                        provenance=ind.curve.provenance if ind.curve else ind.provenance)
            step.details["score"] = score
            trace.children.append(step)

    def _dimension_weights(self, env: dict) -> tuple[dict[str, float], str | None]:
        weights = {d.name: d.weight for d in self.program.dimensions}
        merchant = env["__merchant__"]
        for variant in self.program.weight_variants:
            if merchant.get(variant.attribute) in variant.values:
                return dict(variant.weights), f"{variant.attribute} in ({', '.join(variant.values)})"
        return weights, None

    def phase_total(self, mid: str, env: dict, trace: Step) -> None:
        by_name = {s.name: s for s in trace.children if s.kind == "indicator"}
        for dim in self.program.dimensions:
            members = [(i, 1.0, env[("indicator_score", i)]) for i in dim.members]
            score, rows = weighted_mean(members)
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
            raw = self.ctx.compile(total.expr)(_Frame(env=env))
            raw, details = round9(raw), {"definition": "expression"}
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

    def _match(self, rules: tuple[ir.Rule, ...], env: dict) -> tuple[ir.Rule | None, list[dict]]:
        tried = []
        for rule in rules:
            hit = rule.when is None or bool(self.ctx.compile(rule.when)(_Frame(env=env)))
            tried.append({"name": rule.name, "condition": rule.text, "matched": hit})
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
        trace.children.append(Step("tier", rule.name if rule else "", rule.title if rule else ir.Title(),
                                   rule.name if rule else None, "label", {"rules": tried},
                                   provenance=rule.provenance if rule else None))

    def _past(self, cadence: str, steps: int) -> "Evaluation":
        day = past_as_of(self.as_of, cadence, steps)
        if day not in self.cache:
            self.cache[day] = _Evaluator(self.program, self.prepared, day, self.depth + 1, self.cache).run()
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
                env[("output", cons.charge_output)] = amount
                details["charge"] = {"output": cons.charge_output, "amount": amount}
            trace.children.append(Step("consequence", cons.name, cons.title, fired, "bool", details,
                                       provenance=cons.provenance))

    def phase_outputs(self, mid: str, env: dict, trace: Step) -> None:
        for out in self.program.outputs:
            value, details = self.measures.evaluate(out.measure, mid, env)
            if out.when is not None and not self.ctx.compile(out.when)(_Frame(env=env)):
                value = None
            if isinstance(value, float):
                value = round9(value)
            env[("output", out.name)] = value
            if mid in self.ctx.group_sizes:
                details["group_size"] = self.ctx.group_sizes[mid]
            trace.children.append(Step("output", out.name, out.title, value, _DISPLAY_UNIT.get(out.measure.type, ""),
                                       {**details, "definition": out.measure.text}, provenance=out.provenance))

    # --- the output row (domain.md §3) -----------------------------------------------------
    def columns(self) -> list[str]:
        p = self.program
        cols = ["merchant_id", "score", "tier", "status", "consequences"]
        cols += [f"dim.{d.name}" for d in p.dimensions]
        for ind in p.indicators:
            cols += [f"ind.{ind.name}.value", f"ind.{ind.name}.score"]
        cols += [c.charge_output for c in p.consequences if c.charge_output]
        cols += [o.name for o in p.outputs]
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
            value = env.get(("indicator_value", ind.name))
            row[f"ind.{ind.name}.value"] = value
            row[f"ind.{ind.name}.score"] = env.get(("indicator_score", ind.name))
        for c in p.consequences:
            if c.charge_output:
                row[c.charge_output] = env.get(("output", c.charge_output))
        for o in p.outputs:
            row[o.name] = env.get(("output", o.name))
        row["raw_score"] = env.get(("raw", "raw"))
        for d in p.deductions:
            row[f"ded.{d.name}"] = env.get(("deduction", d.name))
        return row


def evaluate(program: ir.Program, data: Mapping[str, pa.Table] | Prepared, as_of: date,
             progress: Callable[[str, int, int], None] | None = None) -> Evaluation:
    """Score every merchant at `as_of` (a local date in the rubric's zone)."""
    prepared = data if isinstance(data, Prepared) else prepare(program, data)
    return _Evaluator(program, prepared, as_of, progress=progress).run()
