WITH m AS (
  SELECT
    "e"."merchant_id" AS "m.merchant_id",
    "e"."opened_at" AS "m.opened_at",
    "e"."region" AS "m.region",
    "e"."category" AS "m.category",
    "e"."identity_verified" AS "m.identity_verified",
    "e"."strength_verified" AS "m.strength_verified",
    "e"."merchant_id" AS merchant_id,
    "e"."opened_at" < CAST('2024-06-02 16:00:00.000000+00:00' AS TIMESTAMPTZ) AS is_open
  FROM merchants AS e
), pop1 AS (
  SELECT
    "t"."merchant_id" AS merchant_id,
    COUNT(*) AS i0_den_0,
    COUNT(*) FILTER(WHERE
      CAST(EXTRACT(EPOCH FROM CASE
        WHEN "t"."shipped_at" < CAST('2024-06-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
        THEN "t"."shipped_at"
      END) * 1000000 AS BIGINT) <= CAST(EXTRACT(EPOCH FROM "t"."promised_ship_by") * 1000000 AS BIGINT)
      AND (
        CAST(EXTRACT(EPOCH FROM CASE
          WHEN "t"."first_scan_at" < CAST('2024-06-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
          THEN "t"."first_scan_at"
        END) * 1000000 AS BIGINT) - CAST(EXTRACT(EPOCH FROM "t"."promised_ship_by") * 1000000 AS BIGINT)
      ) <= 7200000000) AS i0_num_1,
    COUNT(*) FILTER(WHERE
      NOT CAST(EXTRACT(EPOCH FROM CASE
        WHEN "t"."shipped_at" < CAST('2024-06-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
        THEN "t"."shipped_at"
      END) * 1000000 AS BIGINT) IS NULL
      AND NOT (
        COALESCE(
          (
            CAST(EXTRACT(EPOCH FROM CASE
              WHEN "t"."first_scan_at" < CAST('2024-06-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
              THEN "t"."first_scan_at"
            END) * 1000000 AS BIGINT) - CAST(EXTRACT(EPOCH FROM "t"."promised_ship_by") * 1000000 AS BIGINT)
          ) <= 7200000000,
          FALSE
        )
      )) AS d3_2
  FROM orders AS t
  WHERE
    "t"."paid_at" < CAST('2024-06-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
    AND NOT COALESCE("t"."is_fraud", FALSE)
    AND "t"."promised_ship_by" >= CAST('2024-05-03 16:00:00.000000+00:00' AS TIMESTAMPTZ)
    AND "t"."promised_ship_by" < CAST('2024-06-02 14:00:00.000000+00:00' AS TIMESTAMPTZ)
  GROUP BY
    "t"."merchant_id"
), pop2 AS (
  SELECT
    "t"."merchant_id" AS merchant_id,
    COUNT(*) FILTER(WHERE
      NOT (
        NOT (
          COALESCE(
            CAST(EXTRACT(EPOCH FROM CASE
              WHEN "t"."delivered_at" < CAST('2024-06-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
              THEN "t"."delivered_at"
            END) * 1000000 AS BIGINT) <= CAST(EXTRACT(EPOCH FROM "t"."promised_deliver_by") * 1000000 AS BIGINT),
            FALSE
          )
        )
        AND COALESCE("t"."delivery_exception", FALSE)
      )) AS i1_den_0,
    COUNT(*) FILTER(WHERE
      NOT (
        NOT (
          COALESCE(
            CAST(EXTRACT(EPOCH FROM CASE
              WHEN "t"."delivered_at" < CAST('2024-06-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
              THEN "t"."delivered_at"
            END) * 1000000 AS BIGINT) <= CAST(EXTRACT(EPOCH FROM "t"."promised_deliver_by") * 1000000 AS BIGINT),
            FALSE
          )
        )
        AND COALESCE("t"."delivery_exception", FALSE)
      )
      AND CAST(EXTRACT(EPOCH FROM CASE
        WHEN "t"."delivered_at" < CAST('2024-06-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
        THEN "t"."delivered_at"
      END) * 1000000 AS BIGINT) <= CAST(EXTRACT(EPOCH FROM "t"."promised_deliver_by") * 1000000 AS BIGINT)) AS i1_num_1
  FROM orders AS t
  WHERE
    "t"."paid_at" < CAST('2024-06-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
    AND NOT COALESCE("t"."is_fraud", FALSE)
    AND "t"."promised_deliver_by" < CAST('2024-06-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
    AND "t"."promised_deliver_by" >= CAST('2024-05-03 16:00:00.000000+00:00' AS TIMESTAMPTZ)
  GROUP BY
    "t"."merchant_id"
), pop3 AS (
  SELECT
    "t"."merchant_id" AS merchant_id,
    COUNT(*) AS i2_den_0,
    COUNT(*) FILTER(WHERE
      COALESCE(
        "t"."order_id" IN (
          SELECT
            "r1"."order_id"
          FROM after_sales AS r1
          WHERE
            "r1"."requested_at" < CAST('2024-06-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
            AND "r1"."kind" = 'return_refund'
        ),
        FALSE
      )
      OR COALESCE(
        "t"."order_id" IN (
          SELECT
            "r2"."order_id"
          FROM disputes AS r2
          WHERE
            "r2"."opened_at" < CAST('2024-06-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
        ),
        FALSE
      )) AS i2_num_1
  FROM orders AS t
  WHERE
    "t"."paid_at" < CAST('2024-06-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
    AND NOT COALESCE("t"."is_fraud", FALSE)
    AND "t"."paid_at" >= CAST('2024-05-03 16:00:00.000000+00:00' AS TIMESTAMPTZ)
  GROUP BY
    "t"."merchant_id"
), pop4 AS (
  SELECT
    "t"."merchant_id" AS merchant_id,
    COUNT(*) FILTER(WHERE
      COALESCE(
        (
          CAST(EXTRACT(EPOCH FROM CASE
            WHEN "t"."responded_at" < CAST('2024-06-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
            THEN "t"."responded_at"
          END) * 1000000 AS BIGINT) - CAST(EXTRACT(EPOCH FROM "t"."opened_at") * 1000000 AS BIGINT)
        ) > 172800000000,
        FALSE
      )
      OR (
        CAST(EXTRACT(EPOCH FROM CASE
          WHEN "t"."responded_at" < CAST('2024-06-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
          THEN "t"."responded_at"
        END) * 1000000 AS BIGINT) IS NULL
        AND COALESCE(
          (
            1717344000000000 - CAST(EXTRACT(EPOCH FROM "t"."opened_at") * 1000000 AS BIGINT)
          ) > 172800000000,
          FALSE
        )
      )) AS d4_0,
    COUNT(*) FILTER(WHERE
      COALESCE(
        (
          CAST(EXTRACT(EPOCH FROM CASE
            WHEN "t"."solution_at" < CAST('2024-06-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
            THEN "t"."solution_at"
          END) * 1000000 AS BIGINT) - CAST(EXTRACT(EPOCH FROM "t"."opened_at") * 1000000 AS BIGINT)
        ) > 259200000000,
        FALSE
      )
      OR (
        CAST(EXTRACT(EPOCH FROM CASE
          WHEN "t"."solution_at" < CAST('2024-06-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
          THEN "t"."solution_at"
        END) * 1000000 AS BIGINT) IS NULL
        AND COALESCE(
          (
            1717344000000000 - CAST(EXTRACT(EPOCH FROM "t"."opened_at") * 1000000 AS BIGINT)
          ) > 259200000000,
          FALSE
        )
      )) AS d5_1
  FROM disputes AS t
  WHERE
    "t"."opened_at" < CAST('2024-06-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
    AND "t"."opened_at" >= CAST('2024-05-03 16:00:00.000000+00:00' AS TIMESTAMPTZ)
  GROUP BY
    "t"."merchant_id"
), s1 AS (
  SELECT
    b.*,
    CASE
      WHEN COALESCE("pop1"."i0_den_0", 0) > 0
      THEN ROUND(
        CAST(COALESCE("pop1"."i0_num_1", 0) AS DOUBLE PRECISION) / COALESCE("pop1"."i0_den_0", 0),
        9
      )
    END AS "ind.on_time_ship_rate.value",
    CASE
      WHEN COALESCE("pop2"."i1_den_0", 0) > 0
      THEN ROUND(
        CAST(COALESCE("pop2"."i1_num_1", 0) AS DOUBLE PRECISION) / COALESCE("pop2"."i1_den_0", 0),
        9
      )
    END AS "ind.on_time_delivery_rate.value",
    CASE
      WHEN COALESCE("pop3"."i2_den_0", 0) > 0
      THEN ROUND(
        CAST(COALESCE("pop3"."i2_num_1", 0) AS DOUBLE PRECISION) / COALESCE("pop3"."i2_den_0", 0),
        9
      )
    END AS "ind.return_dispute_rate.value",
    COALESCE("pop1"."d3_2", 0) AS "ded.invalid_tracking.count",
    COALESCE("pop4"."d4_0", 0) AS "ded.late_dispute_response.count",
    COALESCE("pop4"."d5_1", 0) AS "ded.late_dispute_solution.count"
  FROM m AS b
  LEFT JOIN pop1
    ON "pop1"."merchant_id" = "b"."merchant_id"
  LEFT JOIN pop2
    ON "pop2"."merchant_id" = "b"."merchant_id"
  LEFT JOIN pop3
    ON "pop3"."merchant_id" = "b"."merchant_id"
  LEFT JOIN pop4
    ON "pop4"."merchant_id" = "b"."merchant_id"
), s2 AS (
  SELECT
    b.*,
    CASE
      WHEN "b"."ind.on_time_ship_rate.value" IS NULL
      THEN NULL
      ELSE CASE
        WHEN "b"."ind.on_time_ship_rate.value" <= CAST(0.8 AS DOUBLE PRECISION)
        THEN CAST(0.0 AS DOUBLE PRECISION)
        WHEN "b"."ind.on_time_ship_rate.value" <= CAST(0.95 AS DOUBLE PRECISION)
        THEN ROUND(
          CAST(0.0 AS DOUBLE PRECISION) + (
            "b"."ind.on_time_ship_rate.value" - CAST(0.8 AS DOUBLE PRECISION)
          ) / CAST(0.1499999999999999 AS DOUBLE PRECISION) * CAST(4.0 AS DOUBLE PRECISION),
          9
        )
        WHEN "b"."ind.on_time_ship_rate.value" <= CAST(0.99 AS DOUBLE PRECISION)
        THEN ROUND(
          CAST(4.0 AS DOUBLE PRECISION) + (
            "b"."ind.on_time_ship_rate.value" - CAST(0.95 AS DOUBLE PRECISION)
          ) / CAST(0.040000000000000036 AS DOUBLE PRECISION) * CAST(1.0 AS DOUBLE PRECISION),
          9
        )
        ELSE CAST(5.0 AS DOUBLE PRECISION)
      END
    END AS "ind.on_time_ship_rate.score",
    CASE
      WHEN "b"."ind.on_time_delivery_rate.value" IS NULL
      THEN NULL
      ELSE CASE
        WHEN "b"."ind.on_time_delivery_rate.value" <= CAST(0.7 AS DOUBLE PRECISION)
        THEN CAST(0.0 AS DOUBLE PRECISION)
        WHEN "b"."ind.on_time_delivery_rate.value" <= CAST(0.9 AS DOUBLE PRECISION)
        THEN ROUND(
          CAST(0.0 AS DOUBLE PRECISION) + (
            "b"."ind.on_time_delivery_rate.value" - CAST(0.7 AS DOUBLE PRECISION)
          ) / CAST(0.20000000000000007 AS DOUBLE PRECISION) * CAST(4.0 AS DOUBLE PRECISION),
          9
        )
        WHEN "b"."ind.on_time_delivery_rate.value" <= CAST(0.97 AS DOUBLE PRECISION)
        THEN ROUND(
          CAST(4.0 AS DOUBLE PRECISION) + (
            "b"."ind.on_time_delivery_rate.value" - CAST(0.9 AS DOUBLE PRECISION)
          ) / CAST(0.06999999999999995 AS DOUBLE PRECISION) * CAST(1.0 AS DOUBLE PRECISION),
          9
        )
        ELSE CAST(5.0 AS DOUBLE PRECISION)
      END
    END AS "ind.on_time_delivery_rate.score",
    CASE
      WHEN "b"."ind.return_dispute_rate.value" IS NULL
      THEN NULL
      ELSE CASE
        WHEN "b"."ind.return_dispute_rate.value" <= CAST(0.01 AS DOUBLE PRECISION)
        THEN CAST(5.0 AS DOUBLE PRECISION)
        WHEN "b"."ind.return_dispute_rate.value" <= CAST(0.05 AS DOUBLE PRECISION)
        THEN ROUND(
          CAST(5.0 AS DOUBLE PRECISION) + (
            "b"."ind.return_dispute_rate.value" - CAST(0.01 AS DOUBLE PRECISION)
          ) / CAST(0.04 AS DOUBLE PRECISION) * -CAST(2.0 AS DOUBLE PRECISION),
          9
        )
        WHEN "b"."ind.return_dispute_rate.value" <= CAST(0.15 AS DOUBLE PRECISION)
        THEN ROUND(
          CAST(3.0 AS DOUBLE PRECISION) + (
            "b"."ind.return_dispute_rate.value" - CAST(0.05 AS DOUBLE PRECISION)
          ) / CAST(0.09999999999999999 AS DOUBLE PRECISION) * -CAST(3.0 AS DOUBLE PRECISION),
          9
        )
        ELSE CAST(0.0 AS DOUBLE PRECISION)
      END
    END AS "ind.return_dispute_rate.score"
  FROM s1 AS b
), s3w AS (
  SELECT
    b.*,
    CAST(0.0 AS DOUBLE PRECISION) + CASE
      WHEN NOT "b"."ind.on_time_ship_rate.score" IS NULL
      THEN CAST(1.0 AS DOUBLE PRECISION)
      ELSE CAST(0.0 AS DOUBLE PRECISION)
    END AS "wt.on_time_shipping",
    CAST(0.0 AS DOUBLE PRECISION) + CASE
      WHEN NOT "b"."ind.on_time_delivery_rate.score" IS NULL
      THEN CAST(1.0 AS DOUBLE PRECISION)
      ELSE CAST(0.0 AS DOUBLE PRECISION)
    END AS "wt.on_time_delivery",
    CAST(0.0 AS DOUBLE PRECISION) + CASE
      WHEN NOT "b"."ind.return_dispute_rate.score" IS NULL
      THEN CAST(1.0 AS DOUBLE PRECISION)
      ELSE CAST(0.0 AS DOUBLE PRECISION)
    END AS "wt.returns_disputes"
  FROM s2 AS b
), s3 AS (
  SELECT
    b.*,
    CASE
      WHEN "b"."wt.on_time_shipping" > CAST(0.0 AS DOUBLE PRECISION)
      THEN ROUND(
        CAST(0.0 AS DOUBLE PRECISION) + COALESCE(
          (
            CAST(1.0 AS DOUBLE PRECISION) / "b"."wt.on_time_shipping"
          ) * "b"."ind.on_time_ship_rate.score",
          CAST(0.0 AS DOUBLE PRECISION)
        ),
        9
      )
    END AS "dim.on_time_shipping",
    CASE
      WHEN "b"."wt.on_time_delivery" > CAST(0.0 AS DOUBLE PRECISION)
      THEN ROUND(
        CAST(0.0 AS DOUBLE PRECISION) + COALESCE(
          (
            CAST(1.0 AS DOUBLE PRECISION) / "b"."wt.on_time_delivery"
          ) * "b"."ind.on_time_delivery_rate.score",
          CAST(0.0 AS DOUBLE PRECISION)
        ),
        9
      )
    END AS "dim.on_time_delivery",
    CASE
      WHEN "b"."wt.returns_disputes" > CAST(0.0 AS DOUBLE PRECISION)
      THEN ROUND(
        CAST(0.0 AS DOUBLE PRECISION) + COALESCE(
          (
            CAST(1.0 AS DOUBLE PRECISION) / "b"."wt.returns_disputes"
          ) * "b"."ind.return_dispute_rate.score",
          CAST(0.0 AS DOUBLE PRECISION)
        ),
        9
      )
    END AS "dim.returns_disputes"
  FROM s3w AS b
), s4w AS (
  SELECT
    b.*,
    CAST(0.0 AS DOUBLE PRECISION) + CASE
      WHEN NOT "b"."dim.on_time_shipping" IS NULL
      THEN CAST(0.3 AS DOUBLE PRECISION)
      ELSE CAST(0.0 AS DOUBLE PRECISION)
    END + CASE
      WHEN NOT "b"."dim.on_time_delivery" IS NULL
      THEN CAST(0.4 AS DOUBLE PRECISION)
      ELSE CAST(0.0 AS DOUBLE PRECISION)
    END + CASE
      WHEN NOT "b"."dim.returns_disputes" IS NULL
      THEN CAST(0.3 AS DOUBLE PRECISION)
      ELSE CAST(0.0 AS DOUBLE PRECISION)
    END AS "wt.total"
  FROM s3 AS b
), s4 AS (
  SELECT
    b.*,
    CASE
      WHEN "b"."wt.total" > CAST(0.0 AS DOUBLE PRECISION)
      THEN ROUND(
        CAST(0.0 AS DOUBLE PRECISION) + COALESCE(
          (
            CAST(0.3 AS DOUBLE PRECISION) / "b"."wt.total"
          ) * "b"."dim.on_time_shipping",
          CAST(0.0 AS DOUBLE PRECISION)
        ) + COALESCE(
          (
            CAST(0.4 AS DOUBLE PRECISION) / "b"."wt.total"
          ) * "b"."dim.on_time_delivery",
          CAST(0.0 AS DOUBLE PRECISION)
        ) + COALESCE(
          (
            CAST(0.3 AS DOUBLE PRECISION) / "b"."wt.total"
          ) * "b"."dim.returns_disputes",
          CAST(0.0 AS DOUBLE PRECISION)
        ),
        9
      )
    END AS "raw_score",
    ROUND(CAST(0.08 AS DOUBLE PRECISION) * "b"."ded.invalid_tracking.count", 9) AS "ded.invalid_tracking",
    ROUND(CAST(0.05 AS DOUBLE PRECISION) * "b"."ded.late_dispute_response.count", 9) AS "ded.late_dispute_response",
    ROUND(CAST(0.1 AS DOUBLE PRECISION) * "b"."ded.late_dispute_solution.count", 9) AS "ded.late_dispute_solution"
  FROM s4w AS b
), s5 AS (
  SELECT
    b.*,
    ROUND(
      CASE
        WHEN "b"."raw_score" - "b"."ded.invalid_tracking" - "b"."ded.late_dispute_response" - "b"."ded.late_dispute_solution" < CAST(0.0 AS DOUBLE PRECISION)
        THEN CAST(0.0 AS DOUBLE PRECISION)
        ELSE "b"."raw_score" - "b"."ded.invalid_tracking" - "b"."ded.late_dispute_response" - "b"."ded.late_dispute_solution"
      END,
      9
    ) AS "score"
  FROM s4 AS b
), s7 AS (
  SELECT
    b.*,
    CASE
      WHEN NOT "b"."is_open"
      THEN 'not_open'
      WHEN "b"."score" IS NULL
      THEN 'unrated'
      WHEN COALESCE(
        CAST(EXTRACT(year FROM AGE(CAST(CAST('2024-06-03' AS DATE) AS TIMESTAMP), CAST(CAST("b"."m.opened_at" + INTERVAL '28800 SECOND' AS DATE) AS TIMESTAMP))) * 12 + EXTRACT(month FROM AGE(CAST(CAST('2024-06-03' AS DATE) AS TIMESTAMP), CAST(CAST("b"."m.opened_at" + INTERVAL '28800 SECOND' AS DATE) AS TIMESTAMP))) AS BIGINT) - CASE
          WHEN (
            CAST("b"."m.opened_at" + INTERVAL '28800 SECOND' AS DATE) + (
              INTERVAL '1 MONTH' * CAST(EXTRACT(year FROM AGE(CAST(CAST('2024-06-03' AS DATE) AS TIMESTAMP), CAST(CAST("b"."m.opened_at" + INTERVAL '28800 SECOND' AS DATE) AS TIMESTAMP))) * 12 + EXTRACT(month FROM AGE(CAST(CAST('2024-06-03' AS DATE) AS TIMESTAMP), CAST(CAST("b"."m.opened_at" + INTERVAL '28800 SECOND' AS DATE) AS TIMESTAMP))) AS BIGINT)
            )
          ) > CAST('2024-06-03' AS DATE)
          THEN 1
          ELSE 0
        END = CAST(0.0 AS DOUBLE PRECISION),
        FALSE
      )
      THEN 'not_assessed'
      WHEN COALESCE(
        CAST(EXTRACT(year FROM AGE(CAST(CAST('2024-06-03' AS DATE) AS TIMESTAMP), CAST(CAST("b"."m.opened_at" + INTERVAL '28800 SECOND' AS DATE) AS TIMESTAMP))) * 12 + EXTRACT(month FROM AGE(CAST(CAST('2024-06-03' AS DATE) AS TIMESTAMP), CAST(CAST("b"."m.opened_at" + INTERVAL '28800 SECOND' AS DATE) AS TIMESTAMP))) AS BIGINT) - CASE
          WHEN (
            CAST("b"."m.opened_at" + INTERVAL '28800 SECOND' AS DATE) + (
              INTERVAL '1 MONTH' * CAST(EXTRACT(year FROM AGE(CAST(CAST('2024-06-03' AS DATE) AS TIMESTAMP), CAST(CAST("b"."m.opened_at" + INTERVAL '28800 SECOND' AS DATE) AS TIMESTAMP))) * 12 + EXTRACT(month FROM AGE(CAST(CAST('2024-06-03' AS DATE) AS TIMESTAMP), CAST(CAST("b"."m.opened_at" + INTERVAL '28800 SECOND' AS DATE) AS TIMESTAMP))) AS BIGINT)
            )
          ) > CAST('2024-06-03' AS DATE)
          THEN 1
          ELSE 0
        END <= CAST(2.0 AS DOUBLE PRECISION),
        FALSE
      )
      THEN 'reference_only'
      WHEN TRUE
      THEN 'assessed'
      ELSE 'rated'
    END AS "status"
  FROM s5 AS b
), s8 AS (
  SELECT
    b.*,
    CASE WHEN NOT "b"."is_open" THEN CAST(NULL AS VARCHAR) END AS "tier"
  FROM s7 AS b
), s9 AS (
  SELECT
    b.*,
    "b"."is_open"
    AND (
      COALESCE("b"."status" = 'assessed', FALSE)
      AND COALESCE("b"."score" < CAST(4.5 AS DOUBLE PRECISION), FALSE)
    ) AS "cons.yellow_warning",
    "b"."is_open"
    AND (
      COALESCE("b"."status" = 'assessed', FALSE)
      AND COALESCE("b"."score" < CAST(4.3 AS DOUBLE PRECISION), FALSE)
    ) AS "cons.downgraded",
    '2024-06-03' AS "as_of_text"
  FROM s8 AS b
), m_hm1 AS (
  SELECT
    "e"."merchant_id" AS "m.merchant_id",
    "e"."opened_at" AS "m.opened_at",
    "e"."region" AS "m.region",
    "e"."category" AS "m.category",
    "e"."identity_verified" AS "m.identity_verified",
    "e"."strength_verified" AS "m.strength_verified",
    "e"."merchant_id" AS merchant_id,
    "e"."opened_at" < CAST('2024-05-02 16:00:00.000000+00:00' AS TIMESTAMPTZ) AS is_open
  FROM merchants AS e
), pop1_hm1 AS (
  SELECT
    "t"."merchant_id" AS merchant_id,
    COUNT(*) AS i0_den_0,
    COUNT(*) FILTER(WHERE
      CAST(EXTRACT(EPOCH FROM CASE
        WHEN "t"."shipped_at" < CAST('2024-05-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
        THEN "t"."shipped_at"
      END) * 1000000 AS BIGINT) <= CAST(EXTRACT(EPOCH FROM "t"."promised_ship_by") * 1000000 AS BIGINT)
      AND (
        CAST(EXTRACT(EPOCH FROM CASE
          WHEN "t"."first_scan_at" < CAST('2024-05-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
          THEN "t"."first_scan_at"
        END) * 1000000 AS BIGINT) - CAST(EXTRACT(EPOCH FROM "t"."promised_ship_by") * 1000000 AS BIGINT)
      ) <= 7200000000) AS i0_num_1,
    COUNT(*) FILTER(WHERE
      NOT CAST(EXTRACT(EPOCH FROM CASE
        WHEN "t"."shipped_at" < CAST('2024-05-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
        THEN "t"."shipped_at"
      END) * 1000000 AS BIGINT) IS NULL
      AND NOT (
        COALESCE(
          (
            CAST(EXTRACT(EPOCH FROM CASE
              WHEN "t"."first_scan_at" < CAST('2024-05-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
              THEN "t"."first_scan_at"
            END) * 1000000 AS BIGINT) - CAST(EXTRACT(EPOCH FROM "t"."promised_ship_by") * 1000000 AS BIGINT)
          ) <= 7200000000,
          FALSE
        )
      )) AS d3_2
  FROM orders AS t
  WHERE
    "t"."paid_at" < CAST('2024-05-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
    AND NOT COALESCE("t"."is_fraud", FALSE)
    AND "t"."promised_ship_by" >= CAST('2024-04-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
    AND "t"."promised_ship_by" < CAST('2024-05-02 14:00:00.000000+00:00' AS TIMESTAMPTZ)
  GROUP BY
    "t"."merchant_id"
), pop2_hm1 AS (
  SELECT
    "t"."merchant_id" AS merchant_id,
    COUNT(*) FILTER(WHERE
      NOT (
        NOT (
          COALESCE(
            CAST(EXTRACT(EPOCH FROM CASE
              WHEN "t"."delivered_at" < CAST('2024-05-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
              THEN "t"."delivered_at"
            END) * 1000000 AS BIGINT) <= CAST(EXTRACT(EPOCH FROM "t"."promised_deliver_by") * 1000000 AS BIGINT),
            FALSE
          )
        )
        AND COALESCE("t"."delivery_exception", FALSE)
      )) AS i1_den_0,
    COUNT(*) FILTER(WHERE
      NOT (
        NOT (
          COALESCE(
            CAST(EXTRACT(EPOCH FROM CASE
              WHEN "t"."delivered_at" < CAST('2024-05-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
              THEN "t"."delivered_at"
            END) * 1000000 AS BIGINT) <= CAST(EXTRACT(EPOCH FROM "t"."promised_deliver_by") * 1000000 AS BIGINT),
            FALSE
          )
        )
        AND COALESCE("t"."delivery_exception", FALSE)
      )
      AND CAST(EXTRACT(EPOCH FROM CASE
        WHEN "t"."delivered_at" < CAST('2024-05-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
        THEN "t"."delivered_at"
      END) * 1000000 AS BIGINT) <= CAST(EXTRACT(EPOCH FROM "t"."promised_deliver_by") * 1000000 AS BIGINT)) AS i1_num_1
  FROM orders AS t
  WHERE
    "t"."paid_at" < CAST('2024-05-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
    AND NOT COALESCE("t"."is_fraud", FALSE)
    AND "t"."promised_deliver_by" < CAST('2024-05-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
    AND "t"."promised_deliver_by" >= CAST('2024-04-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
  GROUP BY
    "t"."merchant_id"
), pop3_hm1 AS (
  SELECT
    "t"."merchant_id" AS merchant_id,
    COUNT(*) AS i2_den_0,
    COUNT(*) FILTER(WHERE
      COALESCE(
        "t"."order_id" IN (
          SELECT
            "r1"."order_id"
          FROM after_sales AS r1
          WHERE
            "r1"."requested_at" < CAST('2024-05-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
            AND "r1"."kind" = 'return_refund'
        ),
        FALSE
      )
      OR COALESCE(
        "t"."order_id" IN (
          SELECT
            "r2"."order_id"
          FROM disputes AS r2
          WHERE
            "r2"."opened_at" < CAST('2024-05-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
        ),
        FALSE
      )) AS i2_num_1
  FROM orders AS t
  WHERE
    "t"."paid_at" < CAST('2024-05-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
    AND NOT COALESCE("t"."is_fraud", FALSE)
    AND "t"."paid_at" >= CAST('2024-04-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
  GROUP BY
    "t"."merchant_id"
), pop4_hm1 AS (
  SELECT
    "t"."merchant_id" AS merchant_id,
    COUNT(*) FILTER(WHERE
      COALESCE(
        (
          CAST(EXTRACT(EPOCH FROM CASE
            WHEN "t"."responded_at" < CAST('2024-05-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
            THEN "t"."responded_at"
          END) * 1000000 AS BIGINT) - CAST(EXTRACT(EPOCH FROM "t"."opened_at") * 1000000 AS BIGINT)
        ) > 172800000000,
        FALSE
      )
      OR (
        CAST(EXTRACT(EPOCH FROM CASE
          WHEN "t"."responded_at" < CAST('2024-05-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
          THEN "t"."responded_at"
        END) * 1000000 AS BIGINT) IS NULL
        AND COALESCE(
          (
            1714665600000000 - CAST(EXTRACT(EPOCH FROM "t"."opened_at") * 1000000 AS BIGINT)
          ) > 172800000000,
          FALSE
        )
      )) AS d4_0,
    COUNT(*) FILTER(WHERE
      COALESCE(
        (
          CAST(EXTRACT(EPOCH FROM CASE
            WHEN "t"."solution_at" < CAST('2024-05-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
            THEN "t"."solution_at"
          END) * 1000000 AS BIGINT) - CAST(EXTRACT(EPOCH FROM "t"."opened_at") * 1000000 AS BIGINT)
        ) > 259200000000,
        FALSE
      )
      OR (
        CAST(EXTRACT(EPOCH FROM CASE
          WHEN "t"."solution_at" < CAST('2024-05-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
          THEN "t"."solution_at"
        END) * 1000000 AS BIGINT) IS NULL
        AND COALESCE(
          (
            1714665600000000 - CAST(EXTRACT(EPOCH FROM "t"."opened_at") * 1000000 AS BIGINT)
          ) > 259200000000,
          FALSE
        )
      )) AS d5_1
  FROM disputes AS t
  WHERE
    "t"."opened_at" < CAST('2024-05-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
    AND "t"."opened_at" >= CAST('2024-04-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
  GROUP BY
    "t"."merchant_id"
), s1_hm1 AS (
  SELECT
    b.*,
    CASE
      WHEN COALESCE("pop1_hm1"."i0_den_0", 0) > 0
      THEN ROUND(
        CAST(COALESCE("pop1_hm1"."i0_num_1", 0) AS DOUBLE PRECISION) / COALESCE("pop1_hm1"."i0_den_0", 0),
        9
      )
    END AS "ind.on_time_ship_rate.value",
    CASE
      WHEN COALESCE("pop2_hm1"."i1_den_0", 0) > 0
      THEN ROUND(
        CAST(COALESCE("pop2_hm1"."i1_num_1", 0) AS DOUBLE PRECISION) / COALESCE("pop2_hm1"."i1_den_0", 0),
        9
      )
    END AS "ind.on_time_delivery_rate.value",
    CASE
      WHEN COALESCE("pop3_hm1"."i2_den_0", 0) > 0
      THEN ROUND(
        CAST(COALESCE("pop3_hm1"."i2_num_1", 0) AS DOUBLE PRECISION) / COALESCE("pop3_hm1"."i2_den_0", 0),
        9
      )
    END AS "ind.return_dispute_rate.value",
    COALESCE("pop1_hm1"."d3_2", 0) AS "ded.invalid_tracking.count",
    COALESCE("pop4_hm1"."d4_0", 0) AS "ded.late_dispute_response.count",
    COALESCE("pop4_hm1"."d5_1", 0) AS "ded.late_dispute_solution.count"
  FROM m_hm1 AS b
  LEFT JOIN pop1_hm1
    ON "pop1_hm1"."merchant_id" = "b"."merchant_id"
  LEFT JOIN pop2_hm1
    ON "pop2_hm1"."merchant_id" = "b"."merchant_id"
  LEFT JOIN pop3_hm1
    ON "pop3_hm1"."merchant_id" = "b"."merchant_id"
  LEFT JOIN pop4_hm1
    ON "pop4_hm1"."merchant_id" = "b"."merchant_id"
), s2_hm1 AS (
  SELECT
    b.*,
    CASE
      WHEN "b"."ind.on_time_ship_rate.value" IS NULL
      THEN NULL
      ELSE CASE
        WHEN "b"."ind.on_time_ship_rate.value" <= CAST(0.8 AS DOUBLE PRECISION)
        THEN CAST(0.0 AS DOUBLE PRECISION)
        WHEN "b"."ind.on_time_ship_rate.value" <= CAST(0.95 AS DOUBLE PRECISION)
        THEN ROUND(
          CAST(0.0 AS DOUBLE PRECISION) + (
            "b"."ind.on_time_ship_rate.value" - CAST(0.8 AS DOUBLE PRECISION)
          ) / CAST(0.1499999999999999 AS DOUBLE PRECISION) * CAST(4.0 AS DOUBLE PRECISION),
          9
        )
        WHEN "b"."ind.on_time_ship_rate.value" <= CAST(0.99 AS DOUBLE PRECISION)
        THEN ROUND(
          CAST(4.0 AS DOUBLE PRECISION) + (
            "b"."ind.on_time_ship_rate.value" - CAST(0.95 AS DOUBLE PRECISION)
          ) / CAST(0.040000000000000036 AS DOUBLE PRECISION) * CAST(1.0 AS DOUBLE PRECISION),
          9
        )
        ELSE CAST(5.0 AS DOUBLE PRECISION)
      END
    END AS "ind.on_time_ship_rate.score",
    CASE
      WHEN "b"."ind.on_time_delivery_rate.value" IS NULL
      THEN NULL
      ELSE CASE
        WHEN "b"."ind.on_time_delivery_rate.value" <= CAST(0.7 AS DOUBLE PRECISION)
        THEN CAST(0.0 AS DOUBLE PRECISION)
        WHEN "b"."ind.on_time_delivery_rate.value" <= CAST(0.9 AS DOUBLE PRECISION)
        THEN ROUND(
          CAST(0.0 AS DOUBLE PRECISION) + (
            "b"."ind.on_time_delivery_rate.value" - CAST(0.7 AS DOUBLE PRECISION)
          ) / CAST(0.20000000000000007 AS DOUBLE PRECISION) * CAST(4.0 AS DOUBLE PRECISION),
          9
        )
        WHEN "b"."ind.on_time_delivery_rate.value" <= CAST(0.97 AS DOUBLE PRECISION)
        THEN ROUND(
          CAST(4.0 AS DOUBLE PRECISION) + (
            "b"."ind.on_time_delivery_rate.value" - CAST(0.9 AS DOUBLE PRECISION)
          ) / CAST(0.06999999999999995 AS DOUBLE PRECISION) * CAST(1.0 AS DOUBLE PRECISION),
          9
        )
        ELSE CAST(5.0 AS DOUBLE PRECISION)
      END
    END AS "ind.on_time_delivery_rate.score",
    CASE
      WHEN "b"."ind.return_dispute_rate.value" IS NULL
      THEN NULL
      ELSE CASE
        WHEN "b"."ind.return_dispute_rate.value" <= CAST(0.01 AS DOUBLE PRECISION)
        THEN CAST(5.0 AS DOUBLE PRECISION)
        WHEN "b"."ind.return_dispute_rate.value" <= CAST(0.05 AS DOUBLE PRECISION)
        THEN ROUND(
          CAST(5.0 AS DOUBLE PRECISION) + (
            "b"."ind.return_dispute_rate.value" - CAST(0.01 AS DOUBLE PRECISION)
          ) / CAST(0.04 AS DOUBLE PRECISION) * -CAST(2.0 AS DOUBLE PRECISION),
          9
        )
        WHEN "b"."ind.return_dispute_rate.value" <= CAST(0.15 AS DOUBLE PRECISION)
        THEN ROUND(
          CAST(3.0 AS DOUBLE PRECISION) + (
            "b"."ind.return_dispute_rate.value" - CAST(0.05 AS DOUBLE PRECISION)
          ) / CAST(0.09999999999999999 AS DOUBLE PRECISION) * -CAST(3.0 AS DOUBLE PRECISION),
          9
        )
        ELSE CAST(0.0 AS DOUBLE PRECISION)
      END
    END AS "ind.return_dispute_rate.score"
  FROM s1_hm1 AS b
), s3w_hm1 AS (
  SELECT
    b.*,
    CAST(0.0 AS DOUBLE PRECISION) + CASE
      WHEN NOT "b"."ind.on_time_ship_rate.score" IS NULL
      THEN CAST(1.0 AS DOUBLE PRECISION)
      ELSE CAST(0.0 AS DOUBLE PRECISION)
    END AS "wt.on_time_shipping",
    CAST(0.0 AS DOUBLE PRECISION) + CASE
      WHEN NOT "b"."ind.on_time_delivery_rate.score" IS NULL
      THEN CAST(1.0 AS DOUBLE PRECISION)
      ELSE CAST(0.0 AS DOUBLE PRECISION)
    END AS "wt.on_time_delivery",
    CAST(0.0 AS DOUBLE PRECISION) + CASE
      WHEN NOT "b"."ind.return_dispute_rate.score" IS NULL
      THEN CAST(1.0 AS DOUBLE PRECISION)
      ELSE CAST(0.0 AS DOUBLE PRECISION)
    END AS "wt.returns_disputes"
  FROM s2_hm1 AS b
), s3_hm1 AS (
  SELECT
    b.*,
    CASE
      WHEN "b"."wt.on_time_shipping" > CAST(0.0 AS DOUBLE PRECISION)
      THEN ROUND(
        CAST(0.0 AS DOUBLE PRECISION) + COALESCE(
          (
            CAST(1.0 AS DOUBLE PRECISION) / "b"."wt.on_time_shipping"
          ) * "b"."ind.on_time_ship_rate.score",
          CAST(0.0 AS DOUBLE PRECISION)
        ),
        9
      )
    END AS "dim.on_time_shipping",
    CASE
      WHEN "b"."wt.on_time_delivery" > CAST(0.0 AS DOUBLE PRECISION)
      THEN ROUND(
        CAST(0.0 AS DOUBLE PRECISION) + COALESCE(
          (
            CAST(1.0 AS DOUBLE PRECISION) / "b"."wt.on_time_delivery"
          ) * "b"."ind.on_time_delivery_rate.score",
          CAST(0.0 AS DOUBLE PRECISION)
        ),
        9
      )
    END AS "dim.on_time_delivery",
    CASE
      WHEN "b"."wt.returns_disputes" > CAST(0.0 AS DOUBLE PRECISION)
      THEN ROUND(
        CAST(0.0 AS DOUBLE PRECISION) + COALESCE(
          (
            CAST(1.0 AS DOUBLE PRECISION) / "b"."wt.returns_disputes"
          ) * "b"."ind.return_dispute_rate.score",
          CAST(0.0 AS DOUBLE PRECISION)
        ),
        9
      )
    END AS "dim.returns_disputes"
  FROM s3w_hm1 AS b
), s4w_hm1 AS (
  SELECT
    b.*,
    CAST(0.0 AS DOUBLE PRECISION) + CASE
      WHEN NOT "b"."dim.on_time_shipping" IS NULL
      THEN CAST(0.3 AS DOUBLE PRECISION)
      ELSE CAST(0.0 AS DOUBLE PRECISION)
    END + CASE
      WHEN NOT "b"."dim.on_time_delivery" IS NULL
      THEN CAST(0.4 AS DOUBLE PRECISION)
      ELSE CAST(0.0 AS DOUBLE PRECISION)
    END + CASE
      WHEN NOT "b"."dim.returns_disputes" IS NULL
      THEN CAST(0.3 AS DOUBLE PRECISION)
      ELSE CAST(0.0 AS DOUBLE PRECISION)
    END AS "wt.total"
  FROM s3_hm1 AS b
), s4_hm1 AS (
  SELECT
    b.*,
    CASE
      WHEN "b"."wt.total" > CAST(0.0 AS DOUBLE PRECISION)
      THEN ROUND(
        CAST(0.0 AS DOUBLE PRECISION) + COALESCE(
          (
            CAST(0.3 AS DOUBLE PRECISION) / "b"."wt.total"
          ) * "b"."dim.on_time_shipping",
          CAST(0.0 AS DOUBLE PRECISION)
        ) + COALESCE(
          (
            CAST(0.4 AS DOUBLE PRECISION) / "b"."wt.total"
          ) * "b"."dim.on_time_delivery",
          CAST(0.0 AS DOUBLE PRECISION)
        ) + COALESCE(
          (
            CAST(0.3 AS DOUBLE PRECISION) / "b"."wt.total"
          ) * "b"."dim.returns_disputes",
          CAST(0.0 AS DOUBLE PRECISION)
        ),
        9
      )
    END AS "raw_score",
    ROUND(CAST(0.08 AS DOUBLE PRECISION) * "b"."ded.invalid_tracking.count", 9) AS "ded.invalid_tracking",
    ROUND(CAST(0.05 AS DOUBLE PRECISION) * "b"."ded.late_dispute_response.count", 9) AS "ded.late_dispute_response",
    ROUND(CAST(0.1 AS DOUBLE PRECISION) * "b"."ded.late_dispute_solution.count", 9) AS "ded.late_dispute_solution"
  FROM s4w_hm1 AS b
), s5_hm1 AS (
  SELECT
    b.*,
    ROUND(
      CASE
        WHEN "b"."raw_score" - "b"."ded.invalid_tracking" - "b"."ded.late_dispute_response" - "b"."ded.late_dispute_solution" < CAST(0.0 AS DOUBLE PRECISION)
        THEN CAST(0.0 AS DOUBLE PRECISION)
        ELSE "b"."raw_score" - "b"."ded.invalid_tracking" - "b"."ded.late_dispute_response" - "b"."ded.late_dispute_solution"
      END,
      9
    ) AS "score"
  FROM s4_hm1 AS b
), s7_hm1 AS (
  SELECT
    b.*,
    CASE
      WHEN NOT "b"."is_open"
      THEN 'not_open'
      WHEN "b"."score" IS NULL
      THEN 'unrated'
      WHEN COALESCE(
        CAST(EXTRACT(year FROM AGE(CAST(CAST('2024-05-03' AS DATE) AS TIMESTAMP), CAST(CAST("b"."m.opened_at" + INTERVAL '28800 SECOND' AS DATE) AS TIMESTAMP))) * 12 + EXTRACT(month FROM AGE(CAST(CAST('2024-05-03' AS DATE) AS TIMESTAMP), CAST(CAST("b"."m.opened_at" + INTERVAL '28800 SECOND' AS DATE) AS TIMESTAMP))) AS BIGINT) - CASE
          WHEN (
            CAST("b"."m.opened_at" + INTERVAL '28800 SECOND' AS DATE) + (
              INTERVAL '1 MONTH' * CAST(EXTRACT(year FROM AGE(CAST(CAST('2024-05-03' AS DATE) AS TIMESTAMP), CAST(CAST("b"."m.opened_at" + INTERVAL '28800 SECOND' AS DATE) AS TIMESTAMP))) * 12 + EXTRACT(month FROM AGE(CAST(CAST('2024-05-03' AS DATE) AS TIMESTAMP), CAST(CAST("b"."m.opened_at" + INTERVAL '28800 SECOND' AS DATE) AS TIMESTAMP))) AS BIGINT)
            )
          ) > CAST('2024-05-03' AS DATE)
          THEN 1
          ELSE 0
        END = CAST(0.0 AS DOUBLE PRECISION),
        FALSE
      )
      THEN 'not_assessed'
      WHEN COALESCE(
        CAST(EXTRACT(year FROM AGE(CAST(CAST('2024-05-03' AS DATE) AS TIMESTAMP), CAST(CAST("b"."m.opened_at" + INTERVAL '28800 SECOND' AS DATE) AS TIMESTAMP))) * 12 + EXTRACT(month FROM AGE(CAST(CAST('2024-05-03' AS DATE) AS TIMESTAMP), CAST(CAST("b"."m.opened_at" + INTERVAL '28800 SECOND' AS DATE) AS TIMESTAMP))) AS BIGINT) - CASE
          WHEN (
            CAST("b"."m.opened_at" + INTERVAL '28800 SECOND' AS DATE) + (
              INTERVAL '1 MONTH' * CAST(EXTRACT(year FROM AGE(CAST(CAST('2024-05-03' AS DATE) AS TIMESTAMP), CAST(CAST("b"."m.opened_at" + INTERVAL '28800 SECOND' AS DATE) AS TIMESTAMP))) * 12 + EXTRACT(month FROM AGE(CAST(CAST('2024-05-03' AS DATE) AS TIMESTAMP), CAST(CAST("b"."m.opened_at" + INTERVAL '28800 SECOND' AS DATE) AS TIMESTAMP))) AS BIGINT)
            )
          ) > CAST('2024-05-03' AS DATE)
          THEN 1
          ELSE 0
        END <= CAST(2.0 AS DOUBLE PRECISION),
        FALSE
      )
      THEN 'reference_only'
      WHEN TRUE
      THEN 'assessed'
      ELSE 'rated'
    END AS "status"
  FROM s5_hm1 AS b
), s8_hm1 AS (
  SELECT
    b.*,
    CASE WHEN NOT "b"."is_open" THEN CAST(NULL AS VARCHAR) END AS "tier"
  FROM s7_hm1 AS b
), s9_hm1 AS (
  SELECT
    b.*,
    "b"."is_open"
    AND (
      COALESCE("b"."status" = 'assessed', FALSE)
      AND COALESCE("b"."score" < CAST(4.5 AS DOUBLE PRECISION), FALSE)
    ) AS "cons.yellow_warning",
    "b"."is_open"
    AND (
      COALESCE("b"."status" = 'assessed', FALSE)
      AND COALESCE("b"."score" < CAST(4.3 AS DOUBLE PRECISION), FALSE)
    ) AS "cons.downgraded",
    '2024-05-03' AS "as_of_text"
  FROM s8_hm1 AS b
)
SELECT
  "b"."merchant_id" AS merchant_id,
  CASE WHEN "b"."is_open" THEN "b"."score" END AS score,
  "b"."tier" AS tier,
  "b"."status" AS status,
  COALESCE(
    CONCAT_WS(
      ';',
      CASE
        WHEN (
          "b"."is_open" AND "b"."cons.downgraded"
        )
        AND COALESCE("hm1"."cons.downgraded", FALSE)
        THEN 'downgraded'
      END,
      CASE WHEN "b"."is_open" AND "b"."cons.yellow_warning" THEN 'yellow_warning' END
    ),
    ''
  ) AS consequences,
  CASE WHEN "b"."is_open" THEN "b"."dim.on_time_shipping" END AS "dim.on_time_shipping",
  CASE WHEN "b"."is_open" THEN "b"."dim.on_time_delivery" END AS "dim.on_time_delivery",
  CASE WHEN "b"."is_open" THEN "b"."dim.returns_disputes" END AS "dim.returns_disputes",
  CASE WHEN "b"."is_open" THEN "b"."ind.on_time_ship_rate.value" END AS "ind.on_time_ship_rate.value",
  CASE WHEN "b"."is_open" THEN "b"."ind.on_time_ship_rate.score" END AS "ind.on_time_ship_rate.score",
  CASE WHEN "b"."is_open" THEN "b"."ind.on_time_delivery_rate.value" END AS "ind.on_time_delivery_rate.value",
  CASE WHEN "b"."is_open" THEN "b"."ind.on_time_delivery_rate.score" END AS "ind.on_time_delivery_rate.score",
  CASE WHEN "b"."is_open" THEN "b"."ind.return_dispute_rate.value" END AS "ind.return_dispute_rate.value",
  CASE WHEN "b"."is_open" THEN "b"."ind.return_dispute_rate.score" END AS "ind.return_dispute_rate.score",
  CASE WHEN "b"."is_open" THEN "b"."raw_score" END AS raw_score,
  CASE WHEN "b"."is_open" THEN "b"."ded.invalid_tracking" END AS "ded.invalid_tracking",
  CASE WHEN "b"."is_open" THEN "b"."ded.late_dispute_response" END AS "ded.late_dispute_response",
  CASE WHEN "b"."is_open" THEN "b"."ded.late_dispute_solution" END AS "ded.late_dispute_solution"
FROM s9 AS b
LEFT JOIN s9_hm1 AS hm1
  ON "hm1"."merchant_id" = "b"."merchant_id"
ORDER BY
  "b"."merchant_id";
