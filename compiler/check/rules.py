"""Structural checks of declarations: tables, windows, curves, weights, rules, translations.

Input: `Symbols` (AST declarations). Output: diagnostics appended to the sink.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rubric.check.symbols import Symbols, did_you_mean, report_absent
from rubric.check.types import (
    Ctx, NUMERIC, check_group, check_population, describe, infer, infer_measure, resolve_table,
)
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
        except (ValueError, OverflowError):
            return None
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError, OSError):   # e.g. a folder of zones, or a name too long
        return None


def check_declarations(syms: Symbols, sink: Sink) -> None:
    for check in (_check_literals, _check_header, _check_tables, _check_windows, _check_values, _check_indicators,
                  _check_dimensions, _check_weights, _check_total, _check_deductions, _check_clamps,
                  _check_rules, _check_consequences, _check_outputs, _check_titles, _check_bands, _check_gates,
                  _check_unused_conditions):
        check(syms, sink)


# Durations up to ~31,000 years and numbers below 1e15: beyond that a literal is a typo.
_MAX_MICROS = 1e18
_MAX_NUMBER = 1e15


def _all_items(syms: Symbols):
    yield from (t for t in syms.tables.values())
    for registry in (syms.windows, syms.conditions, syms.values, syms.indicators, syms.dimensions, syms.deductions,
                     syms.tiers, syms.statuses, syms.consequences, syms.outputs, syms.gates):
        yield from registry.values()
    yield from syms.weights
    yield from syms.totals
    yield from syms.clamps
    yield from syms.bands
    if syms.header is not None:
        yield syms.header


def _check_literals(syms: Symbols, sink: Sink) -> None:
    import math

    from rubric.tree import walk as _walk

    for item in _all_items(syms):
        for node in _walk(item):
            if getattr(node, "kind", None) != "number":
                continue
            limit = _MAX_MICROS if node.unit == "duration" else _MAX_NUMBER
            if not math.isfinite(node.value) or abs(node.value) >= limit:
                sink.error("R0104", f"`{node.text}` is too large", node.span, "too large",
                           help="durations are at most a few centuries and numbers below 10^15")
        history = getattr(item, "history", None)
        if history is not None and history.count > 120:
            sink.error("R0408", f"a run of {history.count} assessments is too long (at most 120)", history.span,
                       "too long", help="count the assessments the rule means, e.g. `the last 3 weekly assessments`")


def _check_unused_conditions(syms: Symbols, sink: Sink) -> None:
    """A condition nobody uses is checked in the context its names fit best (a typo still shows)."""
    from rubric.tree import walk as _walk

    for name, decl in syms.conditions.items():
        if name in syms.used_conditions:
            continue
        names = {n.name for n in _walk(decl.expr) if getattr(n, "kind", None) == "name"}
        best = max(syms.tables.values(), key=lambda t: len(names & {c.name.name for c in t.columns}), default=None)
        fits = best is not None and names & {c.name.name for c in best.columns}
        ctx = Ctx(level="row", table=best.name.name) if fits else Ctx(level="merchant", phase="output")
        infer(decl.expr, ctx, syms, sink)


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
        sink.error("R0408", "the scale's lower end must be below its upper end", header.scale_span, "empty scale",
                   help=f"write `scale {header.scale[1]:g} to {header.scale[0]:g}`")


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
        for ref, kind, clause in ((table.created_by, "timestamp", "created at"),
                                  (table.excluded_by, "bool", "leave out rows where")):
            if ref is None:
                continue
            col = next((c for c in table.columns if c.name.name == ref.name), None)
            if col is None:
                sink.error("R0203", f"`{ref.name}` is not a column of `{table.name.name}`", ref.span,
                           "unknown column", help=did_you_mean(ref.name, names))
            elif col.type != kind:
                sink.error("R0301", f"`{ref.name}` is {col.type}; `{clause}` needs a {kind} column", ref.span,
                           f"not a {kind}", help=f"declare `{ref.name}` as {kind} or name a {kind} column")
        for key in table.key:
            if key.name not in names:
                sink.error("R0203", f"key `{key.name}` is not a column of `{table.name.name}`", key.span,
                           "unknown column", help=did_you_mean(key.name, names))


def _check_windows(syms: Symbols, sink: Sink) -> None:
    for window in syms.windows.values():
        if window.shape == "last":
            if window.length.unit != "duration" or window.length.value <= 0:
                sink.error("R0302", "a window's length is a positive duration", window.length.span,
                           "not positive" if window.length.unit == "duration" else "not a duration",
                           help="e.g. `window recent = last 30 days`")
        elif not (1 <= window.first_day <= window.last_day):
            sink.error("R0408", f"`days {window.first_day}..{window.last_day} ago` is an empty range",
                       window.spec_span or window.span, "empty range",
                       help="the first day is the nearer one: `days 15..104 ago`")
        _want_provenance(syms, window.provenance, window.span, f"window `{window.name.name}`", sink)


def _want_provenance(syms: Symbols, prov, span, what: str, sink: Sink) -> None:
    if prov is None and syms.header is not None and syms.header.source:
        sink.warning("R0502", f"{what} has no provenance mark", span, "unmarked",
                     help="end the line with [confirmed] or [illustrative]")


# --- values and indicators -----------------------------------------------------------------

def _check_values(syms: Symbols, sink: Sink) -> None:
    for value in syms.values.values():
        # a value may use anything computed before it; where it is used is checked there
        infer_measure(value.measure, syms, sink, "output", value.name.name)


_CURVE_UNITS = {"share": "percent", "duration": "duration"}


def _check_indicators(syms: Symbols, sink: Sink) -> None:
    for ind in syms.indicators.values():
        for span in ind.repeated:
            sink.error("R0204", f"indicator `{ind.name.name}` says this twice", span, "said again",
                       help="keep one line for each of: direction, excellence, score, no-sample rule")
        vtype = infer_measure(ind.measure, syms, sink, "value", ind.name.name)
        if vtype is None:
            continue
        if vtype not in NUMERIC | {"share", "duration", "bool"}:
            sink.error("R0304", f"an indicator measures a number, a share, a duration or a yes/no, not {describe(vtype)}",
                       ind.measure.span, "not measurable")
            continue
        _check_score_rule(ind, vtype, syms, sink)
        if ind.excellent is not None:
            _check_excellent(ind, vtype, syms, sink)


def _text(value) -> str:
    return value.text if value.kind == "number" else ("yes" if value.value else "no")


def _check_score_rule(ind: ast.IndicatorDecl, vtype: str, syms: Symbols, sink: Sink) -> None:
    if ind.curve is None and ind.ranked is None:
        sink.error("R0407", f"indicator `{ind.name.name}` has no score rule", ind.name.span, "no score",
                   help="add a curve such as `score 80% -> 1, 98% -> 5`, or a rank: "
                        "`score 10 × percentile among open merchants of the same category`")
        return
    if ind.curve is not None and ind.ranked is not None:
        sink.error("R0414", f"indicator `{ind.name.name}` has both a curve and a rank", ind.ranked.span,
                   "second score rule", help="keep one `score` line")
    if ind.curve is not None:
        _check_curve(ind, vtype, syms, sink)
        for extra in (ind.min_group, ind.floor_value):
            if extra is not None:
                sink.error("R0414", "this rule applies to ranked scores only", extra.span, "no rank here",
                           help="score the indicator with `score 10 × percentile among ...`")
        return
    _check_rank(ind, vtype, syms, sink)


def _check_rank(ind: ast.IndicatorDecl, vtype: str, syms: Symbols, sink: Sink) -> None:
    """`score F × percentile among open merchants ...` and its floor rule."""
    ranked = ind.ranked
    if ind.direction is None:
        sink.error("R0414", f"`{ind.name.name}` is ranked, but does not say which way is better", ranked.span,
                   "which end ranks first?",
                   help=f"add `higher is better` (or `lower is better`) under `indicator {ind.name.name}`")
    check_group(ranked.among, ranked.entity, ranked.same, syms, sink,
                groups=("open",) if ranked.among.name != "rated" else ("rated", "open"))
    if ranked.among.name == "rated":
        sink.error("R0414", "an indicator is ranked among open merchants: who is rated is known only after the total "
                   "score", ranked.among.span, "not known yet",
                   help="write `among open merchants`")
    if ranked.factor.unit != "number":
        sink.error("R0302", "a rank is scaled by a plain number, as in `score 10 × percentile ...`",
                   ranked.factor.span, "not a number")
    elif ranked.factor.value <= 0:
        _factor_not_positive(ind, sink)
    if vtype not in NUMERIC | {"share", "duration"}:
        sink.error("R0304", f"a percentile ranks numbers, not {describe(vtype)}", ind.measure.span, "not a number")
    if ind.floor_value is not None:
        _check_floor(ind, vtype, sink)


def _factor_not_positive(ind: ast.IndicatorDecl, sink: Sink) -> None:
    factor = ind.ranked.factor
    if factor.value == 0:
        message = "`score 0 × percentile` gives every merchant 0"
        help_ = "write the best merchant's score: `score 10 × percentile`"
    else:
        message = f"`score {factor.text} × percentile` gives the best merchants the lowest scores"
        help_ = (f"the percentile already follows `{ind.direction or 'higher'} is better`: "
                 f"write `score {factor.text.lstrip('-')} × percentile`")
    sink.error("R0403", message, factor.span, "not above 0", help=help_)


def _check_floor(ind: ast.IndicatorDecl, vtype: str, sink: Sink) -> None:
    floor, factor = ind.floor_value, ind.ranked.factor
    if floor.value.unit != {"share": "percent", "duration": "duration"}.get(vtype, "number"):
        sink.error("R0302", f"`{ind.name.name}` is {describe(vtype)}: compare it with {_unit_hint(vtype)}",
                   floor.value.span, "wrong unit")
    worst_side = floor.op in (("<", "<=") if ind.direction != "lower" else (">", ">="))
    if worst_side and factor.unit == "number" and floor.score.value > factor.value > 0:
        sink.error("R0403", f"`a value {floor.op} {floor.value.text}` is the worst end, but scores {floor.score.text}, "
                   f"above the best rank ({factor.text})", floor.score.span, "above the best score",
                   help=f"score the worst end at most {factor.text}, e.g. `a value {floor.op} {floor.value.text} "
                        "scores 0`")


def _point_unit_ok(x, vtype: str) -> bool:
    if vtype == "bool":
        return x.kind == "bool"
    if x.kind == "bool":
        return False
    return x.unit == _CURVE_UNITS.get(vtype, "number")


def _unit_hint(vtype: str) -> str:
    return {"share": "percentages such as 95%", "duration": "durations such as 48 h",
            "bool": "yes or no"}.get(vtype, "plain numbers")


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


def _check_excellent(ind: ast.IndicatorDecl, vtype: str, syms: Symbols, sink: Sink) -> None:
    exc = ind.excellent
    if not _point_unit_ok(exc.value, vtype):
        sink.error("R0302", f"`{ind.name.name}` is {describe(vtype)}: its threshold must be written as {_unit_hint(vtype)}",
                   exc.value.span, "wrong unit")
    if ind.direction is not None and exc.op in ("<", "<=", ">", ">="):
        wants_high = exc.op in (">", ">=")
        if wants_high != (ind.direction == "higher"):
            sink.error("R0409", f"`{ind.name.name}` is {ind.direction}-is-better, but excellence is `{exc.op} {_text(exc.value)}`",
                       exc.op_span or exc.span, "points the other way",
                       help=f"write `excellent at {'>=' if ind.direction == 'higher' else '<='} {_text(exc.value)}`")
    _want_provenance(syms, exc.provenance, exc.span, f"the excellence threshold of `{ind.name.name}`", sink)


# --- dimensions and weights ------------------------------------------------------------------

def _check_dimensions(syms: Symbols, sink: Sink) -> None:
    for dim in syms.dimensions.values():
        if dim.member_weights:
            total = sum(w.weight.value for w in dim.member_weights)
            if abs(total - 1) > _WEIGHT_TOLERANCE:
                sink.error("R0401", f"the weights in `{dim.name.name}` sum to {total * 100:g}%, not 100%",
                           dim.member_weights[0].weight.span, "weights of this dimension",
                           help="make the weights add up to 100%")
        seen: set[str] = set()
        for member in dim.members:
            if member.name in seen:
                sink.error("R0204", f"`{member.name}` is listed twice in `{dim.name.name}`", member.span,
                           "listed again", help="list each indicator once")
            seen.add(member.name)
            if member.name not in syms.indicators and not report_absent(member, syms, sink):
                sink.error("R0201", f"`{member.name}` is not an indicator", member.span, "unknown indicator",
                           help=did_you_mean(member.name, syms.indicators))
        if dim.weight is not None:
            _want_provenance(syms, dim.provenance, dim.weight.span, f"the weight of `{dim.name.name}`", sink)


def _weighted_dimensions(syms: Symbols) -> list[str]:
    total = syms.totals[0] if syms.totals else None
    return [m.name for m in total.members] if total else []


def _check_weights(syms: Symbols, sink: Sink) -> None:
    dims = _weighted_dimensions(syms)
    known = [d for d in dims if d in syms.dimensions]
    unweighted = [d for d in known if syms.dimensions[d].weight is None]
    for d in unweighted:
        sink.error("R0201", f"dimension `{d}` has no weight", syms.dimensions[d].name.span, "no weight",
                   help=f"give it one: `dimension {d} weight 40%`")
    if known and len(known) == len(dims) and not unweighted:
        total = sum(syms.dimensions[d].weight.value for d in known)
        if abs(total - 1) > _WEIGHT_TOLERANCE:
            sink.error("R0401", f"the dimension weights sum to {total * 100:g}%, not 100%",
                       syms.dimensions[known[0]].weight.span, "weights of the total score",
                       notes=tuple(f"{d}: {syms.dimensions[d].weight.text}" for d in known),
                       help="make the weights add up to 100%")
    covered: dict[tuple[str, str], ast.Name] = {}
    for variant in syms.weights:
        _check_variant(variant, dims, syms, sink)
        for value in variant.values:
            key = (variant.attribute.name, value.name)
            if key in covered:
                sink.error("R0204", f"`{value.name}` has two weight variants", value.span, "second variant",
                           help=f"list `{value.name}` in one `weights for {variant.attribute.name} in (...)` only")
            covered.setdefault(key, value)


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
        if member.name not in syms.dimensions and not report_absent(member, syms, sink):
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
                       clamp.low.span.merge(clamp.high.span), "empty range", help=f"write `clamp score to {clamp.high.text} .. {clamp.low.text}`")
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
        _check_against_scale(row, kind, syms, sink)
    _check_order(rows, kind, sink)
    if rows and otherwise is None and kind == "tier":
        sink.error("R0406", f"some merchants match no {kind}: the last row is not `otherwise`", rows[-1].name.span,
                   "not exhaustive", help=f"end the table with `{kind} <name> otherwise`")


def _check_against_scale(row: ast.RuleDecl, kind: str, syms: Symbols, sink: Sink) -> None:
    th = _threshold(row)
    scale = syms.header.scale if syms.header else None
    if th is None or th[0] != "score" or scale is None:
        return
    _, op, value = th
    never = (op == ">=" and value > scale[1]) or (op == ">" and value >= scale[1]) \
        or (op == "<=" and value < scale[0]) or (op == "<" and value <= scale[0])
    if never:
        sink.error("R0405", f"{kind} `{row.name.name}` can never match: the score runs from {scale[0]:g} to {scale[1]:g}",
                   row.when.span, "outside the scale", help="check the threshold against the rubric's `scale`")


def _conjuncts(cond) -> list:
    return list(cond.operands) if cond.kind == "logic" and cond.op == "and" else [cond]


def _subject(expr) -> str | None:
    if expr.kind == "name":
        return expr.name
    if expr.kind == "score_ref":
        return "score" if expr.of is None else f"score of {expr.of.name}"
    return None


def _implies(strong, weak) -> bool:
    """Does the condition `strong` imply `weak` (both single conjuncts)?"""
    from rubric.check.versions import _fingerprint

    if _fingerprint(strong) == _fingerprint(weak):
        return True
    if strong.kind != "compare" or weak.kind != "compare" or strong.right.kind != "number" or weak.right.kind != "number":
        return False
    if _subject(strong.left) is None or _subject(strong.left) != _subject(weak.left):
        return False
    a, b = strong.right.value, weak.right.value
    if weak.op in (">=", ">") and strong.op in (">=", ">", "="):
        return a > b or (a == b and (weak.op == ">=" or strong.op == ">"))
    if weak.op in ("<=", "<") and strong.op in ("<=", "<", "="):
        return a < b or (a == b and (weak.op == "<=" or strong.op == "<"))
    return False


def _check_implied_rows(rows: list[ast.RuleDecl], kind: str, sink: Sink) -> bool:
    """A row is never reached when an earlier row's every condition follows from its own."""
    found = False
    for j, row in enumerate(rows):
        if row.when is None or _threshold(row) is not None:
            continue
        mine = _conjuncts(row.when)
        for earlier in rows[:j]:
            if earlier.when is None:
                break
            if all(any(_implies(m, w) for m in mine) for w in _conjuncts(earlier.when)):
                sink.error("R0404", f"{kind}s out of order: `{row.name.name}` comes after `{earlier.name.name}`, "
                           f"which takes every merchant that meets `{row.name.name}`'s conditions",
                           row.name.span, "never reached", help=f"list {kind}s from the best down")
                found = True
                break
    return found


