"""The driver: chains the stages. Source file -> parse -> check -> IR -> backends.

`compile_file` / `compile_source` return an `ir.Program` or raise one `CompileError`
carrying every diagnostic; `check_files` returns diagnostics without raising.
"""

from __future__ import annotations

from datetime import date, datetime
from importlib import resources
from pathlib import Path

from rubric.check import check_program
from rubric.collector import collector_paused
from rubric.diagnostics import CompileError, Diagnostic, Sink
from rubric.ir import nodes as ir
from rubric.ir.from_ast import lower_program
from rubric.source import SourceFile, Span
from rubric.syntax import ast
from rubric.syntax.parse import parse_source

__all__ = ["check_files", "compile_file", "compile_source", "shipped_rules_dir"]


def shipped_rules_dir() -> Path:
    return Path(str(resources.files("rubric.rules")))


def _read(path: Path, sink: Sink) -> SourceFile | None:
    try:
        return SourceFile.read(path)
    except (OSError, UnicodeDecodeError) as err:
        reason = "it is not UTF-8 text" if isinstance(err, UnicodeDecodeError) else (err.strerror or str(err))
        sink.error("R0105", f"cannot read {path}: {reason}", None,
                   help="check the path; rubric files are UTF-8 text")
        return None


def _load_imports(main: ast.Module, base: Path, sink: Sink) -> list[ast.Module]:
    header = next((i for i in main.items if i.kind == "rubric"), None)
    modules: list[ast.Module] = []
    for use in header.uses if header else ():
        candidates = [base / f"{use.name}.rubric", shipped_rules_dir() / f"{use.name}.rubric"]
        found = next((c for c in candidates if c.is_file()), None)
        if found is None:
            sink.error("R0205", f"cannot find the module `{use.name}`", use.span, "no such file",
                       help=f"put {use.name}.rubric beside this rubric (looked in {base} and the shipped rules)")
            continue
        source = _read(found, sink)
        if source is not None:
            modules.append(_parse_module(source, sink))
    return modules


# Modules (`uses commerce`) parsed in this process, by path and text: compiling several rubrics
# parses the shared data model once. Only modules that parsed without any diagnostic are
# kept (the AST is immutable), so a cached one has nothing to report again.
_MODULES: dict[tuple[str, str], ast.Module] = {}


def _parse_module(source: SourceFile, sink: Sink) -> ast.Module:
    key = (source.path, source.text)
    module = _MODULES.get(key)
    if module is not None:
        sink.add_source(source)
        return module
    local = Sink()
    module = parse_source(source, local)
    for known in local.sources.values():
        sink.add_source(known)
    for diagnostic in local.items:
        sink.add(diagnostic)
    if not local.items:
        if len(_MODULES) >= 32:
            _MODULES.clear()
        _MODULES[key] = module
    return module


def _compile(source: SourceFile, sink: Sink, base: Path) -> ir.Program | None:
    main = parse_source(source, sink)
    if sink.errors:
        return None
    imports = _load_imports(main, base, sink)
    if sink.errors:
        return None
    checked = check_program(main, imports, sink)
    if sink.errors or checked.symbols.header is None:
        if checked.symbols.header is None and not sink.errors and not checked.symbols.data_headers:
            sink.error("R0211", "this file has no `rubric` header", Span(path=source.path, start=0, end=0),
                       help="start the file with `rubric <name>`")
        return None
    return lower_program(checked, sink.sources)


def compile_source(text: str, path: str = "<rubric>", base: str | Path = ".") -> ir.Program:
    """Compile rubric text; raise `CompileError` with every diagnostic.

    >>> compile_source("rubric x").name
    Traceback (most recent call last):
    ...
    rubric.diagnostics.model.CompileError: the rubric `x` does not say its time zone
    """
    sink = Sink()
    source = SourceFile(path, text)
    with collector_paused():
        program = _compile(source, sink, Path(base))
    if sink.errors or program is None:
        _no_rubric(source, sink)
        raise CompileError(sink.sorted(), sink.sources)
    return program


def _no_rubric(source: SourceFile, sink: Sink) -> None:
    """A data module (or an empty file) checks fine but does not compile on its own."""
    if not sink.errors:
        sink.error("R0211", "this file declares data but no `rubric`: it cannot be scored on its own",
                   Span(path=source.path, start=0, end=min(len(source.text), 1)),
                   help="compile a rubric that imports it with `uses <name>`")


def compile_file(path: str | Path) -> ir.Program:
    """Compile a `.rubric` file; raise `CompileError` with every diagnostic.

    >>> compile_file(shipped_rules_dir() / "tiktok_shop_store_rating.rubric").name
    'tiktok_shop_store_rating'
    """
    sink = Sink()
    source = _read(Path(path), sink)
    with collector_paused():
        program = _compile(source, sink, Path(path).parent) if source else None
    if sink.errors or program is None:
        if source is not None:
            _no_rubric(source, sink)
        raise CompileError(sink.sorted(), sink.sources)
    return program


def check_files(paths) -> tuple[list[Diagnostic], dict[str, SourceFile]]:
    """Check files; return (diagnostics, sources) without raising. A data module checks alone."""
    diagnostics: list[Diagnostic] = []
    sources: dict[str, SourceFile] = {}
    for path in paths:
        sink = Sink()
        source = _read(Path(path), sink)
        if source is not None:
            _compile(source, sink, Path(path).parent)
        diagnostics.extend(sink.sorted())
        sources.update(sink.sources)
    return diagnostics, sources


# --- scoring ----------------------------------------------------------------------------------

def _as_date(as_of) -> date:
    if isinstance(as_of, datetime):
        return as_of.date()
    if isinstance(as_of, date):
        return as_of
    try:
        return date.fromisoformat(str(as_of))
    except ValueError:
        raise ValueError(f"as-of {as_of!r} is not a date: write it as YYYY-MM-DD, e.g. 2024-06-03") from None


def as_of_instant(program: ir.Program, day) -> datetime:
    """The UTC instant an as-of date means for `program` (00:00 in its zone)."""
    from datetime import timezone

    from rubric.check import parse_zone

    local = datetime(day.year, day.month, day.day, tzinfo=parse_zone(program.zone))
    return local.astimezone(timezone.utc)


def load_data(program: ir.Program, data):
    """Validated tables for `program`: from a folder (CSV/Parquet) or a mapping of pyarrow tables."""
    from rubric.data.load import load_dataset

    if isinstance(data, (str, Path)):
        needs = {table: set(columns) for table, columns in program.needs}
        return load_dataset(program.data, data, needs)
    return dict(data)


def score(rubric, data, as_of):
    """Score every merchant: `rubric` is a path or a compiled program, `data` a folder or tables.

    >>> from rubric.sample.generate import generate_sample
    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> _ = generate_sample(folder, merchants=40, seed=1)
    >>> result = score(shipped_rules_dir() / "douyin_cs_satisfaction.rubric", folder, "2024-06-03")
    >>> result.table.num_rows
    40
    """
    from rubric.result import ScoreResult
    from rubric.backends.reference.evaluate import evaluate

    program = rubric if isinstance(rubric, ir.Program) else compile_file(rubric)
    tables = load_data(program, data)
    return ScoreResult(evaluate(program, tables, _as_date(as_of)))
