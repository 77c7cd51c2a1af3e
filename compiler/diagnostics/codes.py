"""Stable diagnostic codes: one table, one docs page each under docs/diagnostics/."""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["CODES", "Code"]


class Code(NamedTuple):
    code: str
    title: str
    explanation: str


_TABLE = [
    # --- syntax ---------------------------------------------------------------------
    ("R0101", "unexpected token", "The parser met a word or symbol that cannot stand here."),
    ("R0102", "unexpected character", "A character that is not part of the language (e.g. `$`)."),
    ("R0103", "unexpected end of file", "The file ends in the middle of a statement."),
    ("R0104", "bad literal", "A number, unit, time of day or string is malformed."),
    ("R0105", "unreadable file", "The file cannot be read or is not UTF-8 text."),
    # --- names ----------------------------------------------------------------------
    ("R0201", "unknown name", "A name that is not defined in this rubric or its imports."),
    ("R0202", "unknown table", "A table that the data declaration does not declare."),
    ("R0203", "unknown column", "A column that the table's declaration does not declare."),
    ("R0204", "duplicate name", "Two definitions share one name."),
    ("R0205", "unknown module", "`uses X` names no file X.rubric beside the rubric or in the shipped rules."),
    ("R0206", "unknown value", "A label that is not one of the column's declared values."),
    ("R0207", "unknown window", "A window name that is not declared with `window`."),
    ("R0208", "undefined tier, status or band", "A consequence, gate or rule refers to a tier, status or band that is not defined."),
    ("R0209", "no relation", "Two tables used together have no declared reference between them."),
    ("R0210", "no event column", "`<table> <verb> in <window>` needs a timestamp column `<verb>_at`."),
    ("R0211", "missing declaration", "A rubric lacks a required header line (e.g. `time zone`)."),
    ("R0212", "unknown time zone", "The time zone is not an IANA name or a UTC offset."),
    # --- types and units -------------------------------------------------------------
    ("R0301", "type mismatch", "Two values of different kinds are compared or combined."),
    ("R0302", "wrong unit", "A number carries a unit that does not fit the value it is used with."),
    ("R0303", "not a condition", "A yes/no condition was expected."),
    ("R0304", "not a number", "A numeric value was expected."),
    # --- structure ------------------------------------------------------------------
    ("R0401", "weights do not sum to 100%", "The weights of one group must add up to 100%."),
    ("R0402", "curve not sorted", "The points of a curve must be listed with increasing x."),
    ("R0403", "curve against its direction", "A curve's scores must not get worse as the value gets better."),
    ("R0404", "tiers out of order", "Tier thresholds must go from the best tier down."),
    ("R0405", "unreachable rule", "A rule can never match because earlier rules catch every case."),
    ("R0406", "not exhaustive", "Some merchants would match no rule: add an `otherwise` row."),
    ("R0407", "curve too short", "A curve needs at least two points."),
    ("R0408", "bad range", "A range's lower end is above its upper end."),
    ("R0409", "excellence against direction", "The excellence threshold points the other way than the indicator's direction."),
    ("R0411", "weight variant incomplete", "A weight variant must give a weight to every dimension."),
    ("R0412", "bands do not tile", "Bands must be listed from the best down, each starting where the next one up ends."),
    ("R0413", "version periods", "Versions' effective periods must meet: no overlap and no gap."),
    ("R0414", "score rule", "An indicator is scored either by a curve or by a percentile rank, and a rank rule needs a rank."),
    # --- provenance and translation --------------------------------------------------
    ("R0501", "missing translation", "A title lacks its Chinese or English half (`\"English\" | \"中文\"`)."),
    ("R0502", "number without provenance", "A rule number should be marked `[confirmed]` or `[illustrative]`."),
]

CODES: dict[str, Code] = {code: Code(code, title, text) for code, title, text in _TABLE}
