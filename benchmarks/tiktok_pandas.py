"""The TikTok Shop store rating (shared/domain.md section 4) in pandas, written the way a
pandas expert would: windows pushed into the Parquet reads, timestamps as int64 microseconds,
per-order event flags instead of joins, one groupby per population, vectorised curves.

    python benchmarks/tiktok_pandas.py --data /tmp/bench-1m --as-of 2024-06-03 --out /tmp/pd.parquet

Output: the columns of domain.md section 3 (plus raw_score and ded.cashback_card), numbers
equal to the reference evaluator (benchmarks/check_equal.py).

How the three weekly assessments (as-of, -7 d, -14 d; the PIP rule) share one read: every
table is read once over the union of the windows; for each order and each kind of attached
event the time the order *first* has such an event is computed once, so "the order has a
matching event visible at as-of T" is `first_time < T` for any T.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

US_H = 3_600_000_000
US_D = 24 * US_H
NEVER = np.iinfo(np.int64).max          # a missing timestamp: never before any as-of
ASSESSMENTS = 3
INDICATORS = ("negative_review_rate", "return_rate", "nad_complaint_rate", "pickup_72h_rate",
              "delivery_success_rate", "logistics_complaint_rate", "im_24h_response_rate",
              "dispute_rate", "refund_review_hours", "return_30d_rate", "intervention_rate",
              "after_sales_nps")
# indicator -> ((x1, y1), (x2, y2)), x1 < x2 (domain.md §4)
CURVES = {
    "negative_review_rate": ((0.012, 5.0), (0.06, 1.0)),
    "return_rate": ((0.038, 5.0), (0.15, 1.0)),
    "nad_complaint_rate": ((0.009, 5.0), (0.05, 1.0)),
    "pickup_72h_rate": ((0.8, 1.0), (0.98, 5.0)),
    "delivery_success_rate": ((0.9, 1.0), (0.985, 5.0)),
    "logistics_complaint_rate": ((0.006, 5.0), (0.04, 1.0)),
    "im_24h_response_rate": ((0.7, 1.0), (0.95, 5.0)),
    "dispute_rate": ((0.015, 5.0), (0.06, 1.0)),
    "refund_review_hours": ((48.0, 5.0), (168.0, 1.0)),
    "return_30d_rate": ((0.03, 5.0), (0.12, 1.0)),
    "intervention_rate": ((0.05, 5.0), (0.3, 1.0)),
    "after_sales_nps": ((0.0, 1.0), (65.0, 5.0)),
}
DIMENSIONS = {
    "product": ("negative_review_rate", "return_rate", "nad_complaint_rate"),
    "logistics": ("pickup_72h_rate", "delivery_success_rate", "logistics_complaint_rate"),
    "service": ("im_24h_response_rate", "dispute_rate", "refund_review_hours"),
    "after_sales": ("return_30d_rate", "intervention_rate", "after_sales_nps"),
}
WEIGHTS_DEFAULT = (0.4, 0.3, 0.2, 0.1)
WEIGHTS_BY_REGION = {"US": (0.25, 0.4, 0.15, 0.2), "UK": (0.25, 0.4, 0.15, 0.2),
                     "EU": (0.25, 0.4, 0.15, 0.2), "SEA": (0.45, 0.25, 0.2, 0.1)}


# --- rounding (domain.md §1: 9 decimals, half away from zero) ---------------------------------

def _round9_exact(x: float) -> float:
    return float(Decimal(repr(float(x))).quantize(Decimal("1e-9"), rounding=ROUND_HALF_UP))


def r9(x) -> np.ndarray:
    """Vectorised round-half-away to 9 decimals; values within an ulp of a tie take the exact
    decimal path, so the result equals the reference's Decimal(repr(x)) rounding."""
    x = np.asarray(x, dtype=np.float64)
    a = np.abs(x)
    y = a * 1e9
    with np.errstate(invalid="ignore"):
        near = np.abs(y - np.floor(y) - 0.5) < 1e-7 + a * 1e-6
        out = np.copysign(np.floor(y + 0.5), x) / 1e9
    for i in np.flatnonzero(near):
        out[i] = _round9_exact(x[i])
    return out


