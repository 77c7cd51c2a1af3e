"""Deterministic sample data for the commerce data model (`rules/commerce.rubric`).

Stage: sample data, a tool beside the pipeline (it imports no other stage). Input: a merchant
count, a seed, a date range `[start, end)` and the as-of anchors that tests care about.
Output: one file per declared table, `<table>.parquet` or `<table>.csv`, with the declared
columns in the declared order and the Arrow types of `shared/domain.md` section 2, and the
row count of each table.

What the data holds:
- merchants in six regions and six categories, each with a latent quality that drives all
  its rates, so every shipped rubric spreads its merchants over all of its tiers; two
  (region, category) groups hold a single merchant, and two pairs of merchants are clones
  (identical histories, so ranks tie);
- special merchants: without orders, without any rows, not open yet at the anchors, and
  opened whole calendar months before each anchor (new-shop protection);
- for each anchor A, a "boundary" merchant with rows created exactly at A, A - 1 us,
  A - 72 h, A - 30 d, A - 30 d - 1 us (and other window edges), and orders, disputes,
  sessions, inquiries and calls whose durations sit exactly on the rubrics' thresholds.

The data is a snapshot taken at `end`: rows created at or after `end` do not exist and later
event timestamps are still missing. Only `random.Random(seed)` draws numbers, so the same
arguments give byte-identical files.
"""

from __future__ import annotations

import calendar
import csv
import os
import random
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Sequence

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

__all__ = ["DEFAULT_ANCHORS", "SCHEMA", "generate_sample"]

# --- time, in integer microseconds since the Unix epoch (UTC) ----------------------------

US = 1
SEC = 1_000_000
MIN = 60 * SEC
H = 60 * MIN
D = 24 * H
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)

#: As-of 2024-06-03 in UTC (TikTok) and in UTC+8 (Shopee, Douyin, 爱采购).
DEFAULT_ANCHORS: tuple[datetime, ...] = (
    datetime(2024, 6, 3, tzinfo=timezone.utc),
    datetime(2024, 6, 2, 16, tzinfo=timezone.utc),
)

# --- the declared data model, in declared column order ("?": optional) -------------------


def _columns(spec: str) -> tuple[tuple[str, str, bool], ...]:
    cells = [cell.split(":") for cell in spec.split()]
    return tuple((name, kind.rstrip("?"), kind.endswith("?")) for name, kind in cells)


