"""Benchmark the TikTok store rating: whole processes, wall time and peak memory, per data size.

    python benchmarks/run.py                          # 1M and 10M orders
    python benchmarks/run.py --sizes 1m,10m,50m       # all three (50M: ~8 GiB of data in /tmp)
    python benchmarks/run.py --sizes 50m --repeat 1

For each size it generates the data if missing (benchmarks/gen_fast.py, into
/tmp/rubric-bench/<size>), then times, each in its own process:

  * hand-written DuckDB SQL  benchmarks/tiktok_handwritten.py (the yardstick; ratios are vs it)
  * rubric --engine duckdb   `rubric score rules/tiktok_shop_store_rating.rubric --data DIR
                              --as-of 2024-06-03 --engine duckdb --out OUT.parquet` ("n/a" when
                              the engine is not available)
  * pandas                   benchmarks/tiktok_pandas.py (skipped when its estimated peak memory
                              does not fit in the available memory; the table says so)
  * reference evaluator      `rubric score ... --engine python` (the pure-Python oracle), only for
                              sizes up to --reference-max (default 1m: one run, no warm-up)

Each implementation gets one warm-up run (which also checks it works), then --repeat timed runs
in rounds (one run of each implementation per round, the order alternating, so a burst of load
on a shared machine hits all of them); the table shows the median wall time (time.perf_counter around the process) and the peak RSS
(os.wait4 rusage of that process). Every output is compared with the hand-written SQL's on all
contract columns (check_equal.compare: floats within 1e-9). Results are merged by size into
benchmarks/results.json and written as markdown to benchmarks/results.md. The load average is
recorded: on a shared machine, read the numbers with it. Nothing here asserts on timings.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RUBRIC = ROOT / "rules" / "tiktok_shop_store_rating.rubric"
RESULTS_JSON = HERE / "results.json"
RESULTS_MD = HERE / "results.md"
SIZES = {"100k": 100_000, "1m": 1_000_000, "10m": 10_000_000, "50m": 50_000_000}
AS_OF = "2024-06-03"          # inside the generated range 2024-01-01 .. 2024-07-01 (a weekly boundary)
#: bytes of peak RSS per order that pandas needed at 10M (1.47 GB), to decide whether 50M fits
PANDAS_BYTES_PER_ORDER = 150

sys.path.insert(0, str(HERE))


def _rubric_cmd() -> list[str]:
    """The `rubric` script of this interpreter (as in a virtual environment), not a wrapper
    found on PATH: a pyenv shim, a bash script, adds ~0.2 s to every run."""
    beside = Path(sys.executable).with_name("rubric")
    if beside.is_file():
        return [str(beside)]
    exe = shutil.which("rubric")
    return [exe] if exe else [sys.executable, "-c", "from rubric.cli import main; main()"]


IMPLEMENTATIONS = {
    "sql": ("hand-written DuckDB SQL",
            lambda d, o: [sys.executable, str(HERE / "tiktok_handwritten.py"), "--data", d, "--as-of", AS_OF, "--out", o]),
    "compiled": ("compiled SQL (Rubric's SQL, the hand-written SQL's harness)",
                 lambda d, o: [sys.executable, str(HERE / "compiled_sql.py"), "--data", d, "--as-of", AS_OF, "--out", o]),
    "engine": ("`rubric score --engine duckdb`",
               lambda d, o: _rubric_cmd() + ["score", str(RUBRIC), "--data", d, "--as-of", AS_OF,
                                             "--engine", "duckdb", "--out", o]),
    "pandas": ("pandas",
               lambda d, o: [sys.executable, str(HERE / "tiktok_pandas.py"), "--data", d, "--as-of", AS_OF, "--out", o]),
    "reference": ("reference evaluator (Python)",
                  lambda d, o: _rubric_cmd() + ["score", str(RUBRIC), "--data", d, "--as-of", AS_OF,
                                                "--engine", "python", "--out", o]),
}


# --- measuring one process ----------------------------------------------------------------------

def run_process(cmd: list[str], cwd: Path = ROOT) -> dict:
    """Run `cmd` to completion: wall seconds, peak RSS (MiB) of that process, exit code, stderr."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode(errors="replace")
    return {"wall": wall, "rss_mib": usage.ru_maxrss / 1024, "rc": proc.returncode,
            "cpu": usage.ru_utime + usage.ru_stime, "stderr": stderr}


