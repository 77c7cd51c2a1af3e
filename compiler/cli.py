"""The command line: parses flags, calls the driver, renders results. No rule logic here."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

# The compiler is imported inside the commands that need it: a cached `rubric score` run
# (the SQL is on disk) starts without Lark, the checker or sqlglot.

__all__ = ["app", "main"]

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Rubric: merchant scoring rules as data. Check, score and explain rubrics.")
debug_app = typer.Typer(no_args_is_help=True, help="Print a compiler stage (ast or ir).")
app.add_typer(debug_app, name="debug")

out = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, highlight=False, soft_wrap=True)

DEMO_AS_OF = "2024-06-03"
DEMO_MERCHANTS = 200
DEMO_SEED = 7


class _Fail(Exception):
    """A user-facing failure: print the message, exit with the code."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


def _diagnostics(error, fmt: str = "rich") -> None:
    from rubric.diagnostics import Severity
    from rubric.diagnostics.render import RENDERERS, render_rich, use_colour

    text = render_rich(error.diagnostics, error.sources, colour=use_colour(sys.stderr)) if fmt == "rich" \
        else RENDERERS[fmt](error.diagnostics, error.sources)
    sys.stderr.write(text)
    n = len([d for d in error.diagnostics if d.severity is Severity.ERROR])
    err.print(f"{n} error{'s' if n != 1 else ''}; nothing was scored.")


def _compile(path: Path):
    from rubric import driver
    from rubric.diagnostics import CompileError

    try:
        return driver.compile_file(path)
    except CompileError as e:
        _diagnostics(e)
        raise _Fail("", 1) from None


def _load(program, data: Path):
    from rubric import driver
    from rubric.data.errors import DataError

    try:
        return driver.load_data(program, data)
    except DataError as e:
        sys.stderr.write(str(e) + "\n")
        raise _Fail("the data was not scored; fix the problems above", 1) from None


def _date(text: str):
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _Fail(f"as-of {text!r} is not a date: write it as YYYY-MM-DD, e.g. 2024-06-03", 2) from None


def _evaluate(program, tables, as_of, quiet: bool = False):
    try:
        return _evaluate_or_fail(program, tables, as_of, quiet)
    except ValueError as e:      # e.g. no version in force on that date
        raise _Fail(str(e), 1) from None


def _evaluate_or_fail(program, tables, as_of, quiet: bool = False):
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from rubric.backends.reference.evaluate import evaluate
    from rubric.result import ScoreResult

    merchants = len(tables[program.data.entity])
    if quiet or merchants < 2000 or not sys.stderr.isatty():
        return ScoreResult(evaluate(program, tables, as_of))
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), console=err, transient=True) as progress:
        task = progress.add_task(f"scoring {program.name}", total=None)

        def tick(phase: str, done: int, total: int) -> None:
            progress.update(task, description=f"{program.name}: {phase}", completed=done, total=total)

        return ScoreResult(evaluate(program, tables, as_of, progress=tick))


# --- commands -----------------------------------------------------------------------------------

@app.command()
def check(files: list[Path] = typer.Argument(..., help="Rubric files to check."),
          format: str = typer.Option("rich", "--format", "-f", help="rich, short or json")) -> None:
    """Check rubrics; print every diagnostic (exit 1 when there is an error)."""
    from rubric import driver
    from rubric.diagnostics import Severity
    from rubric.diagnostics.render import RENDERERS, render_rich, use_colour

    if format not in RENDERERS:
        raise _Fail(f"unknown format {format!r}: use rich, short or json", 2)
    diagnostics, sources = driver.check_files(files)
    if format == "rich":
        sys.stdout.write(render_rich(diagnostics, sources, colour=use_colour()))
    else:
        sys.stdout.write(RENDERERS[format](diagnostics, sources))
    sys.stdout.flush()
    errors = sum(1 for d in diagnostics if d.severity is Severity.ERROR)
    warnings = len(diagnostics) - errors
    if format != "json":
        verdict = "ok" if not errors else "failed"
        err.print(f"{verdict}: {len(files)} file{'s' if len(files) != 1 else ''}, {errors} error"
                  f"{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}")
    if errors:
        raise typer.Exit(1)


