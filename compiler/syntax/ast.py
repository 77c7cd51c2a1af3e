"""The abstract syntax tree: what a rubric file says, with a span on every node.

Input of the checker (rubric.check); built by rubric.syntax.from_tree from Lark trees.
Nodes hold data only; unions are discriminated by `kind`.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field

from rubric.source import Span

__all__ = [
    "AsOf", "Binary", "Bound", "Charge", "ClampDecl", "ColumnDecl", "Compare", "ConditionDecl",
    "ConsequenceDecl", "Curve", "CurvePoint", "DataHeader", "DeductionDecl", "DimensionDecl",
    "BandRow", "BandsDecl", "Excellent", "Expr", "FirstRelation", "FloorValue", "GateDecl", "History",
    "MinGroup", "Ranked", "VersionDecl", "WeightedSum", "YearsSince", "IndicatorDecl", "Item", "LabelRef", "Logic", "Measure",
    "Missing", "Module", "MonthsSince", "Name", "Neg", "NoSample", "Not", "Number", "OneOf",
    "OutputDecl", "Percentile", "Population", "Provenance", "Relation", "RubricHeader",
    "RuleDecl", "ScoreRef", "StringLit", "TableDecl", "TimeOfDay", "Title", "TotalDecl",
    "WeightItem", "WeightsDecl", "WindowDecl", "Within",
]


class Node(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    span: Span


class Title(Node):
    en: str | None = None
    zh: str | None = None


class Provenance(Node):
    status: Literal["confirmed", "illustrative"]
    note: str | None = None


class Name(Node):
    kind: Literal["name"] = "name"
    name: str


# --- expressions -----------------------------------------------------------------------

Unit = Literal["number", "percent", "duration"]


class Number(Node):
    """A literal number; percents are stored as fractions, durations in microseconds."""

    kind: Literal["number"] = "number"
    value: float
    unit: Unit = "number"
    text: str


class BoolLit(Node):
    kind: Literal["bool"] = "bool"
    value: bool


class StringLit(Node):
    kind: Literal["string"] = "string"
    value: str


class AsOf(Node):
    kind: Literal["asof"] = "asof"


class ScoreRef(Node):
    """`score` (the total score) or `score of X` (an indicator's score)."""

    kind: Literal["score_ref"] = "score_ref"
    of: Name | None = None


class MonthsSince(Node):
    kind: Literal["months_since"] = "months_since"
    column: Name


class YearsSince(Node):
    """(as-of - <merchant timestamp>) / 365.25 days, in years."""

    kind: Literal["years_since"] = "years_since"
    column: Name


class WeightedSum(Node):
    """Σ weight × score of dimensions (their declared weights), with no renormalisation."""

    kind: Literal["weighted_sum"] = "weighted_sum"
    members: tuple[Name, ...]


class Within(Node):
    """`<verb> within D after <column>`: 0 <= inner.<verb>_at - outer.<column> <= D."""

    verb: Name
    duration: Number
    after: Name


class Binary(Node):
    """Arithmetic; `otherwise` is the left value, or the right one when the left is missing."""

    kind: Literal["binary"] = "binary"
    op: Literal["+", "-", "*", "/", "otherwise"]
    left: "Expr"
    right: "Expr"


class Neg(Node):
    kind: Literal["neg"] = "neg"
    operand: "Expr"


class Compare(Node):
    kind: Literal["compare"] = "compare"
    op: Literal["<", "<=", ">", ">=", "=", "!="]
    left: "Expr"
    right: "Expr"


class Missing(Node):
    kind: Literal["missing"] = "missing"
    operand: "Expr"
    present: bool


class LabelRef(Node):
    value: str


class OneOf(Node):
    kind: Literal["one_of"] = "one_of"
    operand: "Expr"
    labels: tuple[LabelRef, ...]


class Logic(Node):
    kind: Literal["logic"] = "logic"
    op: Literal["and", "or"]
    operands: tuple["Expr", ...]


class Not(Node):
    kind: Literal["not"] = "not"
    operand: "Expr"


class Relation(Node):
    """`have a review with stars <= 2`: a related row of another table exists."""

    kind: Literal["relation"] = "relation"
    table: Name
    tests: tuple["Expr", ...] = ()
    within: Within | None = None


class FirstRelation(Node):
    """`their first case requested within D after t has <test>`: among the related rows that
    pass the clauses, the earliest (any of those sharing the instant) passes `then`."""

    kind: Literal["first_relation"] = "first_relation"
    table: Name
    tests: tuple["Expr", ...] = ()
    within: Within | None = None
    then: "Expr"


class Percentile(Node):
    kind: Literal["percentile"] = "percentile"
    operand: "Expr"
    among: Name
    entity: Name
    same: tuple[Name, ...] = ()


Expr = Annotated[
    Union[Name, Number, BoolLit, StringLit, AsOf, ScoreRef, MonthsSince, YearsSince, WeightedSum, Binary,
          Neg, Compare, Missing, OneOf, Logic, Not, Relation, FirstRelation, Percentile],
    Field(discriminator="kind"),
]


# --- populations and measures -------------------------------------------------------------

class Bound(Node):
    """`and at least D before as-of` (t <= as_of - D) or `more than` (t < as_of - D)."""

    strict: bool
    duration: Number


class TimeOfDay(Node):
    """`between 09:00 and 21:00 local`: [start, end) in minutes after local midnight."""

    start: int
    end: int


class Population(Node):
    table: Name
    verb: Name | None = None        # `orders paid in W`: the column paid_at
    column: Name | None = None      # `orders whose promised_ship_by is in W`
    window: Name | None = None
    bounds: tuple[Bound, ...] = ()
    time_of_day: TimeOfDay | None = None
    filter: Expr | None = None


class Measure(Node):
    """share | count | sum | mean | nps | lowest over a population, or a merchant-level expression.

    `lowest`: the lowest `expr` (a column) in force during the window: the latest row at or
    before the window's start and every row inside it; `default` when none."""

    kind: Literal["share", "count", "sum", "mean", "nps", "lowest", "expr"]
    population: Population | None = None
    excluding: Expr | None = None
    numerator: Expr | None = None   # share: the rows counted above the line
    expr: Expr | None = None        # sum/mean/nps operand; or the whole merchant expression
    default: "Number | None" = None  # lowest: the value when no row is in force


# --- declarations ------------------------------------------------------------------------

class RubricHeader(Node):
    kind: Literal["rubric"] = "rubric"
    name: Name
    title: Title | None = None
    source: str | None = None
    uses: tuple[Name, ...] = ()
    scores: Name | None = None
    zone: str | None = None
    zone_span: Span | None = None
    cadence: str | None = None
    scale: tuple[float, float] | None = None
    scale_span: Span | None = None


class DataHeader(Node):
    kind: Literal["data"] = "data"
    name: Name
    title: Title | None = None
    source: str | None = None


class ColumnDecl(Node):
    name: Name
    type: str
    optional: bool = False
    planned: bool = False
    values: tuple[Name, ...] = ()
    references: Name | None = None
    minimum: float | None = None
    maximum: float | None = None


class TableDecl(Node):
    kind: Literal["table"] = "table"
    name: Name
    title: Title | None = None
    singular: Name | None = None
    key: tuple[Name, ...] = ()
    created_by: Name | None = None
    excluded_by: Name | None = None
    columns: tuple[ColumnDecl, ...] = ()


class WindowDecl(Node):
    kind: Literal["window"] = "window"
    name: Name
    title: Title | None = None
    shape: Literal["last", "days_ago"]
    spec_span: Span | None = None
    length: Number | None = None          # last D
    first_day: int | None = None          # days A..B ago
    last_day: int | None = None
    provenance: Provenance | None = None


class ConditionDecl(Node):
    kind: Literal["condition"] = "condition"
    name: Name
    title: Title | None = None
    expr: Expr
    provenance: Provenance | None = None


class ValueDecl(Node):
    kind: Literal["value"] = "value"
    name: Name
    title: Title | None = None
    measure: Measure
    provenance: Provenance | None = None


class CurvePoint(Node):
    x: Number | BoolLit
    y: Number


class Curve(Node):
    points: tuple[CurvePoint, ...]
    provenance: Provenance | None = None


class Excellent(Node):
    op: str
    op_span: Span | None = None
    value: "Number | BoolLit"
    provenance: Provenance | None = None


class NoSample(Node):
    score: Number | None = None           # None: leave out and share the weight
    provenance: Provenance | None = None


class Ranked(Node):
    """`score 10 × percentile among open merchants of the same category`."""

    factor: Number
    among: Name
    entity: Name
    same: tuple[Name, ...] = ()
    provenance: Provenance | None = None


class MinGroup(Node):
    """`when the group has fewer than N members: score X`."""

    count: int
    score: Number
    provenance: Provenance | None = None


class FloorValue(Node):
    """`a value <= 0 scores 0`."""

    op: str
    value: Number
    score: Number
    provenance: Provenance | None = None


class IndicatorDecl(Node):
    kind: Literal["indicator"] = "indicator"
    name: Name
    title: Title | None = None
    replaces: Name | None = None
    measure: Measure
    provenance: Provenance | None = None
    direction: Literal["higher", "lower"] | None = None
    direction_span: Span | None = None
    excellent: Excellent | None = None
    curve: Curve | None = None
    ranked: Ranked | None = None
    min_group: MinGroup | None = None
    floor_value: FloorValue | None = None
    no_sample: NoSample | None = None
    repeated: tuple[Span, ...] = ()       # clauses said twice (the later ones)


class DimensionDecl(Node):
    """`mean of a, b` (equal weights, renormalised) or `weighted sum of a 20%, b 80%`."""

    kind: Literal["dimension"] = "dimension"
    name: Name
    title: Title | None = None
    weight: "Number | None" = None
    provenance: Provenance | None = None
    members: tuple[Name, ...]
    member_weights: tuple["WeightItem", ...] = ()


class WeightItem(Node):
    name: Name
    weight: Number


class WeightsDecl(Node):
    kind: Literal["weights"] = "weights"
    attribute: Name
    values: tuple[Name, ...]
    provenance: Provenance | None = None
    items: tuple[WeightItem, ...]


class TotalDecl(Node):
    kind: Literal["total"] = "total"
    title: Title | None = None
    members: tuple[Name, ...] = ()        # `weighted mean of ...`
    expr: Expr | None = None              # or an expression
    provenance: Provenance | None = None


class DeductionDecl(Node):
    kind: Literal["deduction"] = "deduction"
    name: Name
    title: Title | None = None
    amount: Number
    population: Population
    provenance: Provenance | None = None


class ClampDecl(Node):
    kind: Literal["clamp"] = "clamp"
    low: Number | None = None
    high: Number | None = None
    provenance: Provenance | None = None


class RuleDecl(Node):
    """A `tier` or `status` row: `when <condition>` or `otherwise` (when is None)."""

    kind: Literal["tier", "status"]
    name: Name
    title: Title | None = None
    when: Expr | None = None
    provenance: Provenance | None = None


class History(Node):
    count: int
    cadence: Literal["weekly", "monthly", "daily"]


class Charge(Node):
    amount: Expr
    output: Name
    provenance: Provenance | None = None


class ConsequenceDecl(Node):
    kind: Literal["consequence"] = "consequence"
    name: Name
    title: Title | None = None
    when: Expr
    history: History | None = None
    provenance: Provenance | None = None
    charge: Charge | None = None


class OutputDecl(Node):
    kind: Literal["output"] = "output"
    name: Name
    title: Title | None = None
    measure: Measure
    when: Expr | None = None
    provenance: Provenance | None = None


class BandRow(Node):
    name: Name
    title: Title | None = None
    op: str | None = None                 # None: otherwise
    threshold: Number | None = None
    low: Number
    high: Number
    provenance: Provenance | None = None


class BandsDecl(Node):
    kind: Literal["bands"] = "bands"
    among: Name
    entity: Name
    same: tuple[Name, ...] = ()
    provenance: Provenance | None = None
    rows: tuple[BandRow, ...]


class GateDecl(Node):
    kind: Literal["gate"] = "gate"
    name: Name
    title: Title | None = None
    bands: tuple[Name, ...]
    when: Expr
    provenance: Provenance | None = None


class VersionDecl(Node):
    """`version v2 effective from D [until D][, shadow from D]`: dates as written (ISO text)."""

    kind: Literal["version"] = "version"
    name: Name
    title: Title | None = None
    effective_from: str | None = None
    effective_until: str | None = None
    shadow_from: str | None = None
    period_span: Span | None = None        # `effective ...` up to its last date
    effective_from_span: Span | None = None
    effective_until_span: Span | None = None
    shadow_from_span: Span | None = None
    provenance: Provenance | None = None


Item = Annotated[
    Union[RubricHeader, DataHeader, TableDecl, WindowDecl, ConditionDecl, ValueDecl,
          IndicatorDecl, DimensionDecl, WeightsDecl, TotalDecl, DeductionDecl, ClampDecl,
          RuleDecl, ConsequenceDecl, OutputDecl, BandsDecl, GateDecl, VersionDecl],
    Field(discriminator="kind"),
]


class Module(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    path: str
    items: tuple[Item, ...]


for _model in list(globals().values()):
    if isinstance(_model, type) and issubclass(_model, BaseModel) and _model is not BaseModel:
        _model.model_rebuild()
