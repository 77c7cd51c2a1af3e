"""IR -> SQL: one query per as-of, built only as sqlglot expression trees.

Input: an `ir.Program` (one version) and an as-of date. Output: a sqlglot `Select` computing
the output contract (domain.md §3) for every merchant, plus the intermediate columns the
explanation needs (numerators, denominators). The query follows shared/performance.md:
one GROUP BY per population with conditional aggregates, windows as timestamp constants on
raw columns in WHERE, relations as correlated EXISTS, the per-merchant tail in SQL, NULLs
handled explicitly (a comparison with NULL is false; never LEAST/GREATEST).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlglot import exp

from rubric.backends.reference.evaluate import round9
from rubric.backends.sql.errors import SqlUnsupported
from rubric.backends.reference.timeutil import as_of_micros, past_as_of
from rubric.check import parse_zone
from rubric.ir import nodes as ir
from rubric.ir.from_ast import HOUR_MICROS
from rubric.ir.schema import ColumnType
from rubric.tree import walk as _walk

__all__ = ["SqlUnsupported", "build_query", "column_name"]

DAY_MICROS = 86_400_000_000


# --- small builders ---------------------------------------------------------------------

def _lit(value):
    if value is None:
        return exp.Null()
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, int):
        return exp.Neg(this=exp.Literal.number(str(-value))) if value < 0 else exp.Literal.number(str(value))
    if isinstance(value, float):
        # a DOUBLE, not a DECIMAL: the same IEEE arithmetic as the reference evaluator
        node = _cast(exp.Literal.number(repr(abs(value))), _DOUBLE)
        return exp.Neg(this=node) if value < 0 else node
    return exp.Literal.string(str(value))


def _col(name: str, table: str | None = None) -> exp.Column:
    return exp.column(name, table=table, quoted=True)


def _double(node):
    return _cast(node, _DOUBLE)


def _round9(node):
    """Round half away from zero to 9 decimals, like the reference (see macros.R9_MACRO)."""
    return exp.Anonymous(this="R9", expressions=[node])


def _case(pairs, default=None):
    case = exp.Case(ifs=[exp.If(this=c, true=v) for c, v in pairs])
    if default is not None:
        case.set("default", default)
    return case


def _false_if_null(cond):
    return exp.Coalesce(this=cond, expressions=[exp.Boolean(this=False)])


def _ts_literal(micros: int):
    moment = datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(microseconds=micros)
    return _cast(exp.Literal.string(moment.strftime("%Y-%m-%d %H:%M:%S.%f+00:00")), _TIMESTAMPTZ)


def _micros(node):
    return exp.UnixMicros(this=node)


_DOUBLE, _VARCHAR, _TIMESTAMPTZ, _DATE = (exp.DataType.Type[t] for t in ("DOUBLE", "VARCHAR", "TIMESTAMPTZ", "DATE"))


def _and(*parts):
    return exp.and_(*parts, copy=False)


def _or(*parts):
    return exp.or_(*parts, copy=False)


def _cast(node, to):
    """CAST(node AS to): `to` is a type name or an `exp.DataType.Type` (a new type node per
    cast, built directly: a copy or a parse of the name costs more than the rest)."""
    if isinstance(to, exp.DataType.Type):
        return exp.Cast(this=node, to=exp.DataType(this=to, nested=False))
    return exp.Cast(this=node, to=exp.DataType.build(to))


_CMP = {"<": exp.LT, "<=": exp.LTE, ">": exp.GT, ">=": exp.GTE, "=": exp.EQ, "!=": exp.NEQ}
_ARITH = {"+": exp.Add, "-": exp.Sub, "*": exp.Mul, "/": exp.Div}


def column_name(kind: str, name: str) -> str:
    """Stage column names; the final projection renames them to the output contract."""
    return {"indicator_value": f"ind.{name}.value", "indicator_score": f"ind.{name}.score",
            "dimension": f"dim.{name}", "value": f"val.{name}", "output": f"out.{name}",
            "consequence": f"cons.{name}", "tier": "tier", "status": "status", "score": "score",
            "raw": "raw_score"}[kind]


# --- the query builder -----------------------------------------------------------------------

class _Builder:
    """Builds the CTE chain of one program at one as-of; `suffix` keeps names apart."""

    def __init__(self, program: ir.Program, as_of: date, suffix: str = ""):
        self.p = program
        self.as_of = as_of
        self.suffix = suffix
        self.zone = parse_zone(program.zone)
        offset = self.zone.utcoffset(None) if hasattr(self.zone, "utcoffset") else None
        if offset is None:
            raise SqlUnsupported(f"time zone {program.zone} has daylight saving: the SQL backend needs a fixed "
                                 "offset such as UTC+8")
        self.offset_micros = int(offset.total_seconds() * 1_000_000)
        self.t = as_of_micros(as_of, self.zone)
        self.schemas = {t.name: t for t in program.data.tables}
        self.ctes: list[tuple[str, exp.Expression]] = []
        # scans: (table, time column, ...) -> [{"cte", "pop", "range", "aggs": [(alias, expr, range)], "joins"}]
        self.pops: dict[str, list[dict]] = {}
        self.pending_joins: list | None = None   # joins a condition being built needs (see r_exists)
        self.scope: ir.Population | None = None  # the population whose rows `t` ranges over
        self.extra_ctes: list[tuple[str, exp.Expression]] = []   # grouped by merchant, joined in stage 1
        self.explain = False
        self.explain_cols: list[str] = []       # intermediate columns projected for explanations
        self.extra_joins: list[str] = []
        self.counter = 0

    # names
    def n(self, base: str) -> str:
        return f"{base}{self.suffix}"

    def fresh(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    # --- row-level expressions ---------------------------------------------------------
    def read(self, table: str, column: str, alias: str):
        """A column of a visible row, with event timestamps at or after as-of read as NULL."""
        col = self.schemas[table].column(column)
        ref = _col(column, alias)
        if col is not None and col.type is ColumnType.TIMESTAMP and not col.planned \
                and column != self.schemas[table].created_by:
            return _case([(exp.LT(this=ref, expression=_ts_literal(self.t)), ref.copy())])
        return ref

    def row(self, e, alias: str, outer: str | None = None, outer_table: str | None = None) -> exp.Expression:
        """Compile a row expression. Timestamps become integer microseconds for arithmetic."""
        return getattr(self, f"r_{e.kind}")(e, alias, outer, outer_table)

    def r_col(self, e: ir.Col, alias, outer, outer_table):
        if e.scope == "merchant":
            raise SqlUnsupported("a merchant attribute inside a row condition")
        source = alias if e.scope == "row" else outer
        node = self.read(e.table, e.column, source)
        return _micros(node) if e.type == "timestamp" else node

    def r_const(self, e: ir.Const, *_):
        return _lit(e.value)

    def r_as_of(self, e, *_):
        return _lit(self.t)

    def r_arith(self, e: ir.Arith, *ctx):
        left = self.row(e.left, *ctx)
        if e.op == "neg":
            return exp.Neg(this=exp.Paren(this=left))
        right = self.row(e.right, *ctx)
        if e.op == "otherwise":
            return exp.Coalesce(this=left, expressions=[right])
        if e.op == "/":
            return exp.Div(this=_double(left), expression=right)
        return exp.Paren(this=_ARITH[e.op](this=left, expression=right))

    def r_compare(self, e: ir.Compare, *ctx):
        left, right = self.row(e.left, *ctx), self.row(e.right, *ctx)
        # an integer column against a whole number: compare as integers (`stars <= 2`), the
        # same test, which the engine can check against a file's column statistics
        if e.left.kind == "col" and e.left.type == "int" and _whole(e.right):
            right = _lit(int(e.right.value))
        elif e.right.kind == "col" and e.right.type == "int" and _whole(e.left):
            left = _lit(int(e.left.value))
        return _false_if_null(_CMP[e.op](this=left, expression=right))

    def r_is_null(self, e: ir.IsNull, *ctx):
        node = exp.Is(this=self.row(e.operand, *ctx), expression=exp.Null())
        return exp.Not(this=node) if e.negate else node

    def r_in_set(self, e: ir.InSet, *ctx):
        return _false_if_null(exp.In(this=self.row(e.operand, *ctx), expressions=[_lit(v) for v in e.values]))

    def r_bool_op(self, e: ir.BoolOp, *ctx):
        parts = [self.bool(o, *ctx) for o in e.operands]
        return _and(*parts) if e.op == "and" else _or(*parts)

    def r_not(self, e: ir.Not, *ctx):
        return exp.Not(this=exp.Paren(this=self.bool(e.operand, *ctx)))

    def bool(self, e, *ctx):
        """A condition: a bare yes/no column that is NULL counts as false."""
        node = self.row(e, *ctx)
        if e.kind in ("col",):
            return _false_if_null(node)
        return node

    def r_exists(self, e: ir.Exists, alias, outer, outer_table):
        inner = self.fresh("r")
        table = self.schemas[e.table]
        conds = [exp.EQ(this=_col(e.inner_column, inner), expression=_col(e.outer_column, alias))]
        conds += self.visibility(e.table, inner)
        for test in e.tests:
            conds.append(self.bool(test, inner, alias, outer_table))
        time_col = e.time_column or table.created_by
        if e.within_micros is not None:
            after_table = outer_table if self.schemas[outer_table].column(e.after_column) else e.table
            after = _micros(self.read(after_table, e.after_column, alias if after_table == outer_table else inner))
            delta = exp.Sub(this=_micros(self.read(e.table, e.time_column, inner)), expression=after)
            conds.append(_false_if_null(exp.Between(this=delta, low=_lit(0), high=_lit(e.within_micros))))
        source = exp.to_table(e.table).as_(inner, copy=False)
        latest = self.latest_event_join(e, alias, outer_table, inner)
        if latest is not None:
            return latest
        if not e.earliest and e.within_micros is None and not _uses_outer(e):
            # uncorrelated: a semi-join on the link column, as one would write it by hand
            found = exp.select(_col(e.inner_column, inner)).from_(source, copy=False).where(_and(*conds[1:]), copy=False) \
                if len(conds) > 1 else exp.select(_col(e.inner_column, inner)).from_(source, copy=False)
            return _false_if_null(exp.In(this=_col(e.outer_column, alias), query=exp.Subquery(this=found)))
        if not e.earliest:
            return exp.Exists(this=exp.select(_lit(1)).from_(source, copy=False).where(_and(*conds), copy=False))
        # the earliest matching rows decide, any of them passing `then`: that is exactly when the
        # earliest time among the rows passing `then` is the earliest time of all (one level of
        # correlation, which every engine supports)
        when = self.read(e.table, time_col, inner)
        then = self.bool(e.then, inner, alias, outer_table)
        first_then = exp.Min(this=_case([(then, when.copy())]))
        decided = exp.select(exp.EQ(this=first_then, expression=exp.Min(this=when))).from_(source, copy=False).where(_and(*conds), copy=False)
        return _false_if_null(exp.Subquery(this=decided))

    def latest_event_join(self, e: ir.Exists, alias: str, outer_table: str, inner: str):
        """`have a <row> ... within D after <col>` as a join to each link's latest matching time.

        Exact when the outer rows are the current population's and `col` is its window's time
        column: a visible row's time is before as-of, the outer time is at or after the
        window's start, so their difference is below the window's length; when that length is
        at most D, "0 <= time - col <= D" is "time >= col", i.e. the latest matching time is at
        or after col. The matching rows are grouped by the link column (one row per link, the
        small side of a LEFT JOIN) instead of a correlated EXISTS, which engines decorrelate
        into a duplicate-eliminating join over every outer row. None when it does not apply."""
        pop = self.scope
        if (self.pending_joins is None or pop is None or alias != "t" or outer_table != pop.table or e.earliest
                or e.within_micros is None or e.time_column is None or _uses_outer(e)
                or e.after_column != pop.time_column or pop.window is None
                or pop.window.start_micros > e.within_micros or self.schemas[outer_table].column(e.after_column) is None
                or getattr(self.schemas[e.table].column(e.time_column), "planned", False)):
            return None          # (a planned time, e.g. a promise, is read even after as-of: no bound)
        start = self.t - pop.window.start_micros
        when = _col(e.time_column, inner)
        found = exp.select(_col(e.inner_column, inner).as_("link", copy=False), exp.Max(this=when).as_("latest", copy=False))
        found = found.from_(exp.to_table(e.table).as_(inner, copy=False), copy=False).where(
            _and(*self.visibility(e.table, inner),
                 *([] if e.time_column == self.schemas[e.table].created_by else
                   [exp.LT(this=when.copy(), expression=_ts_literal(self.t))]),
                 exp.GTE(this=when.copy(), expression=_ts_literal(start)),
                 *[self.bool(test, inner, alias, outer_table) for test in e.tests]), copy=False)
        found = found.group_by(_col(e.inner_column, inner), copy=False)
        join = self.fresh("j")
        self.pending_joins.append((join, found, _col(e.outer_column, alias)))
        return _false_if_null(exp.GTE(this=_col("latest", join), expression=self.read(outer_table, e.after_column, alias)))

    def visibility(self, table: str, alias: str) -> list:
        schema = self.schemas[table]
        conds = []
        if schema.created_by:
            conds.append(exp.LT(this=_col(schema.created_by, alias), expression=_ts_literal(self.t)))
        if schema.excluded_by:
            conds.append(exp.Not(this=_false_if_null(_col(schema.excluded_by, alias))))
        return conds

    # --- populations ---------------------------------------------------------------------
    def population_filter(self, pop: ir.Population, alias: str, span=None) -> list:
        """The WHERE conditions of a population's scan; `span` widens its time range to the
        (low, high, inclusive) of every population sharing the scan."""
        conds = self.visibility(pop.table, alias)
        if pop.time_column:
            # on the raw column, so the engine can skip row groups: a value at or after as-of
            # (read as missing) is outside every window, whose end is at most as-of
            ref = _col(pop.time_column, alias)
            low, high, inclusive = span or self.time_range(pop)
            if (high is None or high >= self.t) and pop.time_column != self.schemas[pop.table].created_by:
                conds.append(exp.LT(this=ref, expression=_ts_literal(self.t)))   # (visibility says it otherwise)
            if low is not None:
                conds.append(exp.GTE(this=ref.copy(), expression=_ts_literal(low)))
            if high is not None and high < self.t:
                conds.append((exp.LTE if inclusive else exp.LT)(this=ref.copy(), expression=_ts_literal(high)))
            if pop.time_of_day is not None:
                local = exp.Add(this=_micros(ref.copy()), expression=_lit(self.offset_micros))
                tod = exp.Mod(this=exp.Paren(this=exp.Add(this=exp.Mod(this=local, expression=_lit(DAY_MICROS)),
                                                          expression=_lit(DAY_MICROS))),
                              expression=_lit(DAY_MICROS))
                conds.append(exp.GTE(this=tod, expression=_lit(pop.time_of_day[0] * 60_000_000)))
                conds.append(exp.LT(this=tod.copy(), expression=_lit(pop.time_of_day[1] * 60_000_000)))
        if pop.filter is not None:
            conds.append(self.bool(pop.filter, alias, None, pop.table))
        return conds

    def window_high(self, pop: ir.Population) -> tuple[int | None, bool]:
        high, inclusive = None, False
        if pop.window is not None:
            high = self.t - pop.window.end_micros
        if pop.before_micros is not None:
            limit = self.t - pop.before_micros
            if high is None or limit < high or (limit == high and pop.before_strict):
                high, inclusive = limit, not pop.before_strict
        return high, inclusive

    def time_range(self, pop: ir.Population) -> tuple[int | None, int, bool]:
        """(low, high, high inclusive) of a population's time column: low inclusive, None
        when unbounded; the high end is at most as-of (exclusive)."""
        low = self.t - pop.window.start_micros if pop.window is not None else None
        high, inclusive = self.window_high(pop)
        if high is None or high > self.t or (high == self.t and inclusive):
            high, inclusive = self.t, False
        return low, high, inclusive

    @staticmethod
    def _union(a, b):
        low = None if a[0] is None or b[0] is None else min(a[0], b[0])
        if a[1] != b[1]:
            high, inclusive = max((a[1], a[2]), (b[1], b[2]))
        else:
            high, inclusive = a[1], a[2] or b[2]
        return low, high, inclusive

    @staticmethod
    def _overlap(a, b) -> bool:
        return (a[0] is None or a[0] <= b[1]) and (b[0] is None or b[0] <= a[1])

    def aggregate(self, pop: ir.Population, alias_hint: str, agg: exp.Expression) -> exp.Expression:
        """Register an aggregate on a population's GROUP BY; return a reference to it.

        Populations of one table that differ only in their `with` filter or in overlapping
        time windows on the same column share one scan and GROUP BY: the union of the windows
        stays in WHERE (where the engine skips row groups); a narrower window and the filter
        move into the aggregate's FILTER clause. Joins the condition needs (`pending_joins`)
        go to the scan."""
        if pop.filter is not None:
            condition = self.bool(pop.filter, "t", None, pop.table)
            if isinstance(agg, exp.Filter):
                agg = exp.Filter(this=agg.this, expression=exp.Where(this=_and(condition, agg.expression.this)))
            else:
                agg = exp.Filter(this=agg, expression=exp.Where(this=condition))
            pop = pop.model_copy(update={"filter": None})
        span = self.time_range(pop)
        key = pop.model_dump_json(exclude={"window", "before_micros", "before_strict", "text"}) if pop.time_column \
            else pop.model_dump_json(exclude={"text"})
        scans = self.pops.setdefault(key, [])
        entry = next((s for s in scans if self._overlap(s["range"], span)), None)
        if entry is None:
            entry = {"cte": self.n(f"pop{sum(map(len, self.pops.values())) + 1}"), "pop": pop, "range": span,
                     "aggs": [], "joins": {}}
            scans.append(entry)
        entry["range"] = self._union(entry["range"], span)
        for name, found, link in self.pending_joins or ():
            entry["joins"].setdefault(name, (found, link))
        if self.pending_joins:
            self.pending_joins.clear()
        name = f"{alias_hint}_{len(entry['aggs'])}"
        entry["aggs"].append((name, agg, span))
        return _col(name, entry["cte"])

    def scans(self) -> list[dict]:
        return [entry for scans in self.pops.values() for entry in scans]

    def population_ctes(self) -> None:
        for entry in self.scans():
            pop, alias, key = entry["pop"], "t", "merchant_id"
            columns = []
            for name, agg, span in entry["aggs"]:
                if pop.time_column and span != entry["range"]:
                    narrower = self.time_range_filter(pop.time_column, alias, span, entry["range"])
                    if isinstance(agg, exp.Filter):
                        agg = exp.Filter(this=agg.this, expression=exp.Where(this=_and(*narrower, agg.expression.this)))
                    else:
                        agg = exp.Filter(this=agg, expression=exp.Where(this=_and(*narrower)))
                columns.append(agg.as_(name, copy=False))
            select = exp.select(_col(key, alias).as_(key, copy=False), *columns)
            select = select.from_(exp.to_table(pop.table).as_(alias, copy=False), copy=False)
            conds = self.population_filter(pop, alias, entry["range"])
            for name, (found, link) in entry["joins"].items():
                select = select.join(exp.Subquery(this=found, alias=exp.TableAlias(this=exp.to_identifier(name))),
                                     on=exp.EQ(this=_col("link", name), expression=link), join_type="left", copy=False)
            if conds:
                select = select.where(_and(*conds), copy=False)
            self.ctes.append((entry["cte"], select.group_by(_col(key, alias), copy=False)))

    def time_range_filter(self, column: str, alias: str, span, outer) -> list:
        """The conditions that narrow a scan's time range `outer` to `span`."""
        ref, conds = _col(column, alias), []
        if span[0] is not None and (outer[0] is None or span[0] > outer[0]):
            conds.append(exp.GTE(this=ref, expression=_ts_literal(span[0])))
        if (span[1], span[2]) != (outer[1], outer[2]):
            conds.append((exp.LTE if span[2] else exp.LT)(this=ref.copy(), expression=_ts_literal(span[1])))
        return conds

    # --- measures -------------------------------------------------------------------------
    def measure(self, m: ir.Measure, hint: str) -> tuple[exp.Expression, dict]:
        """(value expression over the base stage, explanation columns)."""
        self.pending_joins, self.scope = [], m.population
        try:
            return getattr(self, f"m_{m.kind}")(m, hint)
        finally:
            self.pending_joins, self.scope = None, None

    def m_share(self, m: ir.Measure, hint: str):
        alias = "t"
        base = [] if m.excluding is None else [exp.Not(this=exp.Paren(this=self.bool(m.excluding, alias, None, m.population.table)))]
        den_filter = _and(*base) if base else None
        num_filter = _and(*base, self.bool(m.numerator, alias, None, m.population.table))
        count = exp.Count(this=exp.Star())
        den = self.aggregate(m.population, f"{hint}_den",
                             exp.Filter(this=count, expression=exp.Where(this=den_filter)) if den_filter is not None else count)
        num = self.aggregate(m.population, f"{hint}_num",
                             exp.Filter(this=count.copy(), expression=exp.Where(this=num_filter)))
        den_v, num_v = exp.Coalesce(this=den, expressions=[_lit(0)]), exp.Coalesce(this=num, expressions=[_lit(0)])
        value = _case([(exp.GT(this=den_v, expression=_lit(0)),
                        _round9(exp.Div(this=_double(num_v), expression=den_v.copy())))])
        excluded = _lit(0)
        if self.explain and m.excluding is not None:       # rows the `excluding` clause left out
            rows = exp.Coalesce(this=self.aggregate(m.population, f"{hint}_rows", exp.Count(this=exp.Star())),
                                expressions=[_lit(0)])
            excluded = exp.Sub(this=rows, expression=den_v.copy())
        return value, {"num": num_v.copy(), "den": den_v.copy(), "excluded": excluded}

    def m_count(self, m: ir.Measure, hint: str):
        n = exp.Coalesce(this=self.aggregate(m.population, f"{hint}_n", exp.Count(this=exp.Star())),
                         expressions=[_lit(0)])
        return _double(n), {"count": n.copy()}      # a DOUBLE, as the reference's output columns

    def _operand(self, m: ir.Measure):
        return self.row(m.expr, "t", None, m.population.table)

    def m_sum(self, m: ir.Measure, hint: str):
        operand = self._operand(m)
        total = exp.Coalesce(this=self.aggregate(m.population, f"{hint}_sum", exp.Sum(this=operand)),
                             expressions=[_lit(0)])
        count = exp.Coalesce(this=self.aggregate(m.population, f"{hint}_c", exp.Count(this=operand.copy())),
                             expressions=[_lit(0)])
        value = exp.Div(this=_double(total), expression=_lit(HOUR_MICROS)) if m.type == "duration" else total
        return _round9(value), {"sum": total.copy(), "count": count}

    def m_mean(self, m: ir.Measure, hint: str):
        operand = self._operand(m)
        total = self.aggregate(m.population, f"{hint}_sum", exp.Sum(this=operand))
        count = self.aggregate(m.population, f"{hint}_n", exp.Count(this=operand.copy()))
        mean = exp.Div(this=_double(total), expression=count)
        if m.type == "duration":
            mean = exp.Div(this=mean, expression=_lit(float(HOUR_MICROS)))
        value = _case([(exp.GT(this=exp.Coalesce(this=count.copy(), expressions=[_lit(0)]), expression=_lit(0)),
                        _round9(mean))])
        return value, {"count": exp.Coalesce(this=count.copy(), expressions=[_lit(0)]), "sum": total.copy()}

    def m_nps(self, m: ir.Measure, hint: str):
        operand = self._operand(m)
        count = exp.Count(this=operand)
        prom = self.aggregate(m.population, f"{hint}_p", exp.Filter(
            this=exp.Count(this=exp.Star()), expression=exp.Where(this=exp.GTE(this=operand.copy(), expression=_lit(9)))))
        det = self.aggregate(m.population, f"{hint}_d", exp.Filter(
            this=exp.Count(this=exp.Star()), expression=exp.Where(this=exp.LTE(this=operand.copy(), expression=_lit(6)))))
        n = exp.Coalesce(this=self.aggregate(m.population, f"{hint}_c", count), expressions=[_lit(0)])
        p, d = (exp.Coalesce(this=x, expressions=[_lit(0)]) for x in (prom, det))
        value = _case([(exp.GT(this=n, expression=_lit(0)), _round9(exp.Div(
            this=_double(exp.Mul(this=_lit(100), expression=exp.Paren(this=exp.Sub(this=p, expression=d)))),
            expression=n.copy())))])
        return value, {"promoters": p.copy(), "detractors": d.copy(), "den": n.copy()}

    def m_lowest(self, m: ir.Measure, hint: str):
        """Lowest value in force during the window, as three grouped CTEs joined by merchant:
        rows inside the window, the latest instant at or before its start, the rows at it."""
        pop = m.population
        start, end = self.t - pop.window.start_micros, self.t - pop.window.end_micros
        table, when = pop.table, pop.time_column
        name = self.n(self.fresh("lw"))

        def grouped(alias, where, *columns):
            select = exp.select(_col("merchant_id", alias).as_("merchant_id", copy=False), *columns)
            select = select.from_(exp.to_table(table).as_(alias, copy=False), copy=False).where(_and(*self.visibility(table, alias), *where), copy=False)
            return select.group_by(_col("merchant_id", alias), copy=False)

        value = lambda alias: self.row(m.expr, alias, None, table)  # noqa: E731
        inside = grouped("x", [exp.GT(this=_col(when, "x"), expression=_ts_literal(start)),
                               exp.LT(this=_col(when, "x"), expression=_ts_literal(end))],
                         exp.Min(this=value("x")).as_("low", copy=False),
                         exp.Count(this=exp.Star()).as_("n", copy=False))
        latest = grouped("y", [exp.LTE(this=_col(when, "y"), expression=_ts_literal(start))],
                         exp.Max(this=_col(when, "y")).as_("latest", copy=False))
        at_start = exp.select(_col("merchant_id", "z").as_("merchant_id", copy=False), exp.Min(this=value("z")).as_("low", copy=False))
        at_start = at_start.from_(exp.to_table(table).as_("z", copy=False), copy=False).join(
            exp.to_table(f"{name}_latest").as_("l", copy=False),
            on=_and(exp.EQ(this=_col("merchant_id", "l"), expression=_col("merchant_id", "z")),
                        exp.EQ(this=_col(when, "z"), expression=_col("latest", "l"))), copy=False)
        at_start = at_start.where(_and(*self.visibility(table, "z")), copy=False).group_by(_col("merchant_id", "z"), copy=False)
        self.extra_ctes += [(f"{name}_in", inside), (f"{name}_latest", latest), (f"{name}_at", at_start)]
        self.extra_joins += [f"{name}_in", f"{name}_at"]
        a, s = _col("low", f"{name}_in"), _col("low", f"{name}_at")
        # before the first record the default was in force, so it joins the candidates then
        start_value = s if m.default is None else exp.Coalesce(this=s, expressions=[_lit(m.default)])
        lowest = _case([(exp.Is(this=a, expression=exp.Null()), start_value)],
                       _case([(exp.Is(this=start_value.copy(), expression=exp.Null()), a.copy())],
                             _case([(exp.LT(this=start_value.copy(), expression=a.copy()), start_value.copy())], a.copy())))
        return lowest, {"at_start": s.copy(), "in_window": exp.Coalesce(this=_col("n", f"{name}_in"), expressions=[_lit(0)])}

    def m_expr(self, m: ir.Measure, hint: str):
        value = self.merchant(m.expr)
        return (_round9(value) if m.type not in ("bool", "label", "count", "int") else value), {}

    # --- merchant-level expressions (over the previous stage "b") -----------------------------
    def merchant(self, e) -> exp.Expression:
        return getattr(self, f"x_{e.kind}")(e)

    def x_col(self, e: ir.Col):
        if e.scope != "merchant":
            raise SqlUnsupported("a row column outside a population")
        return _col(f"m.{e.column}", "b")

    def x_const(self, e: ir.Const):
        return _lit(e.value)

    def x_as_of(self, e):
        return _lit(self.t)

    def x_arith(self, e: ir.Arith):
        left = self.merchant(e.left)
        if e.op == "neg":
            return exp.Neg(this=exp.Paren(this=left))
        right = self.merchant(e.right)
        if e.op == "otherwise":
            return exp.Coalesce(this=left, expressions=[right])
        if e.op == "/":
            return exp.Paren(this=exp.Div(this=_double(left), expression=right))
        return exp.Paren(this=_ARITH[e.op](this=left, expression=right))

    def x_compare(self, e: ir.Compare):
        return _false_if_null(_CMP[e.op](this=self.merchant(e.left), expression=self.merchant(e.right)))

    def x_is_null(self, e: ir.IsNull):
        node = exp.Is(this=self.merchant(e.operand), expression=exp.Null())
        return exp.Not(this=node) if e.negate else node

    def x_in_set(self, e: ir.InSet):
        return _false_if_null(exp.In(this=self.merchant(e.operand), expressions=[_lit(v) for v in e.values]))

    def xbool(self, e):
        node = self.merchant(e)
        return _false_if_null(node) if e.kind in ("col", "ref") else node

    def x_bool_op(self, e: ir.BoolOp):
        parts = [self.xbool(o) for o in e.operands]
        return _and(*parts) if e.op == "and" else _or(*parts)

    def x_not(self, e: ir.Not):
        return exp.Not(this=exp.Paren(this=self.xbool(e.operand)))

    def x_ref(self, e: ir.Ref):
        return _col(column_name(e.target, e.name), "b")

    def x_months_since(self, e: ir.MonthsSince):
        local = self.local_date(_col(f"m.{e.column}", "b"))
        as_of = _cast(exp.Literal.string(self.as_of.isoformat()), _DATE)
        months = exp.DateDiff(this=as_of, expression=local, unit=exp.var("MONTH"))
        shifted = exp.DateAdd(this=local.copy(), expression=months.copy(), unit=exp.var("MONTH"))
        return exp.Sub(this=months.copy(), expression=_case([(exp.GT(this=shifted, expression=as_of.copy()), _lit(1))], _lit(0)))

    def local_date(self, ts):
        moved = exp.Add(this=ts, expression=exp.Interval(this=exp.Literal.string(str(self.offset_micros // 1_000_000)),
                                                        unit=exp.var("SECOND")))
        return _cast(moved, _DATE)

    def x_years_since(self, e: ir.YearsSince):
        diff = exp.Sub(this=_lit(self.t), expression=_micros(_col(f"m.{e.column}", "b")))
        return exp.Div(this=_double(diff), expression=_lit(365.25 * 86_400_000_000))

    def x_weighted_sum(self, e: ir.WeightedSum):
        total = _lit(0.0)
        for name, weight in e.members:
            total = exp.Add(this=total, expression=exp.Mul(this=_lit(weight), expression=_col(f"dim.{name}", "b")))
        return exp.Paren(this=total)

    def x_percentile(self, e: ir.Percentile):
        value = self.merchant(e.operand)
        member = _and(_col("is_open", "b"), exp.Not(this=exp.Is(this=value, expression=exp.Null())))
        if e.among == "rated":
            member = _and(member, exp.Not(this=exp.Is(this=_col("score", "b"), expression=exp.Null())))
        window = exp.Window(this=exp.CumeDist(), partition_by=[_col(f"m.{g}", "b") for g in e.group] + [member],
                            order=exp.Order(expressions=[exp.Ordered(this=value.copy(), desc=not e.higher_is_better)]))
        return _case([(member.copy(), _round9(window))])


    # --- stages ---------------------------------------------------------------------------
    def stage(self, name: str, columns: list, window_source: str | None = None) -> str:
        """A CTE `SELECT b.*, <columns> FROM <previous stage> AS b`."""
        previous = self.ctes[-1][0]
        select = exp.select(exp.Column(this=exp.Star(), table=exp.to_identifier("b")),
                            *[e.as_(exp.to_identifier(alias, quoted=True), copy=False) for alias, e in columns])
        cte = self.n(name)
        self.ctes.append((cte, select.from_(exp.to_table(previous).as_("b", copy=False), copy=False)))
        return cte

    def build(self, explain: bool) -> str:
        self.explain = explain
        p, ent = self.p, self.schemas[self.p.data.entity]
        merchant_cols = [c.name for c in ent.columns]
        created = ent.created_by
        base = exp.select(*[_col(c, "e").as_(exp.to_identifier(f"m.{c}", quoted=True), copy=False) for c in merchant_cols],
                          _col("merchant_id", "e").as_("merchant_id", copy=False),
                          (exp.LT(this=_col(created, "e"), expression=_ts_literal(self.t)) if created
                           else exp.Boolean(this=True)).as_("is_open", copy=False))
        self.ctes.append((self.n("m"), base.from_(exp.to_table(p.data.entity).as_("e", copy=False), copy=False)))
        # stage 1: measures over populations (indicator values, data values, deduction counts)
        cols, later_values = [], []
        for ind in p.indicators:
            value, extra = self.measure(ind.measure, f"i{len(cols)}")
            cols.append((column_name("indicator_value", ind.name), value))
            if explain:
                cols += [(f"x.{ind.name}.{k}", v) for k, v in extra.items()]
                self.explain_cols += [f"x.{ind.name}.{k}" for k in extra]
        for val in p.values:
            if val.measure.kind != "expr" and val.measure.kind != "lowest":
                value, extra = self.measure(val.measure, f"v{len(cols)}")
                cols.append((column_name("value", val.name), value))
                if explain:
                    cols += [(f"x.val.{val.name}.{k}", v) for k, v in extra.items()]
                    self.explain_cols += [f"x.val.{val.name}.{k}" for k in extra]
            else:
                later_values.append(val)
        for ded in p.deductions:
            count = exp.Coalesce(this=self.aggregate(ded.population, f"d{len(cols)}", exp.Count(this=exp.Star())),
                                 expressions=[_lit(0)])
            cols.append((f"ded.{ded.name}.count", count))
        lowest = []
        for v in later_values:
            if v.measure.kind == "lowest":
                value, extra = self.measure(v.measure, "lo")
                lowest.append((column_name("value", v.name), value))
                if explain:
                    lowest += [(f"x.val.{v.name}.{k}", e) for k, e in extra.items()]
                    self.explain_cols += [f"x.val.{v.name}.{k}" for k in extra]
        later_values = [v for v in later_values if v.measure.kind != "lowest"]
        self.output_measures = {}
        for out in p.outputs:
            if out.measure.kind not in ("expr", "lowest"):
                value, extra = self.measure(out.measure, f"o{len(cols)}")
                cols.append((f"om.{out.name}", value))
                if explain:
                    cols += [(f"x.out.{out.name}.{k}", v) for k, v in extra.items()]
                    self.explain_cols += [f"x.out.{out.name}.{k}" for k in extra]
                self.output_measures[out.name] = _col(f"om.{out.name}", "b")
        self.population_ctes()
        self.ctes += self.extra_ctes
        cols += lowest
        joined = exp.select(exp.Column(this=exp.Star(), table=exp.to_identifier("b")),
                            *[e.as_(exp.to_identifier(a, quoted=True), copy=False) for a, e in cols])
        joined = joined.from_(exp.to_table(self.n("m")).as_("b", copy=False), copy=False)
        for cte in [entry["cte"] for entry in self.scans()] + self.extra_joins:
            joined = joined.join(exp.to_table(cte), on=exp.EQ(
                this=_col("merchant_id", cte), expression=_col("merchant_id", "b")), join_type="left", copy=False)
        self.ctes.append((self.n("s1"), joined))
        self.indicator_scores()
        self.dimensions()
        self.named_values([v for v in later_values if _phase(v.measure) != "score"])
        self.score()
        if p.bands is not None:
            self.bands()
        self.named_values([v for v in later_values if _phase(v.measure) == "score"])
        self.named_outputs([o for o in p.outputs if _phase(o.measure) != "consequence"])
        self.rules()
        # a merchant not open at an assessment has no result there (its past runs break too)
        self.stage("s9", [(column_name("consequence", c.name), _and(_col("is_open", "b"), self.xbool(c.when)))
                          for c in p.consequences]
                   + [("as_of_text", _lit(self.as_of.isoformat()))])
        self.named_outputs([o for o in p.outputs if _phase(o.measure) == "consequence"])
        return self.ctes[-1][0]

    def indicator_scores(self) -> None:
        cols = []
        for ind in self.p.indicators:
            value = _col(column_name("indicator_value", ind.name), "b")
            if ind.rank is not None:
                score = self.rank_score(ind, value)
                if self.explain:
                    cols += self.rank_details(ind, value)
            else:
                x = value if ind.type != "bool" else _case([(value.copy(), _lit(1.0))], _lit(0.0))
                score = _curve(ind.curve, x)
            cols.append((column_name("indicator_score", ind.name),
                         _case([(exp.Is(this=value.copy(), expression=exp.Null()), _lit(ind.no_sample_score))], score)))
        self.stage("s2", cols)

    def rank_details(self, ind: ir.Indicator, value) -> list:
        member = _and(_col("is_open", "b"), exp.Not(this=exp.Is(this=value.copy(), expression=exp.Null())))
        partition = [_col(f"m.{g}", "b") for g in ind.rank.group] + [member]
        cume = exp.Window(this=exp.CumeDist(), partition_by=partition, order=exp.Order(
            expressions=[exp.Ordered(this=value.copy(), desc=ind.higher_is_better is False)]))
        size = exp.Window(this=exp.Count(this=exp.Star()), partition_by=[p.copy() for p in partition])
        names = [f"x.{ind.name}.percentile", f"x.{ind.name}.group_size"]
        self.explain_cols += names
        return [(names[0], _case([(member.copy(), _round9(cume))])), (names[1], _case([(member.copy(), size)]))]

    def rank_score(self, ind: ir.Indicator, value) -> exp.Expression:
        rank = ind.rank
        member = _and(_col("is_open", "b"), exp.Not(this=exp.Is(this=value.copy(), expression=exp.Null())))
        partition = [_col(f"m.{g}", "b") for g in rank.group] + [member]
        desc = ind.higher_is_better is False
        cume = exp.Window(this=exp.CumeDist(), partition_by=partition,
                          order=exp.Order(expressions=[exp.Ordered(this=value.copy(), desc=desc)]))
        score = _round9(exp.Mul(this=_lit(rank.factor), expression=_round9(cume)))
        pairs = []
        if rank.floor_op is not None:
            pairs.append((_CMP[rank.floor_op](this=value.copy(), expression=_lit(rank.floor_value)), _lit(rank.floor_score)))
        if rank.min_group is not None:
            size = exp.Window(this=exp.Count(this=exp.Star()), partition_by=[p.copy() for p in partition])
            pairs.append((exp.LT(this=size, expression=_lit(rank.min_group)), _lit(rank.min_group_score)))
        return _case(pairs, score) if pairs else score

    def dimensions(self) -> None:
        totals, cols = [], []
        for dim in self.p.dimensions:
            scores = [_col(column_name("indicator_score", m), "b") for m in dim.members]
            if dim.member_weights is None:
                members = [(_lit(1.0), s) for s in scores]
                total = f"wt.{dim.name}"
                totals.append((total, _present_weight(members)))
                cols.append((column_name("dimension", dim.name), _weighted_mean(members, _col(total, "b"))))
                if self.explain:
                    cols += self.used_weights(f"x.{dim.name}.w", dim.members, members, _col(total, "b"))
            else:
                value = _lit(0.0)
                for w, s in zip(dim.member_weights, scores):
                    value = exp.Add(this=value, expression=exp.Mul(this=_lit(w), expression=s))
                cols.append((column_name("dimension", dim.name), _round9(value)))
        if totals:
            self.stage("s3w", totals)
        if cols:
            self.stage("s3", cols)

    def used_weights(self, prefix: str, names, members, total) -> list:
        """w_i / W for members with a score (the weights after renormalisation)."""
        out = []
        for name, (w, s) in zip(names, members):
            used = _case([(_and(exp.Not(this=exp.Is(this=s.copy(), expression=exp.Null())),
                                exp.GT(this=total.copy(), expression=_lit(0.0))),
                           exp.Div(this=w.copy(), expression=total.copy()))])
            out.append((f"{prefix}.{name}", used))
            self.explain_cols.append(f"{prefix}.{name}")
        return out

    def named_values(self, values) -> None:
        for val in values:        # one stage each: a value may use the ones before it
            self.stage(f"v_{val.name}_", [(column_name("value", val.name), self.measure(val.measure, "v")[0])])

    def named_outputs(self, outputs) -> None:
        for out in outputs:
            value = self.output_measures.get(out.name)
            value = value.copy() if value is not None else self.measure(out.measure, "o")[0]
            if out.when is not None:
                value = _case([(self.xbool(out.when), value)])
            columns = [(column_name("output", out.name), value)]
            expr = out.measure.expr
            if self.explain and expr is not None and expr.kind == "percentile":
                columns.append((f"x.out.{out.name}.group_size", self.group_size(expr)))
                self.explain_cols.append(f"x.out.{out.name}.group_size")
            self.stage(f"o_{out.name}_", columns)

    def group_size(self, e: ir.Percentile) -> exp.Expression:
        value = self.merchant(e.operand)
        member = _and(_col("is_open", "b"), exp.Not(this=exp.Is(this=value, expression=exp.Null())))
        if e.among == "rated":
            member = _and(member, exp.Not(this=exp.Is(this=_col("score", "b"), expression=exp.Null())))
        size = exp.Window(this=exp.Count(this=exp.Star()), partition_by=[_col(f"m.{g}", "b") for g in e.group] + [member])
        return _case([(member.copy(), size)])

    def total_weights(self) -> list[tuple[str, exp.Expression]]:
        """(dimension, its weight in the score): the regional variant's, else the default."""
        out = []
        for name in self.p.total.members:
            base = next(d.weight for d in self.p.dimensions if d.name == name)
            pairs = []
            for variant in self.p.weight_variants:
                weight = dict(variant.weights).get(name, 0.0)
                cond = _false_if_null(exp.In(this=_col(f"m.{variant.attribute}", "b"),
                                             expressions=[_lit(v) for v in variant.values]))
                pairs.append((cond, _lit(weight)))
            out.append((name, _case(pairs, _lit(base)) if pairs else _lit(base)))
        return out

    def score(self) -> None:
        total = self.p.total
        extra = []
        if total.members:
            # the weights, then their sum over dimensions with a score, each computed once
            weights = self.total_weights()
            if self.p.weight_variants:
                self.stage("s4v", [(f"w.{n}", w) for n, w in weights])
                weights = [(n, _col(f"w.{n}", "b")) for n, _ in weights]
            members = [(w, _col(column_name("dimension", n), "b")) for n, w in weights]
            self.stage("s4w", [("wt.total", _present_weight(members))])
            raw = _weighted_mean(members, _col("wt.total", "b"))
            if self.explain:
                extra = self.used_weights("x.total.w", [n for n, _ in weights], members, _col("wt.total", "b"))
        else:
            raw = _round9(self.merchant(total.expr))
        cols = [("raw_score", raw)] + extra
        for ded in self.p.deductions:
            cols.append((f"ded.{ded.name}", _round9(exp.Mul(this=_lit(ded.amount),
                                                             expression=_col(f"ded.{ded.name}.count", "b")))))
        self.stage("s4", cols)
        value = _col("raw_score", "b")
        for ded in self.p.deductions:
            value = exp.Sub(this=value, expression=_col(f"ded.{ded.name}", "b"))
        clamp = self.p.clamp
        if clamp is not None:
            pairs = []
            if clamp.low is not None:
                pairs.append((exp.LT(this=value.copy(), expression=_lit(clamp.low)), _lit(clamp.low)))
            if clamp.high is not None:
                pairs.append((exp.GT(this=value.copy(), expression=_lit(clamp.high)), _lit(clamp.high)))
            value = _case(pairs, value)
        # with bands, this is the score before banding; the bands stage gives the score
        self.stage("s5", [("score_pre" if self.p.bands is not None else "score", _round9(value))])

    def bands(self) -> None:
        bands = self.p.bands
        rows = list(bands.rows)
        score = _col("score_pre", "b")
        rated = _and(_col("is_open", "b"), exp.Not(this=exp.Is(this=score.copy(), expression=exp.Null())))
        group = [_col(f"m.{g}", "b") for g in bands.group]
        cume = _round9(exp.Window(this=exp.CumeDist(), partition_by=[*group, rated],
                                  order=exp.Order(expressions=[exp.Ordered(this=score.copy())])))
        size = exp.Window(this=exp.Count(this=exp.Star()), partition_by=[*[g.copy() for g in group], rated.copy()])
        self.stage("s6a", [("band_percentile", _case([(rated.copy(), cume)])),
                           ("band_group_size", _case([(rated.copy(), size)]))])
        p = _col("band_percentile", "b")
        index = _case([(_CMP[r.op](this=p.copy(), expression=_lit(r.threshold)) if r.op else exp.Boolean(this=True),
                        _lit(i)) for i, r in enumerate(rows)])
        self.stage("s6b", [("band_index", _case([(exp.Not(this=exp.Is(this=p.copy(), expression=exp.Null())), index)]))])
        idx = _col("band_index", "b")
        gate_pairs = []
        for gate in self.p.gates:
            members = [_lit(i) for i, r in enumerate(rows) if r.name in gate.bands]
            gate_pairs.append((_and(_false_if_null(exp.In(this=idx.copy(), expressions=members)), self.xbool(gate.when)),
                               _lit(gate.name)))
        self.stage("s6c", [("gate", _case(gate_pairs) if gate_pairs else _cast(_lit(None), _VARCHAR))])
        final = exp.Add(this=idx.copy(), expression=_case([(exp.Not(this=exp.Is(this=_col("gate", "b"), expression=exp.Null())),
                                                            _lit(1))], _lit(0)))
        self.stage("s6d", [("final_index", final), ("score_before_bands", score.copy())])
        fi, raw = _col("final_index", "b"), _col("score_before_bands", "b")
        part = [*[g.copy() for g in group], fi]
        rank = exp.Window(this=exp.Anonymous(this="RANK"), partition_by=part,
                          order=exp.Order(expressions=[exp.Ordered(this=raw.copy())]))
        size = exp.Window(this=exp.Count(this=exp.Star()), partition_by=[x.copy() for x in part])
        self.stage("s6e", [("band_rank", rank), ("band_members", size)])
        lo = _case([(exp.EQ(this=fi.copy(), expression=_lit(i)), _lit(r.low)) for i, r in enumerate(rows)])
        hi = _case([(exp.EQ(this=fi.copy(), expression=_lit(i)), _lit(r.high)) for i, r in enumerate(rows)])
        scored = exp.Add(this=lo, expression=exp.Mul(this=exp.Paren(this=exp.Sub(this=hi, expression=lo.copy())),
                                                     expression=exp.Div(this=_double(exp.Sub(this=_col("band_rank", "b"), expression=_lit(1))),
                                                                        expression=_col("band_members", "b"))))
        name = _case([(exp.EQ(this=fi.copy(), expression=_lit(i)), _lit(r.name)) for i, r in enumerate(rows)])
        self.stage("s6f", [("score", _case([(exp.Not(this=exp.Is(this=fi.copy(), expression=exp.Null())), _round9(scored))])),
                           ("band", name)])

    def rules(self) -> None:
        status_pairs = [(exp.Not(this=_col("is_open", "b")), _lit("not_open")),
                        (exp.Is(this=_col("score", "b"), expression=exp.Null()), _lit("unrated"))]
        status_pairs += [(self.xbool(r.when) if r.when is not None else exp.Boolean(this=True), _lit(r.name))
                         for r in self.p.statuses]
        self.stage("s7", [("status", _case(status_pairs, _lit("rated")))])
        tier_pairs = [(exp.Not(this=_col("is_open", "b")), _cast(_lit(None), _VARCHAR))]
        tier_pairs += [(self.xbool(r.when) if r.when is not None else exp.Boolean(this=True), _lit(r.name))
                       for r in self.p.tiers]
        self.stage("s8", [("tier", _case(tier_pairs))])

    def finish(self, final_cte: str, pasts: list) -> exp.Select:
        p = self.p
        b = "b"
        select_cols, open_ = [], _col("is_open", b)

        def only_open(node):
            return _case([(open_.copy(), node)])

        select_cols.append(_col("merchant_id", b).as_("merchant_id", copy=False))
        select_cols.append(only_open(_col("score", b)).as_("score", copy=False))
        select_cols.append(_col("tier", b).as_("tier", copy=False))
        select_cols.append(_col("status", b).as_("status", copy=False))
        fired = {}
        for c in p.consequences:
            node = _and(open_.copy(), _col(column_name("consequence", c.name), b))
            if c.history_cadence and c.history_count > 1:
                for cadence, k, past in pasts:
                    if cadence == c.history_cadence and k < c.history_count:
                        node = _and(node, _false_if_null(_col(column_name("consequence", c.name), f"h{cadence[0]}{k}")))
            fired[c.name] = node
        parts = [_case([(fired[name], _lit(name))]) for name in sorted(fired)]
        cons = exp.Anonymous(this="CONCAT_WS", expressions=[_lit(";"), *parts]) if parts else _lit("")
        select_cols.append(exp.Coalesce(this=cons, expressions=[_lit("")]).as_("consequences", copy=False))
        for d in p.dimensions:
            select_cols.append(only_open(_col(column_name("dimension", d.name), b)).as_(exp.to_identifier(f"dim.{d.name}", quoted=True), copy=False))
        for ind in p.indicators:
            for kind in ("indicator_value", "indicator_score"):
                name = column_name(kind, ind.name)
                select_cols.append(only_open(_col(name, b)).as_(exp.to_identifier(name, quoted=True), copy=False))
        for c in p.consequences:
            if c.charge_output:
                select_cols.append(_case([(fired[c.name].copy(), _round9(self.merchant(c.charge)))])
                                   .as_(exp.to_identifier(c.charge_output, quoted=True), copy=False))
        for o in p.outputs:
            select_cols.append(only_open(_col(column_name("output", o.name), b)).as_(exp.to_identifier(o.name, quoted=True), copy=False))
        if p.bands is not None:
            select_cols += [only_open(_col("gate", b)).as_("gate", copy=False), only_open(_col("band", b)).as_("band", copy=False),
                            only_open(_col("band_percentile", b)).as_("band_percentile", copy=False)]
        select_cols.append(only_open(_col("raw_score", b)).as_("raw_score", copy=False))
        for d in p.deductions:
            select_cols.append(only_open(_col(f"ded.{d.name}", b)).as_(exp.to_identifier(f"ded.{d.name}", quoted=True), copy=False))
        if self.explain:
            entity = self.schemas[p.data.entity]
            names = list(self.explain_cols) + [column_name("value", v.name) for v in p.values]
            names += [f"m.{c.name}" for c in entity.columns]
            if p.bands is not None:
                names += ["band_rank", "band_members", "score_before_bands", "band_index", "final_index",
                          "band_group_size"]
            select_cols += [_col(n, b).as_(exp.to_identifier(n, quoted=True), copy=False) for n in names]
            select_cols += [_col(column_name("consequence", c.name), b).as_(exp.to_identifier(f"x.cons.{c.name}", quoted=True), copy=False)
                            for c in p.consequences]
            for cadence, k, past in pasts:
                alias = f"h{cadence[0]}{k}"
                select_cols.append(_col("score", alias).as_(exp.to_identifier(f"x.past.{cadence}.{k}.score", quoted=True), copy=False))
                select_cols.append(_col("as_of_text", alias).as_(exp.to_identifier(f"x.past.{cadence}.{k}.as_of", quoted=True), copy=False))
                for c in p.consequences:
                    select_cols.append(_col(column_name("consequence", c.name), alias).as_(
                        exp.to_identifier(f"x.past.{cadence}.{k}.cons.{c.name}", quoted=True), copy=False))
        query = exp.select(*select_cols).from_(exp.to_table(final_cte).as_(b, copy=False), copy=False)
        for cadence, k, past in pasts:
            alias = f"h{cadence[0]}{k}"
            query = query.join(exp.to_table(past.ctes[-1][0]).as_(alias, copy=False),
                               on=exp.EQ(this=_col("merchant_id", alias), expression=_col("merchant_id", b)),
                               join_type="left", copy=False)
        ctes = list(self.ctes) + [c for _, _, past in pasts for c in past.ctes]
        for name, body in ctes:
            query = query.with_(name, as_=body, copy=False)     # a copy per CTE would be quadratic
        return query.order_by(_col("merchant_id", b), copy=False)



def _whole(e) -> bool:
    return e.kind == "const" and isinstance(e.value, float) and e.value.is_integer() and abs(e.value) < 2 ** 53


def _as_filter(cond: exp.Expression) -> exp.Expression:
    """A condition in WHERE or FILTER (WHERE ...), where NULL drops the row just as FALSE
    does: COALESCE(c, FALSE) is c at the top of the conjunction (never under a NOT), which
    lets the engine push c into the scan (DuckDB checks it against Parquet statistics)."""
    if isinstance(cond, exp.And):
        return exp.And(this=_as_filter(cond.this), expression=_as_filter(cond.expression))
    if isinstance(cond, exp.Paren) and isinstance(cond.this, exp.And):
        return exp.Paren(this=_as_filter(cond.this))
    if (isinstance(cond, exp.Coalesce) and len(cond.expressions) == 1 and isinstance(cond.expressions[0], exp.Boolean)
            and cond.expressions[0].this is False):
        return _as_filter(cond.this)
    return cond


def _filters_plain(query: exp.Expression) -> exp.Expression:
    for where in list(query.find_all(exp.Where)):
        where.set("this", _as_filter(where.this))
    return query


def _uses_outer(e: ir.Exists) -> bool:
    return any(getattr(n, "kind", None) == "col" and n.scope == "outer" for t in e.tests for n in _walk(t))


def _phase(measure: ir.Measure) -> str:
    """When a named value can be computed: with the data, after dimensions, after the score,
    or after the consequences."""
    found = "data"
    order = ("data", "dimension", "score", "consequence")
    for node in _walk(measure):
        kind = getattr(node, "kind", None)
        phase = None
        if kind == "ref":
            phase = {"dimension": "dimension", "indicator_value": "dimension", "indicator_score": "dimension",
                     "value": "dimension", "score": "score", "raw": "score", "tier": "score", "status": "score",
                     "consequence": "consequence", "output": "score"}[node.target]
        elif kind in ("weighted_sum",):
            phase = "dimension"
        elif kind == "percentile":
            phase = "score"
        if phase and order.index(phase) > order.index(found):
            found = phase
    return found


# --- stages ------------------------------------------------------------------------------------

def _curve(curve: ir.Curve, x: exp.Expression) -> exp.Expression:
    """Piecewise linear, clamped outside: y1 + (x - x1) / (x2 - x1) × (y2 - y1) on each segment,
    the reference's operations; only the interpolation is rounded (the points are constants,
    rounded here as the reference rounds the curve's result)."""
    pts = curve.points
    pairs = [(exp.LTE(this=x.copy(), expression=_lit(pts[0].x)), _lit(round9(pts[0].y)))]
    for a, b in zip(pts, pts[1:]):
        y = exp.Add(this=_lit(a.y), expression=exp.Mul(
            this=exp.Div(this=exp.Paren(this=exp.Sub(this=x.copy(), expression=_lit(a.x))), expression=_lit(b.x - a.x)),
            expression=_lit(b.y - a.y)))
        pairs.append((exp.LTE(this=x.copy(), expression=_lit(b.x)), _round9(y)))
    return _case(pairs, _lit(round9(pts[-1].y)))


def _present_weight(members: list[tuple[exp.Expression, exp.Expression]]) -> exp.Expression:
    """W = Σ w_i over the members with a score, left to right from 0.0 (the reference's order)."""
    total = _lit(0.0)
    for w, s in members:
        total = exp.Add(this=total, expression=_case([(exp.Not(this=exp.Is(this=s.copy(), expression=exp.Null())), w.copy())], _lit(0.0)))
    return total


def _weighted_mean(members: list[tuple[exp.Expression, exp.Expression]], total: exp.Expression) -> exp.Expression:
    """Σ (w_i / W) × s_i over present members, in declaration order; W (`total`) is a column
    of the previous stage, so the rounded sum stays small (R9 reads its argument five times)."""
    value = _lit(0.0)
    for w, s in members:
        term = exp.Mul(this=exp.Paren(this=exp.Div(this=w.copy(), expression=total.copy())), expression=s.copy())
        value = exp.Add(this=value, expression=exp.Coalesce(this=term, expressions=[_lit(0.0)]))
    return _case([(exp.GT(this=total.copy(), expression=_lit(0.0)), _round9(value))])


def build_query(program: ir.Program, as_of: date, explain: bool = False, suffix: str = "") -> exp.Select:
    """The whole query for one version at one as-of (past assessments included); `suffix`
    keeps the CTE names of two queries in one statement apart."""
    histories = sorted({(c.history_cadence, k) for c in program.consequences
                        if c.history_cadence and c.history_count > 1 for k in range(1, c.history_count)})
    main = _Builder(program, as_of, suffix=suffix)
    final = main.build(explain)
    past_ctes = []
    for cadence, k in histories:
        past = _Builder(program, past_as_of(as_of, cadence, k), suffix=f"{suffix}_h{cadence[0]}{k}")
        past.build(False)
        past_ctes.append((cadence, k, past))
    return _filters_plain(main.finish(final, past_ctes))