@app.command()
def score(rubric: Path = typer.Argument(..., help="The .rubric file."),
          data: Path = typer.Option(..., "--data", help="Folder of <table>.parquet or <table>.csv files."),
          as_of: str = typer.Option(..., "--as-of", help="Assessment date, YYYY-MM-DD (local to the rubric's zone)."),
          out_file: Optional[Path] = typer.Option(None, "--out", help="Write results: .csv, .parquet or .json."),
          engine: str = typer.Option("duckdb", "--engine", help="duckdb (default), python (the reference "
                                     "evaluator) or spark"),
          spark_master: Optional[str] = typer.Option(None, "--spark-master", help="Spark master URL (default local[*])."),
          explain_out: Optional[Path] = typer.Option(None, "--explain-out", help="Also write one row per merchant × "
                                                     "contribution (.parquet, .csv or .json), computed by DuckDB."),
          threads: Optional[int] = typer.Option(None, "--threads", min=1, help="DuckDB: threads to use "
                                                "(default: every core)."),
          memory_limit: Optional[str] = typer.Option(None, "--memory-limit", help="DuckDB: memory to use, e.g. "
                                                     "2GB (default: 80% of RAM); beyond it DuckDB spills to disk."),
          quiet: bool = typer.Option(False, "--quiet", help="No summary table.")) -> None:
    """Score every merchant; one row per merchant (domain.md §3)."""
    if engine not in ENGINES:
        raise _Fail(f"unknown engine {engine!r}: use {', '.join(ENGINES)}", 2)
    if engine != "duckdb" and (threads is not None or memory_limit is not None):
        raise _Fail("--threads and --memory-limit set up DuckDB: use them with --engine duckdb", 2)
    day = _date(as_of)
    if engine == "duckdb":
        name, summary = _score_duckdb(rubric, data, day, out_file, threads, memory_limit)
    else:
        program = _compile(rubric)
        table = _score_with(engine, program, data, day, spark_master)
        if out_file is not None:
            _write_table(table, out_file)
        from rubric.backends.sql.duckdb_runner import summarize_table

        name, summary = program.name, summarize_table(table)
    if explain_out is not None:
        _write_contributions(rubric, data, day, explain_out)
    if not quiet:
        _summary_rows([(name, day, summary)], day)


def _write_table(table, out_file: Path) -> None:
    from rubric.data.write import write_table_atomic

    try:
        write_table_atomic(table, out_file)
    except (ValueError, OSError) as e:
        raise _Fail(f"cannot write {out_file}: {e}", 1) from None
    err.print(f"wrote {table.num_rows} rows to {out_file}")


def _write_contributions(rubric: Path, data: Path, day, out_file: Path) -> None:
    from rubric.backends.reference.evaluate import version_in_force
    from rubric.backends.sql.contributions import contributions_query
    from rubric.backends.sql.duckdb_runner import run_sql, table_spec
    from rubric.backends.sql.render import render
    from rubric.data.write import write_table_atomic

    program = _compile(rubric)
    try:
        current = version_in_force(program, day).program if program.versions else program
        table = run_sql(render(contributions_query(current, day), "duckdb", copy=False), table_spec(current), data)
        write_table_atomic(table, out_file)
    except (ValueError, OSError) as e:
        raise _Fail(f"cannot write {out_file}: {e}", 1) from None
    err.print(f"wrote {table.num_rows} contributions to {out_file}")


