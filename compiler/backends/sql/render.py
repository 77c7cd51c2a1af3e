"""Rendering a query for a dialect, with the dialect gaps handled as tree rewrites.

Input: a sqlglot tree from `build_sql`. Output: SQL text for one dialect. A construct the
dialect cannot express raises `SqlUnsupported` (a diagnostic for the user), never wrong SQL.
"""

from __future__ import annotations

from datetime import date

from sqlglot import exp
from sqlglot.errors import UnsupportedError

from rubric.backends.reference.evaluate import shadow_version, version_in_force
from rubric.backends.sql.from_ir import SqlUnsupported, build_query
from rubric.ir import nodes as ir

__all__ = ["DIALECTS", "build_sql", "render"]

DIALECTS = ("duckdb", "spark", "bigquery", "snowflake", "postgres")


def _postgres_micros(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.UnixMicros):
        epoch = exp.Extract(this=exp.var("EPOCH"), expression=node.this)
        return exp.cast(exp.Mul(this=epoch, expression=exp.Literal.number(1_000_000)), exp.DataType.build("BIGINT"))
    return node


def _snowflake_micros(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.UnixMicros):
        return exp.Anonymous(this="DATE_PART", expressions=[exp.var("EPOCH_MICROSECOND"), node.this])
    return node


# R9(x): 9 decimals, half away from zero, of the shortest decimal that reads back as x (what
# the reference evaluator does with Decimal(repr(x))). Plain ROUND(x, 9) works on the binary
# value and can differ by one unit where the decimal ends in 5 at the 10th place; only then is
# the exact (slower) path taken. Engines that run the SQL define it as a macro or function.
R9_BODY = ("CASE WHEN abs(x) >= 1e15 THEN x WHEN abs(abs(x) * 1e9 - floor(abs(x) * 1e9) - 0.5) < 1e-7 + abs(x) * 1e-6 "
           "THEN CAST(CAST(CAST(x AS {text}) AS DECIMAL(38, 9)) AS DOUBLE) ELSE round(x, 9) END")
R9_MACRO = {
    "duckdb": "CREATE OR REPLACE TEMP MACRO R9(x) AS " + R9_BODY.format(text="VARCHAR"),
    "spark": "CREATE OR REPLACE TEMPORARY FUNCTION R9(x DOUBLE) RETURNS DOUBLE RETURN " + R9_BODY.format(text="STRING"),
}


def _inline_round(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.Anonymous) and node.name.upper() == "R9":
        return exp.Round(this=node.expressions[0], decimals=exp.Literal.number(9))
    return node


def _postgres(node: exp.Expression) -> exp.Expression:
    return _postgres_micros(_inline_round(node))


def _snowflake(node: exp.Expression) -> exp.Expression:
    return _snowflake_micros(_inline_round(node))


# duckdb and spark define R9 (see the runners); other dialects get ROUND(x, 9)
_REWRITES = {"postgres": _postgres, "snowflake": _snowflake, "bigquery": _inline_round}


def build_sql(program: ir.Program, as_of: date) -> exp.Select:
    """The query for the version in force at `as_of`, with the shadow version's score joined."""
    if not program.versions:
        return build_query(program, as_of)
    version = version_in_force(program, as_of)
    query = build_query(version.program, as_of)
    shadow = shadow_version(program, as_of)
    outer = exp.select(exp.Column(this=exp.Star(), table=exp.to_identifier("q")),
                       exp.Literal.string(version.name).as_("version"))
    if shadow is None:
        outer = outer.select(exp.cast(exp.Null(), exp.DataType.build("DOUBLE")).as_("shadow_score"),
                             exp.cast(exp.Null(), exp.DataType.build("VARCHAR")).as_("shadow_gate"))
        return outer.from_(exp.Subquery(this=query, alias=exp.TableAlias(this=exp.to_identifier("q"))))
    twin = build_query(shadow.program, as_of, suffix="_shadow")
    outer = outer.select(exp.column("score", table="s").as_("shadow_score"),
                         (exp.column("gate", table="s") if shadow.program.bands is not None
                          else exp.cast(exp.Null(), exp.DataType.build("VARCHAR"))).as_("shadow_gate"))
    outer = outer.from_(exp.Subquery(this=query, alias=exp.TableAlias(this=exp.to_identifier("q"))))
    return outer.join(exp.Subquery(this=twin, alias=exp.TableAlias(this=exp.to_identifier("s"))),
                      on=exp.EQ(this=exp.column("merchant_id", table="s"), expression=exp.column("merchant_id", table="q")),
                      join_type="left").order_by(exp.column("merchant_id", table="q"))


def preamble(dialect: str) -> str | None:
    """The statement that defines R9 for `dialect`, to run before the query."""
    return R9_MACRO.get(dialect)


def render(query: exp.Expression, dialect: str, pretty: bool = False) -> str:
    if dialect not in DIALECTS:
        raise SqlUnsupported(f"unknown dialect {dialect!r}: use one of {', '.join(DIALECTS)}")
    rewrite = _REWRITES.get(dialect)
    tree = query.transform(rewrite) if rewrite else query
    try:
        return tree.sql(dialect=dialect, pretty=pretty, unsupported_level="raise")
    except UnsupportedError as err:
        raise SqlUnsupported(f"{dialect} cannot express part of this rubric: {err}") from None