def _check_order(rows: list[ast.RuleDecl], kind: str, sink: Sink) -> None:
    _check_implied_rows(rows, kind, sink)
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


# --- bands and gates ----------------------------------------------------------------------------

def _check_bands(syms: Symbols, sink: Sink) -> None:
    scale = syms.header.scale if syms.header else None
    for bands in syms.bands:
        check_group(bands.among, bands.entity, bands.same, syms, sink)
        rows = list(bands.rows)
        names: set[str] = set()
        tiled = True        # report the first tiling problem only: later ones follow from it
        for i, row in enumerate(rows):
            _check_band_row(row, scale, sink)
            if row.name.name in names:
                sink.error("R0204", f"band `{row.name.name}` is declared twice", row.name.span, "declared again")
            names.add(row.name.name)
            if i < len(rows) - 1:
                _check_band_reaches_next(row, rows[i + 1], sink)
            tiled = _check_band_tiles(rows, i, scale, tiled, sink)
        if rows and all(row.op is not None for row in rows):    # an `otherwise` row higher up is said already
            sink.error("R0406", "some merchants fall in no band: the last band is not `otherwise`",
                       rows[-1].name.span, "not exhaustive", help="end the bands with `band <name> otherwise ...`")


def _check_band_row(row: ast.BandRow, scale, sink: Sink) -> None:
    """One band on its own: a lower-bound percentile between 0% and 100%, inside the scale."""
    if row.op is not None and row.op not in (">=", ">"):
        sink.error("R0412", f"band `{row.name.name}` must be reached from a percentile and up: "
                   f"write `at >= {row.threshold.text}`", row.threshold.span, "not a lower bound",
                   help="bands are listed from the best down, each `at >= <percentile>`")
    if row.threshold is not None and row.threshold.value > 1:
        sink.error("R0408", f"band `{row.name.name}` starts at the {row.threshold.text} percentile, but percentiles "
                   "run from 0% to 100%", row.threshold.span, "above 100%",
                   help="a percentile is the share of merchants at or below the score: `at >= 90%` is the top tenth")
    if scale is not None and (row.low.value < scale[0] or row.high.value > scale[1]):
        sink.error("R0412", f"band `{row.name.name}` runs outside the scale {scale[0]:g} to {scale[1]:g}",
                   row.low.span.merge(row.high.span), "outside the scale",
                   help="keep every band inside the rubric's `scale`")