def _score_duckdb(rubric: Path, data: Path, day, out_file: Path | None, threads: int | None = None,
                  memory_limit: str | None = None):
    """Compiled SQL from the cache (compiling on a miss), validated data, one DuckDB query
    into a temporary table that DuckDB writes and summarises. A cached run imports neither
    the compiler nor pyarrow (Parquet is written by DuckDB). Returns (name, summary)."""
    from rubric.backends.sql.cache import compiled_sql
    from rubric.backends.sql.duckdb_runner import copy_parquet, run_into, summarize
    from rubric.backends.sql.errors import SqlUnsupported
    from rubric.diagnostics import CompileError

    try:
        entry = compiled_sql(rubric, day)
    except CompileError as e:
        _diagnostics(e)
        raise _Fail("", 1) from None
    except (SqlUnsupported, ValueError) as e:
        raise _Fail(f"the duckdb engine cannot run this rubric: {e}; use --engine python", 1) from None
    if out_file is not None and out_file.suffix.lower() not in (".csv", ".parquet", ".json"):
        raise _Fail(f"cannot write {out_file}: unknown suffix {out_file.suffix!r}; use one of .csv, .parquet, .json", 1)
    try:
        _validate_sql(entry["program"], data, entry, threads=threads, memory_limit=memory_limit)
        con = run_into(entry["sql"], entry["tables"], data, threads=threads, memory_limit=memory_limit)
    except ValueError as e:           # a memory limit DuckDB does not understand
        raise _Fail(f"--memory-limit: {e}", 2) from None
    if out_file is not None:
        if out_file.suffix.lower() == ".parquet":
            from rubric.data.write import write_atomic

            try:
                write_atomic(out_file, lambda temporary: copy_parquet(con, temporary))
            except Exception as e:     # OSError, or DuckDB's IOException
                raise _Fail(f"cannot write {out_file}: {e}", 1) from None
            rows = con.execute("SELECT count(*) FROM result").fetchone()[0]
            err.print(f"wrote {rows} rows to {out_file}")
        else:
            _write_table(con.table("result").to_arrow_table(), out_file)
    return entry["name"], summarize(con)


ENGINES = ("duckdb", "python", "spark")


def _score_with(engine: str, program, data: Path, day, spark_master=None):
    """The output table of the Python or Spark engine (DuckDB runs in `_score_duckdb`); every
    engine validates the data first."""
    if engine == "python":
        return _evaluate(program, _load(program, data), day).table
    from rubric.backends.sql.errors import SqlUnsupported

    try:
        from rubric.backends.sql.spark_runner import run_spark

        _load(program, data)
        return run_spark(program, data, day, master=spark_master)
    except SqlUnsupported as e:
        raise _Fail(f"the {engine} engine cannot run this rubric: {e}; use --engine python", 1) from None
    except ValueError as e:
        raise _Fail(str(e), 1) from None


def _validated_marker(model: dict, needs: list, data: Path):
    """A cache entry naming these files (path, size, modification time) and these checks
    (the data model as JSON and the columns the rubric reads)."""
    import hashlib
    import json

    from rubric.backends.sql.cache import cache_dir

    try:
        files = sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in Path(data).iterdir() if p.is_file())
    except OSError:
        return None
    key = json.dumps([str(Path(data).resolve()), files, model, needs], sort_keys=True, default=str)
    return cache_dir().parent / "validated" / hashlib.sha256(key.encode()).hexdigest()


def _validate_sql(program, data: Path, entry: dict | None = None, threads: int | None = None,
                  memory_limit: str | None = None) -> None:
    """Validate the data in SQL, unless these exact files passed these checks before. With a
    cache `entry` the marker is computed from its JSON (no program needed until validating)."""
    from rubric.data.errors import DataError

    if entry is not None:
        model, needs = entry["model"], entry["needs"]
    else:
        model = program.data.model_dump(mode="json")
        needs = [[t, list(c)] for t, c in program.needs]
    marker = _validated_marker(model, needs, data)
    if marker is not None and marker.exists():
        return                   # these exact files passed these checks before
    if program is None:          # a cached run: the program's data model, from the entry
        from types import SimpleNamespace

        from rubric.ir.schema import DataModel

        program = SimpleNamespace(name=entry["name"], data=DataModel.model_validate(model),
                                  needs=tuple((t, tuple(c)) for t, c in needs))
    try:
        from rubric.data.sql_validate import validate_folder
    except ImportError:          # validation in SQL not available: validate with the loader
        _load(program, data)
        return
    con = None
    if threads is not None or memory_limit is not None:
        from rubric.backends.sql.duckdb_runner import connect

        con = connect(threads, memory_limit)
    try:
        validate_folder(program, data, con=con)
        if marker is not None:
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()
    except OSError:
        pass
    except DataError as e:
        sys.stderr.write(str(e) + "\n")
        raise _Fail("the data was not scored; fix the problems above", 1) from None
    finally:
        if con is not None:
            con.close()


