"""Lowering: a checked program -> the scoring graph (`ir.Program`).

Input: `CheckedProgram` without errors, and the source files (for the text of each rule).
Output: `ir.Program`. Names are resolved with the checker's own functions, so the graph
means exactly what was checked; units become canonical (see rubric.ir.nodes).
"""

from __future__ import annotations

from dataclasses import replace

from rubric.check import CheckedProgram
from rubric.check.symbols import Symbols
from rubric.check.types import Ctx, infer, infer_measure, relation_link, resolve_name, resolve_table
from rubric.ir import nodes as ir
from rubric.ir.schema import Column, ColumnType, DataModel, Table
from rubric.source import SourceFile, Span
from rubric.syntax import ast

__all__ = ["lower_program", "HOUR_MICROS"]

HOUR_MICROS = 3_600_000_000
DAY_MICROS = 24 * HOUR_MICROS


class _Lowering:
    def __init__(self, checked: CheckedProgram, sources: dict[str, SourceFile], symbols: Symbols | None = None):
        self.syms: Symbols = symbols or checked.symbols
        self.sources = sources
        header = self.syms.header
        self.source_doc = header.source if header else None
        self.needs: dict[str, set[str]] = {}

    # --- helpers -------------------------------------------------------------------------
    def text(self, span: Span | None) -> str:
        if span is None or span.path not in self.sources:
            return ""
        return " ".join(self.sources[span.path].text[span.start:span.end].split())

    def prov(self, p: ast.Provenance | None) -> ir.Provenance:
        if p is None:
            return ir.Provenance(source=self.source_doc)
        return ir.Provenance(status=p.status, note=p.note, source=self.source_doc)

    def title(self, t: ast.Title | None) -> ir.Title:
        return ir.Title(en=t.en, zh=t.zh) if t else ir.Title()

    def need(self, table: str, column: str) -> None:
        self.needs.setdefault(table, set()).add(column)

    # --- data model ------------------------------------------------------------------------
    def data_model(self) -> DataModel:
        tables = tuple(self.table(t) for t in self.syms.tables.values())
        name = self.syms.data_headers[0].name.name if self.syms.data_headers else "data"
        return DataModel(name=name, entity=self.syms.entity, tables=tables)

    def table(self, t: ast.TableDecl) -> Table:
        cols = tuple(Column(name=c.name.name, type=ColumnType(c.type), nullable=c.optional, planned=c.planned,
                            values=tuple(v.name for v in c.values),
                            references=resolve_table(c.references.name, self.syms) if c.references else None,
                            minimum=c.minimum, maximum=c.maximum, origin=c.span) for c in t.columns)
        return Table(name=t.name.name, singular=t.singular.name if t.singular else t.name.name,
                     key=tuple(k.name for k in t.key), created_by=t.created_by.name if t.created_by else None,
                     excluded_by=t.excluded_by.name if t.excluded_by else None, columns=cols,
                     title_en=t.title.en if t.title else None, title_zh=t.title.zh if t.title else None, origin=t.span)

    # --- windows and populations ---------------------------------------------------------------
    def window(self, w: ast.WindowDecl) -> ir.Window:
        if w.shape == "last":
            start, end = int(w.length.value), 0
            text = f"last {w.length.text}"
        else:
            start, end = w.last_day * DAY_MICROS, (w.first_day - 1) * DAY_MICROS
            text = f"days {w.first_day}..{w.last_day} ago"
        return ir.Window(name=w.name.name, title=self.title(w.title), start_micros=start, end_micros=end, text=text,
                         provenance=self.prov(w.provenance), origin=w.span)

    def population(self, pop: ast.Population) -> ir.Population:
        table = resolve_table(pop.table.name, self.syms)
        decl = self.syms.tables[table]
        time_col = f"{pop.verb.name}_at" if pop.verb else (pop.column.name if pop.column else None)
        bound = pop.bounds[-1] if pop.bounds else None
        ctx = Ctx(level="row", table=table)
        for col in (time_col, decl.created_by.name if decl.created_by else None,
                    decl.excluded_by.name if decl.excluded_by else None, "merchant_id"):
            if col:
                self.need(table, col)
        return ir.Population(
            table=table, time_column=time_col,
            window=self.window(self.syms.windows[pop.window.name]) if pop.window else None,
            before_micros=int(bound.duration.value) if bound else None, before_strict=bound.strict if bound else False,
            time_of_day=(pop.time_of_day.start, pop.time_of_day.end) if pop.time_of_day else None,
            filter=self.expr(pop.filter, ctx) if pop.filter is not None else None,
            excluded_by=decl.excluded_by.name if decl.excluded_by else None, text=self.text(pop.span))

    def measure(self, m: ast.Measure, phase: str, self_name: str | None = None) -> ir.Measure:
        vtype = infer_measure(m, self.syms, None, phase, self_name)
        if m.kind == "expr":
            return ir.Measure(kind="expr", expr=self.expr(m.expr, Ctx(level="merchant", phase=phase, self_name=self_name)),
                              type=vtype, text=self.text(m.span))
        pop = self.population(m.population)
        ctx = Ctx(level="row", table=pop.table)
        if m.kind == "lowest":
            decl = self.syms.tables[pop.table]
            pop = pop.model_copy(update={"time_column": decl.created_by.name if decl.created_by else None})
            return ir.Measure(kind="lowest", population=pop, type=vtype, text=self.text(m.span),
                              expr=self.expr(m.expr, ctx), default=m.default.value if m.default else None)
        return ir.Measure(
            kind=m.kind, population=pop, type=vtype, text=self.text(m.span),
            excluding=self.expr(m.excluding, ctx) if m.excluding is not None else None,
            numerator=self.expr(m.numerator, ctx) if m.numerator is not None else None,
            expr=self.expr(m.expr, ctx) if m.expr is not None else None)

    # --- expressions -----------------------------------------------------------------------
    def expr(self, e, ctx: Ctx) -> ir.Expr:
        return getattr(self, f"e_{e.kind}")(e, ctx)

    def e_name(self, e: ast.Name, ctx: Ctx) -> ir.Expr:
        res = resolve_name(e.name, ctx, self.syms)
        if res[0] == "cond":
            return self.expr(res[1].expr, replace(ctx, expanding=ctx.expanding + (e.name,)))
        if res[0] == "col":
            _, scope, table, column, vtype = res
            self.need(table, column)
            return ir.Col(scope=scope, table=table, column=column, type=vtype)
        _, target, name, vtype = res
        return ir.Ref(target=target, name=name, type=vtype)

    def e_number(self, e: ast.Number, ctx: Ctx) -> ir.Expr:
        if e.unit == "duration":
            # row-level durations are microseconds; merchant-level ones are hours
            value = int(e.value) if ctx.level == "row" else e.value / HOUR_MICROS
            return ir.Const(value=value, type="duration")
        return ir.Const(value=e.value, type="share" if e.unit == "percent" else "number")

    def e_bool(self, e, ctx): return ir.Const(value=e.value, type="bool")
    def e_string(self, e, ctx): return ir.Const(value=e.value, type="label")
    def e_asof(self, e, ctx): return ir.AsOfValue()

    def e_score_ref(self, e: ast.ScoreRef, ctx: Ctx) -> ir.Expr:
        if e.of is None:
            return ir.Ref(target="score", name="score", type="score")
        return ir.Ref(target="indicator_score", name=e.of.name, type="score")

    def e_months_since(self, e: ast.MonthsSince, ctx: Ctx) -> ir.Expr:
        self.need(self.syms.entity, e.column.name)
        return ir.MonthsSince(column=e.column.name)

    def e_years_since(self, e: ast.YearsSince, ctx: Ctx) -> ir.Expr:
        self.need(self.syms.entity, e.column.name)
        return ir.YearsSince(column=e.column.name)

    def e_weighted_sum(self, e: ast.WeightedSum, ctx: Ctx) -> ir.Expr:
        return ir.WeightedSum(members=tuple((m.name, self.syms.dimensions[m.name].weight.value) for m in e.members))

    def e_first_relation(self, e: ast.FirstRelation, ctx: Ctx) -> ir.Expr:
        relation = self.e_relation(ast.Relation(span=e.span, table=e.table, tests=e.tests, within=e.within), ctx)
        inner_ctx = Ctx(level="row", table=relation.table, outer=ctx.table, phase=ctx.phase, expanding=ctx.expanding)
        return relation.model_copy(update={"earliest": True, "then": self.expr(e.then, inner_ctx)})

    def e_binary(self, e: ast.Binary, ctx: Ctx) -> ir.Expr:
        return ir.Arith(op=e.op, left=self.expr(e.left, ctx), right=self.expr(e.right, ctx),
                        type=infer(e, ctx, self.syms, None) or "number")

    def e_neg(self, e: ast.Neg, ctx: Ctx) -> ir.Expr:
        return ir.Arith(op="neg", left=self.expr(e.operand, ctx), type=infer(e, ctx, self.syms, None) or "number")

    def _label_side(self, e, ctx: Ctx) -> bool:
        return e.kind == "string" or (e.kind == "name" and resolve_name(e.name, ctx, self.syms) is None)

    def e_compare(self, e: ast.Compare, ctx: Ctx) -> ir.Expr:
        sides = []
        for side in (e.left, e.right):
            if self._label_side(side, ctx):
                sides.append(ir.Const(value=side.value if side.kind == "string" else side.name, type="label"))
            else:
                sides.append(self.expr(side, ctx))
        return ir.Compare(op=e.op, left=sides[0], right=sides[1])

    def e_missing(self, e: ast.Missing, ctx: Ctx) -> ir.Expr:
        return ir.IsNull(operand=self.expr(e.operand, ctx), negate=e.present)

    def e_one_of(self, e: ast.OneOf, ctx: Ctx) -> ir.Expr:
        return ir.InSet(operand=self.expr(e.operand, ctx), values=tuple(label.value for label in e.labels))

    def e_logic(self, e: ast.Logic, ctx: Ctx) -> ir.Expr:
        return ir.BoolOp(op=e.op, operands=tuple(self.expr(o, ctx) for o in e.operands))

    def e_not(self, e: ast.Not, ctx: Ctx) -> ir.Expr:
        return ir.Not(operand=self.expr(e.operand, ctx))

    def e_relation(self, e: ast.Relation, ctx: Ctx) -> ir.Expr:
        inner = resolve_table(e.table.name, self.syms)
        inner_col, outer_col = relation_link(inner, ctx.table, self.syms)
        decl = self.syms.tables[inner]
        self.need(inner, inner_col)
        self.need(ctx.table, outer_col)
        if decl.created_by:
            self.need(inner, decl.created_by.name)
        inner_ctx = Ctx(level="row", table=inner, outer=ctx.table, phase=ctx.phase, expanding=ctx.expanding)
        fields = {}
        if e.within is not None:
            after = e.within.after.name
            fields = {"time_column": f"{e.within.verb.name}_at", "after_column": after,
                      "within_micros": int(e.within.duration.value)}
            self.need(inner, fields["time_column"])
            self.need(ctx.table, after)
        return ir.Exists(table=inner, inner_column=inner_col, outer_column=outer_col,
                         tests=tuple(self.expr(t, inner_ctx) for t in e.tests), **fields)

    def e_percentile(self, e: ast.Percentile, ctx: Ctx) -> ir.Expr:
        operand = self.expr(e.operand, ctx)
        higher = True
        if isinstance(operand, ir.Ref) and operand.target == "indicator_value":
            decl = self.syms.indicators[operand.name]
            higher = decl.direction != "lower"
        for attr in e.same:
            self.need(self.syms.entity, attr.name)
        return ir.Percentile(operand=operand, among=e.among.name, group=tuple(a.name for a in e.same),
                             higher_is_better=higher)

    # --- definitions -----------------------------------------------------------------------
    def indicator(self, d: ast.IndicatorDecl) -> ir.Indicator:
        m = self.measure(d.measure, "value", d.name.name)
        to_canonical = (lambda x: x / HOUR_MICROS) if m.type == "duration" else (lambda x: x)
        curve = None
        if d.curve is not None:
            points = tuple(ir.CurvePoint(x=(1.0 if p.x.value else 0.0) if p.x.kind == "bool" else to_canonical(p.x.value),
                                         y=p.y.value) for p in d.curve.points)
            curve = ir.Curve(points=points, provenance=self.prov(d.curve.provenance))
        exc = d.excellent
        higher = None if d.direction is None else d.direction == "higher"
        if higher is None and curve is not None and len(curve.points) > 1:
            higher = curve.points[-1].y >= curve.points[0].y
        return ir.Indicator(
            name=d.name.name, title=self.title(d.title), measure=m, type=m.type, higher_is_better=higher,
            excellent_op=exc.op if exc else None, excellent=to_canonical(exc.value.value) if exc else None,
            excellent_provenance=self.prov(exc.provenance if exc else None), curve=curve, rank=self.rank(d, higher),
            no_sample_score=d.no_sample.score.value if d.no_sample and d.no_sample.score else None,
            no_sample_provenance=self.prov(d.no_sample.provenance if d.no_sample else None),
            provenance=self.prov(d.provenance), origin=d.span)

    def rank(self, d: ast.IndicatorDecl, higher: bool | None) -> ir.Rank | None:
        r = d.ranked
        if r is None:
            return None
        for attr in r.same:
            self.need(self.syms.entity, attr.name)
        mg, fv = d.min_group, d.floor_value
        scale = (lambda x: x / HOUR_MICROS) if fv is not None and fv.value.unit == "duration" else (lambda x: x)
        return ir.Rank(factor=r.factor.value, among=r.among.name, group=tuple(a.name for a in r.same),
                       min_group=mg.count if mg else None, min_group_score=mg.score.value if mg else None,
                       floor_op=fv.op if fv else None, floor_value=scale(fv.value.value) if fv else None,
                       floor_score=fv.score.value if fv else None, provenance=self.prov(r.provenance))

    def bands(self) -> ir.Bands | None:
        if not self.syms.bands:
            return None
        b = self.syms.bands[0]
        for attr in b.same:
            self.need(self.syms.entity, attr.name)
        rows = tuple(ir.Band(name=r.name.name, title=self.title(r.title), op=r.op,
                             threshold=r.threshold.value if r.threshold else None, low=r.low.value, high=r.high.value,
                             provenance=self.prov(r.provenance)) for r in b.rows)
        return ir.Bands(among=b.among.name, group=tuple(a.name for a in b.same), rows=rows,
                        provenance=self.prov(b.provenance), origin=b.span)

    def gate(self, g: ast.GateDecl) -> ir.Gate:
        return ir.Gate(name=g.name.name, title=self.title(g.title), bands=tuple(n.name for n in g.bands),
                       when=self.expr(g.when, Ctx(level="merchant", phase="total")), text=self.text(g.when.span),
                       provenance=self.prov(g.provenance), origin=g.span)

    def rule(self, r: ast.RuleDecl, phase: str) -> ir.Rule:
        when = self.expr(r.when, Ctx(level="merchant", phase=phase)) if r.when is not None else None
        parts = ()
        if r.when is not None and r.when.kind == "logic" and r.when.op == "and":
            parts = tuple(self.text(o.span) for o in r.when.operands)
        return ir.Rule(name=r.name.name, title=self.title(r.title), when=when, parts=parts,
                       text=self.text(r.when.span) if r.when is not None else "otherwise",
                       provenance=self.prov(r.provenance), origin=r.span)

    def consequence(self, c: ast.ConsequenceDecl) -> ir.Consequence:
        ctx = Ctx(level="merchant", phase="consequence", self_name=c.name.name)
        charge = c.charge
        return ir.Consequence(
            name=c.name.name, title=self.title(c.title), when=self.expr(c.when, ctx), text=self.text(c.when.span),
            history_count=c.history.count if c.history else 1,
            history_cadence=c.history.cadence if c.history else None,
            charge=self.expr(charge.amount, ctx) if charge else None,
            charge_output=charge.output.name if charge else None,
            charge_provenance=self.prov(charge.provenance if charge else None),
            provenance=self.prov(c.provenance), origin=c.span)

    def total(self) -> ir.Total | None:
        if not self.syms.totals:
            return None
        t = self.syms.totals[0]
        expr = self.expr(t.expr, Ctx(level="merchant", phase="total")) if t.expr is not None else None
        return ir.Total(title=self.title(t.title), members=tuple(m.name for m in t.members), expr=expr,
                        text=self.text(t.expr.span) if t.expr is not None else "",
                        provenance=self.prov(t.provenance), origin=t.span)

    def program(self) -> ir.Program:
        s = self.syms
        header = s.header
        self.need(s.entity, "merchant_id")
        entity = s.tables.get(s.entity)
        if entity is not None and entity.created_by:
            self.need(s.entity, entity.created_by.name)
        prog = dict(
            name=header.name.name, title=self.title(header.title), source=header.source, path=header.span.path,
            zone=header.zone or "UTC", cadence=header.cadence, scale=header.scale, data=self.data_model(),
            windows=tuple(self.window(w) for w in s.windows.values()),
            values=tuple(ir.ValueDef(name=v.name.name, title=self.title(v.title), measure=self.measure(v.measure, "output"),
                                     provenance=self.prov(v.provenance), origin=v.span) for v in s.values.values()),
            indicators=tuple(self.indicator(i) for i in s.indicators.values()),
            dimensions=tuple(ir.Dimension(name=d.name.name, title=self.title(d.title),
                                          weight=d.weight.value if d.weight else None,
                                          provenance=self.prov(d.provenance), members=tuple(m.name for m in d.members),
                                          member_weights=tuple(w.weight.value for w in d.member_weights) or None,
                                          origin=d.span) for d in s.dimensions.values()),
            weight_variants=tuple(self.variant(w) for w in s.weights),
            total=self.total(),
            deductions=tuple(ir.Deduction(name=d.name.name, title=self.title(d.title), amount=d.amount.value,
                                          population=self.population(d.population), provenance=self.prov(d.provenance),
                                          origin=d.span) for d in s.deductions.values()),
            clamp=self.clamp(),
            statuses=tuple(self.rule(r, "status") for r in s.statuses.values()),
            tiers=tuple(self.rule(r, "tier") for r in s.tiers.values()),
            consequences=tuple(self.consequence(c) for c in s.consequences.values()),
            outputs=tuple(self.output(o) for o in s.outputs.values()),
            bands=self.bands(),
            gates=tuple(self.gate(g) for g in s.gates.values()),
        )
        for attr in {v.attribute for v in prog["weight_variants"]}:
            self.need(s.entity, attr)
        prog["needs"] = tuple(sorted((t, tuple(sorted(cols))) for t, cols in self.needs.items()))
        return ir.Program(**prog)

    def variant(self, w: ast.WeightsDecl) -> ir.WeightVariant:
        return ir.WeightVariant(attribute=w.attribute.name, values=tuple(v.name for v in w.values),
                                weights=tuple((i.name.name, i.weight.value) for i in w.items),
                                provenance=self.prov(w.provenance), origin=w.span)

    def clamp(self) -> ir.Clamp | None:
        if not self.syms.clamps:
            return None
        c = self.syms.clamps[0]
        return ir.Clamp(low=c.low.value if c.low else None, high=c.high.value if c.high else None,
                        provenance=self.prov(c.provenance), origin=c.span)

    def output(self, o: ast.OutputDecl) -> ir.Output:
        when = self.expr(o.when, Ctx(level="merchant", phase="output")) if o.when is not None else None
        return ir.Output(name=o.name.name, title=self.title(o.title), measure=self.measure(o.measure, "output"),
                         when=when, provenance=self.prov(o.provenance), origin=o.span)


def lower_program(checked: CheckedProgram, sources: dict[str, SourceFile]) -> ir.Program:
    """Lower a checked rubric (with no errors) into the scoring graph.

    A versioned rubric becomes its last version's program, carrying every version (each a
    whole program) in `versions`; the evaluator picks the one in force at each as-of."""
    if not checked.versions:
        return _Lowering(checked, sources).program()
    from rubric.check.versions import version_changes

    versions, previous = [], None
    for decl, symbols, items in checked.versions:
        lowering = _Lowering(checked, sources, symbols)
        program = lowering.program()
        versions.append(ir.Version(
            name=decl.name.name, title=lowering.title(decl.title), effective_from=decl.effective_from,
            effective_until=decl.effective_until, shadow_from=decl.shadow_from,
            changes=tuple(version_changes(list(previous), list(items))) if previous is not None else (),
            provenance=lowering.prov(decl.provenance), program=program))
        previous = items
    needs: dict[str, set[str]] = {}
    for version in versions:
        for table, columns in version.program.needs:
            needs.setdefault(table, set()).update(columns)
    return versions[-1].program.model_copy(update={
        "versions": tuple(versions), "needs": tuple(sorted((t, tuple(sorted(c))) for t, c in needs.items()))})