def _first_error(stderr: str) -> str:
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    for ln in reversed(lines):
        if "error" in ln.lower() or "not available" in ln.lower() or "unknown engine" in ln.lower():
            return ln[:200]
    return lines[-1][:200] if lines else "failed"


# --- data ------------------------------------------------------------------------------------------

def ensure_data(size: str, root: Path) -> tuple[Path, dict]:
    import pyarrow.parquet as pq
    from gen_fast import SCHEMA

    folder = root / size
    orders = SIZES[size]
    complete = all((folder / f"{t}.parquet").exists() for t in SCHEMA) and \
        pq.ParquetFile(folder / "orders.parquet").metadata.num_rows == orders
    info = {}
    if not complete:
        print(f"[{size}] generating {orders:,} orders into {folder} ...", flush=True)
        started = time.perf_counter()
        subprocess.run([sys.executable, str(HERE / "gen_fast.py"), "--orders", str(orders), "--out", str(folder),
                        "--quiet"], check=True, stdout=subprocess.DEVNULL)
        info["generated_in_s"] = round(time.perf_counter() - started, 1)
        print(f"[{size}] generated in {info['generated_in_s']} s", flush=True)
    rows = {t: pq.ParquetFile(folder / f"{t}.parquet").metadata.num_rows for t in SCHEMA}
    info["rows"] = rows
    info["bytes"] = sum((folder / f"{t}.parquet").stat().st_size for t in SCHEMA)
    return folder, info


def _mem_available_mib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("inf")


# --- one size ----------------------------------------------------------------------------------------

def _estimate_rss_mib(key: str, size: str, previous: dict) -> float | None:
    """Peak RSS expected at `size`: the largest smaller size measured, scaled by orders."""
    smaller = [r for r in previous.values() if r["orders"] < SIZES[size]
               and r.get("results", {}).get(key, {}).get("rss_mib")]
    if smaller:
        r = max(smaller, key=lambda r: r["orders"])
        return r["results"][key]["rss_mib"] * SIZES[size] / r["orders"]
    if key == "pandas":
        return SIZES[size] * PANDAS_BYTES_PER_ORDER / 2**20
    return None


def _skip_reason(key: str, size: str, args, previous: dict) -> str | None:
    """Why an implementation is not run at this size (None: it is run)."""
    if key == "reference" and SIZES[size] > SIZES[args.reference_max]:
        return f"not run above {args.reference_max} orders (pure Python, minutes and GiB)"
    if key == "pandas" and SIZES[size] > SIZES[args.pandas_max]:
        return f"not run above {args.pandas_max} orders (--pandas-max)"
    # Never risk the machine's memory (it may be shared): estimate the peak from a smaller
    # size measured before, scaled by orders, and skip when it would not fit.
    estimate = _estimate_rss_mib(key, size, previous)
    available = _mem_available_mib()
    if estimate is not None and estimate > 0.8 * available:
        return (f"would not fit in memory: estimated peak {estimate / 1024:.1f} GiB "
                f"(scaled from a smaller run), {available / 1024:.1f} GiB available")
    return None


