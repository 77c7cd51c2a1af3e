"""Name resolution: the symbol table of a rubric and its imports.

Input: the AST modules (the rubric and the data modules it `uses`). Output: `Symbols`, and
diagnostics for duplicate names and malformed table declarations.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from rubric.diagnostics import Sink
from rubric.syntax import ast

__all__ = ["Absent", "Symbols", "build_symbols", "did_you_mean", "report_absent", "where", "COLUMN_TYPES"]

# AST column type -> value type of the expression language
COLUMN_TYPES = {
    "id": "id", "text": "text", "label": "label", "timestamp": "timestamp", "bool": "bool",
    "int": "int", "number": "number", "money": "money",
}


def did_you_mean(name: str, candidates) -> str | None:
    match = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f"did you mean `{match[0]}`?" if match else None


@dataclass(frozen=True)
class Absent:
    """A name that another version of the rubric defines but the version being checked does not."""

    version: ast.VersionDecl              # the version that replaced it, or that defines it first
    decl: ast.Item                        # the replacing indicator, or the declaration defining it
    replaced: bool                        # True: `decl` replaces the name; False: `decl` defines it later
    current: str = ""                     # what the name is called in the version being checked


@dataclass
class Symbols:
    header: ast.RubricHeader | None = None
    data_headers: list[ast.DataHeader] = field(default_factory=list)
    tables: dict[str, ast.TableDecl] = field(default_factory=dict)
    singulars: dict[str, str] = field(default_factory=dict)      # review -> reviews
    windows: dict[str, ast.WindowDecl] = field(default_factory=dict)
    conditions: dict[str, ast.ConditionDecl] = field(default_factory=dict)
    values: dict[str, ast.ValueDecl] = field(default_factory=dict)
    indicators: dict[str, ast.IndicatorDecl] = field(default_factory=dict)
    dimensions: dict[str, ast.DimensionDecl] = field(default_factory=dict)
    weights: list[ast.WeightsDecl] = field(default_factory=list)
    totals: list[ast.TotalDecl] = field(default_factory=list)
    deductions: dict[str, ast.DeductionDecl] = field(default_factory=dict)
    clamps: list[ast.ClampDecl] = field(default_factory=list)
    tiers: dict[str, ast.RuleDecl] = field(default_factory=dict)
    statuses: dict[str, ast.RuleDecl] = field(default_factory=dict)
    consequences: dict[str, ast.ConsequenceDecl] = field(default_factory=dict)
    outputs: dict[str, ast.OutputDecl] = field(default_factory=dict)
    charges: dict[str, ast.ConsequenceDecl] = field(default_factory=dict)  # output column -> consequence
    used_conditions: set[str] = field(default_factory=set)
    bands: list[ast.BandsDecl] = field(default_factory=list)
    gates: dict[str, ast.GateDecl] = field(default_factory=dict)
    versions: list[ast.VersionDecl] = field(default_factory=list)
    version: ast.VersionDecl | None = None        # the version being checked (None: unversioned)
    absent: dict[str, Absent] = field(default_factory=dict)
    availability_cache: dict[int, str] = field(default_factory=dict)

    @property
    def entity(self) -> str:
        if self.header and self.header.scores:
            return self.header.scores.name
        return "merchants"

    def table(self, name: str) -> ast.TableDecl | None:
        return self.tables.get(name) or self.tables.get(self.singulars.get(name, ""))

    def column(self, table: str, column: str) -> ast.ColumnDecl | None:
        decl = self.table(table)
        if decl is None:
            return None
        return next((c for c in decl.columns if c.name.name == column), None)

    def merchant_names(self) -> set[str]:
        """Names visible in merchant-level expressions (for did-you-mean)."""
        names = set(self.indicators) | set(self.dimensions) | set(self.values) | set(self.conditions)
        names |= set(self.consequences) | set(self.outputs) | {"tier", "status"}
        entity = self.tables.get(self.entity)
        if entity:
            names |= {c.name.name for c in entity.columns}
        return names


_REGISTRIES = {
    "window": "windows", "condition": "conditions", "value": "values", "indicator": "indicators",
    "dimension": "dimensions", "deduction": "deductions", "consequence": "consequences",
    "output": "outputs", "table": "tables",
}

# Names that share one namespace in merchant-level expressions.
_SHARED = ("conditions", "values", "indicators", "dimensions", "consequences", "outputs")


def build_symbols(main: ast.Module, imports: list[ast.Module], sink: Sink) -> Symbols:
    syms = Symbols()
    seen: dict[str, ast.Name] = {}
    for module in [*imports, main]:
        for item in module.items:
            _register(syms, item, seen, sink, imported=module is not main)
    for table in syms.tables.values():
        if table.singular:
            syms.singulars.setdefault(table.singular.name, table.name.name)
    return syms


def _register(syms: Symbols, item, seen: dict[str, ast.Name], sink: Sink, imported: bool) -> None:
    kind = item.kind
    if kind == "rubric":
        if imported:
            return
        if syms.header is not None:
            sink.error("R0204", "a file holds one `rubric` header", item.name.span, "second header")
        syms.header = item
        return
    if kind == "data":
        syms.data_headers.append(item)
        return
    if kind == "weights":
        syms.weights.append(item)
        return
    if kind == "total":
        if syms.totals:
            sink.error("R0204", "the total score is defined twice", item.span, "second definition",
                       help="keep one `total score = ...`")
        syms.totals.append(item)
        return
    if kind == "clamp":
        syms.clamps.append(item)
        return
    if kind == "bands":
        if syms.bands:
            sink.error("R0204", "the bands are declared twice", item.span, "second declaration")
        syms.bands.append(item)
        return
    if kind == "gate":
        _add(syms.gates, item.name, item, f"gate `{item.name.name}`", sink)
        return
    if kind == "version":
        syms.versions.append(item)
        return
    if kind in ("tier", "status"):
        registry = syms.tiers if kind == "tier" else syms.statuses
        _add(registry, item.name, item, f"{kind} `{item.name.name}`", sink)
        return
    registry = getattr(syms, _REGISTRIES[kind])
    if kind in ("condition", "value", "indicator", "dimension", "consequence", "output"):
        prior = seen.get(item.name.name)
        if prior is not None:
            sink.error("R0204", f"the name `{item.name.name}` is defined twice", item.name.span,
                       "defined again here", notes=(f"first defined at {where(prior.span, sink)}",),
                       help="give each indicator, dimension, value, condition, consequence and output its own name")
            return
        seen[item.name.name] = item.name
    _add(registry, item.name, item, f"{kind} `{item.name.name}`", sink)
    if kind == "consequence" and item.charge is not None:
        syms.charges[item.charge.output.name] = item


def _add(registry: dict, name: ast.Name, item, what: str, sink: Sink) -> None:
    if name.name in registry:
        first = registry[name.name].name.span
        sink.error("R0204", f"{what} is defined twice", name.span, "defined again here",
                   notes=(f"first defined at {where(first, sink)}",), help="rename one of them, or delete one")
        return
    registry[name.name] = item


def where(span, sink: Sink, column: bool = True) -> str:
    """`line 12, column 3` (or `line 12`) of a span, for notes and messages; the path when unknown."""
    src = sink.sources.get(span.path)
    if src is None:
        return span.path
    line, col = src.position(span.start)
    return f"line {line}, column {col}" if column else f"line {line}"


def report_absent(name: ast.Name, syms: Symbols, sink: Sink | None) -> bool:
    """Explain an unknown name that another version defines; True when it is one (and reported)."""
    absent = syms.absent.get(name.name)
    if absent is None:
        return False
    if sink is not None:
        (_report_replaced if absent.replaced else _report_later)(name, absent, syms, sink)
    return True


def _report_replaced(name: ast.Name, absent: Absent, syms: Symbols, sink: Sink) -> None:
    version, new = absent.version.name.name, absent.decl.name.name
    target = absent.current or new
    if name.span.start > absent.version.span.start:
        help_ = f"refer to `{target}`"
    else:
        help_ = f"from {version} on, write this declaration again after `version {version}`, with `{target}`"
    line = where(absent.decl.replaces.span, sink, column=False)
    sink.error("R0201", f"`{name.name}` was replaced by `{new}` in version {version} ({line})", name.span,
               f"replaced in {version}", help=help_)


def _report_later(name: ast.Name, absent: Absent, syms: Symbols, sink: Sink) -> None:
    version, here = absent.version.name.name, syms.version.name.name if syms.version else "this version"
    replaces = getattr(absent.decl, "replaces", None)
    if replaces is not None:
        help_ = (f"before {version} the indicator is `{replaces.name}`: use `{replaces.name}` here, and write "
                 f"this declaration again after `version {version}`, with `{name.name}`")
    else:
        help_ = (f"define `{name.name}` before the first `version` line to have it in every version, "
                 f"or move this declaration after `version {version}`")
    sink.error("R0201", f"`{name.name}` is defined only from version {version} "
               f"({where(absent.decl.name.span, sink, column=False)}), not in {here}", name.span,
               f"not defined in {here}", help=help_)
