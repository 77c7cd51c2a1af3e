-- The complete TikTok Shop store rating (shared/domain.md section 4), written by hand in
-- DuckDB SQL and tuned along shared/performance.md. It is the yardstick for the compiled
-- `rubric score --engine duckdb`: same output contract (domain.md section 3), same numbers as
-- the reference evaluator (benchmarks/check_equal.py).
--
-- This file is a template that benchmarks/tiktok_handwritten.py fills in (string.Template):
--   ${data}   folder holding <table>.parquet
--   ${out}    the Parquet file written by COPY
-- The section between `-- @@assessment` and `-- @@final` is one assessment (all twelve
-- indicators, dimensions, weights, deduction, clamp) and is instantiated three times, for
-- as-of, as-of - 7 d and as-of - 14 d (the PIP rule needs three consecutive weekly scores).
-- In it, ${k} is the assessment number and the windows are constants computed from as-of by
-- the runner (the zone is UTC, so as-of 2024-06-03 is 2024-06-03T00:00:00Z):
--   ${T}     as-of                                  (visibility: created < T)
--   ${W}     as-of - 30 d                           (window "recent" = [W, T))
--   ${T24}   as-of - 24 h   (IM sessions started at least 24 h before as-of: <= T24)
--   ${T72}   as-of - 72 h   (orders paid at least 72 h before as-of: <= T72)
--   ${T7D}   as-of - 7 d    (orders shipped at least 7 days before as-of: <= T7D)
--
-- How it is tuned (performance.md):
--   * every window is a constant bound on a raw column in the scan's WHERE (row-group skipping);
--   * one GROUP BY merchant_id per (table, window), the metrics on it conditional aggregates;
--   * no join of orders to their events: "orders paid in the window that have a <event>" is
--     `count(*) FILTER (WHERE order_id IN (SELECT order_id FROM <events> WHERE <visible>))`
--     on the one GROUP BY of the window's orders, each subquery written out at its use (no
--     shared CTE to materialise). The event sets are the small side (hash build), the
--     window's orders probe them once. Measured at 10M orders against performance.md's form
--     (events filtered by `order_id IN (SELECT order_id FROM orders WHERE <window>)`, then
--     count(DISTINCT order_id) per merchant): this form is ~10% faster and needs no DISTINCT;
--   * durations as integer microsecond differences (epoch_us), never per-row time zones;
--   * NULLs explicit: CASE WHEN x IS NULL, never LEAST/GREATEST around a rate;
--   * the per-merchant tail (curves, dimensions, weights, ranks, tiers) stays in SQL and the
--     result is written with COPY.
-- Numbers follow the reference evaluator operation by operation (same IEEE operations in the
-- same order) and every named value goes through r9 (9 decimals, half away from zero).

-- @@prelude
-- r9: round half away from zero to 9 decimals, exactly as Python's
-- Decimal(repr(x)).quantize(1e-9, ROUND_HALF_UP). round(x, 9) agrees except within an ulp of
-- a tie; those rare values take the exact path through the shortest decimal representation.
CREATE OR REPLACE TEMP MACRO r9(x) AS
    CASE WHEN abs(abs(x) * 1e9 - floor(abs(x) * 1e9) - 0.5) < 1e-7 + abs(x) * 1e-6
         THEN CAST(CAST(CAST(x AS VARCHAR) AS DECIMAL(38, 9)) AS DOUBLE)
         ELSE round(x, 9) END;

-- A piecewise-linear curve of two points (x1, y1), (x2, y2) with x1 < x2, clamped outside:
-- y1 + (x - x1) / (x2 - x1) * (y2 - y1), the reference's operation order. NULL stays NULL.
CREATE OR REPLACE TEMP MACRO curve2(x, x1, y1, x2, y2) AS
    CASE WHEN x IS NULL THEN NULL
         WHEN x <= x1 THEN y1
         WHEN x <= x2 THEN r9(y1 + (x - x1) / (x2 - x1) * (y2 - y1))
         ELSE y2 END;

-- A rate: NULL when the denominator is 0 (no sample), never 0.
CREATE OR REPLACE TEMP MACRO rate(num, den) AS
    CASE WHEN coalesce(den, 0) = 0 THEN NULL
         ELSE r9(CAST(coalesce(num, 0) AS DOUBLE) / CAST(den AS DOUBLE)) END;