#: table -> ((column, kind, optional), ...), as declared in rules/commerce.rubric.
SCHEMA: dict[str, tuple[tuple[str, str, bool], ...]] = {table: _columns(spec) for table, spec in {
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

_ARROW = {"id": pa.string(), "text": pa.string(), "label": pa.string(),
          "timestamp": pa.timestamp("us", tz="UTC"), "bool": pa.bool_(), "int": pa.int64(),
          "number": pa.float64(), "money": pa.float64()}

# The creation timestamp of each table (visibility); deadlines are planned, never masked.
_CREATED = {"merchants": "opened_at", "orders": "paid_at", "reviews": "rated_at",
            "after_sales": "requested_at", "disputes": "opened_at", "complaints": "created_at",
            "feedback": "created_at", "im_sessions": "started_at", "surveys": "answered_at",
            "violations": "confirmed_at", "inquiries": "received_at", "calls": "started_at",
            "content": "approved_at", "boost_purchases": "paid_at", "risk_points": "recorded_at"}
_PLANNED = {("orders", "promised_ship_by"), ("orders", "promised_deliver_by")}

# Row ids are scoped by merchant (`m0012-o00003`), so a clone is a prefix swap.
_ID_PREFIX = {"orders": "o", "reviews": "r", "after_sales": "a", "disputes": "d",
              "complaints": "c", "feedback": "f", "im_sessions": "s", "surveys": "v",
              "violations": "x", "inquiries": "q", "calls": "p", "products": "g",
              "content": "t", "boost_purchases": "b"}
_EVENT_TABLES = tuple(t for t in SCHEMA if t != "merchants")

# Order tuple positions (declared column order).
O_ID, O_MID, O_PAID, O_PSHIP, O_SHIP, O_SCAN, O_PDELIV, O_DELIV, O_EXC, O_AMT, O_FRAUD = range(11)

# --- the population ---------------------------------------------------------------------

REGIONS = ("US", "UK", "EU", "SEA", "MENA", "CN")
_REGION_WEIGHTS = (0.25, 0.10, 0.20, 0.20, 0.08, 0.17)
CATEGORIES = ("apparel", "electronics", "home", "beauty", "food", "sports")
_CATEGORY_WEIGHTS = (0.25, 0.20, 0.20, 0.15, 0.12, 0.08)
# Each of these groups holds exactly one merchant ("collectibles" appears nowhere else), so
# per-group percentiles and bands meet a group of one.
_LONE_GROUPS = (("MENA", "collectibles"), ("UK", "food"))

# Rate of each behaviour for the best and the worst merchant; a merchant sits between them
# by its badness (jittered per rate, so merchants differ in which indicator is weak).
_RATE_RANGES: dict[str, tuple[float, float]] = {
    # orders and fulfilment (shares of orders)
    "fraud": (0.02, 0.08), "no_promise": (0.02, 0.12), "late_ship": (0.0, 0.35),
    "unshipped": (0.0, 0.05), "noscan": (0.0, 0.06), "slow_scan": (0.0, 0.3),
    "late_delivery": (0.0, 0.30), "undelivered": (0.0, 0.06),
    # events attached to orders (shares of orders, or of cases and surveys)
    "neg_review": (0.002, 0.09), "return": (0.005, 0.16), "refund_only": (0.005, 0.06),
    "quality_share": (0.15, 0.6), "intervened": (0.02, 0.4), "refund_hours": (10.0, 220.0),
    "dispute": (0.002, 0.07), "dispute_late": (0.0, 0.7), "nad": (0.001, 0.05),
    "logistics_complaint": (0.001, 0.04), "feedback": (0.005, 0.12),
    "promoter": (0.9, 0.25), "detractor": (0.02, 0.5),
    # service: IM sessions, inquiries, calls
    "im_fast": (0.98, 0.3), "im_late": (0.0, 0.4), "dissatisfied": (0.01, 0.45),
    "neutral": (0.02, 0.15), "inquiry_ontime": (0.99, 0.5), "call_answer": (0.97, 0.4),
    # catalogue and conduct
    "star_mean": (4.6, 2.0), "video": (0.9, 0.1), "assured": (0.9, 0.05),
    "violations": (0.0, 4.0),   # expected count over the whole period
}
_REVIEW_SHARE = 0.35        # orders that get a (non-negative) review
_SURVEY_SHARE = 0.12
_RATED_SHARE = 0.28         # most IM sessions are never rated
_OPEN_CASE_SHARE = 0.08     # after-sales cases still open at the snapshot
_DELIVERY_EXCEPTION = 0.35  # share of late deliveries with a valid exception
_PROMISE_HOURS = (24, 48, 48, 72)
_RATINGS_GOOD = ("very_satisfied", "satisfied")
_RATINGS_BAD = ("dissatisfied", "very_dissatisfied")

# Creation instants planted on a boundary merchant: A minus each offset.
_EDGE_OFFSETS = (0, US, 3 * MIN, 24 * H, 72 * H, 7 * D, 14 * D, 30 * D, 30 * D + US, 90 * D,
                 104 * D)
_EDGE_BASE = 105 * D        # the boundary merchant's base order, before every edge
# New shops per anchor: opened (whole months, extra) before it; m = 3, 2, 1, 0, 0.
_NEW_SHOP_OPENINGS = ((3, 0), (3, -D), (1, 0), (1, -D), (0, US))


def _us(moment: datetime | date) -> int:
    if not isinstance(moment, datetime):
        moment = datetime(moment.year, moment.month, moment.day)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return (moment - _EPOCH) // timedelta(microseconds=1)


def _add_months(t: int, months: int) -> int:
    """`t` plus whole calendar months (UTC), the day clipped to the month's end."""
    moment = _EPOCH + timedelta(microseconds=t)
    index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return _us(moment.replace(year=year, month=month + 1, day=day))


def _u(r: Callable[[], float], lo: int, hi: int) -> int:
    return lo + int(r() * (hi - lo))


# --- merchants and their roles ----------------------------------------------------------


@dataclass
class _Merchant:
    mid: str
    role: str
    opened: int
    region: str
    category: str
    identity: bool
    strength: bool
    quality: float
    seed: int
    anchor: int | None = None       # boundary merchants: the anchor they frame
    clone_of: int | None = None     # clones: index of the merchant they copy


def _role_specs(n: int, anchors: list[int], end: int, rng: random.Random) -> list[tuple]:
    """(role, opened or None, extra) for every special merchant; the rest are regular."""
    specs: list[tuple] = []
    for a in anchors:
        specs.append(("boundary", None, a))
        specs.append(("not_open", a, None))   # opened exactly at as-of: not open yet
        specs += [("new_shop", _add_months(a, -months) - extra, None)
                  for months, extra in _NEW_SHOP_OPENINGS]
    for pair in range(2):
        specs += [("clone_src", None, pair), ("clone_dst", None, pair)]
    specs += [("lone", None, group) for group in _LONE_GROUPS]
    specs += [("no_events", None, None)] * max(1, n // 50)
    specs += [("no_orders", None, None)] * max(1, n * 3 // 100)
    last = max(anchors, default=end - 30 * D)
    specs += [("not_open", _u(rng.random, last + US, end), None) for _ in range(max(1, n // 100))]
    specs += [("new_shop", _u(rng.random, _add_months(last, -3), last), None)
              for _ in range(max(1, n // 50))]
    return specs


def _draw_group(rng: random.Random) -> tuple[str, str]:
    while True:
        group = (rng.choices(REGIONS, _REGION_WEIGHTS)[0],
                 rng.choices(CATEGORIES, _CATEGORY_WEIGHTS)[0])
        if group not in _LONE_GROUPS:
            return group


def _plan_merchants(rng: random.Random, n: int, start: int, end: int,
                    anchors: list[int]) -> list[_Merchant]:
    specs = _role_specs(n, anchors, end, rng)
    if n < len(specs) + 10:
        raise ValueError(f"merchants must be at least {len(specs) + 10} for these anchors, got {n}")
    width = max(4, len(str(n)))
    merchants = []
    for i in range(n):
        region, category = _draw_group(rng)
        opened = _u(rng.random, start - 2000 * D, start + 20 * D)  # shop ages 0..5.5 years
        merchants.append(_Merchant(f"m{i + 1:0{width}d}", "regular", opened, region, category,
                                   rng.random() < 0.85, rng.random() < 0.45,
                                   rng.random() ** 0.5, rng.getrandbits(64)))
    slots = list(range(n))
    rng.shuffle(slots)
    _assign_roles(merchants, [slots[k] for k in range(len(specs))], specs, start)
    return merchants


def _assign_roles(merchants: list[_Merchant], slots: list[int], specs: list[tuple],
                  start: int) -> None:
    sources: dict[int, int] = {}
    for slot, (role, opened, extra) in zip(slots, specs):
        m = merchants[slot]
        m.role = role
        if opened is not None:
            m.opened = opened
        if role == "boundary":
            m.anchor, m.opened = extra, min(m.opened, start - 400 * D)
        elif role == "lone":
            m.region, m.category = extra
        elif role == "clone_src":
            sources[extra] = slot
        elif role == "clone_dst":
            m.clone_of = sources[extra]
    for m in merchants:
        if m.clone_of is not None:
            src = merchants[m.clone_of]
            m.opened, m.region, m.category = src.opened, src.region, src.category
            m.identity, m.strength, m.quality = src.identity, src.strength, src.quality


def _draw_profile(rng: random.Random, quality: float) -> dict[str, float]:
    badness = (1.0 - quality) ** 2
    r = rng.random
    return {name: best + (worst - best) * min(1.0, badness * (0.4 + 1.2 * r()))
            for name, (best, worst) in _RATE_RANGES.items()}


# --- rows -------------------------------------------------------------------------------


class _Ctx:
    """One merchant's generator state: its random stream, rates and rows per table."""

    def __init__(self, m: _Merchant) -> None:
        self.rng = random.Random(m.seed)
        self.r = self.rng.random
        self.p = _draw_profile(self.rng, m.quality)
        self.quality = m.quality
        self.mid = m.mid
        self.rows: dict[str, list[tuple]] = {t: [] for t in _EVENT_TABLES}

    def emit(self, table: str, *values) -> tuple:
        rows = self.rows[table]
        row = (f"{self.mid}-{_ID_PREFIX[table]}{len(rows) + 1:05d}", *values)
        rows.append(row)
        return row


def _emit_order(ctx: _Ctx, paid: int, promise: int | None, shipped: int | None, scan: int | None,
                deliver_by: int | None, delivered: int | None, exception: bool = False,
                fraud: bool = False) -> tuple:
    amount = max(0.5, round(ctx.rng.lognormvariate(3.6, 0.9), 2))
    return ctx.emit("orders", ctx.mid, paid, promise, shipped, scan, deliver_by, delivered,
                    exception, amount, fraud)


def _order(ctx: _Ctx, paid: int, fraud: bool | None = None) -> tuple:
    r, p = ctx.r, ctx.p
    promise = None if r() < p["no_promise"] else paid + _PROMISE_HOURS[int(r() * 4)] * H
    deliver_by = None if r() < 0.02 else paid + (5 + int(r() * 6)) * D
    shipped = scan = delivered = None
    if r() >= p["unshipped"]:
        deadline = promise or paid + 48 * H
        shipped = (deadline + _u(r, H, 96 * H) if r() < p["late_ship"]
                   else paid + _u(r, (deadline - paid) // 20, deadline - paid))
        # The carrier may scan a little before the shop marks the order shipped.
        lag = _u(r, 2 * H, 24 * H) if r() < p["slow_scan"] else _u(r, -H, 2 * H)
        scan = None if r() < p["noscan"] else max(paid + MIN, shipped + lag)
        delivered = None if r() < p["undelivered"] else _delivery(r, p, scan or shipped, deliver_by)
    late = deliver_by is not None and (delivered is None or delivered > deliver_by)
    exception = late and shipped is not None and r() < _DELIVERY_EXCEPTION
    if fraud is None:
        fraud = r() < p["fraud"]
    return _emit_order(ctx, paid, promise, shipped, scan, deliver_by, delivered, exception, fraud)


def _delivery(r: Callable[[], float], p: dict[str, float], left: int,
              deliver_by: int | None) -> int:
    if deliver_by is not None and r() < p["late_delivery"]:
        return max(left + H, deliver_by + _u(r, H, 5 * D))
    if deliver_by is not None and deliver_by > left + 2 * H:
        return _u(r, left + H, deliver_by)
    return left + _u(r, D, 4 * D)


def _review(ctx: _Ctx, order: tuple, at: int, negative: bool) -> None:
    r = ctx.r
    stars = 1 + int(r() * 2) if negative else 3 + min(2, int(r() * (1.5 + 2 * ctx.quality)))
    ctx.emit("reviews", order[O_ID], ctx.mid, at, stars)


def _case(ctx: _Ctx, order: tuple, at: int, kind: str) -> None:
    r, p = ctx.r, ctx.p
    hours = p["refund_hours"] * (0.25 + 1.5 * r())
    completed = None if r() < _OPEN_CASE_SHARE else at + int(hours * H)
    x = r()
    reason = ("quality" if x < p["quality_share"] else
              "logistics" if x < p["quality_share"] + 0.2 else
              "not_as_described" if x < p["quality_share"] + 0.35 else "other")
    intervened = r() < p["intervened"]
    ctx.emit("after_sales", order[O_ID], ctx.mid, at, completed, kind, reason, intervened)


def _dispute(ctx: _Ctx, order: tuple, at: int) -> None:
    r = ctx.r
    if r() < ctx.p["dispute_late"]:
        responded = None if r() < 0.4 else at + _u(r, 48 * H + SEC, 120 * H)
    else:
        responded = at + _u(r, 10 * MIN, 48 * H)
    solution = None if responded is None or r() < 0.15 else responded + _u(r, H, 96 * H)
    ctx.emit("disputes", order[O_ID], ctx.mid, at, responded, solution)


def _complaint(ctx: _Ctx, order: tuple, at: int, kind: str) -> None:
    ctx.emit("complaints", order[O_ID], ctx.mid, at, kind)


def _feedback(ctx: _Ctx, order: tuple, at: int) -> None:
    topic = ("logistics", "product", "service")[int(ctx.r() * 3)]
    ctx.emit("feedback", order[O_ID], ctx.mid, at, topic)


def _survey(ctx: _Ctx, order: tuple, at: int) -> None:
    r, p = ctx.r, ctx.p
    x = r()
    nps = (int(r() * 7) if x < p["detractor"] else
           9 + int(r() * 2) if x < p["detractor"] + p["promoter"] else 7 + int(r() * 2))
    ctx.emit("surveys", ctx.mid, order[O_ID], at, nps)


def _order_events(ctx: _Ctx, o: tuple) -> None:
    r, p = ctx.r, ctx.p
    paid = o[O_PAID]
    after = o[O_DELIV] or o[O_SCAN] or paid
    if r() < p["neg_review"]:
        _review(ctx, o, after + _u(r, H, 12 * D), True)
    elif r() < _REVIEW_SHARE:
        _review(ctx, o, after + _u(r, H, 12 * D), False)
    if r() < p["return"]:
        at = o[O_DELIV] + _u(r, H, 36 * D) if o[O_DELIV] else paid + _u(r, 2 * D, 20 * D)
        _case(ctx, o, at, "return_refund")
    if r() < p["refund_only"]:
        _case(ctx, o, paid + _u(r, H, 10 * D), "refund_only")
    if r() < p["dispute"]:
        _dispute(ctx, o, paid + _u(r, D, 20 * D))
    if r() < p["nad"]:
        _complaint(ctx, o, paid + _u(r, D, 20 * D), "not_as_described")
    if r() < p["logistics_complaint"]:
        _complaint(ctx, o, paid + _u(r, D, 20 * D), "logistics")
    if r() < 0.01:
        _complaint(ctx, o, paid + _u(r, D, 20 * D), "other")
    if r() < p["feedback"]:
        _feedback(ctx, o, paid + _u(r, H, 20 * D))
    if r() < _SURVEY_SHARE:
        _survey(ctx, o, after + _u(r, D, 15 * D))


# --- merchant-level rows (one builder per table, shared by random and planted rows) -------


def _im_session(ctx: _Ctx, at: int) -> None:
    r, p = ctx.r, ctx.p
    x = r()
    if x < p["im_fast"]:
        response = at + _u(r, 5 * SEC, 3 * MIN)
    elif r() >= p["im_late"]:
        response = at + _u(r, 3 * MIN + US, 24 * H)
    else:
        response = None if r() < 0.5 else at + _u(r, 24 * H + US, 72 * H)
    rating = None
    if r() < _RATED_SHARE:
        x = r()
        bad, neutral = p["dissatisfied"], p["neutral"]
        rating = (_RATINGS_BAD[int(r() * 2)] if x < bad else
                  "neutral" if x < bad + neutral else _RATINGS_GOOD[int(r() * 2)])
    # Merchants appeal bad ratings; a few appeals are upheld.
    malicious = rating in _RATINGS_BAD and r() < 0.15
    ctx.emit("im_sessions", ctx.mid, at, response, rating, malicious)


def _inquiry(ctx: _Ctx, at: int) -> None:
    r = ctx.r
    if r() < ctx.p["inquiry_ontime"]:
        responded = at + _u(r, MIN, 24 * H)
    else:
        responded = None if r() < 0.5 else at + _u(r, 24 * H + US, 96 * H)
    ctx.emit("inquiries", ctx.mid, at, responded)


def _call(ctx: _Ctx, at: int) -> None:
    r = ctx.r
    if r() < ctx.p["call_answer"]:
        ctx.emit("calls", ctx.mid, at, round(1 + 24 * r(), 1), True)
        return
    x = r()
    # Short unanswered rings (<= 3 s) do not count; exactly 3.0 s sits on that line.
    ring = 3.0 if x < 0.15 else round(0.5 + 2.5 * r(), 1) if x < 0.45 else round(3.1 + 57 * r(), 1)
    ctx.emit("calls", ctx.mid, at, ring, False)


def _violation(ctx: _Ctx, at: int) -> None:
    ctx.emit("violations", ctx.mid, at, "cashback_card" if ctx.r() < 0.4 else "other")


def _content(ctx: _Ctx, at: int | None) -> None:
    ctx.emit("content", ctx.mid, "qa" if ctx.r() < 0.6 else "video", at)


def _boost(ctx: _Ctx, at: int) -> None:
    r = ctx.r
    amount = round(50 + 2950 * r(), 2)
    x = r()
    refunded = 0.0 if x < 0.7 else round(amount * (0.1 + 0.8 * r()), 2) if x < 0.92 else amount
    ctx.emit("boost_purchases", ctx.mid, at, amount, refunded)


def _risk(ctx: _Ctx, at: int, remaining: int) -> None:
    ctx.rows["risk_points"].append((ctx.mid, at, remaining))


def _stream(ctx: _Ctx, build: Callable[[_Ctx, int], None], count: int, lo: int, hi: int) -> None:
    r = ctx.r
    for _ in range(count):
        build(ctx, _u(r, lo, hi))


def _merchant_rows(ctx: _Ctx, lo: int, hi: int, n_orders: int, share: float) -> None:
    r, p = ctx.r, ctx.p
    _stream(ctx, _im_session, int(n_orders * (0.3 + 0.7 * r())) + int(15 * r() * share), lo, hi)
    _stream(ctx, _inquiry, int(60 * r() * share), lo, hi)
    _stream(ctx, _call, int(40 * r() * share), lo, hi)
    _stream(ctx, _violation, sum(r() < p["violations"] * share / 8 for _ in range(8)), lo, hi)
    _stream(ctx, _boost, 0 if r() < 0.4 else 1 + int(8 * r() * share), lo, hi)
    for _ in range(int(r() * 30 * share)):
        _content(ctx, None if r() < 0.15 else _u(r, lo, hi))
    _products(ctx)
    _risk_history(ctx, lo, hi)


def _products(ctx: _Ctx) -> None:
    r, p, rows = ctx.r, ctx.p, ctx.rows["products"]
    dup_share = 0.0 if r() < 0.5 else 0.01 + 0.24 * r()
    for k in range(3 + int(r() * 58)):
        star = min(5, max(1, round(p["star_mean"] + 1.8 * (r() - 0.5))))
        duplicate = rows[int(r() * k)][0] if k and r() < dup_share else None
        ctx.emit("products", ctx.mid, r() < 0.85, star, r() < 0.2, r() < p["video"],
                 r() < p["assured"], duplicate)


def _risk_history(ctx: _Ctx, lo: int, hi: int) -> None:
    r = ctx.r
    if r() < 0.5:
        return
    remaining = 12
    for at in sorted(_u(r, lo, hi) for _ in range(1 + int(r() * 4))):
        remaining = 12 if r() < 0.15 else max(0, remaining - 1 - int(r() * 6 * (1 - ctx.quality)))
        _risk(ctx, at, remaining)
        if r() < 0.1:  # a second deduction booked at the same instant
            remaining = max(0, remaining - 2)
            _risk(ctx, at, remaining)


def _random_rows(ctx: _Ctx, m: _Merchant, start: int, end: int) -> None:
    r = ctx.r
    lo = max(start, m.opened + H)
    share = max(0.0, (end - lo) / (end - start))
    n_orders = 0
    if m.role != "no_orders":
        n_orders = max(3, int(30 * 10 ** r() * share)) if lo < end else 0
        for paid in sorted(_u(r, lo, end) for _ in range(n_orders)):
            _order_events(ctx, _order(ctx, paid))
    if lo < end:
        _merchant_rows(ctx, lo, end, n_orders, share)


# --- boundary rows ----------------------------------------------------------------------

_ATTACHED_EDGE = (
    lambda ctx, o, at: _review(ctx, o, at, True),
    lambda ctx, o, at: _case(ctx, o, at, "return_refund"),
    _dispute,
    lambda ctx, o, at: _complaint(ctx, o, at, "not_as_described"),
    lambda ctx, o, at: _complaint(ctx, o, at, "logistics"),
    _feedback,
    _survey,
)
_MERCHANT_EDGE = (_im_session, _inquiry, _call, _violation, _content, _boost,
                  lambda ctx, at: _risk(ctx, at, 6 + int(ctx.r() * 7)))


def _plant_edges(ctx: _Ctx, a: int) -> None:
    """Rows of every table created exactly on the window edges around anchor `a`."""
    base = _emit_order(ctx, a - _EDGE_BASE, a - _EDGE_BASE + 48 * H, a - _EDGE_BASE + 20 * H,
                       a - _EDGE_BASE + 22 * H, a - _EDGE_BASE + 6 * D, a - _EDGE_BASE + 4 * D)
    for offset in _EDGE_OFFSETS:
        at = a - offset
        _order(ctx, at, fraud=False)
        for build in _ATTACHED_EDGE:
            build(ctx, base, at)
        for build in _MERCHANT_EDGE:
            build(ctx, at)


# Hours after payment: promise, shipped, first scan, deliver-by, delivered; exception.
_THRESHOLD_ORDERS = (
    (48, 71, 72, 168, 120, False),    # picked up exactly 72 h after payment
    (24, 24, 26, 144, 96, False),     # shipped on the promise, first scan exactly 2 h after it
    (48, 20, 21, 120, 120, False),    # delivered exactly on the promised instant
    (48, 20, 21, 120, 192, True),     # late, excused by a delivery exception
    (None, 48, 49, 144, 96, False),   # no agreed time: shipped exactly on the 48 h default
)


def _plant_orders(ctx: _Ctx, a: int) -> None:
    """Orders and their events whose durations sit exactly on the rubrics' thresholds."""
    p = a - 10 * D
    for promise, shipped, scan, deliver_by, delivered, exception in _THRESHOLD_ORDERS:
        _emit_order(ctx, p, None if promise is None else p + promise * H, p + shipped * H,
                    p + scan * H, p + deliver_by * H, p + delivered * H, exception)
    # Event timestamps at a - 1 us and at a: the latter must read as missing at as-of a.
    _emit_order(ctx, a - 3 * D, a - D, a - US, a, a + 3 * D, a + 2 * D)
    o = _emit_order(ctx, a - 50 * D, a - 48 * D, a - 49 * D, a - 49 * D + H, a - 44 * D,
                    a - 45 * D)
    mid, oid = ctx.mid, o[O_ID]
    # A return requested exactly 30 d after delivery; a case exactly 14 d after shipping.
    ctx.emit("after_sales", oid, mid, a - 15 * D, a - 13 * D, "return_refund", "quality", False)
    ctx.emit("after_sales", oid, mid, a - 35 * D, a, "refund_only", "logistics", False)
    ctx.emit("feedback", oid, mid, a - 36 * D, "logistics")    # exactly 14 d after payment
    # Disputes answered in exactly 48 h and solved in 72 h; unanswered for exactly 48 h;
    # answered at a - 1 us and solved at a (missing at as-of a).
    ctx.emit("disputes", oid, mid, a - 9 * D, a - 7 * D, a - 6 * D)
    ctx.emit("disputes", oid, mid, a - 48 * H, None, None)
    ctx.emit("disputes", oid, mid, a - 72 * H, a - US, a)


def _plant_service(ctx: _Ctx, a: int) -> None:
    """Sessions, inquiries, calls and risk points on duration and time-of-day edges.

    Each anchor is a local midnight in its rubric's zone, so `a - k days + h hours` is h:00
    local time there.
    """
    day, mid = a - 5 * D, ctx.mid
    # 09:00 local answered in exactly 3 min; 21:00 local (outside 09-21); one µs before 09:00.
    ctx.emit("im_sessions", mid, day + 9 * H, day + 9 * H + 3 * MIN, "satisfied", False)
    ctx.emit("im_sessions", mid, day + 21 * H, day + 21 * H + MIN, "dissatisfied", False)
    ctx.emit("im_sessions", mid, day + 9 * H - US, day + 9 * H + MIN, None, False)
    # Answered in exactly 24 h (a session and an inquiry); the rating is reported, upheld.
    ctx.emit("im_sessions", mid, a - 3 * D, a - 2 * D, "very_dissatisfied", True)
    ctx.emit("inquiries", mid, a - 6 * D, a - 5 * D)
    # 08:00 local, unanswered after exactly 3.0 s (not counted) and 3.1 s (counted);
    # 23:00 local is outside 08-23.
    ctx.emit("calls", mid, day + 8 * H, 3.0, False)
    ctx.emit("calls", mid, day + 8 * H + MIN, 3.1, False)
    ctx.emit("calls", mid, day + 23 * H, 12.0, False)
    ctx.emit("calls", mid, day + 12 * H, 4.5, True)
    # Two rows at one instant (the lowest is in force), and a dip just before the window.
    _risk(ctx, a - 20 * D, 9)
    _risk(ctx, a - 20 * D, 7)
    _risk(ctx, a - 30 * D - US, 5)
    _risk(ctx, a - 30 * D, 8)


def _bundle(m: _Merchant, start: int, end: int) -> dict[str, list[tuple]]:
    ctx = _Ctx(m)
    if m.role != "no_events":
        _random_rows(ctx, m, start, end)
    if m.role == "boundary":
        _plant_edges(ctx, m.anchor)
        _plant_orders(ctx, m.anchor)
        _plant_service(ctx, m.anchor)
    return ctx.rows


_ID_POSITIONS = {t: tuple(i for i, (_, kind, _) in enumerate(cols) if kind == "id")
                 for t, cols in SCHEMA.items()}


def _clone(rows: dict[str, list[tuple]], src: str, dst: str) -> dict[str, list[tuple]]:
    """The same history under another merchant id: every id of `src` starts with `src`."""
    cut = len(src)
    out = {}
    for table, table_rows in rows.items():
        ids = _ID_POSITIONS[table]
        out[table] = [tuple(dst + v[cut:] if i in ids and v is not None else v
                            for i, v in enumerate(row)) for row in table_rows]
    return out


# --- tables and files -------------------------------------------------------------------


def _arrow_schema(table: str) -> pa.Schema:
    return pa.schema([pa.field(name, _ARROW[kind], nullable=optional)
                      for name, kind, optional in SCHEMA[table]])


def _to_arrow(table: str, rows: list[tuple]) -> pa.Table:
    schema = _arrow_schema(table)
    columns = list(zip(*rows)) if rows else [()] * len(schema)
    return pa.Table.from_arrays([pa.array(col, type=f.type) for col, f in zip(columns, schema)],
                                schema=schema)


def _snapshot(table: str, data: pa.Table, end: int) -> pa.Table:
    """The table as extracted at `end`: later rows do not exist, later events have not happened."""
    cutoff = pa.scalar(end, type=_ARROW["timestamp"])
    nullable = {name: optional for name, _, optional in SCHEMA[table]}
    created = _CREATED.get(table)
    if created and not nullable[created]:
        data = data.filter(pc.less(data[created], cutoff))
    for i, (name, kind, optional) in enumerate(SCHEMA[table]):
        if kind == "timestamp" and optional and (table, name) not in _PLANNED:
            col = data[name]
            masked = pc.if_else(pc.less(col, cutoff), col, pa.scalar(None, col.type))
            data = data.set_column(i, data.schema.field(i), masked)
    return data


def _atomic_write(path: Path, write: Callable[[str], None]) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the data is meant to be shared
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _csv_cells(column: pa.ChunkedArray, kind: str) -> list:
    if kind == "timestamp":
        column = pc.strftime(column, format="%Y-%m-%dT%H:%M:%SZ")  # %S carries the microseconds
    values = column.to_pylist()
    if kind == "bool":
        return ["" if v is None else "true" if v else "false" for v in values]
    if kind in ("number", "money"):
        return ["" if v is None else repr(v) for v in values]
    return ["" if v is None else v for v in values]


def _write_csv(data: pa.Table, table: str, tmp: str) -> None:
    columns = [_csv_cells(data[name], kind) for name, kind, _ in SCHEMA[table]]
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(data.column_names)
        writer.writerows(zip(*columns))


_WRITERS: dict[str, Callable[[pa.Table, str, str], None]] = {
    "parquet": lambda data, table, tmp: pq.write_table(data, tmp),
    "csv": _write_csv,
}


# --- entry point ------------------------------------------------------------------------


def _merchant_table(merchants: list[_Merchant]) -> list[tuple]:
    return [(m.mid, m.opened, m.region, m.category, m.identity, m.strength) for m in merchants]


def _check_range(anchors: list[int], start: int, end: int) -> None:
    if end <= start:
        raise ValueError("end must be after start")
    for a in anchors:
        if not start + _EDGE_BASE + D <= a < end:
            raise ValueError("each anchor must be at least 106 days after start and before end")


def generate_sample(out_dir: str | Path, *, merchants: int = 200, seed: int = 7,
                    start: date = date(2024, 1, 1), end: date = date(2024, 7, 1),
                    anchors: Sequence[datetime] = DEFAULT_ANCHORS,
                    fmt: str = "parquet") -> dict[str, int]:
    """Write one `<table>.<fmt>` file per table of the commerce model; return row counts.

    Orders are paid in `[start, end)` (dates are UTC midnights); the same arguments give
    byte-identical files. Each file is written to a temporary name and renamed into place.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     counts = generate_sample(folder, merchants=40)
    >>> counts["merchants"], counts["orders"] > 1000
    (40, True)
    """
    if fmt not in _WRITERS:
        raise ValueError(f"fmt must be one of {sorted(_WRITERS)}, got {fmt!r}")
    lo, hi = _us(start), _us(end)
    anchor_us = [_us(a) for a in anchors]
    _check_range(anchor_us, lo, hi)
    roster = _plan_merchants(random.Random(seed), merchants, lo, hi, anchor_us)
    bundles = [None if m.clone_of is not None else _bundle(m, lo, hi) for m in roster]
    for i, m in enumerate(roster):
        if m.clone_of is not None:
            bundles[i] = _clone(bundles[m.clone_of], roster[m.clone_of].mid, m.mid)
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    for table in SCHEMA:
        rows = (_merchant_table(roster) if table == "merchants"
                else [row for b in bundles for row in b[table]])
        data = _snapshot(table, _to_arrow(table, rows), hi)
        _atomic_write(folder / f"{table}.{fmt}", lambda tmp: _WRITERS[fmt](data, table, tmp))
        counts[table] = data.num_rows
    return counts
