"""Fast, vectorised generator of the whole commerce data model (rules/commerce.rubric) for
benchmarks: 1M, 10M, 50M orders and more, streamed in weekly time slices.

    python benchmarks/gen_fast.py --orders 1000000 --out /tmp/bench-1m
    python benchmarks/gen_fast.py --orders 10000000 --out /tmp/bench-10m --seed 7

What it writes: one `<table>.parquet` per table of the data model (16 tables), the declared
columns in the declared order with the Arrow types of domain.md §2 (ids strings, timestamps
timestamp[us, tz=UTC], bool, int64, float64; optional columns nullable), the data as
extracted at `--end` (rows created at or after it do not exist, later event timestamps are
null), referential integrity as the loader checks it (every event references an existing
order of the same merchant; `duplicate_of` an existing product of the same merchant).

Shape: `--merchants` (default orders / 200) merchants in six regions and six categories,
~200 orders each (lognormal spread; 3% have no orders at all), paid in [--start, --end)
(default 2024-01-01 .. 2024-07-01, 26 weekly slices). A latent quality per merchant drives
every rate, as in rubric's own sample generator, so every tier is populated. 1% of the
merchants open exactly on a weekly boundary late in the range (the default benchmark as-of,
2024-06-03, is such a boundary: those opened then are `not_open`), 2% open a few weeks before
it (new shops with short histories). Events per order: reviews (~38%), after-sales cases
(~8%), disputes, complaints, feedback, surveys (12%); per merchant: IM sessions (~0.65 per
order), inquiries, calls, violations, content, boost purchases, risk points, products.

Order: orders sorted by paid_at and every event table by its creation timestamp (globally,
not per slice: events are held back until the slice their timestamp falls in), in row groups
of `--row-group-size` rows (default 1,000,000), so window predicates skip row groups.

Speed and memory: numpy draws whole slices at once; ids are written straight into Arrow
string buffers. Measured on 2 cores (shared with other work): 1M orders 3.6 s (330 MiB peak),
10M 14 s (0.8 GiB), 50M 108 s (1.7 GiB); memory grows with one slice plus the events held
back for later slices, not with the whole data set. Deterministic: the same arguments give the same files (each slice
draws from its own numpy Generator seeded with (seed, slice)).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from datetime import date, datetime, timezone
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

US = 1
SEC = 1_000_000
MIN = 60 * SEC
H = 60 * MIN
D = 24 * H
WEEK = 7 * D
NAT = np.iinfo(np.int64).min          # a null timestamp while generating

TS = pa.timestamp("us", tz="UTC")
ARROW = {"id": pa.string(), "text": pa.string(), "label": pa.string(), "timestamp": TS,
         "bool": pa.bool_(), "int": pa.int64(), "number": pa.float64(), "money": pa.float64()}

#: table -> ((column, kind, optional), ...), exactly as declared in rules/commerce.rubric.
SCHEMA: dict[str, tuple[tuple[str, str, bool], ...]] = {
    table: tuple((c.split(":")[0], c.split(":")[1].rstrip("?"), c.endswith("?")) for c in spec.split())
    for table, spec in {
        "merchants": "merchant_id:id opened_at:timestamp region:label category:text "
                     "identity_verified:bool strength_verified:bool",
        "orders": "order_id:id merchant_id:id paid_at:timestamp promised_ship_by:timestamp? "
                  "shipped_at:timestamp? first_scan_at:timestamp? promised_deliver_by:timestamp? "
                  "delivered_at:timestamp? delivery_exception:bool amount:money is_fraud:bool",
        "reviews": "review_id:id order_id:id merchant_id:id rated_at:timestamp stars:int",
        "after_sales": "case_id:id order_id:id merchant_id:id requested_at:timestamp "
                       "completed_at:timestamp? kind:label reason:label platform_intervened:bool",
        "disputes": "dispute_id:id order_id:id merchant_id:id opened_at:timestamp "
                    "responded_at:timestamp? solution_at:timestamp?",
        "complaints": "complaint_id:id order_id:id merchant_id:id created_at:timestamp kind:label",
        "feedback": "feedback_id:id order_id:id merchant_id:id created_at:timestamp topic:label",
        "im_sessions": "session_id:id merchant_id:id started_at:timestamp "
                       "first_response_at:timestamp? rating:label? reported_malicious:bool",
        "surveys": "survey_id:id merchant_id:id order_id:id answered_at:timestamp nps:int",
        "violations": "violation_id:id merchant_id:id confirmed_at:timestamp kind:label",
        "inquiries": "inquiry_id:id merchant_id:id received_at:timestamp responded_at:timestamp?",
        "calls": "call_id:id merchant_id:id started_at:timestamp ring_seconds:number answered:bool",
        "products": "product_id:id merchant_id:id on_sale:bool star_rating:int featured:bool "
                    "has_video:bool assured:bool duplicate_of:id?",
        "content": "content_id:id merchant_id:id kind:label approved_at:timestamp?",
        "boost_purchases": "purchase_id:id merchant_id:id paid_at:timestamp amount:money "
                           "refunded_amount:money",
        "risk_points": "merchant_id:id recorded_at:timestamp remaining:int",
    }.items()}

#: the creation timestamp of each table (rows are sorted by it)
CREATED = {"orders": "paid_at", "reviews": "rated_at", "after_sales": "requested_at",
           "disputes": "opened_at", "complaints": "created_at", "feedback": "created_at",
           "im_sessions": "started_at", "surveys": "answered_at", "violations": "confirmed_at",
           "inquiries": "received_at", "calls": "started_at", "content": "approved_at",
           "boost_purchases": "paid_at", "risk_points": "recorded_at"}
ID_PREFIX = {"merchants": "m", "orders": "o", "reviews": "r", "after_sales": "a", "disputes": "d",
             "complaints": "c", "feedback": "f", "im_sessions": "s", "surveys": "v",
             "violations": "x", "inquiries": "q", "calls": "p", "products": "g", "content": "t",
             "boost_purchases": "b"}
#: label columns: their values, in code order
LABELS = {
    ("merchants", "region"): ("US", "UK", "EU", "SEA", "MENA", "CN"),
    ("merchants", "category"): ("apparel", "electronics", "home", "beauty", "food", "sports"),
    ("after_sales", "kind"): ("refund_only", "return_refund"),
    ("after_sales", "reason"): ("quality", "logistics", "not_as_described", "other"),
    ("complaints", "kind"): ("not_as_described", "logistics", "other"),
    ("feedback", "topic"): ("logistics", "product", "service"),
    ("im_sessions", "rating"): ("very_satisfied", "satisfied", "neutral", "dissatisfied",
                                "very_dissatisfied"),
    ("violations", "kind"): ("cashback_card", "other"),
    ("content", "kind"): ("qa", "video"),
}
REGION_P = (0.25, 0.10, 0.20, 0.20, 0.08, 0.17)
CATEGORY_P = (0.25, 0.20, 0.20, 0.15, 0.12, 0.08)

# Rate of each behaviour for the best and the worst merchant (as in rubric.sample.generate).
RATES: dict[str, tuple[float, float]] = {
    "fraud": (0.02, 0.08), "no_promise": (0.02, 0.12), "late_ship": (0.0, 0.35),
    "unshipped": (0.0, 0.05), "noscan": (0.0, 0.06), "slow_scan": (0.0, 0.3),
    "late_delivery": (0.0, 0.30), "undelivered": (0.0, 0.06),
    "neg_review": (0.002, 0.09), "return": (0.005, 0.16), "refund_only": (0.005, 0.06),
    "quality_share": (0.15, 0.6), "intervened": (0.02, 0.4), "refund_hours": (10.0, 220.0),
    "dispute": (0.002, 0.07), "dispute_late": (0.0, 0.7), "nad": (0.001, 0.05),
    "logistics_complaint": (0.001, 0.04), "feedback": (0.005, 0.12),
    "promoter": (0.9, 0.25), "detractor": (0.02, 0.5),
    "im_fast": (0.98, 0.3), "im_late": (0.0, 0.4), "dissatisfied": (0.01, 0.45),
    "neutral": (0.02, 0.15), "inquiry_ontime": (0.99, 0.5), "call_answer": (0.97, 0.4),
    "star_mean": (4.6, 2.0), "video": (0.9, 0.1), "assured": (0.9, 0.05),
    "violations": (0.0, 4.0),
}


def _us(day: date) -> int:
    return int((datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
                - datetime(1970, 1, 1, tzinfo=timezone.utc)).total_seconds()) * SEC


# --- Arrow building blocks ---------------------------------------------------------------------

def fixed_ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """`prefix` + zero-padded decimal numbers, written straight into an Arrow string buffer."""
    n = len(numbers)
    p = prefix.encode()
    size = len(p) + width
    buf = np.empty((n, size), dtype=np.uint8)
    buf[:, :len(p)] = np.frombuffer(p, dtype=np.uint8)
    x = np.asarray(numbers, dtype=np.int64).copy()
    for j in range(size - 1, len(p) - 1, -1):
        np.remainder(x, 10, out=buf[:, j], casting="unsafe")
        x //= 10
    buf[:, len(p):] += 48
    if (n + 1) * size < 2**31:
        offsets = np.arange(0, (n + 1) * size, size, dtype=np.int32)
        return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(buf))
    offsets = np.arange(0, (n + 1) * size, size, dtype=np.int64)
    return pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(buf)).cast(pa.string())


def ts_array(values: np.ndarray) -> pa.Array:
    values = np.asarray(values, dtype=np.int64)
    mask = values == NAT
    return pa.array(values, type=TS, mask=mask if mask.any() else None)


def label_array(table: str, column: str, codes: np.ndarray) -> pa.Array:
    labels = pa.array(LABELS[(table, column)])
    codes = np.asarray(codes)
    idx = pa.array(codes.astype(np.int32), mask=codes < 0 if (codes < 0).any() else None)
    return pc.take(labels, idx)


def uniform(rng: np.random.Generator, lo, hi) -> np.ndarray:
    """Integers in [lo, hi) (arrays or scalars), like rubric's `lo + int(r() * (hi - lo))`."""
    lo = np.asarray(lo, dtype=np.int64)
    hi = np.asarray(hi, dtype=np.int64)
    n = max(lo.size, hi.size)
    return lo + (rng.random(n) * (hi - lo)).astype(np.int64)