-- One term of a mean over the members that have a score: (w / W) * s, or 0 when s is missing.
CREATE OR REPLACE TEMP MACRO term(s, w, total) AS
    CASE WHEN s IS NULL THEN 0.0::DOUBLE ELSE (w / total) * s END;
CREATE OR REPLACE TEMP MACRO present(s, w) AS
    CASE WHEN s IS NULL THEN 0.0::DOUBLE ELSE w END;

CREATE OR REPLACE TEMP VIEW merchants AS SELECT * FROM read_parquet('${data}/merchants.parquet');
CREATE OR REPLACE TEMP VIEW orders AS SELECT * FROM read_parquet('${data}/orders.parquet');
CREATE OR REPLACE TEMP VIEW reviews AS SELECT * FROM read_parquet('${data}/reviews.parquet');
CREATE OR REPLACE TEMP VIEW after_sales AS SELECT * FROM read_parquet('${data}/after_sales.parquet');
CREATE OR REPLACE TEMP VIEW disputes AS SELECT * FROM read_parquet('${data}/disputes.parquet');
CREATE OR REPLACE TEMP VIEW complaints AS SELECT * FROM read_parquet('${data}/complaints.parquet');
CREATE OR REPLACE TEMP VIEW im_sessions AS SELECT * FROM read_parquet('${data}/im_sessions.parquet');
CREATE OR REPLACE TEMP VIEW surveys AS SELECT * FROM read_parquet('${data}/surveys.parquet');
CREATE OR REPLACE TEMP VIEW violations AS SELECT * FROM read_parquet('${data}/violations.parquet');

-- @@assessment
-- Orders paid in the window (fraud left out): the denominators of the order rates, pickup
-- within 72 h (paid at least 72 h before as-of; a scan at or after as-of has not happened),
-- GMV, and the orders that have an attached event visible at as-of (a review with stars <= 2,
-- a return_refund case, a not_as_described / logistics complaint, a dispute). Each event set
-- is small next to the orders of the window, so it is the hash side of a mark join probed
-- once per order: no join of orders to events, no count(DISTINCT).
paid${k} AS (
    SELECT merchant_id,
           count(*) AS n_paid,
           count(*) FILTER (WHERE paid_at <= ${T72}) AS n_pick,
           count(*) FILTER (WHERE paid_at <= ${T72} AND first_scan_at < ${T}
                              AND epoch_us(first_scan_at) - epoch_us(paid_at) <= 259200000000) AS n_pick_ok,
           sum(amount) AS gmv,
           count(*) FILTER (WHERE order_id IN (SELECT order_id FROM reviews
                                               WHERE rated_at < ${T} AND stars <= 2)) AS n_negrev,
           count(*) FILTER (WHERE order_id IN (SELECT order_id FROM after_sales
                                               WHERE requested_at < ${T} AND kind = 'return_refund')) AS n_return,
           count(*) FILTER (WHERE order_id IN (SELECT order_id FROM complaints
                                               WHERE created_at < ${T} AND kind = 'not_as_described')) AS n_nad,
           count(*) FILTER (WHERE order_id IN (SELECT order_id FROM complaints
                                               WHERE created_at < ${T} AND kind = 'logistics')) AS n_log,
           count(*) FILTER (WHERE order_id IN (SELECT order_id FROM disputes
                                               WHERE opened_at < ${T})) AS n_disp
    FROM orders
    WHERE paid_at >= ${W} AND paid_at < ${T} AND NOT is_fraud
    GROUP BY merchant_id),
-- Orders shipped in the window and at least 7 days before as-of; delivered before as-of.
shipped${k} AS (
    SELECT merchant_id,
           count(*) AS n_ship,
           count(*) FILTER (WHERE delivered_at < ${T}) AS n_ship_ok
    FROM orders
    WHERE shipped_at >= ${W} AND shipped_at <= ${T7D} AND paid_at < ${T} AND NOT is_fraud
    GROUP BY merchant_id),
