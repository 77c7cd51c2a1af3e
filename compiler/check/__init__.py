"""Semantic check: AST modules -> `CheckedProgram` (symbols) plus diagnostics.

Every check appends to the sink and carries on, so one run reports every error.
"""

from __future__ import annotations

from dataclasses import dataclass

from rubric.check.rules import check_declarations, parse_zone
from rubric.check.symbols import Symbols, build_symbols
from rubric.check.versions import absent_names, compose_versions
from rubric.diagnostics import Diagnostic, Sink
from rubric.syntax import ast

__all__ = ["CheckedProgram", "check_program", "parse_zone"]


@dataclass(frozen=True)
class CheckedProgram:
    main: ast.Module
    imports: tuple[ast.Module, ...]
    symbols: Symbols                                     # the last version's, or the only one
    versions: tuple[tuple[ast.VersionDecl, Symbols, tuple], ...] = ()   # (version, symbols, items in force)


def check_program(main: ast.Module, imports: list[ast.Module], sink: Sink) -> CheckedProgram:
    """Resolve names and check types, units and structure; diagnostics go to `sink`.

    A versioned rubric is checked once per version, as composed from its base and sections."""
    composed = compose_versions(main, sink)
    if not composed:
        symbols = build_symbols(main, imports, sink)
        check_declarations(symbols, sink)
        return CheckedProgram(main=main, imports=tuple(imports), symbols=symbols)
    versions, found = [], {}
    for index, (version, items) in enumerate(composed):
        local = Sink()
        local.sources = sink.sources
        symbols = build_symbols(ast.Module(path=main.path, items=tuple(items)), imports, local)
        symbols.version, symbols.absent = version, absent_names(composed, index)
        check_declarations(symbols, local)
        versions.append((version, symbols, tuple(items)))
        for diag in local.items:
            found.setdefault(diag, []).append(version.name.name)
    for diag, affected in found.items():
        sink.add(_in_versions(diag, affected, [v for v, _ in composed]))
    return CheckedProgram(main=main, imports=tuple(imports), symbols=versions[-1][1], versions=tuple(versions))


def _in_versions(diag: Diagnostic, affected: list[str], every: list[ast.VersionDecl]) -> Diagnostic:
    """A line shared by several versions but wrong in some of them says in which (unless the
    message names them already)."""
    first = next(v for v in every if v.name.name == affected[0])
    span = diag.span
    shared = span is not None and span.path == first.span.path and span.start < first.span.start
    if len(affected) == len(every) or not shared or any(name in diag.message for name in affected):
        return diag
    which = f"version {affected[0]}" if len(affected) == 1 else f"versions {', '.join(affected)}"
    return diag.model_copy(update={"notes": (*diag.notes, f"in {which} only: the other versions are fine")})