def curve(x: np.ndarray, p1: tuple[float, float], p2: tuple[float, float]) -> np.ndarray:
    (x1, y1), (x2, y2) = p1, p2
    with np.errstate(invalid="ignore"):
        mid = r9(y1 + (x - x1) / (x2 - x1) * (y2 - y1))
        out = np.where(x <= x1, y1, np.where(x <= x2, mid, y2))
    return np.where(np.isnan(x), np.nan, out)


def rate(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, r9(num.astype(np.float64) / den.astype(np.float64)), np.nan)


# --- reading ----------------------------------------------------------------------------------

def _ts(t: datetime) -> pa.Scalar:
    return pa.scalar(t, type=pa.timestamp("us", tz="UTC"))


def _read(data: Path, table: str, columns: list[str], filters=None) -> pd.DataFrame:
    """Columns of one table, windows pushed into the Parquet read; timestamps as int64 µs
    with a missing one as NEVER."""
    t = pq.read_table(data / f"{table}.parquet", columns=columns, filters=filters)
    cols = {}
    for name in t.column_names:
        col = t[name]
        if pa.types.is_timestamp(col.type):
            col = pc.fill_null(col.cast(pa.int64()), NEVER)
        cols[name] = col
    return pa.table(cols).to_pandas()


def _codes(ids: pd.Series, index: pd.Index) -> np.ndarray:
    return index.get_indexer(ids)


# --- the rubric -------------------------------------------------------------------------------