-- Orders delivered in the window, and those with a return_refund case requested within
-- 30 days after delivery: 0 <= requested_at - delivered_at <= 30 d. Such a case is visible
-- and requested in [W, T) (a constant bound on the cases); for a delivery in [W, T) and a
-- request in [W, T) the difference is below 30 d, so the condition left is requested_at >=
-- delivered_at, i.e. the latest such request of the order is at or after its delivery. The
-- few cases, one row per order, are the hash side of the join.
delivered${k} AS (
    SELECT o.merchant_id,
           count(*) AS n_del,
           count(*) FILTER (WHERE r.last_request >= o.delivered_at
                              AND epoch_us(r.last_request) - epoch_us(o.delivered_at) <= 2592000000000) AS n_del_ret
    FROM orders o
    LEFT JOIN (SELECT order_id, max(requested_at) AS last_request
               FROM after_sales
               WHERE requested_at >= ${W} AND requested_at < ${T} AND kind = 'return_refund'
               GROUP BY order_id) r ON r.order_id = o.order_id
    WHERE o.delivered_at >= ${W} AND o.delivered_at < ${T} AND o.paid_at < ${T} AND NOT o.is_fraud
    GROUP BY o.merchant_id),
-- After-sales cases requested in the window: platform intervention.
requested${k} AS (
    SELECT merchant_id,
           count(*) AS n_req,
           count(*) FILTER (WHERE platform_intervened) AS n_int
    FROM after_sales
    WHERE requested_at >= ${W} AND requested_at < ${T}
    GROUP BY merchant_id),
-- After-sales cases completed in the window: mean review time, integer microseconds.
completed${k} AS (
    SELECT merchant_id,
           count(*) AS n_done,
           sum(epoch_us(completed_at) - epoch_us(requested_at)) AS us_done
    FROM after_sales
    WHERE completed_at >= ${W} AND completed_at < ${T} AND requested_at < ${T}
    GROUP BY merchant_id),
-- IM sessions started in the window and at least 24 h before as-of; answered within 24 h.
im${k} AS (
    SELECT merchant_id,
           count(*) AS n_im,
           count(*) FILTER (WHERE first_response_at < ${T}
                              AND epoch_us(first_response_at) - epoch_us(started_at) <= 86400000000) AS n_im_ok
    FROM im_sessions
    WHERE started_at >= ${W} AND started_at <= ${T24}
    GROUP BY merchant_id),
-- Surveys answered in the window: promoters (9-10) and detractors (0-6).
nps${k} AS (
    SELECT merchant_id,
           count(*) AS n_sv,
           count(*) FILTER (WHERE nps >= 9) AS n_pro,
           count(*) FILTER (WHERE nps <= 6) AS n_det
    FROM surveys
    WHERE answered_at >= ${W} AND answered_at < ${T}
    GROUP BY merchant_id),
-- Cashback-card violations confirmed in the window.
cashback${k} AS (
    SELECT merchant_id, count(*) AS n
    FROM violations
    WHERE confirmed_at >= ${W} AND confirmed_at < ${T} AND kind = 'cashback_card'
    GROUP BY merchant_id),
