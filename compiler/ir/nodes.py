"""The scoring graph: a checked rubric as typed, backend-neutral nodes with provenance.

Input: built by rubric.ir.from_ast from a checked program. Output: read by every backend
(the reference evaluator, SQL, docs). Every definition keeps its origin span and the
provenance of its numbers. Units are canonical: shares are fractions, row-level durations
are integer microseconds, merchant-level durations are hours, NPS is in points.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field

from rubric.ir.schema import DataModel
from rubric.source import Span

__all__ = [
    "AsOfValue", "Arith", "Band", "Bands", "BoolOp", "Clamp", "Gate", "Rank", "Version", "WeightedSum", "YearsSince", "Col", "Compare", "Const", "Consequence", "Curve",
    "CurvePoint", "Deduction", "Dimension", "Exists", "Expr", "Indicator", "InSet", "IsNull",
    "Measure", "MonthsSince", "Not", "Output", "Percentile", "Population", "Program", "Provenance",
    "Ref", "Rule", "Title", "Total", "ValueDef", "WeightVariant", "Window",
]


class _Node(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Provenance(_Node):
    status: Literal["confirmed", "illustrative"] | None = None
    note: str | None = None
    source: str | None = None


class Title(_Node):
    en: str | None = None
    zh: str | None = None

    def text(self, lang: str = "en", fallback: str = "") -> str:
        return (self.zh if lang == "zh" else self.en) or self.en or self.zh or fallback


# --- expressions (row-level and merchant-level share one vocabulary) --------------------

ValueType = Literal["share", "count", "duration", "money", "number", "int", "score", "nps", "bool",
                    "timestamp", "label", "text", "id", "tier", "status"]


class Col(_Node):
    """A column: of the current row, of the outer row (inside a relation), or of the merchant."""

    kind: Literal["col"] = "col"
    scope: Literal["row", "outer", "merchant"]
    table: str
    column: str
    type: ValueType


class Const(_Node):
    kind: Literal["const"] = "const"
    value: Any
    type: ValueType


class AsOfValue(_Node):
    kind: Literal["as_of"] = "as_of"


class Arith(_Node):
    """Arithmetic; `otherwise` is the left value, or the right one when the left is missing."""

    kind: Literal["arith"] = "arith"
    op: Literal["+", "-", "*", "/", "neg", "otherwise"]
    left: "Expr"
    right: "Expr | None" = None
    type: ValueType


class Compare(_Node):
    """A comparison; one with a missing side is false (and `not` of it is true)."""

    kind: Literal["compare"] = "compare"
    op: Literal["<", "<=", ">", ">=", "=", "!="]
    left: "Expr"
    right: "Expr"


class IsNull(_Node):
    kind: Literal["is_null"] = "is_null"
    operand: "Expr"
    negate: bool = False      # True: `is present`


class InSet(_Node):
    kind: Literal["in_set"] = "in_set"
    operand: "Expr"
    values: tuple[str, ...]


class BoolOp(_Node):
    kind: Literal["bool_op"] = "bool_op"
    op: Literal["and", "or"]
    operands: tuple["Expr", ...]


class Not(_Node):
    kind: Literal["not"] = "not"
    operand: "Expr"


class Exists(_Node):
    """A related row of `table` exists: linked by `inner_column = outer_column`, visible at
    as-of, passing `tests`, and (if `within_micros`) with 0 <= inner.time - outer.after <= within."""

    kind: Literal["exists"] = "exists"
    table: str
    inner_column: str
    outer_column: str
    tests: tuple["Expr", ...] = ()
    time_column: str | None = None
    after_column: str | None = None
    within_micros: int | None = None
    # `their first case ... has <then>`: only the earliest matching rows (by time_column, else
    # the creation time) are tested with `then`
    earliest: bool = False
    then: "Expr | None" = None


class Ref(_Node):
    """A named merchant-level value: an indicator's value or score, a dimension, a value,
    the raw or final score, the tier, the status, a consequence (bool)."""

    kind: Literal["ref"] = "ref"
    target: Literal["indicator_value", "indicator_score", "dimension", "value", "raw", "score",
                    "tier", "status", "consequence", "output"]
    name: str
    type: ValueType


class MonthsSince(_Node):
    """Whole calendar months from the local date of a merchant timestamp to the as-of date."""

    kind: Literal["months_since"] = "months_since"
    column: str


class YearsSince(_Node):
    """(as-of - a merchant timestamp) / 365.25 days."""

    kind: Literal["years_since"] = "years_since"
    column: str


class WeightedSum(_Node):
    """Σ weight × dimension score (declared weights, no renormalisation); missing if one is."""

    kind: Literal["weighted_sum"] = "weighted_sum"
    members: tuple[tuple[str, float], ...]


class Percentile(_Node):
    """cume_dist of `operand` among merchants of the same `group` attributes, in the better direction."""

    kind: Literal["percentile"] = "percentile"
    operand: "Expr"
    among: Literal["rated", "open"]
    group: tuple[str, ...] = ()
    higher_is_better: bool = True


Expr = Annotated[
    Union[Col, Const, AsOfValue, Arith, Compare, IsNull, InSet, BoolOp, Not, Exists, Ref,
          MonthsSince, YearsSince, WeightedSum, Percentile],
    Field(discriminator="kind"),
]


# --- populations and measures -------------------------------------------------------------

class Window(_Node):
    """`[as_of - start_micros, as_of - end_micros)`."""

    name: str
    title: Title = Title()
    start_micros: int
    end_micros: int
    text: str
    provenance: Provenance = Provenance()
    origin: Span | None = None


class Population(_Node):
    table: str
    time_column: str | None = None
    window: Window | None = None
    # `at least D before as-of`: t <= as_of - D (strict: t < as_of - D)
    before_micros: int | None = None
    before_strict: bool = False
    time_of_day: tuple[int, int] | None = None   # [start, end) minutes after local midnight
    filter: Expr | None = None
    excluded_by: str | None = None               # the table's exclusion flag (fraud)
    text: str = ""


class Measure(_Node):
    kind: Literal["share", "count", "sum", "mean", "nps", "lowest", "expr"]
    population: Population | None = None
    excluding: Expr | None = None
    numerator: Expr | None = None
    expr: Expr | None = None
    type: ValueType
    text: str = ""
    default: float | None = None      # lowest: when no row is in force


# --- definitions ---------------------------------------------------------------------------

class CurvePoint(_Node):
    x: float
    y: float


class Curve(_Node):
    points: tuple[CurvePoint, ...]
    provenance: Provenance = Provenance()


class Rank(_Node):
    """Score = factor × percentile of the value within a group, in the better direction."""

    factor: float
    among: Literal["rated", "open"]
    group: tuple[str, ...] = ()
    min_group: int | None = None               # fewer members: the fallback score
    min_group_score: float | None = None
    floor_op: str | None = None                # `a value <= 0 scores 0`
    floor_value: float | None = None
    floor_score: float | None = None
    provenance: Provenance = Provenance()


class Indicator(_Node):
    name: str
    title: Title
    measure: Measure
    type: ValueType
    higher_is_better: bool | None = None
    excellent_op: str | None = None
    excellent: float | None = None
    excellent_provenance: Provenance = Provenance()
    curve: Curve | None = None
    rank: Rank | None = None
    no_sample_score: float | None = None     # None: left out, its weight shared
    no_sample_provenance: Provenance = Provenance()
    provenance: Provenance = Provenance()
    origin: Span


class Dimension(_Node):
    """`mean of` (member_weights None: equal weights, renormalised) or `weighted sum of`."""

    name: str
    title: Title
    weight: float | None = None
    provenance: Provenance = Provenance()
    members: tuple[str, ...]
    member_weights: tuple[float, ...] | None = None
    origin: Span


class WeightVariant(_Node):
    attribute: str
    values: tuple[str, ...]
    weights: tuple[tuple[str, float], ...]
    provenance: Provenance = Provenance()
    origin: Span


class ValueDef(_Node):
    name: str
    title: Title
    measure: Measure
    provenance: Provenance = Provenance()
    origin: Span


class Total(_Node):
    title: Title
    members: tuple[str, ...] = ()            # weighted mean of dimensions
    expr: Expr | None = None
    text: str = ""
    provenance: Provenance = Provenance()
    origin: Span


class Deduction(_Node):
    name: str
    title: Title
    amount: float
    population: Population
    provenance: Provenance = Provenance()
    origin: Span


class Clamp(_Node):
    low: float | None = None
    high: float | None = None
    provenance: Provenance = Provenance()
    origin: Span


class Rule(_Node):
    """A tier or status row; `when` None means `otherwise`."""

    name: str
    title: Title
    when: Expr | None = None
    text: str = ""
    parts: tuple[str, ...] = ()        # the text of each condition of a top-level `and`
    provenance: Provenance = Provenance()
    origin: Span


class Consequence(_Node):
    name: str
    title: Title
    when: Expr
    text: str = ""
    history_count: int = 1
    history_cadence: Literal["weekly", "monthly", "daily"] | None = None
    charge: Expr | None = None
    charge_output: str | None = None
    charge_provenance: Provenance = Provenance()
    provenance: Provenance = Provenance()
    origin: Span


class Output(_Node):
    name: str
    title: Title
    measure: Measure
    when: Expr | None = None
    provenance: Provenance = Provenance()
    origin: Span


class Band(_Node):
    name: str
    title: Title = Title()
    op: str | None = None                      # None: otherwise
    threshold: float | None = None
    low: float
    high: float
    provenance: Provenance = Provenance()


class Bands(_Node):
    """Bands by the percentile of the score before banding; re-ranked within the final band."""

    among: Literal["rated", "open"]
    group: tuple[str, ...] = ()
    rows: tuple[Band, ...]
    provenance: Provenance = Provenance()
    origin: Span


class Gate(_Node):
    """Moves a merchant in one of `bands` one band down, once, when `when` holds."""

    name: str
    title: Title
    bands: tuple[str, ...]
    when: Expr
    text: str = ""
    provenance: Provenance = Provenance()
    origin: Span


class Version(_Node):
    name: str
    title: Title
    effective_from: str | None = None          # ISO dates, inclusive
    effective_until: str | None = None
    shadow_from: str | None = None
    changes: tuple[str, ...] = ()
    provenance: Provenance = Provenance()
    program: "Program"


class Program(_Node):
    name: str
    title: Title
    source: str | None = None
    path: str
    zone: str
    cadence: Literal["weekly", "monthly", "daily"] | None = None
    scale: tuple[float, float] | None = None
    data: DataModel
    windows: tuple[Window, ...] = ()
    values: tuple[ValueDef, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    dimensions: tuple[Dimension, ...] = ()
    weight_variants: tuple[WeightVariant, ...] = ()
    total: Total | None = None
    deductions: tuple[Deduction, ...] = ()
    clamp: Clamp | None = None
    statuses: tuple[Rule, ...] = ()
    tiers: tuple[Rule, ...] = ()
    consequences: tuple[Consequence, ...] = ()
    outputs: tuple[Output, ...] = ()
    bands: Bands | None = None
    gates: tuple[Gate, ...] = ()
    versions: tuple[Version, ...] = ()                     # dated versions (each a whole program)
    needs: tuple[tuple[str, tuple[str, ...]], ...] = ()   # table -> columns read

    def indicator(self, name: str) -> Indicator | None:
        return next((i for i in self.indicators if i.name == name), None)

    def dimension(self, name: str) -> Dimension | None:
        return next((d for d in self.dimensions if d.name == name), None)


for _model in list(globals().values()):
    if isinstance(_model, type) and issubclass(_model, BaseModel) and _model is not BaseModel:
        _model.model_rebuild()