def _check_band_reaches_next(row: ast.BandRow, below: ast.BandRow, sink: Sink) -> None:
    """A band that takes every merchant left leaves nothing for the band below it."""
    if row.op is None:
        help_ = (f"only the last band is `otherwise`: give `{row.name.name}` a percentile, `at >= ...`"
                 if below.op is None else f"`otherwise` takes every merchant left: make `{row.name.name}` the last band")
        sink.error("R0405", f"band `{below.name.name}` can never be reached: `{row.name.name}` above it "
                   "is `otherwise`", below.name.span, "unreachable", help=help_)
    elif row.threshold.value <= 0:      # a percentile (cume_dist) is always above 0%
        sink.error("R0405", f"band `{below.name.name}` can never be reached: `{row.name.name}` above it takes every "
                   f"merchant (`at {row.op} {row.threshold.text}`)", below.name.span, "unreachable",
                   help=f"give `{row.name.name}` a percentile above 0%, or make it the last band, `otherwise`")


def _check_band_tiles(rows: list[ast.BandRow], i: int, scale, tiled: bool, sink: Sink) -> bool:
    """Row `i` against the row above it: non-empty, a lower percentile, and (while the rows above
    tile) ending where that row starts. Returns whether the rows still tile."""
    row, above = rows[i], rows[i - 1] if i else None
    if row.low.value >= row.high.value:
        sink.error("R0408", f"band `{row.name.name}` runs from {row.low.text} to {row.high.text}: empty",
                   row.low.span.merge(row.high.span), "empty band", help=_empty_band_help(rows, i, scale))
        tiled = False
    if above is not None and above.op is not None and row.op is not None \
            and row.threshold.value >= above.threshold.value:
        sink.error("R0412", f"band `{row.name.name}` ({row.threshold.text}) must have a lower percentile than "
                   f"`{above.name.name}` ({above.threshold.text})", row.threshold.span,
                   "out of order", help="list bands from the best down")
        tiled = False
    if not tiled or above is None or above.op is None:   # below an `otherwise` row: unreachable, said already
        return tiled and above is None
    if row.high.value != above.low.value:
        gap = "overlaps" if row.high.value > above.low.value else "leaves a gap below"
        sink.error("R0412", f"band `{row.name.name}` ends at {row.high.text} but `{above.name.name}` "
                   f"starts at {above.low.text}: it {gap} it", row.high.span, gap,
                   help=f"end `{row.name.name}` at {above.low.text}")
        return False
    return True