@app.command()
def sql(rubric: Path = typer.Argument(..., help="The .rubric file."),
        dialect: str = typer.Option("duckdb", "--dialect", help="duckdb, spark, bigquery, snowflake or postgres"),
        as_of: str = typer.Option(..., "--as-of", help="The as-of date the windows are computed for.")) -> None:
    """Print the SQL a rubric compiles to (tables are read by their declared names)."""
    from rubric.backends.sql.errors import SqlUnsupported
    from rubric.backends.sql.render import DIALECTS, build_sql, render

    if dialect not in DIALECTS:
        raise _Fail(f"unknown dialect {dialect!r}: use one of {', '.join(DIALECTS)}", 2)

    program = _compile(rubric)
    day = _date(as_of)
    try:
        from rubric.backends.sql.render import preamble

        first = preamble(dialect)
        sys.stdout.write((first + ";\n" if first else "") + render(build_sql(program, day), dialect, pretty=True, copy=False) + ";\n")
    except SqlUnsupported as e:
        raise _Fail(str(e), 1) from None
    except ValueError as e:
        raise _Fail(str(e), 1) from None


@app.command()
def explain(rubric: Path = typer.Argument(..., help="The .rubric file."),
            data: Path = typer.Option(..., "--data"),
            as_of: str = typer.Option(..., "--as-of"),
            merchant: str = typer.Option(..., "--merchant", help="The merchant_id to explain."),
            lang: str = typer.Option("en", "--lang", help="en or zh"),
            engine: str = typer.Option("python", "--engine", help="python (the reference evaluator) or duckdb"),
            as_json: bool = typer.Option(False, "--json", help="Print the trace as JSON.")) -> None:
    """Explain where every number of one merchant's result came from."""
    if lang not in ("en", "zh"):
        raise _Fail(f"unknown language {lang!r}: use en or zh", 2)
    if engine not in ("python", "duckdb"):
        raise _Fail(f"unknown engine {engine!r}: use python or duckdb", 2)
    program = _compile(rubric)
    day = _date(as_of)
    try:
        if engine == "duckdb":
            from rubric.backends.sql.explain import explain_merchant

            _validate_sql(program, data)
            trace = explain_merchant(program, data, day, merchant)
        else:
            trace = _evaluate(program, _load(program, data), day, quiet=True).explain(merchant)
    except KeyError as e:
        raise _Fail(str(e.args[0]), 1) from None
    except ValueError as e:
        raise _Fail(str(e), 1) from None
    if as_json:
        sys.stdout.write(json.dumps(trace.to_dict(), ensure_ascii=False, indent=2, default=str) + "\n")
        return
    from rubric.backends.reference.explain import explain_text, explain_tree

    if sys.stdout.isatty():
        out.print(explain_tree(trace, program, lang))
    else:                        # piped: wrap long lines instead of cropping them
        sys.stdout.write(explain_text(trace, program, lang, width=140))


@app.command("sample-data")
def sample_data(out_dir: Path = typer.Option(..., "--out", help="Folder to write one file per table into."),
                merchants: int = typer.Option(200, "--merchants", min=1),
                seed: int = typer.Option(7, "--seed"),
                fmt: str = typer.Option("parquet", "--format", help="parquet or csv")) -> None:
    """Generate deterministic sample data for the whole data model."""
    from rubric.sample.generate import generate_sample

    try:
        counts = generate_sample(out_dir, merchants=merchants, seed=seed, fmt=fmt)
    except ValueError as e:
        raise _Fail(str(e), 2) from None
    table = Table(title=f"sample data in {out_dir}")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, count in counts.items():
        table.add_row(name, str(count))
    out.print(table)


