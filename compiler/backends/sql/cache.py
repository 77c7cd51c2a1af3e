"""A disk cache of compiled SQL, keyed by what the SQL depends on.

Input: a rubric path, an as-of date and a dialect. Output: the SQL text and the table views
it reads. The key hashes the rubric's bytes, the bytes of every module it `uses`, the grammar
and Rubric's version: editing any of them compiles afresh. A hit imports nothing of the
compiler (no Lark, no checker, no sqlglot), which is most of a small run's fixed cost.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from datetime import date
from pathlib import Path

__all__ = ["cache_dir", "compiled_sql"]

_USES = re.compile(r"^[ \t]*uses[ \t]+([A-Za-z_][A-Za-z0-9_, \t]*)", re.MULTILINE)


def cache_dir() -> Path:
    base = os.environ.get("RUBRIC_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "rubric")
    return Path(base) / "sql"


def _key(path: Path, as_of: date, dialect: str) -> str | None:
    from importlib import resources

    import rubric

    digest = hashlib.sha256()
    try:
        text = path.read_bytes()
    except OSError:
        return None
    digest.update(text)
    shipped = Path(str(resources.files("rubric.rules")))
    for names in _USES.findall(text.decode("utf-8", "replace")):
        for name in (n.strip() for n in names.split(",") if n.strip()):
            for folder in (path.parent, shipped):
                module = folder / f"{name}.rubric"
                if module.is_file():
                    digest.update(module.read_bytes())
                    break
    digest.update(resources.files("rubric.grammar").joinpath("rubric.lark").read_bytes())
    # the compiler's own code: an edited backend never serves SQL compiled by the old one
    package = Path(rubric.__file__).resolve().parent
    for source in sorted(package.rglob("*.py")):
        stat = source.stat()
        digest.update(f"{source.relative_to(package)}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    digest.update(f"{rubric.__version__}|{as_of.isoformat()}|{dialect}".encode())
    return digest.hexdigest()


def compiled_sql(path: str | Path, as_of: date, dialect: str = "duckdb") -> dict:
    """{"name": the rubric's name, "sql": ..., "tables": [[name, [[column, type], ...]], ...],
    "model": the data model as JSON, "needs": [[table, [column, ...]], ...],
    "program": the compiled program, or None on a cache hit}."""
    path = Path(path)
    key = _key(path, as_of, dialect)
    entry_path = cache_dir() / f"{key}.json" if key else None
    if entry_path is not None and entry_path.is_file():
        try:
            entry = json.loads(entry_path.read_text(encoding="utf-8"))
            return {**entry, "program": None}
        except (OSError, ValueError):
            pass                      # a damaged entry is compiled again
    from rubric.backends.sql.render import build_sql, render
    from rubric.driver import compile_file

    program = compile_file(path)
    entry = {"name": program.name, "sql": render(build_sql(program, as_of), dialect, copy=False),
             "tables": [[t.name, [[c.name, c.type.value] for c in t.columns]] for t in program.data.tables],
             "model": program.data.model_dump(mode="json"), "needs": [[t, list(c)] for t, c in program.needs]}
    if entry_path is not None:
        _write(entry_path, json.dumps(entry))
    return {**entry, "program": program}


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except OSError:
        pass                          # no cache: every run compiles