class TableWriter:
    """Appends Arrow tables to one Parquet file in row groups of exactly `group` rows."""

    def __init__(self, path: Path, table: str, group: int):
        self.path, self.table, self.group = path, table, group
        self.schema = pa.schema([pa.field(n, ARROW[k], nullable=opt) for n, k, opt in SCHEMA[table]])
        dictionary = [n for n, k, _ in SCHEMA[table] if k in ("label", "text", "bool")
                      or (n == "merchant_id" and table != "merchants")]
        self.writer = pq.ParquetWriter(str(path) + ".tmp", self.schema, compression="snappy",
                                       use_dictionary=dictionary, write_statistics=True)
        self.pending: list[pa.Table] = []
        self.buffered = 0
        self.rows = 0

    def append(self, data: pa.Table) -> None:
        if data.num_rows == 0:
            return
        self.pending.append(data.cast(self.schema))
        self.buffered += data.num_rows
        if self.buffered >= self.group:
            whole = pa.concat_tables(self.pending)
            full = whole.num_rows // self.group * self.group
            self.writer.write_table(whole.slice(0, full), row_group_size=self.group)
            rest = whole.slice(full)
            self.pending = [rest] if rest.num_rows else []
            self.buffered = rest.num_rows
        self.rows += data.num_rows

    def close(self) -> None:
        if self.pending:
            self.writer.write_table(pa.concat_tables(self.pending), row_group_size=self.group)
        self.writer.close()
        Path(str(self.path) + ".tmp").replace(self.path)


