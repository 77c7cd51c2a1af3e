"""Structural checks of declarations: tables, windows, curves, weights, rules, translations.

Input: `Symbols` (AST declarations). Output: diagnostics appended to the sink.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rubric.check.symbols import Symbols, did_you_mean
from rubric.check.types import Ctx, NUMERIC, check_population, describe, infer, infer_measure, resolve_table
from rubric.diagnostics import Sink
from rubric.syntax import ast

__all__ = ["check_declarations", "parse_zone"]

_WEIGHT_TOLERANCE = 1e-9


def parse_zone(text: str):
    """A tzinfo for `UTC`, `UTC+8`, `UTC-05:30` or an IANA name; None when unknown.

    >>> parse_zone("UTC+8").utcoffset(None).total_seconds()
    28800.0
    """
    from datetime import timedelta, timezone

    if text in ("UTC", "Z"):
        return timezone.utc
    if text.startswith("UTC") and len(text) > 3 and text[3] in "+-":
        sign = 1 if text[3] == "+" else -1
        hours, _, minutes = text[4:].partition(":")
        try:
            return timezone(sign * timedelta(hours=float(hours), minutes=float(minutes or 0)))
        except ValueError:
            return None
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def check_declarations(syms: Symbols, sink: Sink) -> None:
    for check in (_check_header, _check_tables, _check_windows, _check_values, _check_indicators,
                  _check_dimensions, _check_weights, _check_total, _check_deductions, _check_clamps,
                  _check_rules, _check_consequences, _check_outputs, _check_titles):
        check(syms, sink)


# --- header and data ------------------------------------------------------------------------

def _check_header(syms: Symbols, sink: Sink) -> None:
    header = syms.header
    if header is None:
        return
    if header.zone is None:
        sink.error("R0211", f"the rubric `{header.name.name}` does not say its time zone", header.name.span,
                   "no time zone", help="add a line `time zone UTC+8` (or UTC, or an IANA name)")
    elif parse_zone(header.zone) is None:
        sink.error("R0212", f"`{header.zone}` is not a time zone", header.zone_span, "unknown time zone",
                   help="write UTC, UTC+8 or an IANA name in quotes such as \"Asia/Shanghai\"")
    if syms.entity not in syms.tables:
        span = header.scores.span if header.scores else header.name.span
        sink.error("R0202", f"the scored table `{syms.entity}` is not declared", span, "unknown table",
                   help=did_you_mean(syms.entity, syms.tables) or "add `uses commerce` to import the data model")
    if header.scale is not None and header.scale[0] >= header.scale[1]:
        sink.error("R0408", "the scale's lower end must be below its upper end", header.span, "bad scale")


def _check_tables(syms: Symbols, sink: Sink) -> None:
    for table in syms.tables.values():
        names = [c.name.name for c in table.columns]
        seen: set[str] = set()
        for col in table.columns:
            if col.name.name in seen:
                sink.error("R0204", f"column `{col.name.name}` of `{table.name.name}` is declared twice", col.name.span)
            seen.add(col.name.name)
            if col.references and resolve_table(col.references.name, syms) is None:
                sink.error("R0202", f"unknown table `{col.references.name}`", col.references.span, "not declared",
                           help=did_you_mean(col.references.name, syms.tables))
            if col.minimum is not None and col.minimum > col.maximum:
                sink.error("R0408", "the range's lower end is above its upper end", col.span, "empty range")
        for ref, kinds, what in ((table.created_by, ("timestamp",), "a timestamp"),
                                 (table.excluded_by, ("bool",), "a bool")):
            if ref is None:
                continue
            col = next((c for c in table.columns if c.name.name == ref.name), None)
            if col is None or col.type not in kinds:
                sink.error("R0203", f"`{ref.name}` is not {what} column of `{table.name.name}`", ref.span,
                           "unknown column", help=did_you_mean(ref.name, names))
        for key in table.key:
            if key.name not in names:
                sink.error("R0203", f"key `{key.name}` is not a column of `{table.name.name}`", key.span,
                           "unknown column", help=did_you_mean(key.name, names))


def _check_windows(syms: Symbols, sink: Sink) -> None:
    for window in syms.windows.values():
        if window.shape == "last":
            if window.length.unit != "duration" or window.length.value <= 0:
                sink.error("R0302", "a window's length is a positive duration", window.length.span,
                           "not a duration", help="e.g. `window recent = last 30 days`")
        elif not (1 <= window.first_day <= window.last_day):
            sink.error("R0408", f"`days {window.first_day}..{window.last_day} ago` is an empty range", window.span,
                       "empty range", help="the first day is the nearer one: `days 15..104 ago`")
        _want_provenance(syms, window.provenance, window.span, f"window `{window.name.name}`", sink)


def _want_provenance(syms: Symbols, prov, span, what: str, sink: Sink) -> None:
    if prov is None and syms.header is not None and syms.header.source:
        sink.warning("R0502", f"{what} has no provenance mark", span, "unmarked",
                     help="end the line with [confirmed] or [illustrative]")


# --- values and indicators -----------------------------------------------------------------

def _check_values(syms: Symbols, sink: Sink) -> None:
    for value in syms.values.values():
        infer_measure(value.measure, syms, sink, "value", value.name.name)


_CURVE_UNITS = {"share": "percent", "duration": "duration"}


def _check_indicators(syms: Symbols, sink: Sink) -> None:
    for ind in syms.indicators.values():
        vtype = infer_measure(ind.measure, syms, sink, "value", ind.name.name)
        if vtype is None:
            continue
        if vtype not in NUMERIC | {"share", "duration", "bool"}:
            sink.error("R0304", f"an indicator measures a number, a share, a duration or a yes/no, not {describe(vtype)}",
                       ind.measure.span, "not measurable")
            continue
        if ind.curve is None:
            sink.error("R0407", f"indicator `{ind.name.name}` has no score curve", ind.name.span, "no curve",
                       help="add a line such as `score 80% -> 1, 98% -> 5`")
        else:
            _check_curve(ind, vtype, syms, sink)
        if ind.excellent is not None:
            _check_excellent(ind, vtype, syms, sink)


def _point_unit_ok(x, vtype: str) -> bool:
    if vtype == "bool":
        return x.kind == "bool"
    if x.kind == "bool":
        return False
    return x.unit == _CURVE_UNITS.get(vtype, "number")


def _unit_hint(vtype: str) -> str:
    return {"share": "percentages such as 95%", "duration": "durations such as 48 h",
            "bool": "yes and no"}.get(vtype, "plain numbers")


def _check_curve(ind: ast.IndicatorDecl, vtype: str, syms: Symbols, sink: Sink) -> None:
    curve = ind.curve
    bad = [p for p in curve.points if not _point_unit_ok(p.x, vtype)]
    for point in bad:
        sink.error("R0302", f"`{ind.name.name}` is {describe(vtype)}: its curve points must be {_unit_hint(vtype)}",
                   point.x.span, "wrong unit")
    _want_provenance(syms, curve.provenance, curve.span, f"the curve of `{ind.name.name}`", sink)
    if bad or vtype == "bool":
        return
    if len(curve.points) < 2:
        sink.error("R0407", "a curve needs at least two points", curve.span, "one point",
                   help="give the value where the score starts and where it ends, e.g. `80% -> 1, 98% -> 5`")
        return
    xs = [p.x.value for p in curve.points]
    for prev, point in zip(curve.points, curve.points[1:]):
        if point.x.value <= prev.x.value:
            sink.error("R0402", "curve points must be listed with increasing values", point.x.span,
                       f"not above {prev.x.text}", help="list the points from the lowest value to the highest")
            return
    ys = [p.y.value for p in curve.points]
    direction = ind.direction
    if direction is not None:
        rising = direction == "higher"
        for i in range(1, len(ys)):
            if (ys[i] < ys[i - 1]) if rising else (ys[i] > ys[i - 1]):
                sink.error("R0403", f"`{ind.name.name}` is {direction}-is-better, but its score "
                           f"{'falls' if rising else 'rises'} from {curve.points[i - 1].x.text} to {curve.points[i].x.text}",
                           curve.points[i].span, "against the direction",
                           help=f"scores must not {'fall' if rising else 'rise'} as the value {'rises' if rising else 'rises'}; "
                                f"check the direction or swap the scores")
                return
    del xs


def _check_excellent(ind: ast.IndicatorDecl, vtype: str, syms: Symbols, sink: Sink) -> None:
    exc = ind.excellent
    if not _point_unit_ok(exc.value, vtype):
        sink.error("R0302", f"`{ind.name.name}` is {describe(vtype)}: its threshold must be one of {_unit_hint(vtype)}",
                   exc.value.span, "wrong unit")
    if ind.direction is not None and exc.op in ("<", "<=", ">", ">="):
        wants_high = exc.op in (">", ">=")
        if wants_high != (ind.direction == "higher"):
            sink.error("R0409", f"`{ind.name.name}` is {ind.direction}-is-better, but excellence is `{exc.op} {exc.value.text}`",
                       exc.span, "points the other way",
                       help=f"write `excellent at {'>=' if ind.direction == 'higher' else '<='} {exc.value.text}`")
    _want_provenance(syms, exc.provenance, exc.span, f"the excellence threshold of `{ind.name.name}`", sink)


# --- dimensions and weights ------------------------------------------------------------------

def _check_dimensions(syms: Symbols, sink: Sink) -> None:
    for dim in syms.dimensions.values():
        for member in dim.members:
            if member.name not in syms.indicators:
                sink.error("R0201", f"`{member.name}` is not an indicator", member.span, "unknown indicator",
                           help=did_you_mean(member.name, syms.indicators))
        if dim.weight.unit != "percent":
            sink.error("R0302", "a weight is a percentage", dim.weight.span, "not a percentage")
        _want_provenance(syms, dim.provenance, dim.weight.span, f"the weight of `{dim.name.name}`", sink)


def _weighted_dimensions(syms: Symbols) -> list[str]:
    total = syms.totals[0] if syms.totals else None
    return [m.name for m in total.members] if total else []


def _check_weights(syms: Symbols, sink: Sink) -> None:
    dims = _weighted_dimensions(syms)
    known = [d for d in dims if d in syms.dimensions]
    if known and len(known) == len(dims):
        total = sum(syms.dimensions[d].weight.value for d in known)
        if abs(total - 1) > _WEIGHT_TOLERANCE:
            sink.error("R0401", f"the dimension weights sum to {total * 100:g}%, not 100%",
                       syms.dimensions[known[0]].weight.span, "weights of the total score",
                       notes=tuple(f"{d}: {syms.dimensions[d].weight.text}" for d in known),
                       help="make the weights add up to 100%")
    for variant in syms.weights:
        _check_variant(variant, dims, syms, sink)


def _check_variant(variant: ast.WeightsDecl, dims: list[str], syms: Symbols, sink: Sink) -> None:
    col = syms.column(syms.entity, variant.attribute.name)
    if col is None or col.type != "label":
        sink.error("R0203", f"`{variant.attribute.name}` is not a label column of `{syms.entity}`",
                   variant.attribute.span, "cannot vary weights by it", help="vary weights by a label such as `region`")
    else:
        allowed = [v.name for v in col.values]
        for value in variant.values:
            if value.name not in allowed:
                sink.error("R0206", f"`{value.name}` is not a value of `{variant.attribute.name}`", value.span,
                           "unknown value", help=did_you_mean(value.name, allowed) or f"the values are: {', '.join(allowed)}")
    named = [item.name.name for item in variant.items]
    for item in variant.items:
        if item.name.name not in dims:
            sink.error("R0201", f"`{item.name.name}` is not a dimension of the total score", item.name.span,
                       "unknown dimension", help=did_you_mean(item.name.name, dims))
    missing = [d for d in dims if d not in named]
    if missing:
        sink.error("R0411", f"this weight variant gives no weight to {', '.join(f'`{m}`' for m in missing)}",
                   variant.attribute.span, "incomplete", help="give every dimension of the total score a weight")
    total = sum(item.weight.value for item in variant.items)
    if abs(total - 1) > _WEIGHT_TOLERANCE:
        sink.error("R0401", f"the weights for {variant.attribute.name} in ({', '.join(v.name for v in variant.values)}) "
                   f"sum to {total * 100:g}%, not 100%", variant.items[0].weight.span if variant.items else variant.span,
                   "weights of this variant", help="make the weights add up to 100%")
    _want_provenance(syms, variant.provenance, variant.attribute.span, "this weight variant", sink)


def _check_total(syms: Symbols, sink: Sink) -> None:
    if syms.header is None:
        return
    if not syms.totals:
        sink.error("R0211", f"the rubric `{syms.header.name.name}` has no total score", syms.header.name.span,
                   "no score", help="add `total score = weighted mean of <dimensions>` or `total score = <expression>`")
        return
    total = syms.totals[0]
    for member in total.members:
        if member.name not in syms.dimensions:
            sink.error("R0201", f"`{member.name}` is not a dimension", member.span, "unknown dimension",
                       help=did_you_mean(member.name, syms.dimensions))
    if total.expr is not None:
        t = infer(total.expr, Ctx(level="merchant", phase="total"), syms, sink)
        if t is not None and t not in NUMERIC | {"share"}:
            sink.error("R0304", f"the total score must be a number, not {describe(t)}", total.expr.span, "not a number")


def _check_deductions(syms: Symbols, sink: Sink) -> None:
    for ded in syms.deductions.values():
        if ded.amount.unit != "number":
            sink.error("R0302", "a deduction is a number of points", ded.amount.span, "not points")
        check_population(ded.population, syms, sink)
        _want_provenance(syms, ded.provenance, ded.amount.span, f"deduction `{ded.name.name}`", sink)


def _check_clamps(syms: Symbols, sink: Sink) -> None:
    for clamp in syms.clamps:
        if clamp.low is not None and clamp.high is not None and clamp.low.value > clamp.high.value:
            sink.error("R0408", f"cannot clamp to {clamp.low.text} .. {clamp.high.text}: the range is empty",
                       clamp.span, "empty range", help=f"write `clamp score to {clamp.high.text} .. {clamp.low.text}`")
        _want_provenance(syms, clamp.provenance, clamp.span, "the clamp", sink)
    if len(syms.clamps) > 1:
        sink.error("R0204", "the score is clamped twice", syms.clamps[1].span, "second clamp")


# --- tiers, statuses, consequences, outputs -----------------------------------------------------

def _threshold(rule: ast.RuleDecl):
    """(subject text, op, value) for a row `when <subject> >= <number>`; else None."""
    cond = rule.when
    if cond is None or cond.kind != "compare" or cond.right.kind != "number" or cond.op not in ("<", "<=", ">", ">="):
        return None
    left = cond.left
    key = left.name if left.kind == "name" else ("score" if left.kind == "score_ref" and left.of is None else None)
    return (key, cond.op, cond.right.value) if key else None


def _check_rule_table(rows: list[ast.RuleDecl], kind: str, syms: Symbols, sink: Sink) -> None:
    phase = "tier" if kind == "tier" else "status"
    otherwise = None
    for row in rows:
        if otherwise is not None:
            sink.error("R0405", f"{kind} `{row.name.name}` can never match: `{otherwise.name.name}` above it is `otherwise`",
                       row.name.span, "unreachable", help=f"move `{otherwise.name.name}` to the end")
        if row.when is None:
            otherwise = otherwise or row
            continue
        t = infer(row.when, Ctx(level="merchant", phase=phase), syms, sink)
        if t is not None and t != "bool":
            sink.error("R0303", f"expected a yes/no condition, found {describe(t)}", row.when.span, "not a condition")
        if syms.header is not None and syms.header.source and row.provenance is None and _threshold(row):
            _want_provenance(syms, None, row.when.span, f"the threshold of {kind} `{row.name.name}`", sink)
    _check_order(rows, kind, sink)
    if rows and otherwise is None and kind == "tier":
        sink.error("R0406", f"some merchants match no {kind}: the last row is not `otherwise`", rows[-1].name.span,
                   "not exhaustive", help=f"end the table with `{kind} <name> otherwise`")


def _check_order(rows: list[ast.RuleDecl], kind: str, sink: Sink) -> None:
    seen: list[tuple[ast.RuleDecl, tuple]] = []
    for row in rows:
        th = _threshold(row)
        if th is None:
            continue
        for prev, pth in seen:
            if pth[0] != th[0]:
                continue
            upward = th[1] in (">", ">=")
            if upward != (pth[1] in (">", ">=")):
                continue
            covered = th[2] >= pth[2] if upward else th[2] <= pth[2]
            if covered and (th[2] != pth[2] or th[1] == pth[1] or th[1] in (">", "<")):
                sink.error("R0404", f"{kind}s out of order: `{row.name.name}` ({th[0]} {th[1]} {th[2]:g}) comes after "
                           f"`{prev.name.name}` ({pth[0]} {pth[1]} {pth[2]:g}), which already takes every such merchant",
                           row.when.span, "never reached",
                           help=f"list {kind}s from the best down: the highest threshold first")
                break
        seen.append((row, th))


def _check_rules(syms: Symbols, sink: Sink) -> None:
    _check_rule_table(list(syms.tiers.values()), "tier", syms, sink)
    _check_rule_table(list(syms.statuses.values()), "status", syms, sink)


def _check_consequences(syms: Symbols, sink: Sink) -> None:
    for cons in syms.consequences.values():
        ctx = Ctx(level="merchant", phase="consequence", self_name=cons.name.name)
        t = infer(cons.when, ctx, syms, sink)
        if t is not None and t != "bool":
            sink.error("R0303", f"expected a yes/no condition, found {describe(t)}", cons.when.span, "not a condition")
        if cons.history is not None:
            if cons.history.count < 1:
                sink.error("R0408", "the run of assessments needs at least one", cons.history.span, "empty run")
        if cons.charge is not None:
            c = infer(cons.charge.amount, ctx, syms, sink)
            if c is not None and c not in NUMERIC:
                sink.error("R0304", f"a charge is an amount, not {describe(c)}", cons.charge.amount.span, "not an amount")
            if cons.charge.output.name in syms.outputs:
                sink.error("R0204", f"the output `{cons.charge.output.name}` is defined twice", cons.charge.output.span)
        _want_provenance(syms, cons.provenance, cons.name.span, f"consequence `{cons.name.name}`", sink)


def _check_outputs(syms: Symbols, sink: Sink) -> None:
    for out in syms.outputs.values():
        infer_measure(out.measure, syms, sink, "output", out.name.name)
        if out.when is not None:
            t = infer(out.when, Ctx(level="merchant", phase="output"), syms, sink)
            if t is not None and t != "bool":
                sink.error("R0303", f"expected a yes/no condition, found {describe(t)}", out.when.span, "not a condition")


# --- translations ----------------------------------------------------------------------------

def _titled(syms: Symbols):
    if syms.header is not None:
        yield "rubric", syms.header.name, syms.header.title
    for kind, registry in (("indicator", syms.indicators), ("dimension", syms.dimensions), ("value", syms.values),
                           ("deduction", syms.deductions), ("tier", syms.tiers), ("status", syms.statuses),
                           ("consequence", syms.consequences), ("output", syms.outputs)):
        for decl in registry.values():
            yield kind, decl.name, decl.title


def _check_titles(syms: Symbols, sink: Sink) -> None:
    for kind, name, title in _titled(syms):
        if title is None:
            sink.warning("R0501", f"{kind} `{name.name}` has no title", name.span, "untitled",
                         help=f'add a title after the name: {kind} {name.name} "English" | "中文"')
        elif not title.en or not title.zh:
            missing = "Chinese" if not title.zh else "English"
            sink.warning("R0501", f"{kind} `{name.name}` has no {missing} title", title.span, f"no {missing}",
                         help='titles are written "English" | "中文"')