@app.command()
def demo(data: Optional[Path] = typer.Option(None, "--data", help="Use this folder instead of the bundled sample."),
         as_of: str = typer.Option(DEMO_AS_OF, "--as-of")) -> None:
    """Score every shipped rubric on the bundled sample data and print a summary."""
    from rubric import driver

    rules = sorted(p for p in driver.shipped_rules_dir().glob("*.rubric") if p.stem != "commerce")
    results = []
    for path in rules:
        program = _compile(path)
        day, folder = _demo_plan(program, data, as_of)
        result = _evaluate(program, _load(program, folder), day)
        results.append((program, result, day, folder))
    from rubric.backends.sql.duckdb_runner import summarize_table

    _summary_rows([(p.name, d, summarize_table(r.table)) for p, r, d, _ in results])
    for program, result, day, folder in results:
        example = next((r["merchant_id"] for r in result.to_pylist() if r["status"] not in ("not_open", "unrated")), None)
        if example:
            err.print(f"explain one: rubric explain {program.path} --data {folder} --as-of {day} --merchant {example}")


def _demo_plan(program, data: Optional[Path], as_of: str):
    """(as-of, data folder) for one rubric: versioned rubrics are shown inside their shadow period."""
    from datetime import date, timedelta

    from rubric.sample.generate import generate_sample

    day = _date(as_of)
    shadowed = [v for v in program.versions if v.shadow_from]
    if shadowed and as_of == DEMO_AS_OF:
        day = date.fromisoformat(shadowed[-1].shadow_from) + timedelta(days=12)
    if data is not None:
        return day, data
    start = date(day.year, 1, 1) if day.month > 6 else date(day.year - 1, 7, 1)
    end = day + timedelta(days=28)
    folder = Path(tempfile.gettempdir()) / f"rubric-sample-{DEMO_MERCHANTS}-{DEMO_SEED}-{day.isoformat()}-{_generator_tag()}"
    if not (folder / "merchants.parquet").exists():
        from rubric import driver

        anchor = driver.as_of_instant(program, day)
        generate_sample(folder, merchants=DEMO_MERCHANTS, seed=DEMO_SEED, start=start, end=end, anchors=(anchor,))
    return day, folder


def _generator_tag() -> str:
    """Changes when the sample generator changes, so a cached sample is never stale."""
    import hashlib
    import inspect

    from rubric.sample import generate

    return hashlib.sha256(inspect.getsource(generate).encode()).hexdigest()[:8]


def _summary_rows(results, day=None) -> None:
    """Print one line per (rubric name, as-of, summary)."""
    table = Table(title=f"as of {day.isoformat()}" if day else "shipped rubrics on the bundled sample data")
    for col, justify in (("rubric", "left"), ("as of", "left"), ("merchants", "right"), ("rated", "right"), ("mean score", "right"),
                         ("tiers", "left"), ("consequences", "left")):
        table.add_column(col, justify=justify)
    for name, as_of_day, s in results:
        table.add_row(name, as_of_day.isoformat(), str(s["merchants"]),
                      f"{s['rated']}" + (f" ({', '.join(f'{k} {v}' for k, v in s['statuses'])})"),
                      f"{s['mean']:.2f}" if s["mean"] is not None else "—",
                      ", ".join(f"{k} {v}" for k, v in s["tiers"]) or "—",
                      ", ".join(f"{k} {v}" for k, v in s["consequences"]) or "—")
    out.print(table)


@app.command()
def versions(rubric: Path = typer.Argument(..., help="The .rubric file.")) -> None:
    """List a rubric's dated versions, their periods and what each one changed."""
    program = _compile(rubric)
    if not program.versions:
        out.print(f"{program.name} has one version (no `version` lines).")
        return
    table = Table(title=f"versions of {program.name}")
    for col in ("version", "title", "in force", "shadow from", "changes"):
        table.add_column(col)
    for v in program.versions:
        period = f"{v.effective_from or '…'} to {v.effective_until or '…'}"
        title = " | ".join(t for t in (v.title.en, v.title.zh) if t)
        table.add_row(v.name, title, period, v.shadow_from or "—", "\n".join(v.changes) or "—")
    out.print(table)