-- Indicator values of every merchant open at as-of.
values${k} AS (
    SELECT m.merchant_id, m.region, m.category,
           rate(p.n_negrev, p.n_paid) AS v_negative_review_rate,
           rate(p.n_return, p.n_paid) AS v_return_rate,
           rate(p.n_nad, p.n_paid) AS v_nad_complaint_rate,
           rate(p.n_pick_ok, p.n_pick) AS v_pickup_72h_rate,
           rate(s.n_ship_ok, s.n_ship) AS v_delivery_success_rate,
           rate(p.n_log, p.n_paid) AS v_logistics_complaint_rate,
           rate(i.n_im_ok, i.n_im) AS v_im_24h_response_rate,
           rate(p.n_disp, p.n_paid) AS v_dispute_rate,
           CASE WHEN coalesce(cd.n_done, 0) = 0 THEN NULL
                ELSE r9(CAST(cd.us_done AS DOUBLE) / CAST(cd.n_done AS DOUBLE) / 3600000000.0::DOUBLE) END
               AS v_refund_review_hours,
           rate(dl.n_del_ret, dl.n_del) AS v_return_30d_rate,
           rate(rq.n_int, rq.n_req) AS v_intervention_rate,
           CASE WHEN coalesce(nv.n_sv, 0) = 0 THEN NULL
                ELSE r9(CAST(100 * (nv.n_pro - nv.n_det) AS DOUBLE) / CAST(nv.n_sv AS DOUBLE)) END
               AS v_after_sales_nps,
           r9(0.5::DOUBLE * CAST(coalesce(cb.n, 0) AS DOUBLE)) AS ded_cashback_card,
           r9(coalesce(p.gmv, 0.0::DOUBLE)) AS gmv
    FROM merchants m
    LEFT JOIN paid${k} p USING (merchant_id)
    LEFT JOIN shipped${k} s USING (merchant_id)
    LEFT JOIN delivered${k} dl USING (merchant_id)
    LEFT JOIN requested${k} rq USING (merchant_id)
    LEFT JOIN completed${k} cd USING (merchant_id)
    LEFT JOIN im${k} i USING (merchant_id)
    LEFT JOIN nps${k} nv USING (merchant_id)
    LEFT JOIN cashback${k} cb USING (merchant_id)
    WHERE m.opened_at < ${T}),
-- Indicator scores: the curves of domain.md section 4.
scores${k} AS (
    SELECT *,
           curve2(v_negative_review_rate, 0.012::DOUBLE, 5.0::DOUBLE, 0.06::DOUBLE, 1.0::DOUBLE) AS s_negative_review_rate,
           curve2(v_return_rate, 0.038::DOUBLE, 5.0::DOUBLE, 0.15::DOUBLE, 1.0::DOUBLE) AS s_return_rate,
           curve2(v_nad_complaint_rate, 0.009::DOUBLE, 5.0::DOUBLE, 0.05::DOUBLE, 1.0::DOUBLE) AS s_nad_complaint_rate,
           curve2(v_pickup_72h_rate, 0.8::DOUBLE, 1.0::DOUBLE, 0.98::DOUBLE, 5.0::DOUBLE) AS s_pickup_72h_rate,
           curve2(v_delivery_success_rate, 0.9::DOUBLE, 1.0::DOUBLE, 0.985::DOUBLE, 5.0::DOUBLE) AS s_delivery_success_rate,
           curve2(v_logistics_complaint_rate, 0.006::DOUBLE, 5.0::DOUBLE, 0.04::DOUBLE, 1.0::DOUBLE) AS s_logistics_complaint_rate,
           curve2(v_im_24h_response_rate, 0.7::DOUBLE, 1.0::DOUBLE, 0.95::DOUBLE, 5.0::DOUBLE) AS s_im_24h_response_rate,
           curve2(v_dispute_rate, 0.015::DOUBLE, 5.0::DOUBLE, 0.06::DOUBLE, 1.0::DOUBLE) AS s_dispute_rate,
           curve2(v_refund_review_hours, 48.0::DOUBLE, 5.0::DOUBLE, 168.0::DOUBLE, 1.0::DOUBLE) AS s_refund_review_hours,
           curve2(v_return_30d_rate, 0.03::DOUBLE, 5.0::DOUBLE, 0.12::DOUBLE, 1.0::DOUBLE) AS s_return_30d_rate,
           curve2(v_intervention_rate, 0.05::DOUBLE, 5.0::DOUBLE, 0.3::DOUBLE, 1.0::DOUBLE) AS s_intervention_rate,
           curve2(v_after_sales_nps, 0.0::DOUBLE, 1.0::DOUBLE, 65.0::DOUBLE, 5.0::DOUBLE) AS s_after_sales_nps
    FROM values${k}),