def bench_size(size: str, args, out_root: Path, previous: dict) -> dict:
    import pyarrow.parquet as pq
    from check_equal import compare

    data, info = ensure_data(size, Path(args.data_root))
    out_dir = out_root / size
    out_dir.mkdir(parents=True, exist_ok=True)
    record = {"size": size, "orders": SIZES[size], "merchants": info["rows"]["merchants"],
              "data": info, "as_of": AS_OF, "repeat": args.repeat, "no_warmup": args.no_warmup,
              "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
              "load_before": [round(x, 2) for x in os.getloadavg()], "results": {}}
    wanted = [k for k in ("sql", "compiled", "engine", "pandas", "reference") if k in args.only]
    commands, runs = {}, {}
    for key in wanted:
        label, make = IMPLEMENTATIONS[key]
        out = out_dir / f"{key}.parquet"
        if out.exists():
            out.unlink()
        cmd = make(str(data), str(out))
        entry = {"label": label, "command": " ".join(cmd)}
        record["results"][key] = entry
        reason = _skip_reason(key, size, args, previous)
        if reason:
            entry["skipped"] = reason
            print(f"[{size}] {label}: skipped ({reason})", flush=True)
            continue
        if key != "reference" and not args.no_warmup:
            r = run_process(cmd)
            if r["rc"] != 0:
                entry["failed"] = _first_error(r["stderr"])
                print(f"[{size}] {label}: n/a ({entry['failed']})", flush=True)
                continue
            print(f"[{size}] {label}: warm-up {r['wall']:.2f} s", flush=True)
        commands[key], runs[key] = cmd, []
    # Timed runs in rounds, one run of each implementation per round (the order alternating):
    # on a shared machine a burst of load then hits every implementation, not one of them.
    for round_ in range(args.repeat):
        keys = [k for k in commands if k != "reference" or round_ == 0]
        for key in (keys if round_ % 2 == 0 else keys[::-1]):
            entry = record["results"][key]
            if "failed" in entry:
                continue
            r = run_process(commands[key])
            if r["rc"] != 0:
                entry["failed"] = _first_error(r["stderr"])
                print(f"[{size}] {entry['label']}: n/a ({entry['failed']})", flush=True)
                continue
            runs[key].append(r)
            print(f"[{size}] {entry['label']}: run {len(runs[key])}: {r['wall']:.2f} s, {r['rss_mib']:.0f} MiB, "
                  f"cpu {r['cpu']:.2f} s, load {os.getloadavg()[0]:.1f}", flush=True)
    for key, done in runs.items():
        entry, out = record["results"][key], out_dir / f"{key}.parquet"
        if not done:
            continue
        entry["walls"] = [round(r["wall"], 3) for r in done]
        entry["wall"] = round(statistics.median(entry["walls"]), 3)
        entry["wall_min"] = round(min(entry["walls"]), 3)
        entry["rss_mib"] = round(statistics.median([r["rss_mib"] for r in done]), 1)
        entry["cpu"] = round(statistics.median([r["cpu"] for r in done]), 2)
        if key != "sql" and (out_dir / "sql.parquet").exists() and out.exists():
            problems = compare(pq.read_table(out_dir / "sql.parquet"), pq.read_table(out), entry["label"])
            entry["equal_to_sql"] = not problems
            entry["differences"] = problems[:5]
            print(f"[{size}] {entry['label']}: output {'equal to' if not problems else 'DIFFERS from'} the hand-written "
                  "SQL's" + ("" if not problems else ":\n    " + "\n    ".join(problems[:5])), flush=True)
    record["load_after"] = [round(x, 2) for x in os.getloadavg()]
    return record


# --- reporting ---------------------------------------------------------------------------------------

def _environment() -> dict:
    import duckdb
    import numpy
    import pandas
    import pyarrow

    mem = None
    try:
        mem = int(Path("/proc/meminfo").read_text().split()[1]) / 2**20
    except (OSError, ValueError, IndexError):
        pass
    return {"python": platform.python_version(), "duckdb": duckdb.__version__, "pandas": pandas.__version__,
            "pyarrow": pyarrow.__version__, "numpy": numpy.__version__, "cores": os.cpu_count(),
            "memory_gib": round(mem, 1) if mem else None, "machine": platform.machine()}


def _human(n: int) -> str:
    return f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n // 1000}k" if n % 1000 == 0 else f"{n:,}"


def _time_ratio(entry: dict, base: dict) -> float:
    """Wall time against the yardstick: the median of the per-round ratios when both ran in
    the same rounds (each pair ran back to back, under the same load), else of the medians."""
    a, b = entry.get("walls", []), base.get("walls", [])
    if len(a) == len(b) and len(a) > 1:
        return statistics.median(x / y for x, y in zip(a, b))
    return entry["wall"] / base["wall"]