def compute(data: str | Path, as_of: date | str) -> pd.DataFrame:
    data = Path(data)
    day = as_of if isinstance(as_of, date) else date.fromisoformat(as_of)
    t0 = datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
    times = [t0 - timedelta(days=7 * k) for k in range(ASSESSMENTS)]
    earliest = times[-1] - timedelta(days=30)        # the earliest window start
    T = [int((t - datetime(1970, 1, 1, tzinfo=timezone.utc)) / timedelta(microseconds=1)) for t in times]

    merchants = _read(data, "merchants", ["merchant_id", "opened_at", "region", "category"])
    midx = pd.Index(merchants["merchant_id"])
    n_m = len(merchants)

    # Orders that any population of any assessment can hold: paid, shipped or delivered in
    # the union of the windows, and paid before as-of; fraud is in no population.
    lo, hi = _ts(earliest), _ts(t0)
    orders = _read(data, "orders", ["order_id", "merchant_id", "paid_at", "shipped_at", "first_scan_at",
                                    "delivered_at", "amount", "is_fraud"],
                   filters=[[("paid_at", ">=", lo), ("paid_at", "<", hi), ("is_fraud", "=", False)],
                            [("shipped_at", ">=", lo), ("paid_at", "<", hi), ("is_fraud", "=", False)],
                            [("delivered_at", ">=", lo), ("paid_at", "<", hi), ("is_fraud", "=", False)]])
    om = _codes(orders["merchant_id"], midx)
    oidx = pd.Index(orders["order_id"])
    paid = orders["paid_at"].to_numpy()
    shipped = orders["shipped_at"].to_numpy()
    scanned = orders["first_scan_at"].to_numpy()
    delivered = orders["delivered_at"].to_numpy()
    amount = orders["amount"].to_numpy()

    def first_event(frame: pd.DataFrame, when: str) -> np.ndarray:
        """Per loaded order: the earliest `when` of its events in `frame` (NEVER: none)."""
        pos = _codes(frame["order_id"], oidx)
        keep = pos >= 0
        first = np.full(len(orders), NEVER, dtype=np.int64)
        if keep.any():
            g = pd.Series(frame[when].to_numpy()[keep]).groupby(pos[keep]).min()
            first[g.index.to_numpy()] = g.to_numpy()
        return first

    created_before = lambda col: [(col, "<", hi)]  # noqa: E731
    low_review = first_event(_read(data, "reviews", ["order_id", "rated_at"],
                                   filters=created_before("rated_at") + [("stars", "<=", 2)]), "rated_at")
    cases = _read(data, "after_sales", ["order_id", "merchant_id", "requested_at", "completed_at", "kind",
                                        "platform_intervened"], filters=created_before("requested_at"))
    returns = cases[cases["kind"] == "return_refund"]
    return_case = first_event(returns, "requested_at")
    # a return requested within 30 days after delivery (delivered_at read at the order)
    pos = _codes(returns["order_id"], oidx)
    ok = pos >= 0
    req = returns["requested_at"].to_numpy()[ok]
    lag = req - delivered[pos[ok]]
    within = (delivered[pos[ok]] != NEVER) & (lag >= 0) & (lag <= 30 * US_D)
    return_30d = np.full(len(orders), NEVER, dtype=np.int64)
    if within.any():
        g = pd.Series(req[within]).groupby(pos[ok][within]).min()
        return_30d[g.index.to_numpy()] = g.to_numpy()
    complaints = _read(data, "complaints", ["order_id", "created_at", "kind"],
                       filters=created_before("created_at") + [("kind", "in", ["not_as_described", "logistics"])])
    nad = first_event(complaints[complaints["kind"] == "not_as_described"], "created_at")
    logistics = first_event(complaints[complaints["kind"] == "logistics"], "created_at")
    dispute = first_event(_read(data, "disputes", ["order_id", "opened_at"],
                                filters=created_before("opened_at")), "opened_at")

    cm = _codes(cases["merchant_id"], midx)
    requested = cases["requested_at"].to_numpy()
    completed = cases["completed_at"].to_numpy()
    intervened = cases["platform_intervened"].to_numpy()
    sessions = _read(data, "im_sessions", ["merchant_id", "started_at", "first_response_at"],
                     filters=[("started_at", ">=", lo), ("started_at", "<", hi)])
    sm = _codes(sessions["merchant_id"], midx)
    started = sessions["started_at"].to_numpy()
    responded = sessions["first_response_at"].to_numpy()
    surveys = _read(data, "surveys", ["merchant_id", "answered_at", "nps"],
                    filters=[("answered_at", ">=", lo), ("answered_at", "<", hi)])
    vm = _codes(surveys["merchant_id"], midx)
    answered = surveys["answered_at"].to_numpy()
    nps = surveys["nps"].to_numpy()
    violations = _read(data, "violations", ["merchant_id", "confirmed_at"],
                       filters=[("confirmed_at", ">=", lo), ("confirmed_at", "<", hi),
                                ("kind", "=", "cashback_card")])
    xm = _codes(violations["merchant_id"], midx)
    confirmed = violations["confirmed_at"].to_numpy()

    opened = merchants["opened_at"].to_numpy()
    region = merchants["region"].to_numpy()
    weights = np.array([WEIGHTS_BY_REGION.get(r, WEIGHTS_DEFAULT) for r in region], dtype=np.float64) \
        if n_m else np.zeros((0, 4))

    def per_merchant(codes: np.ndarray, frame: dict[str, np.ndarray]) -> pd.DataFrame:
        """One groupby: sums of the columns of `frame` per merchant, every merchant present."""
        df = pd.DataFrame(frame)
        df["m"] = codes
        return df.groupby("m", sort=False).sum().reindex(range(n_m), fill_value=0)

    def assess(k: int) -> pd.DataFrame:
        t = T[k]
        w = t - 30 * US_D
        # orders paid in the window
        in_paid = (paid >= w) & (paid < t)
        pick_pop = in_paid & (paid <= t - 72 * US_H)
        o = per_merchant(om, {
            "n_paid": in_paid,
            "n_negrev": in_paid & (low_review < t),
            "n_return": in_paid & (return_case < t),
            "n_nad": in_paid & (nad < t),
            "n_log": in_paid & (logistics < t),
            "n_disp": in_paid & (dispute < t),
            "n_pick": pick_pop,
            "n_pick_ok": pick_pop & (scanned < t) & (scanned - paid <= 72 * US_H),
            # orders shipped in the window, at least 7 days before as-of
            "n_ship": (ship_pop := (shipped >= w) & (shipped <= t - 7 * US_D) & (paid < t)),
            "n_ship_ok": ship_pop & (delivered < t),
            # orders delivered in the window
            "n_del": (del_pop := (delivered >= w) & (delivered < t) & (paid < t)),
            "n_del_ret": del_pop & (return_30d < t),
        })
        gmv = pd.Series(np.where(in_paid, amount, 0.0)).groupby(om).sum().reindex(range(n_m), fill_value=0.0)
        req_pop = (requested >= w) & (requested < t)
        done_pop = (completed >= w) & (completed < t) & (requested < t)
        c = per_merchant(cm, {"n_req": req_pop, "n_int": req_pop & intervened, "n_done": done_pop,
                              "us_done": np.where(done_pop, completed - requested, 0)})
        im_pop = (started >= w) & (started <= t - US_D)
        s = per_merchant(sm, {"n_im": im_pop,
                              "n_im_ok": im_pop & (responded < t) & (responded - started <= US_D)})
        sv_pop = (answered >= w) & (answered < t)
        v = per_merchant(vm, {"n_sv": sv_pop, "n_pro": sv_pop & (nps >= 9), "n_det": sv_pop & (nps <= 6)})
        x = per_merchant(xm, {"n": (confirmed >= w) & (confirmed < t)})

        out = pd.DataFrame(index=range(n_m))
        val = {
            "negative_review_rate": rate(o["n_negrev"].to_numpy(), o["n_paid"].to_numpy()),
            "return_rate": rate(o["n_return"].to_numpy(), o["n_paid"].to_numpy()),
            "nad_complaint_rate": rate(o["n_nad"].to_numpy(), o["n_paid"].to_numpy()),
            "pickup_72h_rate": rate(o["n_pick_ok"].to_numpy(), o["n_pick"].to_numpy()),
            "delivery_success_rate": rate(o["n_ship_ok"].to_numpy(), o["n_ship"].to_numpy()),
            "logistics_complaint_rate": rate(o["n_log"].to_numpy(), o["n_paid"].to_numpy()),
            "im_24h_response_rate": rate(s["n_im_ok"].to_numpy(), s["n_im"].to_numpy()),
            "dispute_rate": rate(o["n_disp"].to_numpy(), o["n_paid"].to_numpy()),
            "return_30d_rate": rate(o["n_del_ret"].to_numpy(), o["n_del"].to_numpy()),
            "intervention_rate": rate(c["n_int"].to_numpy(), c["n_req"].to_numpy()),
        }
        n_done = c["n_done"].to_numpy().astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            val["refund_review_hours"] = np.where(
                n_done > 0, r9(c["us_done"].to_numpy().astype(np.float64) / n_done / float(US_H)), np.nan)
            n_sv = v["n_sv"].to_numpy().astype(np.float64)
            val["after_sales_nps"] = np.where(
                n_sv > 0, r9((100 * (v["n_pro"].to_numpy() - v["n_det"].to_numpy())).astype(np.float64) / n_sv),
                np.nan)
        score = {name: curve(val[name], *CURVES[name]) for name in INDICATORS}
        for name in INDICATORS:
            out[f"ind.{name}.value"] = val[name]
            out[f"ind.{name}.score"] = score[name]
        # dimensions: sum over present members of (1 / n) * s, left to right
        dims = []
        for dim, members in DIMENSIONS.items():
            n = sum((~np.isnan(score[i])).astype(np.float64) for i in members)
            with np.errstate(invalid="ignore", divide="ignore"):
                total = np.zeros(n_m)
                for i in members:
                    total = total + np.where(np.isnan(score[i]), 0.0, (1.0 / n) * score[i])
                d = np.where(n > 0, r9(total), np.nan)
            out[f"dim.{dim}"] = d
            dims.append(d)
        w_total = np.zeros(n_m)
        for j, d in enumerate(dims):
            w_total = w_total + np.where(np.isnan(d), 0.0, weights[:, j])
        with np.errstate(invalid="ignore", divide="ignore"):
            raw = np.zeros(n_m)
            for j, d in enumerate(dims):
                raw = raw + np.where(np.isnan(d), 0.0, (weights[:, j] / w_total) * d)
            raw = np.where(w_total != 0.0, r9(raw), np.nan)
        ded = r9(0.5 * x["n"].to_numpy().astype(np.float64))
        after = raw - ded
        final = r9(np.where(after < 1.0, 1.0, np.where(after > 5.0, 5.0, after)))   # NaN stays NaN
        is_open = opened < t
        out["score"] = np.where(is_open, final, np.nan)
        out["raw_score"] = raw
        out["ded.cashback_card"] = ded
        out["gmv"] = r9(gmv.to_numpy())
        out["open"] = is_open
        return out

    runs = [assess(k) for k in range(ASSESSMENTS)]
    now = runs[0]
    score = now["score"].to_numpy()
    is_open = now["open"].to_numpy()
    rated = ~np.isnan(score)
    pip = rated & (score < 4.4)
    for past in runs[1:]:
        s = past["score"].to_numpy()
        pip &= ~np.isnan(s) & (s < 4.4)

    res = pd.DataFrame({"merchant_id": merchants["merchant_id"].to_numpy(), "score": score})
    with np.errstate(invalid="ignore"):
        tier = np.select([~is_open, ~rated, score >= 4.8, score >= 4.6, score >= 4.4],
                         [None, "unrated", "excellent", "standard", "below_threshold"], "critical")
        res["tier"] = pd.array(tier, dtype=object)
        res["status"] = np.select([~is_open, ~rated], ["not_open", "unrated"], "rated")
        res["consequences"] = np.select(
            [~rated, score >= 4.8, score >= 4.6, score >= 4.4, pip],
            ["", "feed_boost", "", "feed_ads_paused;removed_from_featured;traffic_fee",
             "feed_ads_paused;pip;removed_from_featured"], "feed_ads_paused;removed_from_featured")
        for dim in DIMENSIONS:
            res[f"dim.{dim}"] = np.where(is_open, now[f"dim.{dim}"], np.nan)
        for name in INDICATORS:
            for part in ("value", "score"):
                res[f"ind.{name}.{part}"] = np.where(is_open, now[f"ind.{name}.{part}"], np.nan)
        fee = rated & (score >= 4.4) & (score < 4.6)
        res["traffic_fee_amount"] = np.where(fee, r9(0.008 * now["gmv"].to_numpy()), np.nan)
    # cume_dist among rated merchants of the same (region, category): the share of the group
    # at or below the score (ties share the highest rank)
    pct = np.full(n_m, np.nan)
    if rated.any():
        grp = merchants.loc[rated, ["region", "category"]].copy()
        grp["score"] = score[rated]
        ranks = grp.groupby(["region", "category"])["score"].rank(method="max", pct=True)
        pct[np.flatnonzero(rated)] = r9(ranks.to_numpy())
    res["category_percentile"] = pct
    res["raw_score"] = np.where(is_open, now["raw_score"], np.nan)
    res["ded.cashback_card"] = np.where(is_open, now["ded.cashback_card"], np.nan)
    return res.sort_values("merchant_id", kind="stable").reset_index(drop=True)


def run(data: str | Path, out: str | Path, as_of: date | str) -> None:
    res = compute(data, as_of)
    table = pa.Table.from_pandas(res, preserve_index=False)
    pq.write_table(table, out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--as-of", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    run(args.data, args.out, args.as_of)
    return 0


if __name__ == "__main__":
    sys.exit(main())