def _empty_band_help(rows: list[ast.BandRow], i: int, scale) -> str:
    row = rows[i]
    if row.low.value > row.high.value:
        return f"write `from {row.high.text} to {row.low.text}`"
    decimals = len(row.high.text.partition(".")[2])
    low = rows[i + 1].high.text if i + 1 < len(rows) else (f"{scale[0]:.{decimals}f}" if scale else None)
    high = rows[i - 1].low.text if i else (f"{scale[1]:.{decimals}f}" if scale else None)
    if low is None or high is None or low == high:
        return "a band runs from its lowest score to a higher one"
    return f"a band runs from its lowest score to a higher one: `from {low} to {high}` meets its neighbours"


def _check_gates(syms: Symbols, sink: Sink) -> None:
    rows = [r.name.name for b in syms.bands for r in b.rows]
    for gate in syms.gates.values():
        if not syms.bands:
            sink.error("R0208", f"gate `{gate.name.name}` moves merchants between bands, but no bands are declared",
                       gate.name.span, "no bands", help="declare `bands by percentile among ...` first")
            continue
        listed: set[str] = set()
        for band in gate.bands:
            if band.name in listed:
                sink.error("R0204", f"`{band.name}` is listed twice in gate `{gate.name.name}`", band.span,
                           "listed again", help="list each band once")
            listed.add(band.name)
            if band.name not in rows:
                sink.error("R0208", f"`{band.name}` is not a band", band.span, "unknown band",
                           help=did_you_mean(band.name, rows) or f"the bands are: {', '.join(dict.fromkeys(rows))}")
            elif band.name == rows[-1]:
                sink.error("R0412", f"`{band.name}` is the lowest band: there is no band below it", band.span,
                           "nothing below")
        t = infer(gate.when, Ctx(level="merchant", phase="total"), syms, sink)
        if t is not None and t != "bool":
            sink.error("R0303", f"expected a yes/no condition, found {describe(t)}", gate.when.span, "not a condition")