def table_markdown(record: dict) -> str:
    res = record["results"]
    base = res.get("sql", {})
    lines = [f"### {_human(record['orders'])} orders ({record['merchants']:,} merchants), as-of {record['as_of']}",
             "",
             f"Measured {record['started']}; load average before {record['load_before'][0]}, "
             f"after {record['load_after'][0]}; median of {record['repeat']} run(s)"
             f"{'' if record.get('no_warmup') else ' after a warm-up'} (reference: one run). "
             f"Data: {record['data']['bytes'] / 2**20:,.0f} MiB of Parquet.",
             "",
             "| implementation | wall time | CPU time | peak memory | time × SQL | CPU × SQL | memory × SQL | output |",
             "|---|---|---|---|---|---|---|---|"]
    for key in ("sql", "compiled", "engine", "pandas", "reference"):
        if key not in res:
            continue
        e = res[key]
        if "wall" not in e:
            why = e.get("skipped") or e.get("failed") or "not run"
            lines.append(f"| {e['label']} | n/a | n/a | n/a | n/a | n/a | n/a | {why} |")
            continue
        t = f"{e['wall']:.2f} s" + (f" (min {e['wall_min']:.2f})" if len(e.get("walls", [])) > 1 else "")
        m = f"{e['rss_mib']:.0f} MiB"
        if key == "sql":
            rt = rc = rm = "1.00×"
            out = "the yardstick"
        else:
            rt = f"{_time_ratio(e, base):.2f}×" if base.get("wall") else "n/a"
            rc = f"{e['cpu'] / base['cpu']:.2f}×" if base.get("cpu") else "n/a"
            rm = f"{e['rss_mib'] / base['rss_mib']:.2f}×" if base.get("rss_mib") else "n/a"
            out = ("= SQL" if e.get("equal_to_sql") else
                   f"differs: {'; '.join(e.get('differences', []))[:160]}" if "equal_to_sql" in e else "not compared")
        lines.append(f"| {e['label']} | {t} | {e['cpu']:.2f} s | {m} | {rt} | {rc} | {rm} | {out} |")
    return "\n".join(lines) + "\n"


def write_results(records: dict[str, dict], env: dict) -> str:
    order = sorted(records.values(), key=lambda r: r["orders"])
    text = ["# Benchmark results: TikTok Shop store rating",
            "",
            "Written by `python benchmarks/run.py` (see benchmarks/README.md). Whole processes; wall time "
            "by time.perf_counter around the process, peak memory = max RSS of that process (os.wait4). "
            "CPU time = user + system of that process (less sensitive than wall time to other work on a "
            "shared machine). Ratios are against the hand-written DuckDB SQL; the time ratio is the median "
            "of the per-round ratios (each round runs every implementation once, back to back). "
            "\"= SQL\": the output equals the hand-written SQL's on every contract column (floats within 1e-9).",
            "",
            f"Environment of the last run: Python {env['python']}, DuckDB {env['duckdb']}, pandas {env['pandas']}, "
            f"pyarrow {env['pyarrow']}, numpy {env['numpy']}; {env['cores']} cores, {env['memory_gib']} GiB.",
            ""]
    for record in order:
        text.append(table_markdown(record))
    return "\n".join(text)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1m,10m", help=f"comma-separated, of {', '.join(SIZES)} (default 1m,10m)")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per implementation, after one warm-up")
    ap.add_argument("--no-warmup", action="store_true", help="skip the untimed warm-up run")
    ap.add_argument("--data-root", default="/tmp/rubric-bench", help="where the generated data sets live")
    ap.add_argument("--only", default="sql,compiled,engine,pandas,reference",
                    help="implementations to run: sql, engine, pandas, reference")
    ap.add_argument("--reference-max", default="1m", choices=list(SIZES),
                    help="largest size the reference evaluator runs on (default 1m)")
    ap.add_argument("--pandas-max", default="50m", choices=list(SIZES),
                    help="largest size pandas runs on (it is also skipped when it would not fit in memory)")
    ap.add_argument("--no-write", action="store_true", help="print only; leave results.json/.md alone")
    args = ap.parse_args(argv)
    sizes = [s.strip().lower() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        ap.error(f"unknown sizes {unknown}; use {', '.join(SIZES)}")
    args.only = {s.strip() for s in args.only.split(",")}
    if "sql" not in args.only:
        print("note: without the hand-written SQL there is nothing to take ratios against", file=sys.stderr)

    env = _environment()
    records = json.loads(RESULTS_JSON.read_text()) if RESULTS_JSON.exists() else {}
    with tempfile.TemporaryDirectory(prefix="rubric-bench-out-") as tmp:
        for size in sizes:
            record = bench_size(size, args, Path(tmp), records)
            record["environment"] = env
            records[size] = record
            print()
            print(table_markdown(record), flush=True)
    if not args.no_write:
        RESULTS_JSON.write_text(json.dumps(records, indent=2) + "\n")
        RESULTS_MD.write_text(write_results(records, env))
        print(f"wrote {RESULTS_MD.relative_to(ROOT)} and {RESULTS_JSON.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
