"""Explanations on the SQL path: the trace of one merchant rebuilt from the query's
intermediate columns (numerators, denominators, used weights, ranks, bands, past assessments).

Input: an `ir.Program` (one version), one row of `build_query(..., explain=True)` and the
as-of. Output: a `Step` tree shaped like the reference evaluator's, so `explain_tree` renders
it and tests can compare the two. Every number comes from SQL; only the wording of the
explanation (which curve segment, which rule row was tried) is derived here.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from rubric.backends.reference.evaluate import COMPARE, DISPLAY_UNIT, curve_score, first_unmet, window_bounds
from rubric.backends.reference.trace import Step
from rubric.backends.sql.from_ir import column_name
from rubric.ir import nodes as ir

__all__ = ["explain_all", "explain_merchant", "trace_from_row"]


def _env(program: ir.Program, row: dict) -> dict:
    """The merchant-level values the rules read, keyed as the reference evaluator keys them."""
    merchant = {c.name: row.get(f"m.{c.name}") for c in next(t for t in program.data.tables
                                                           if t.name == program.data.entity).columns}
    env: dict[Any, Any] = {"__merchant__": merchant, "__open__": row.get("status") != "not_open"}
    for ind in program.indicators:
        env[("indicator_value", ind.name)] = row.get(column_name("indicator_value", ind.name))
        env[("indicator_score", ind.name)] = row.get(column_name("indicator_score", ind.name))
    for d in program.dimensions:
        env[("dimension", d.name)] = row.get(f"dim.{d.name}")
    for v in program.values:
        env[("value", v.name)] = row.get(column_name("value", v.name))
    for o in program.outputs:
        env[("output", o.name)] = row.get(o.name)
    env[("score", "score")] = row.get("score")
    env[("raw", "raw")] = row.get("raw_score")
    env[("tier", "tier")] = row.get("tier")
    env[("status", "status")] = row.get("status")
    for c in program.consequences:
        env[("consequence", c.name)] = c.name in (row.get("consequences") or "").split(";")
    return env


def _measure_details(program: ir.Program, measure: ir.Measure, row: dict, key: str, as_of: date) -> dict:
    """Counts from the query; the window bounds from the rubric and the as-of."""
    details: dict[str, Any] = {"definition": measure.text}
    for name in ("num", "den", "excluded", "count", "promoters", "detractors", "sum"):
        if key + name in row:
            details[{"num": "numerator", "den": "denominator"}.get(name, name)] = row[key + name]
    if measure.kind == "mean" and not details.get("count"):
        details.pop("sum", None)                     # a mean of nothing has no sum (as the reference says)
    if measure.kind == "lowest":
        details.update({"in_force_at_start": row.get(key + "at_start"), "rows_in_window": row.get(key + "in_window"),
                        "default": measure.default, "population": measure.population.text})
        low, high, _ = window_bounds(program, measure.population, as_of)
        details.update({"from": low, "to": high, "to_inclusive": False})
    elif measure.population is not None:
        low, high, inclusive = window_bounds(program, measure.population, as_of)
        details.update({"population": measure.population.text, "from": low, "to": high, "to_inclusive": inclusive})
    return details


def _indicator(program: ir.Program, ind: ir.Indicator, row: dict, as_of: date) -> Step:
    value = row.get(column_name("indicator_value", ind.name))
    score = row.get(column_name("indicator_score", ind.name))
    key = f"x.{ind.name}."
    details = _measure_details(program, ind.measure, row, key, as_of)
    details["score"] = score
    if ind.measure.kind == "nps":
        details["passives"] = (details.get("denominator") or 0) - details.get("promoters", 0) - details.get("detractors", 0)
    if value is None:
        details["no_sample"] = "protection score" if ind.no_sample_score is not None else "left out"
    elif ind.rank is not None:
        rank = ind.rank
        details["rank"] = {"percentile": row.get(key + "percentile"), "group_size": row.get(key + "group_size"),
                           "factor": rank.factor,
                           "group": {g: row.get(f"m.{g}") for g in rank.group} or "platform"}
        if rank.floor_op is not None and COMPARE[rank.floor_op](value, rank.floor_value):
            details["rank"]["floor"] = f"a value {rank.floor_op} {rank.floor_value:g} scores {rank.floor_score:g}"
        elif rank.min_group is not None and (row.get(key + "group_size") or 0) < rank.min_group:
            details["rank"]["fallback"] = f"group of {row.get(key + 'group_size')} < {rank.min_group}"
    elif ind.curve is not None:
        x = 1.0 if value is True else 0.0 if value is False else value
        details["curve"] = curve_score(ind.curve, x)[1]
    provenance = (ind.curve or ind.rank or ind).provenance
    return Step("indicator", ind.name, ind.title, value, DISPLAY_UNIT.get(ind.type, ""), details, provenance=provenance)


def _rules(rules, matched: str | None, parts_failed) -> list[dict]:
    tried = []
    for rule in rules:
        hit = rule.name == matched
        entry = {"name": rule.name, "condition": rule.text, "matched": hit}
        if not hit and rule.parts:
            entry["failed"] = parts_failed(rule)
        tried.append(entry)
        if hit:
            break
    return tried


def trace_from_row(program: ir.Program, row: dict, as_of: date) -> Step:
    """The explanation trace of one merchant from its row of the explain query."""
    # the attributes the rubric reads (as the reference evaluator loads them)
    read = dict(program.needs).get(program.data.entity, ())
    attributes = {k: row.get(f"m.{k}") for k in ("region", "category") if k in read and row.get(f"m.{k}") is not None}
    root = Step("merchant", row["merchant_id"], details={"as_of": as_of.isoformat(), "zone": program.zone,
                                                         "attributes": attributes, "status": row.get("status")},
                value=row.get("score"))
    if row.get("status") == "not_open":
        return root
    env = _env(program, row)
    for v in program.values:
        root.children.append(Step("value", v.name, v.title, env[("value", v.name)],
                                  DISPLAY_UNIT.get(v.measure.type, ""),
                                  _measure_details(program, v.measure, row, f"x.val.{v.name}.", as_of),
                                  provenance=v.provenance))
    indicators = {i.name: _indicator(program, i, row, as_of) for i in program.indicators}
    grouped = {m for d in program.dimensions for m in d.members}
    for d in program.dimensions:
        members = [{"name": m, "weight": w, "used_weight": row.get(f"x.{d.name}.w.{m}", w if d.member_weights else None),
                    "score": env[("indicator_score", m)]}
                   for m, w in zip(d.members, d.member_weights or [1.0] * len(d.members))]
        root.children.append(Step("dimension", d.name, d.title, row.get(f"dim.{d.name}"), "score", {"members": members},
                                  children=[indicators[m] for m in d.members], provenance=d.provenance))
    root.children += [indicators[i.name] for i in program.indicators if i.name not in grouped]
    if program.total is not None:
        _score_steps(program, row, root)
    if program.bands is not None and row.get("band") is not None:
        _band_step(program, row, root)
    _rule_steps(program, row, root, as_of, env)
    for out in program.outputs:
        details = _measure_details(program, out.measure, row, f"x.out.{out.name}.", as_of)
        if row.get(f"x.out.{out.name}.group_size") is not None:
            details["group_size"] = row[f"x.out.{out.name}.group_size"]
        root.children.append(Step("output", out.name, out.title, row.get(out.name),
                                  DISPLAY_UNIT.get(out.measure.type, ""), details, provenance=out.provenance))
    return root


def _score_steps(program: ir.Program, row: dict, root: Step) -> None:
    total = program.total
    if total.members:
        variant = next((v for v in program.weight_variants if row.get(f"m.{v.attribute}") in v.values), None)
        weights = dict(variant.weights) if variant else {d.name: d.weight for d in program.dimensions}
        members = [{"name": d, "weight": weights.get(d, 0.0), "used_weight": row.get(f"x.total.w.{d}"),
                    "score": row.get(f"dim.{d}")} for d in total.members]
        details = {"members": members, "weights_for": _variant(program, row) or "default"}
    else:
        details = {"definition": total.text}
    raw = row.get("raw_score")
    root.details["raw_score"] = raw
    root.children.append(Step("raw_score", "raw_score", total.title, raw, "score", details, provenance=total.provenance))
    after = raw
    for d in program.deductions:
        points = row.get(f"ded.{d.name}")
        root.children.append(Step("deduction", d.name, d.title, points, "score",
                                  {"count": round(points / d.amount) if points is not None and d.amount else 0,
                                   "each": d.amount, "population": d.population.text, "applied": raw is not None},
                                  provenance=d.provenance))
        after = None if after is None or points is None else after - points
    details = {"raw_score": raw, "after_deductions": None if after is None else round(after, 9)}
    if program.clamp is not None:
        details["clamp"] = (program.clamp.low, program.clamp.high)
    score = row.get("score_before_bands", row.get("score")) if program.bands is not None else row.get("score")
    root.children.append(Step("score", "score", program.title, score, "score", details,
                              provenance=program.clamp.provenance if program.clamp else None))


def _variant(program: ir.Program, row: dict) -> str | None:
    for variant in program.weight_variants:
        if row.get(f"m.{variant.attribute}") in variant.values:
            return f"{variant.attribute} in ({', '.join(variant.values)})"
    return None


def _band_step(program: ir.Program, row: dict, root: Step) -> None:
    rows = list(program.bands.rows)
    band = rows[row["final_index"]]
    details = {"percentile": row.get("band_percentile"), "group_size": row.get("band_group_size"),
               "band_from_percentile": rows[row["band_index"]].name,
               "band": band.name, "low": band.low, "high": band.high, "rank": row.get("band_rank"),
               "members": row.get("band_members"), "score_before_bands": row.get("score_before_bands")}
    if row.get("gate"):
        gate = next(g for g in program.gates if g.name == row["gate"])
        details.update(gate=gate.name, gate_condition=gate.text)
    root.children.append(Step("band", band.name, band.title, row.get("score"), "score", details,
                              provenance=program.bands.provenance))


def _rule_steps(program: ir.Program, row: dict, root: Step, as_of: date, env: dict) -> None:
    def failed(rule):
        return first_unmet(program, as_of, rule, env)

    status = row.get("status")
    tried = [] if status == "unrated" else _rules(program.statuses, status, failed)
    root.children.append(Step("status", "status", value=status, unit="label", details={"rules": tried}))
    tier = row.get("tier")
    tried = _rules(program.tiers, tier, failed)
    details: dict[str, Any] = {"rules": tried}
    position = next((i for i, t in enumerate(tried) if t["matched"]), None)
    if position and tried[position - 1].get("failed"):
        details["next_up"] = {"tier": tried[position - 1]["name"], **tried[position - 1]["failed"]}
    rule = next((r for r in program.tiers if r.name == tier), None)
    root.children.append(Step("tier", tier or "", rule.title if rule else ir.Title(), tier, "label", details,
                              provenance=rule.provenance if rule else None))
    fired = set((row.get("consequences") or "").split(";"))
    for c in program.consequences:
        runs = [{"as_of": root.details["as_of"], "score": row.get("score"), "holds": bool(row.get(f"x.cons.{c.name}"))}]
        if c.history_cadence:
            for k in range(1, c.history_count):
                prefix = f"x.past.{c.history_cadence}.{k}."
                runs.append({"as_of": row.get(prefix + "as_of"), "score": row.get(prefix + "score"),
                             "holds": bool(row.get(prefix + f"cons.{c.name}"))})
        details = {"condition": c.text, "assessments": runs}
        if c.charge is not None:
            details["charge"] = {"output": c.charge_output, "amount": row.get(c.charge_output)}
        root.children.append(Step("consequence", c.name, c.title, c.name in fired, "bool", details,
                                  provenance=c.provenance))


def _explain_rows(program: ir.Program, folder, as_of: date, merchant_id: str | None, suffix: str = "") -> list[dict]:
    from sqlglot import exp

    from rubric.backends.sql.duckdb_runner import run_sql, table_spec
    from rubric.backends.sql.from_ir import build_query
    from rubric.backends.sql.render import render

    query = build_query(program, as_of, explain=True, suffix=suffix)
    if merchant_id is not None:
        # the ranks need every merchant: filter only the final rows (the id is a quoted literal)
        query = exp.select("*").from_(exp.Subquery(this=query, alias=exp.TableAlias(this=exp.to_identifier("q")))) \
            .where(exp.EQ(this=exp.column("merchant_id", table="q"), expression=exp.Literal.string(merchant_id)))
    return run_sql(render(query, "duckdb", copy=False), table_spec(program), folder).to_pylist()


def explain_all(program: ir.Program, folder, as_of: date, merchant_id: str | None = None) -> dict[str, Step]:
    """Every merchant's explanation (or one merchant's), every number computed by DuckDB: one
    explain query (and one for the shadow version), a trace rebuilt from each row."""
    from rubric.backends.reference.evaluate import shadow_version, version_in_force

    version = version_in_force(program, as_of) if program.versions else None
    current = version.program if version else program
    traces = {row["merchant_id"]: trace_from_row(current, row, as_of)
              for row in _explain_rows(current, folder, as_of, merchant_id)}
    if version is not None:
        shadow = shadow_version(program, as_of)
        twins = {row["merchant_id"]: row for row in _explain_rows(shadow.program, folder, as_of, merchant_id, "_shadow")} \
            if shadow is not None and traces else {}
        for mid, trace in traces.items():
            trace.details["version"] = version.name
            if shadow is not None:
                twin = twins[mid]
                trace.details["shadow"] = {"version": shadow.name, "score": twin.get("score"), "gate": twin.get("gate")}
                trace.children.append(Step("shadow", shadow.name, shadow.title, twin.get("score"), "score",
                                           {"gate": twin.get("gate"), "trace": trace_from_row(shadow.program, twin, as_of)}))
    return traces


def explain_merchant(program: ir.Program, folder, as_of: date, merchant_id: str) -> Step:
    """One merchant's explanation, every number computed by DuckDB (`rubric explain --engine duckdb`)."""
    traces = explain_all(program, folder, as_of, merchant_id)
    if merchant_id not in traces:
        raise KeyError(f"no merchant {merchant_id!r} in the data")
    return traces[merchant_id]
