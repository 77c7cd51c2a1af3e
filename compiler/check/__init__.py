"""Semantic check: AST modules -> `CheckedProgram` (symbols) plus diagnostics.

Every check appends to the sink and carries on, so one run reports every error.
"""

from __future__ import annotations

from dataclasses import dataclass

from rubric.check.rules import check_declarations, parse_zone
from rubric.check.symbols import Symbols, build_symbols
from rubric.check.versions import compose_versions
from rubric.diagnostics import Sink
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
    versions = []
    for version, items in composed:
        symbols = build_symbols(ast.Module(path=main.path, items=tuple(items)), imports, sink)
        check_declarations(symbols, sink)
        versions.append((version, symbols, tuple(items)))
    return CheckedProgram(main=main, imports=tuple(imports), symbols=versions[-1][1], versions=tuple(versions))
