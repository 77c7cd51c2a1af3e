"""Translation check: every title the docs show must have its half for each requested language.

Stage: docs backend. Input: `ir.Program`s and the languages asked for. Output: the list of
missing titles as `file:line:col: message` lines (from the IR origin spans), raised as one
`DocsError` by `render_docs` before anything is written.
"""

from __future__ import annotations

import re

from rubric.ir import nodes as ir
from rubric.source import SourceFile, Span

__all__ = ["DocsError", "missing_translations"]

_LANG_NAME = {"en": "English", "zh": "Chinese"}


class DocsError(Exception):
    """The docs cannot be rendered; `missing` lists every missing translation (file:line:col: ...)."""

    def __init__(self, missing: list[str]):
        self.missing = list(missing)
        head = f"{len(self.missing)} missing translation{'s' if len(self.missing) != 1 else ''}"
        super().__init__(head + ":\n" + "\n".join(self.missing))


class _Locator:
    """file:line:col of spans and of declarations without a span (found by their keyword)."""

    def __init__(self):
        self._sources: dict[str, SourceFile | None] = {}

    def source(self, path: str) -> SourceFile | None:
        if path not in self._sources:
            try:
                self._sources[path] = SourceFile.read(path)
            except (OSError, UnicodeDecodeError):
                self._sources[path] = None
        return self._sources[path]

    def span(self, span: Span | None, fallback_path: str) -> str:
        if span is None:
            return fallback_path
        src = self.source(span.path)
        if src is None:
            return span.path
        line, col = src.position(span.start)
        return f"{span.path}:{line}:{col}"

    def keyword(self, path: str, keyword: str, name: str) -> str:
        src = self.source(path)
        if src is None:
            return path
        found = re.search(rf"(?m)^\s*{keyword}\s+{re.escape(name)}\b", src.text)
        if found is None:
            return path
        start = found.start() + len(found.group(0)) - len(found.group(0).lstrip())
        line, col = src.position(start)
        return f"{path}:{line}:{col}"


def _titled(program: ir.Program, loc: _Locator):
    """(where, what, title) for every titled thing the docs show."""
    path = program.path
    yield loc.keyword(path, "rubric", program.name), f"rubric `{program.name}`", program.title
    for w in program.windows:
        yield loc.span(w.origin, path), f"window `{w.name}`", w.title
    groups = [("indicator", program.indicators), ("dimension", program.dimensions), ("value", program.values),
              ("deduction", program.deductions), ("status", program.statuses), ("tier", program.tiers),
              ("consequence", program.consequences), ("output", program.outputs), ("gate", program.gates)]
    for kind, items in groups:
        for item in items:
            yield loc.span(item.origin, path), f"{kind} `{item.name}`", item.title
    if program.total is not None:
        yield loc.span(program.total.origin, path), "total `score`", program.total.title
    if program.bands is not None:
        for band in program.bands.rows:
            yield loc.keyword(path, "band", band.name), f"band `{band.name}`", band.title
    for version in program.versions:
        yield loc.keyword(path, "version", version.name), f"version `{version.name}`", version.title


def _tables(program: ir.Program):
    used = {table for table, _ in program.needs}
    return [t for t in program.data.tables if t.name in used]


def missing_translations(programs, langs) -> list[str]:
    """Every title that has one language's half but not a requested one's, in source order.

    >>> from rubric.driver import compile_file, shipped_rules_dir
    >>> missing_translations([compile_file(shipped_rules_dir() / "shopee_service_rating.rubric")], ("zh", "en"))
    []
    """
    loc = _Locator()
    out: list[str] = []
    seen: set[str] = set()
    for program in programs:
        every = [program] + [v.program for v in program.versions]
        for prog in every:
            for where, what, title in _titled(prog, loc):
                _check(out, seen, where, what, title.en, title.zh, langs)
            for table in _tables(prog):
                where = loc.span(table.origin, prog.path)
                _check(out, seen, where, f"table `{table.name}`", table.title_en, table.title_zh, langs)
    return out


def _check(out: list[str], seen: set[str], where: str, what: str, en, zh, langs) -> None:
    halves = {"en": en, "zh": zh}
    if not en and not zh:
        return                       # no title at all: the docs show the name, in every language
    for lang in langs:
        if not halves.get(lang):
            line = (f"{where}: {what} has no {_LANG_NAME.get(lang, lang)} title; give it both halves: "
                    f"\"English\" | \"中文\"")
            if line not in seen:
                seen.add(line)
                out.append(line)

