"""Correctness check: the hand-written DuckDB SQL and the pandas implementation of the TikTok
store rating equal the reference evaluator on every contract column (domain.md section 3).

    python benchmarks/check_equal.py                      # 300 merchants of rubric's sample, as-of 2024-06-03
    python benchmarks/check_equal.py --merchants 1000 --seed 3
    python benchmarks/check_equal.py --data /tmp/bench-small --as-of 2024-06-03   # any data folder

Floats must agree within 1e-9 (domain.md §3 allows one unit in the 9th decimal where the
exact value ends in a 5 at the 10th decimal; the implementations here round exactly like the
reference, so in practice they agree bit for bit), strings and nulls exactly. Exit status 1
when anything differs.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
RUBRIC = HERE.parent / "rules" / "tiktok_shop_store_rating.rubric"
sys.path.insert(0, str(HERE))

INDICATORS = ("negative_review_rate", "return_rate", "nad_complaint_rate", "pickup_72h_rate",
              "delivery_success_rate", "logistics_complaint_rate", "im_24h_response_rate",
              "dispute_rate", "refund_review_hours", "return_30d_rate", "intervention_rate",
              "after_sales_nps")
#: The output contract of domain.md §3 for TikTok, in order.
CONTRACT = (["merchant_id", "score", "tier", "status", "consequences",
             "dim.product", "dim.logistics", "dim.service", "dim.after_sales"]
            + [f"ind.{i}.{part}" for i in INDICATORS for part in ("value", "score")]
            + ["traffic_fee_amount", "category_percentile"])
#: Further columns the reference writes and both implementations also produce.
EXTRA = ["raw_score", "ded.cashback_card"]
TOLERANCE = 1e-9


def compare(reference: pa.Table, other: pa.Table, name: str, columns=CONTRACT + EXTRA,
            show: int = 8) -> list[str]:
    """Every difference between two result tables, as readable lines (empty: equal).

    Nulls must match exactly; strings must be equal; numbers within TOLERANCE. Vectorised,
    so it also checks 250k-merchant results quickly (benchmarks/run.py uses it)."""
    problems: list[str] = []
    missing = [c for c in columns if c not in other.column_names]
    if missing:
        return [f"{name}: missing columns {missing}"]
    if other.column_names[:len(CONTRACT)] != CONTRACT:
        problems.append(f"{name}: contract columns out of order: {other.column_names[:len(CONTRACT)]}")
    ref = reference.sort_by("merchant_id")
    oth = other.sort_by("merchant_id")
    ref_ids = ref["merchant_id"].to_numpy(zero_copy_only=False)
    oth_ids = oth["merchant_id"].to_numpy(zero_copy_only=False)
    if len(ref_ids) != len(oth_ids) or not (ref_ids == oth_ids).all():
        a, b = set(ref_ids.tolist()), set(oth_ids.tolist())
        return problems + [f"{name}: merchants differ: {len(a - b)} only in the reference, "
                           f"{len(b - a)} only in {name} (rows {len(ref_ids)} vs {len(oth_ids)})"]
    for col in columns:
        x, y = ref[col].combine_chunks(), oth[col].combine_chunks()
        x_null = np.asarray(x.is_null().to_numpy(zero_copy_only=False), dtype=bool)
        y_null = np.asarray(y.is_null().to_numpy(zero_copy_only=False), dtype=bool)
        if pa.types.is_string(x.type) or pa.types.is_large_string(x.type) \
                or pa.types.is_string(y.type) or pa.types.is_large_string(y.type):
            xv = np.asarray(x.fill_null("").to_pylist(), dtype=object) if len(x) else np.array([], dtype=object)
            yv = np.asarray(y.cast(x.type).fill_null("").to_pylist(), dtype=object) if len(y) else xv
            same_value = xv == yv
        else:
            xv = x.cast(pa.float64()).fill_null(0.0).to_numpy(zero_copy_only=False)
            yv = y.cast(pa.float64()).fill_null(0.0).to_numpy(zero_copy_only=False)
            # one unit in the 9th decimal, plus the representation error of the two doubles
            same_value = np.abs(xv - yv) <= TOLERANCE + 4 * np.spacing(np.maximum(np.abs(xv), np.abs(yv)))
        same = (x_null & y_null) | (~x_null & ~y_null & same_value)
        if not same.all():
            bad = np.flatnonzero(~same)
            xs, ys = x.to_pylist(), y.to_pylist()
            sample = ", ".join(f"{ref_ids[i]}: ref={xs[i]!r} {name}={ys[i]!r}" for i in bad[:show])
            problems.append(f"{name}: {col}: {len(bad)} of {len(ref_ids)} rows differ ({sample})")
    return problems


def reference_table(data: str | Path, as_of: str) -> pa.Table:
    import rubric

    return rubric.score(str(RUBRIC), str(data), as_of).table


def run_handwritten(data: str | Path, as_of: str, workdir: Path) -> pa.Table:
    import tiktok_handwritten

    out = workdir / "handwritten.parquet"
    tiktok_handwritten.run(data, out, as_of)
    return pq.read_table(out)


def run_pandas(data: str | Path, as_of: str, workdir: Path) -> pa.Table:
    import tiktok_pandas

    out = workdir / "pandas.parquet"
    tiktok_pandas.run(data, out, as_of)
    return pq.read_table(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", help="an existing data folder (default: generate rubric's sample)")
    ap.add_argument("--merchants", type=int, default=300)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--as-of", default="2024-06-03")
    ap.add_argument("--only", choices=("sql", "pandas"), help="check one implementation only")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="rubric-check-") as tmp:
        work = Path(tmp)
        data = args.data
        if data is None:
            from rubric.sample.generate import generate_sample

            data = work / "data"
            counts = generate_sample(data, merchants=args.merchants, seed=args.seed)
            print(f"sample data: {args.merchants} merchants, seed {args.seed}, "
                  f"{counts['orders']} orders (rubric.sample.generate, default dates)")
        started = time.perf_counter()
        reference = reference_table(data, args.as_of)
        print(f"reference evaluator: {reference.num_rows} rows in {time.perf_counter() - started:.2f} s")
        statuses = {s: reference["status"].to_pylist().count(s) for s in ("rated", "unrated", "not_open")}
        tiers = sorted(set(t for t in reference["tier"].to_pylist() if t))
        print(f"  statuses {statuses}; tiers {tiers}; "
              f"pip {sum('pip' in c for c in reference['consequences'].to_pylist())}; "
              f"traffic fee {sum(v is not None for v in reference['traffic_fee_amount'].to_pylist())}")
        runners = {"sql": ("hand-written DuckDB SQL", run_handwritten), "pandas": ("pandas", run_pandas)}
        failed = False
        for key, (label, runner) in runners.items():
            if args.only and key != args.only:
                continue
            started = time.perf_counter()
            table = runner(data, args.as_of, work)
            elapsed = time.perf_counter() - started
            problems = compare(reference, table, label)
            cols = len(CONTRACT) + len(EXTRA)
            if problems:
                failed = True
                print(f"{label}: DIFFERS ({elapsed:.2f} s)")
                for p in problems:
                    print("  " + p)
            else:
                print(f"{label}: EQUAL on {table.num_rows} rows x {cols} columns "
                      f"({len(CONTRACT)} contract + {len(EXTRA)} extra), floats within {TOLERANCE:g} "
                      f"({elapsed:.2f} s)")
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