-- Dimensions: the mean of the indicators that have a score (each weight 1, renormalised):
-- sum of (1 / n) * s, left to right, as the reference does.
dims${k} AS (
    SELECT *,
           CASE WHEN n_product = 0 THEN NULL ELSE r9(
               term(s_negative_review_rate, 1.0::DOUBLE, n_product) + term(s_return_rate, 1.0::DOUBLE, n_product)
               + term(s_nad_complaint_rate, 1.0::DOUBLE, n_product)) END AS d_product,
           CASE WHEN n_logistics = 0 THEN NULL ELSE r9(
               term(s_pickup_72h_rate, 1.0::DOUBLE, n_logistics) + term(s_delivery_success_rate, 1.0::DOUBLE, n_logistics)
               + term(s_logistics_complaint_rate, 1.0::DOUBLE, n_logistics)) END AS d_logistics,
           CASE WHEN n_service = 0 THEN NULL ELSE r9(
               term(s_im_24h_response_rate, 1.0::DOUBLE, n_service) + term(s_dispute_rate, 1.0::DOUBLE, n_service)
               + term(s_refund_review_hours, 1.0::DOUBLE, n_service)) END AS d_service,
           CASE WHEN n_after_sales = 0 THEN NULL ELSE r9(
               term(s_return_30d_rate, 1.0::DOUBLE, n_after_sales) + term(s_intervention_rate, 1.0::DOUBLE, n_after_sales)
               + term(s_after_sales_nps, 1.0::DOUBLE, n_after_sales)) END AS d_after_sales,
           -- regional weights (product, logistics, service, after_sales)
           CASE WHEN region IN ('US', 'UK', 'EU') THEN 0.25::DOUBLE WHEN region = 'SEA' THEN 0.45::DOUBLE ELSE 0.4::DOUBLE END AS w_product,
           CASE WHEN region IN ('US', 'UK', 'EU') THEN 0.4::DOUBLE WHEN region = 'SEA' THEN 0.25::DOUBLE ELSE 0.3::DOUBLE END AS w_logistics,
           CASE WHEN region IN ('US', 'UK', 'EU') THEN 0.15::DOUBLE WHEN region = 'SEA' THEN 0.2::DOUBLE ELSE 0.2::DOUBLE END AS w_service,
           CASE WHEN region IN ('US', 'UK', 'EU') THEN 0.2::DOUBLE WHEN region = 'SEA' THEN 0.1::DOUBLE ELSE 0.1::DOUBLE END AS w_after_sales
    FROM (SELECT *,
                 CAST((s_negative_review_rate IS NOT NULL)::INT + (s_return_rate IS NOT NULL)::INT
                      + (s_nad_complaint_rate IS NOT NULL)::INT AS DOUBLE) AS n_product,
                 CAST((s_pickup_72h_rate IS NOT NULL)::INT + (s_delivery_success_rate IS NOT NULL)::INT
                      + (s_logistics_complaint_rate IS NOT NULL)::INT AS DOUBLE) AS n_logistics,
                 CAST((s_im_24h_response_rate IS NOT NULL)::INT + (s_dispute_rate IS NOT NULL)::INT
                      + (s_refund_review_hours IS NOT NULL)::INT AS DOUBLE) AS n_service,
                 CAST((s_return_30d_rate IS NOT NULL)::INT + (s_intervention_rate IS NOT NULL)::INT
                      + (s_after_sales_nps IS NOT NULL)::INT AS DOUBLE) AS n_after_sales
          FROM scores${k})),
-- The raw score: weighted mean of the dimensions that have a score (weights renormalised,
-- the total weight summed left to right), then the deduction, the clamp to [1, 5].
raw${k} AS (
    SELECT *,
           CASE WHEN w_total = 0.0 THEN NULL ELSE r9(
               term(d_product, w_product, w_total) + term(d_logistics, w_logistics, w_total)
               + term(d_service, w_service, w_total) + term(d_after_sales, w_after_sales, w_total)) END AS raw_score
    FROM (SELECT *,
                 present(d_product, w_product) + present(d_logistics, w_logistics)
                 + present(d_service, w_service) + present(d_after_sales, w_after_sales) AS w_total
          FROM dims${k})),
assessed${k} AS (
    SELECT *,
           r9(CASE WHEN raw_score IS NULL THEN NULL
                   WHEN raw_score - ded_cashback_card < 1.0 THEN 1.0::DOUBLE
                   WHEN raw_score - ded_cashback_card > 5.0 THEN 5.0::DOUBLE
                   ELSE raw_score - ded_cashback_card END) AS score
    FROM raw${k}),