# --- the generator -------------------------------------------------------------------------------

class Generator:
    def __init__(self, orders: int, out: Path, seed: int = 7, merchants: int | None = None,
                 start: date = date(2024, 1, 1), end: date = date(2024, 7, 1),
                 as_of: date = date(2024, 6, 3), row_group: int = 1_000_000):
        self.n_orders = int(orders)
        self.n_merchants = int(merchants or max(50, round(orders / 200)))
        self.out, self.seed, self.row_group = Path(out), seed, row_group
        self.start, self.end = _us(start), _us(end)
        self.as_of = _us(as_of)
        self.K = math.ceil((self.end - self.start) / WEEK)
        self.bucket_lo = self.start + WEEK * np.arange(self.K, dtype=np.int64)
        self.bucket_hi = np.minimum(self.bucket_lo + WEEK, self.end)
        self.mwidth = max(6, len(str(self.n_merchants)))
        self.owidth = max(9, len(str(self.n_orders)))
        self.ewidth = self.owidth + 1        # event tables may have more rows than orders
        self.counters = {t: 0 for t in SCHEMA}
        self.pending: dict[str, dict[int, list[dict]]] = {t: {} for t in CREATED if t != "orders"}

    # merchants ----------------------------------------------------------------------------------
    def plan(self) -> None:
        rng = np.random.default_rng([self.seed, 0])
        M, K = self.n_merchants, self.K
        self.region = rng.choice(6, size=M, p=REGION_P)
        self.category = rng.choice(6, size=M, p=CATEGORY_P)
        self.identity = rng.random(M) < 0.85
        self.strength = rng.random(M) < 0.45
        self.quality = rng.random(M) ** 0.5
        badness = (1.0 - self.quality) ** 2
        self.p = {name: best + (worst - best) * np.minimum(1.0, badness * (0.4 + 1.2 * rng.random(M)))
                  for name, (best, worst) in RATES.items()}
        # opening: most shops are 0..5.5 years old; 1% open on a weekly boundary at or after
        # the as-of week (not open at as-of), 2% a few weeks before it (new shops).
        opened = self.start - uniform(rng, np.full(M, 0), np.full(M, 2000 * D))
        first_bucket = np.zeros(M, dtype=np.int64)
        role = rng.random(M)
        asof_bucket = int(np.clip((self.as_of - self.start) // WEEK, 2, K - 1))
        late = role < 0.01
        first_bucket[late] = rng.integers(asof_bucket, K, size=late.sum())
        opened[late] = self.bucket_lo[first_bucket[late]]
        new = (role >= 0.01) & (role < 0.03)
        first_bucket[new] = rng.integers(max(0, asof_bucket - 8), asof_bucket, size=new.sum())
        opened[new] = self.bucket_lo[first_bucket[new]] - uniform(rng, np.zeros(new.sum()), np.full(new.sum(), 2 * D))
        self.opened = opened
        # orders per merchant: lognormal spread, 3% without orders, exactly n_orders in all
        weight = rng.lognormal(0.0, 0.6, M)
        weight[(role >= 0.03) & (role < 0.06)] = 0.0
        span = (self.bucket_hi - self.bucket_lo).astype(np.float64)
        active = np.arange(K)[None, :] >= first_bucket[:, None]
        pvals = np.where(active, span[None, :], 0.0)
        share = pvals.sum(1) / span.sum()
        weight *= share                     # late openers sell for a shorter time
        exact = weight / weight.sum() * self.n_orders
        counts = np.floor(exact).astype(np.int64)
        short = self.n_orders - counts.sum()
        if short:
            counts[np.argsort(counts - exact, kind="stable")[:short]] += 1
        pvals /= pvals.sum(1, keepdims=True)
        self.per_bucket = rng.multinomial(counts, pvals)          # M x K orders
        self.bucket_share = pvals                                  # M x K time share
        self.order_count = counts
        # merchant-level event rates over the whole period
        u = lambda: rng.random(M)  # noqa: E731
        self.rate = {
            "im_sessions": counts * (0.3 + 0.7 * u()) + 15 * u(),
            "inquiries": 60 * u(), "calls": 40 * u(),
            "violations": self.p["violations"],
            "boost_purchases": np.where(u() < 0.4, 0.0, 1 + 8 * u()),
            "content": 30 * u(),
            "risk_points": np.where(u() < 0.5, 0.0, 1 + 4 * u()),
        }
        self.mids = fixed_ids(ID_PREFIX["merchants"], np.arange(1, M + 1), self.mwidth)

    def merchants_table(self) -> pa.Table:
        return pa.table({
            "merchant_id": self.mids, "opened_at": ts_array(self.opened),
            "region": label_array("merchants", "region", self.region),
            "category": label_array("merchants", "category", self.category),
            "identity_verified": self.identity, "strength_verified": self.strength})

    # orders and attached events -------------------------------------------------------------------
    def orders_slice(self, b: int, rng: np.random.Generator) -> pa.Table:
        P, lo, hi = self.p, int(self.bucket_lo[b]), int(self.bucket_hi[b])
        m = np.repeat(np.arange(self.n_merchants), self.per_bucket[:, b])
        n = len(m)
        paid = uniform(rng, np.full(n, lo), np.full(n, hi))
        order = np.argsort(paid, kind="stable")
        paid, m = paid[order], m[order]
        onum = self.counters["orders"] + 1 + np.arange(n, dtype=np.int64)
        self.counters["orders"] += n
        r = lambda: rng.random(n)  # noqa: E731

        no_promise = r() < P["no_promise"][m]
        promise = np.where(no_promise, NAT, paid + np.array([24, 48, 48, 72])[rng.integers(0, 4, n)] * H)
        no_deliver_by = r() < 0.02
        deliver_by = np.where(no_deliver_by, NAT, paid + (5 + rng.integers(0, 6, n)) * D)
        unshipped = r() < P["unshipped"][m]
        deadline = np.where(no_promise, paid + 48 * H, promise)
        late_ship = r() < P["late_ship"][m]
        shipped = np.where(late_ship, deadline + uniform(rng, np.full(n, H), np.full(n, 96 * H)),
                           paid + uniform(rng, (deadline - paid) // 20, deadline - paid))
        slow = r() < P["slow_scan"][m]
        lag = np.where(slow, uniform(rng, np.full(n, 2 * H), np.full(n, 24 * H)),
                       uniform(rng, np.full(n, -H), np.full(n, 2 * H)))
        noscan = r() < P["noscan"][m]
        scan = np.maximum(paid + MIN, shipped + lag)
        left = np.where(noscan, shipped, scan)
        late_del = ~no_deliver_by & (r() < P["late_delivery"][m])
        roomy = ~no_deliver_by & (deliver_by > left + 2 * H)
        delivered = np.where(late_del, np.maximum(left + H, deliver_by + uniform(rng, np.full(n, H), np.full(n, 5 * D))),
                             np.where(roomy, uniform(rng, left + H, np.where(roomy, deliver_by, left + 2 * H)),
                                      left + uniform(rng, np.full(n, D), np.full(n, 4 * D))))
        undelivered = r() < P["undelivered"][m]
        shipped = np.where(unshipped, NAT, shipped)
        scan = np.where(unshipped | noscan, NAT, scan)
        delivered = np.where(unshipped | undelivered, NAT, delivered)
        late = ~no_deliver_by & ((delivered == NAT) | (delivered > deliver_by))
        exception = late & (shipped != NAT) & (r() < 0.35)
        fraud = r() < P["fraud"][m]
        amount = np.maximum(0.5, np.round(rng.lognormal(3.6, 0.9, n), 2))

        self.attached_events(rng, m, onum, paid, scan, delivered)
        snap = lambda t: np.where(t >= self.end, NAT, t)  # noqa: E731  (extracted at `end`)
        return pa.table({
            "order_id": fixed_ids("o", onum, self.owidth),
            "merchant_id": pc.take(self.mids, pa.array(m)),
            "paid_at": ts_array(paid), "promised_ship_by": ts_array(promise),
            "shipped_at": ts_array(snap(shipped)), "first_scan_at": ts_array(snap(scan)),
            "promised_deliver_by": ts_array(deliver_by), "delivered_at": ts_array(snap(delivered)),
            "delivery_exception": exception, "amount": amount, "is_fraud": fraud})

    def attached_events(self, rng, m, onum, paid, scan, delivered) -> None:
        P, n = self.p, len(m)
        q = self.quality
        after = np.where(delivered != NAT, delivered, np.where(scan != NAT, scan, paid))
        pick = lambda p: np.flatnonzero(rng.random(n) < p)  # noqa: E731

        # reviews: a negative one (1-2 stars, 3% of them get a second one), else 35% rate 3-5
        u = rng.random(n)
        neg = np.flatnonzero(u < P["neg_review"][m])
        other = np.flatnonzero((u >= P["neg_review"][m]) & (rng.random(n) < 0.35))
        again = neg[rng.random(len(neg)) < 0.03]
        idx = np.concatenate([neg, other, again])
        k = len(idx)
        stars = np.concatenate([1 + rng.integers(0, 2, len(neg)),
                                3 + np.minimum(2, (rng.random(len(other)) * (1.5 + 2 * q[m[other]])).astype(np.int64)),
                                1 + rng.integers(0, 2, len(again))])
        self.event("reviews", {"order": onum[idx], "m": m[idx], "rated_at": after[idx] + uniform(rng, np.full(k, H), np.full(k, 12 * D)),
                               "stars": stars})
        # after-sales cases: returns (after delivery when delivered) and refunds only
        ret = pick(P["return"][m])
        at_ret = np.where(delivered[ret] != NAT, delivered[ret] + uniform(rng, np.full(len(ret), H), np.full(len(ret), 36 * D)),
                          paid[ret] + uniform(rng, np.full(len(ret), 2 * D), np.full(len(ret), 20 * D)))
        ref = pick(P["refund_only"][m])
        at_ref = paid[ref] + uniform(rng, np.full(len(ref), H), np.full(len(ref), 10 * D))
        idx = np.concatenate([ret, ref])
        k = len(idx)
        at = np.concatenate([at_ret, at_ref])
        mm = m[idx]
        hours = P["refund_hours"][mm] * (0.25 + 1.5 * rng.random(k))
        completed = np.where(rng.random(k) < 0.08, NAT, at + (hours * H).astype(np.int64))
        x = rng.random(k)
        qs = P["quality_share"][mm]
        reason = np.where(x < qs, 0, np.where(x < qs + 0.2, 1, np.where(x < qs + 0.35, 2, 3)))
        self.event("after_sales", {"order": onum[idx], "m": mm, "requested_at": at, "completed_at": completed,
                                   "kind": np.concatenate([np.ones(len(ret), np.int8), np.zeros(len(ref), np.int8)]),
                                   "reason": reason, "platform_intervened": rng.random(k) < P["intervened"][mm]})
        # disputes
        idx = pick(P["dispute"][m])
        k = len(idx)
        at = paid[idx] + uniform(rng, np.full(k, D), np.full(k, 20 * D))
        late = rng.random(k) < P["dispute_late"][m[idx]]
        responded = np.where(late, np.where(rng.random(k) < 0.4, NAT, at + uniform(rng, np.full(k, 48 * H + SEC), np.full(k, 120 * H))),
                             at + uniform(rng, np.full(k, 10 * MIN), np.full(k, 48 * H)))
        solution = np.where((responded == NAT) | (rng.random(k) < 0.15), NAT,
                            responded + uniform(rng, np.full(k, H), np.full(k, 96 * H)))
        self.event("disputes", {"order": onum[idx], "m": m[idx], "opened_at": at, "responded_at": responded,
                                "solution_at": solution})
        # complaints: not as described, logistics, other
        parts = [(pick(P["nad"][m]), 0), (pick(P["logistics_complaint"][m]), 1), (pick(np.full(n, 0.01)), 2)]
        idx = np.concatenate([p for p, _ in parts])
        k = len(idx)
        self.event("complaints", {"order": onum[idx], "m": m[idx],
                                  "created_at": paid[idx] + uniform(rng, np.full(k, D), np.full(k, 20 * D)),
                                  "kind": np.concatenate([np.full(len(p), c, np.int8) for p, c in parts])})
        # feedback
        idx = pick(P["feedback"][m])
        k = len(idx)
        self.event("feedback", {"order": onum[idx], "m": m[idx],
                                "created_at": paid[idx] + uniform(rng, np.full(k, H), np.full(k, 20 * D)),
                                "topic": rng.integers(0, 3, k)})
        # surveys
        idx = pick(np.full(n, 0.12))
        k = len(idx)
        x = rng.random(k)
        det, pro = P["detractor"][m[idx]], P["promoter"][m[idx]]
        nps = np.where(x < det, rng.integers(0, 7, k), np.where(x < det + pro, 9 + rng.integers(0, 2, k), 7 + rng.integers(0, 2, k)))
        self.event("surveys", {"order": onum[idx], "m": m[idx],
                               "answered_at": after[idx] + uniform(rng, np.full(k, D), np.full(k, 15 * D)), "nps": nps})

    # merchant-level events ----------------------------------------------------------------------
    def merchant_events(self, b: int, rng: np.random.Generator) -> None:
        P, lo, hi = self.p, int(self.bucket_lo[b]), int(self.bucket_hi[b])
        share = self.bucket_share[:, b]

        def draw(table: str) -> tuple[np.ndarray, np.ndarray]:
            m = np.repeat(np.arange(self.n_merchants), rng.poisson(self.rate[table] * share))
            return m, uniform(rng, np.full(len(m), lo), np.full(len(m), hi))

        m, at = draw("im_sessions")
        k = len(m)
        x = rng.random(k)
        fast = x < P["im_fast"][m]
        ontime = rng.random(k) >= P["im_late"][m]
        response = np.where(fast, at + uniform(rng, np.full(k, 5 * SEC), np.full(k, 3 * MIN)),
                            np.where(ontime, at + uniform(rng, np.full(k, 3 * MIN + US), np.full(k, 24 * H)),
                                     np.where(rng.random(k) < 0.5, NAT, at + uniform(rng, np.full(k, 24 * H + US), np.full(k, 72 * H)))))
        rated = rng.random(k) < 0.28
        x = rng.random(k)
        bad, neutral = P["dissatisfied"][m], P["neutral"][m]
        rating = np.where(x < bad, 3 + rng.integers(0, 2, k), np.where(x < bad + neutral, 2, rng.integers(0, 2, k)))
        rating = np.where(rated, rating, -1)
        malicious = (rating >= 3) & (rng.random(k) < 0.15)
        self.event("im_sessions", {"m": m, "started_at": at, "first_response_at": response, "rating": rating,
                                   "reported_malicious": malicious})
        m, at = draw("inquiries")
        k = len(m)
        responded = np.where(rng.random(k) < P["inquiry_ontime"][m], at + uniform(rng, np.full(k, MIN), np.full(k, 24 * H)),
                             np.where(rng.random(k) < 0.5, NAT, at + uniform(rng, np.full(k, 24 * H + US), np.full(k, 96 * H))))
        self.event("inquiries", {"m": m, "received_at": at, "responded_at": responded})
        m, at = draw("calls")
        k = len(m)
        answered = rng.random(k) < P["call_answer"][m]
        x = rng.random(k)
        ring = np.where(answered, np.round(1 + 24 * rng.random(k), 1),
                        np.where(x < 0.15, 3.0, np.where(x < 0.45, np.round(0.5 + 2.5 * rng.random(k), 1),
                                                         np.round(3.1 + 57 * rng.random(k), 1))))
        self.event("calls", {"m": m, "started_at": at, "ring_seconds": ring, "answered": answered})
        m, at = draw("violations")
        self.event("violations", {"m": m, "confirmed_at": at, "kind": (rng.random(len(m)) >= 0.4).astype(np.int8)})
        m, at = draw("boost_purchases")
        k = len(m)
        amount = np.round(50 + 2950 * rng.random(k), 2)
        x = rng.random(k)
        refunded = np.where(x < 0.7, 0.0, np.where(x < 0.92, np.round(amount * (0.1 + 0.8 * rng.random(k)), 2), amount))
        self.event("boost_purchases", {"m": m, "paid_at": at, "amount": amount, "refunded_amount": refunded})
        m, at = draw("content")
        k = len(m)
        self.event("content", {"m": m, "kind": (rng.random(k) >= 0.6).astype(np.int8),
                               "approved_at": np.where(rng.random(k) < 0.15, NAT, at), "_at": at})
        m, at = draw("risk_points")
        self.event("risk_points", {"m": m, "recorded_at": at, "remaining": rng.integers(0, 13, len(m))})

    def event(self, table: str, cols: dict[str, np.ndarray]) -> None:
        """Hold event rows until the weekly slice their creation timestamp falls in."""
        when = cols.get("_at", cols.get(CREATED[table]))
        keep = when < self.end                       # extracted at `end`
        bucket = (when - self.start) // WEEK
        for b in np.unique(bucket[keep]):
            sel = keep & (bucket == b)
            self.pending[table].setdefault(int(b), []).append({k: v[sel] for k, v in cols.items()})

    def flush(self, b: int, writers: dict[str, TableWriter]) -> None:
        for table, by_bucket in self.pending.items():
            chunks = by_bucket.pop(b, [])
            if not chunks:
                continue
            cols = {k: np.concatenate([c[k] for c in chunks]) for k in chunks[0]}
            when = cols.get("_at", cols.get(CREATED[table]))
            order = np.argsort(when, kind="stable")
            cols = {k: v[order] for k, v in cols.items()}
            writers[table].append(self.to_arrow(table, cols))

    def to_arrow(self, table: str, cols: dict[str, np.ndarray]) -> pa.Table:
        n = len(cols["m"])
        out = {}
        for name, kind, optional in SCHEMA[table]:
            if kind == "id" and name == "merchant_id":
                out[name] = pc.take(self.mids, pa.array(cols["m"]))
            elif name == "order_id":
                out[name] = fixed_ids("o", cols["order"], self.owidth)
            elif kind == "id":
                first = self.counters[table] + 1
                self.counters[table] += n
                out[name] = fixed_ids(ID_PREFIX[table], np.arange(first, first + n), self.ewidth)
            elif kind == "timestamp":
                v = cols[name]
                out[name] = ts_array(np.where(v >= self.end, NAT, v) if optional else v)
            elif kind == "label":
                out[name] = label_array(table, name, cols[name])
            else:
                out[name] = cols[name]
        return pa.table(out)

    # products ---------------------------------------------------------------------------------
    def products(self, writer: TableWriter, chunk: int = 50_000) -> None:
        for c, lo in enumerate(range(0, self.n_merchants, chunk)):
            rng = np.random.default_rng([self.seed, 2, c])
            ms = np.arange(lo, min(lo + chunk, self.n_merchants))
            per = 3 + rng.integers(0, 58, len(ms))
            m = np.repeat(ms, per)
            n = len(m)
            first = self.counters["products"] + 1
            num = first + np.arange(n, dtype=np.int64)
            self.counters["products"] += n
            start_of = np.repeat(first + np.concatenate([[0], np.cumsum(per)[:-1]]), per)
            k = num - start_of                                  # position within the merchant
            dup_share = np.where(rng.random(len(ms)) < 0.5, 0.0, 0.01 + 0.24 * rng.random(len(ms)))
            dup = (k > 0) & (rng.random(n) < np.repeat(dup_share, per))
            target = start_of + (rng.random(n) * np.maximum(k, 1)).astype(np.int64)
            star = np.clip(np.round(self.p["star_mean"][m] + 1.8 * (rng.random(n) - 0.5)), 1, 5).astype(np.int64)
            dup_ids = fixed_ids("g", target, self.ewidth)
            writer.append(pa.table({
                "product_id": fixed_ids("g", num, self.ewidth),
                "merchant_id": pc.take(self.mids, pa.array(m)),
                "on_sale": rng.random(n) < 0.85, "star_rating": star, "featured": rng.random(n) < 0.2,
                "has_video": rng.random(n) < self.p["video"][m], "assured": rng.random(n) < self.p["assured"][m],
                "duplicate_of": pc.if_else(pa.array(dup), dup_ids, pa.nulls(n, pa.string()))}))

    # all --------------------------------------------------------------------------------------
    def run(self, progress=None) -> dict[str, int]:
        self.out.mkdir(parents=True, exist_ok=True)
        self.plan()
        writers = {t: TableWriter(self.out / f"{t}.parquet", t, self.row_group) for t in SCHEMA}
        writers["merchants"].append(self.merchants_table())
        for b in range(self.K):
            rng = np.random.default_rng([self.seed, 1, b])
            writers["orders"].append(self.orders_slice(b, rng))
            self.merchant_events(b, rng)
            self.flush(b, writers)
            if progress:
                progress(b + 1, self.K, writers["orders"].rows)
        for b in sorted({b for by in self.pending.values() for b in by}):
            self.flush(b, writers)
        self.products(writers["products"])
        for w in writers.values():
            w.close()
        return {t: w.rows for t, w in writers.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--orders", type=int, required=True, help="number of orders, e.g. 1000000")
    ap.add_argument("--out", required=True, help="output folder (keep it out of the repository, e.g. /tmp/bench-1m)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--merchants", type=int, default=None, help="default: orders / 200")
    ap.add_argument("--start", default="2024-01-01", help="first day of payments (UTC)")
    ap.add_argument("--end", default="2024-07-01", help="extraction instant, exclusive (UTC)")
    ap.add_argument("--as-of", default="2024-06-03",
                    help="the benchmark as-of: late openers open on weekly boundaries from its week on")
    ap.add_argument("--row-group-size", type=int, default=1_000_000)
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    started = time.perf_counter()
    gen = Generator(args.orders, Path(args.out), seed=args.seed, merchants=args.merchants,
                    start=date.fromisoformat(args.start), end=date.fromisoformat(args.end),
                    as_of=date.fromisoformat(args.as_of), row_group=args.row_group_size)

    def progress(done: int, total: int, rows: int) -> None:
        if not args.quiet:
            print(f"\r  week {done}/{total}: {rows:,} orders, {time.perf_counter() - started:.1f} s",
                  end="", file=sys.stderr, flush=True)

    counts = gen.run(progress)
    if not args.quiet:
        print(file=sys.stderr)
    width = max(len(t) for t in counts)
    for table, rows in counts.items():
        print(f"{table:<{width}}  {rows:>12,}")
    print(f"{gen.n_merchants:,} merchants, {counts['orders']:,} orders in {args.out} "
          f"({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