# --- translations ----------------------------------------------------------------------------

def _titled(syms: Symbols):
    if syms.header is not None:
        yield "rubric", syms.header.name, syms.header.title
    for kind, registry in (("indicator", syms.indicators), ("dimension", syms.dimensions), ("value", syms.values),
                           ("deduction", syms.deductions), ("tier", syms.tiers), ("status", syms.statuses),
                           ("consequence", syms.consequences), ("output", syms.outputs)):
        for decl in registry.values():
            yield kind, decl.name, decl.title


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _check_titles(syms: Symbols, sink: Sink) -> None:
    for kind, name, title in _titled(syms):
        if title is None:
            sink.warning("R0501", f"{kind} `{name.name}` has no title", name.span, "untitled",
                         help=f'add a title after the name: {kind} {name.name} "English" | "中文"')
        elif title.en and title.zh and _has_cjk(title.en) and not _has_cjk(title.zh):
            sink.warning("R0501", f"{kind} `{name.name}` has its titles the wrong way round", title.span,
                         "Chinese first", help=f'write the English title first: "{title.zh}" | "{title.en}"')
        elif not title.en or not title.zh:
            missing = "Chinese" if not title.zh else "English"
            sink.warning("R0501", f"{kind} `{name.name}` has no {missing} title", title.span, f"no {missing}",
                         help='titles are written "English" | "中文"')