-- @@final
-- The result at as-of: tiers, consequences (PIP over three weekly assessments), the traffic
-- fee, the category percentile among rated merchants of the same (region, category).
result AS (
    SELECT a.*,
           coalesce(a.score < 4.4, false) AND coalesce(b.score < 4.4, false)
               AND coalesce(c.score < 4.4, false) AS pip
    FROM assessed0 a
    LEFT JOIN assessed1 b USING (merchant_id)
    LEFT JOIN assessed2 c USING (merchant_id)),
ranked AS (
    SELECT *,
           CASE WHEN score IS NULL THEN NULL
                ELSE r9(cume_dist() OVER (PARTITION BY region, category, score IS NULL ORDER BY score)) END
               AS category_percentile
    FROM result)
SELECT m.merchant_id,
       r.score,
       CASE WHEN m.opened_at >= ${T0} THEN NULL
            WHEN r.score IS NULL THEN 'unrated'
            WHEN r.score >= 4.8 THEN 'excellent'
            WHEN r.score >= 4.6 THEN 'standard'
            WHEN r.score >= 4.4 THEN 'below_threshold'
            ELSE 'critical' END AS tier,
       CASE WHEN m.opened_at >= ${T0} THEN 'not_open'
            WHEN r.score IS NULL THEN 'unrated'
            ELSE 'rated' END AS status,
       -- consequence names sorted: feed_ads_paused, feed_boost, pip, removed_from_featured, traffic_fee
       CASE WHEN r.score IS NULL THEN ''
            WHEN r.score >= 4.8 THEN 'feed_boost'
            WHEN r.score >= 4.6 THEN ''
            WHEN r.score >= 4.4 THEN 'feed_ads_paused;removed_from_featured;traffic_fee'
            WHEN r.pip THEN 'feed_ads_paused;pip;removed_from_featured'
            ELSE 'feed_ads_paused;removed_from_featured' END AS consequences,
       r.d_product AS "dim.product",
       r.d_logistics AS "dim.logistics",
       r.d_service AS "dim.service",
       r.d_after_sales AS "dim.after_sales",
       r.v_negative_review_rate AS "ind.negative_review_rate.value",
       r.s_negative_review_rate AS "ind.negative_review_rate.score",
       r.v_return_rate AS "ind.return_rate.value",
       r.s_return_rate AS "ind.return_rate.score",
       r.v_nad_complaint_rate AS "ind.nad_complaint_rate.value",
       r.s_nad_complaint_rate AS "ind.nad_complaint_rate.score",
       r.v_pickup_72h_rate AS "ind.pickup_72h_rate.value",
       r.s_pickup_72h_rate AS "ind.pickup_72h_rate.score",
       r.v_delivery_success_rate AS "ind.delivery_success_rate.value",
       r.s_delivery_success_rate AS "ind.delivery_success_rate.score",
       r.v_logistics_complaint_rate AS "ind.logistics_complaint_rate.value",
       r.s_logistics_complaint_rate AS "ind.logistics_complaint_rate.score",
       r.v_im_24h_response_rate AS "ind.im_24h_response_rate.value",
       r.s_im_24h_response_rate AS "ind.im_24h_response_rate.score",
       r.v_dispute_rate AS "ind.dispute_rate.value",
       r.s_dispute_rate AS "ind.dispute_rate.score",
       r.v_refund_review_hours AS "ind.refund_review_hours.value",
       r.s_refund_review_hours AS "ind.refund_review_hours.score",
       r.v_return_30d_rate AS "ind.return_30d_rate.value",
       r.s_return_30d_rate AS "ind.return_30d_rate.score",
       r.v_intervention_rate AS "ind.intervention_rate.value",
       r.s_intervention_rate AS "ind.intervention_rate.score",
       r.v_after_sales_nps AS "ind.after_sales_nps.value",
       r.s_after_sales_nps AS "ind.after_sales_nps.score",
       CASE WHEN r.score >= 4.4 AND r.score < 4.6 THEN r9(0.008::DOUBLE * r.gmv) END AS traffic_fee_amount,
       r.category_percentile,
       r.raw_score,
       r.ded_cashback_card AS "ded.cashback_card"
FROM merchants m
LEFT JOIN ranked r USING (merchant_id)
ORDER BY m.merchant_id
