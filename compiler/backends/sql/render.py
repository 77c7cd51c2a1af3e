"""Rendering a query for a dialect, with the dialect gaps handled as tree rewrites.

Input: a sqlglot tree from `build_sql`. Output: SQL text for one dialect. A construct the
dialect cannot express raises `SqlUnsupported` (a diagnostic for the user), never wrong SQL.
"""

from __future__ import annotations

from datetime import date

from sqlglot import exp
from sqlglot.errors import UnsupportedError

from rubric.backends.reference.evaluate import shadow_version, version_in_force
from rubric.backends.sql.errors import SqlUnsupported
from rubric.backends.sql.from_ir import build_query
from rubric.backends.sql.macros import R9_MACRO
from rubric.collector import collector_paused
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
    with collector_paused():
        return _build_sql(program, as_of)


def _build_sql(program: ir.Program, as_of: date) -> exp.Select:
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
        return outer.from_(exp.Subquery(this=query, alias=exp.TableAlias(this=exp.to_identifier("q"))), copy=False)
    twin = build_query(shadow.program, as_of, suffix="_shadow")
    outer = outer.select(exp.column("score", table="s").as_("shadow_score"),
                         (exp.column("gate", table="s") if shadow.program.bands is not None
                          else exp.cast(exp.Null(), exp.DataType.build("VARCHAR"))).as_("shadow_gate"))
    outer = outer.from_(exp.Subquery(this=query, alias=exp.TableAlias(this=exp.to_identifier("q"))), copy=False)
    return outer.join(exp.Subquery(this=twin, alias=exp.TableAlias(this=exp.to_identifier("s"))),
                      on=exp.EQ(this=exp.column("merchant_id", table="s"), expression=exp.column("merchant_id", table="q")),
                      join_type="left", copy=False).order_by(exp.column("merchant_id", table="q"), copy=False)


def preamble(dialect: str) -> str | None:
    """The statement that defines R9 for `dialect`, to run before the query."""
    return R9_MACRO.get(dialect)


def render(query: exp.Expression, dialect: str, pretty: bool = False, copy: bool = True) -> str:
    """SQL text of `query` for `dialect`. `copy=False` lets the generator work on the tree
    itself (a third of a compile's time): for callers that built it for this call only."""
    if dialect not in DIALECTS:
        raise SqlUnsupported(f"unknown dialect {dialect!r}: use one of {', '.join(DIALECTS)}")
    rewrite = _REWRITES.get(dialect)
    tree = query.transform(rewrite) if rewrite else query       # transform() copies
    try:
        with collector_paused():
            return tree.sql(dialect=dialect, pretty=pretty, unsupported_level="raise", copy=copy and not rewrite)
    except UnsupportedError as err:
        raise SqlUnsupported(f"{dialect} cannot express part of this rubric: {err}") from None