@app.command()
def docs(files: list[Path] = typer.Argument(..., help="Rubric files to publish."),
         out_dir: Path = typer.Option(..., "--out", help="Folder of the static site."),
         lang: str = typer.Option("zh,en", "--lang", help="Languages, comma-separated: zh, en."),
         formats: str = typer.Option("html,md", "--format", help="html, md or both.")) -> None:
    """Publish the rules as a static site (Chinese and English), rendered from the checked rubrics."""
    from rubric.backends.docs import DocsError, render_docs

    programs = [_compile(f) for f in files if f.stem != "commerce"]
    langs = tuple(x.strip() for x in lang.split(",") if x.strip())
    try:
        written = render_docs(programs, out_dir, langs=langs, formats=tuple(x.strip() for x in formats.split(",")))
    except DocsError as e:
        sys.stderr.write("\n".join(e.missing) + "\n")
        raise _Fail("docs were not written: every published title needs its translation", 1) from None
    except ValueError as e:
        raise _Fail(str(e), 2) from None
    err.print(f"wrote {len(written)} files to {out_dir}")


@app.command()
def report(rubric: Path = typer.Argument(..., help="The .rubric file."),
           data: Path = typer.Option(..., "--data"),
           as_of: str = typer.Option(..., "--as-of"),
           merchant: str = typer.Option(..., "--merchant"),
           out_file: Path = typer.Option(..., "--out", help="report.html (or .md)"),
           lang: str = typer.Option("zh", "--lang", help="zh or en"),
           history: int = typer.Option(6, "--history", help="How many past assessments to chart.")) -> None:
    """Write one merchant's diagnosis page: every indicator, its peers, and what to improve first."""
    from rubric.backends.docs import render_report
    from rubric.backends.reference.evaluate import evaluate, prepare
    from rubric.backends.reference.timeutil import past_as_of

    if lang not in ("zh", "en"):
        raise _Fail(f"unknown language {lang!r}: use zh or en", 2)
    program = _compile(rubric)
    day = _date(as_of)
    tables = _load(program, data)
    prepared = prepare(program, tables)
    cadence = program.cadence or "weekly"
    days = [past_as_of(day, cadence, k) for k in range(max(history, 1) - 1, -1, -1)]
    try:
        evaluations = [evaluate(program, prepared, d) for d in days]
        path = render_report(program, evaluations, merchant, out_file, lang, data=prepared)
    except KeyError as e:
        raise _Fail(str(e.args[0]), 1) from None
    except ValueError as e:
        raise _Fail(str(e), 1) from None
    err.print(f"wrote {path}")


@debug_app.command("ast")
def debug_ast(file: Path) -> None:
    """Print the abstract syntax tree of a file (JSON)."""
    from rubric.diagnostics import CompileError, Sink
    from rubric.source import SourceFile
    from rubric.syntax.parse import parse_source

    sink = Sink()
    try:
        source = SourceFile.read(file)
    except (OSError, UnicodeDecodeError) as e:
        raise _Fail(f"cannot read {file}: {e}", 1) from None
    module = parse_source(source, sink)
    if sink.errors:
        _diagnostics(CompileError(sink.sorted(), sink.sources))
        raise typer.Exit(1)
    sys.stdout.write(module.model_dump_json(indent=2, exclude_none=True) + "\n")


@debug_app.command("ir")
def debug_ir(file: Path) -> None:
    """Print the scoring graph of a rubric (JSON)."""
    program = _compile(file)
    sys.stdout.write(program.model_dump_json(indent=2, exclude_none=True) + "\n")


def main() -> None:
    try:
        code = app(standalone_mode=False)
        sys.stdout.flush()
        sys.exit(code if isinstance(code, int) else 0)
    except _Fail as e:
        if str(e):
            err.print(f"error: {e}")
        sys.exit(e.code)
    except typer.Exit as e:
        sys.exit(e.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        err.print("aborted")
        sys.exit(130)
    except Exception as e:  # click usage errors and the like
        import click

        if isinstance(e, click.ClickException):
            e.show()
            sys.exit(e.exit_code)
        err.print(f"internal error: {type(e).__name__}: {e}\nplease report this with the command you ran")
        sys.exit(70)
