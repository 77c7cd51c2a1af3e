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
    COUNT(*) FILTER(WHERE
      "t"."on_sale") AS i0_den_0,
    COUNT(*) FILTER(WHERE
      "t"."on_sale" AND "t"."star_rating" >= 3) AS i0_num_1,
    COUNT(*) FILTER(WHERE
      "t"."on_sale") AS i1_den_2,
    COUNT(*) FILTER(WHERE
      "t"."on_sale" AND "t"."star_rating" >= 4) AS i1_num_3,
    COUNT(*) FILTER(WHERE
      "t"."on_sale") AS i2_den_4,
    COUNT(*) FILTER(WHERE
      "t"."on_sale" AND "t"."star_rating" = 5) AS i2_num_5,
    COUNT(*) FILTER(WHERE
      "t"."on_sale" AND "t"."featured") AS i3_den_6,
    COUNT(*) FILTER(WHERE
      (
        "t"."on_sale" AND "t"."featured"
      ) AND "t"."has_video") AS i3_num_7,
    COUNT(*) FILTER(WHERE
      "t"."on_sale") AS i6_den_8,
    COUNT(*) FILTER(WHERE
      "t"."on_sale" AND "t"."assured") AS i6_num_9,
    COUNT(*) FILTER(WHERE
      "t"."on_sale") AS i18_den_10,
    COUNT(*) FILTER(WHERE
      "t"."on_sale" AND NOT "t"."duplicate_of" IS NULL) AS i18_num_11
  FROM products AS t
  GROUP BY
    "t"."merchant_id"
), pop2 AS (
  SELECT
    "t"."merchant_id" AS merchant_id,
    COUNT(*) AS i8_den_0,
    COUNT(*) FILTER(WHERE
      (
        CAST(EXTRACT(EPOCH FROM CASE
          WHEN "t"."responded_at" < CAST('2024-06-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
          THEN "t"."responded_at"
        END) * 1000000 AS BIGINT) - CAST(EXTRACT(EPOCH FROM "t"."received_at") * 1000000 AS BIGINT)
      ) <= 86400000000) AS i8_num_1
  FROM inquiries AS t
  WHERE
    "t"."received_at" < CAST('2024-06-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
    AND "t"."received_at" >= CAST('2024-05-03 16:00:00.000000+00:00' AS TIMESTAMPTZ)
    AND "t"."received_at" <= CAST('2024-06-01 16:00:00.000000+00:00' AS TIMESTAMPTZ)
  GROUP BY
    "t"."merchant_id"
), pop3 AS (
  SELECT
    "t"."merchant_id" AS merchant_id,
    COUNT(*) AS i9_den_0,
    COUNT(*) FILTER(WHERE
      (
        CAST(EXTRACT(EPOCH FROM CASE
          WHEN "t"."first_response_at" < CAST('2024-06-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
          THEN "t"."first_response_at"
        END) * 1000000 AS BIGINT) - CAST(EXTRACT(EPOCH FROM "t"."started_at") * 1000000 AS BIGINT)
      ) <= 180000000) AS i9_num_1
  FROM im_sessions AS t
  WHERE
    "t"."started_at" < CAST('2024-06-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
    AND "t"."started_at" >= CAST('2024-05-03 16:00:00.000000+00:00' AS TIMESTAMPTZ)
    AND (
      CAST(EXTRACT(EPOCH FROM "t"."started_at") * 1000000 AS BIGINT) + 28800000000 % 86400000000 + 86400000000
    ) % 86400000000 >= 32400000000
    AND (
      CAST(EXTRACT(EPOCH FROM "t"."started_at") * 1000000 AS BIGINT) + 28800000000 % 86400000000 + 86400000000
    ) % 86400000000 < 75600000000
  GROUP BY
    "t"."merchant_id"
), pop4 AS (
  SELECT
    "t"."merchant_id" AS merchant_id,
    COUNT(*) FILTER(WHERE
      NOT (
        NOT (
          COALESCE("t"."answered", FALSE)
        )
        AND COALESCE("t"."ring_seconds" <= CAST(3.0 AS DOUBLE PRECISION), FALSE)
      )) AS i10_den_0,
    COUNT(*) FILTER(WHERE
      NOT (
        NOT (
          COALESCE("t"."answered", FALSE)
        )
        AND COALESCE("t"."ring_seconds" <= CAST(3.0 AS DOUBLE PRECISION), FALSE)
      )
      AND "t"."answered") AS i10_num_1
  FROM calls AS t
  WHERE
    "t"."started_at" < CAST('2024-06-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
    AND "t"."started_at" >= CAST('2024-05-03 16:00:00.000000+00:00' AS TIMESTAMPTZ)
    AND (
      CAST(EXTRACT(EPOCH FROM "t"."started_at") * 1000000 AS BIGINT) + 28800000000 % 86400000000 + 86400000000
    ) % 86400000000 >= 28800000000
    AND (
      CAST(EXTRACT(EPOCH FROM "t"."started_at") * 1000000 AS BIGINT) + 28800000000 % 86400000000 + 86400000000
    ) % 86400000000 < 82800000000
  GROUP BY
    "t"."merchant_id"
), pop5 AS (
  SELECT
    "t"."merchant_id" AS merchant_id,
    COUNT(*) AS i11_den_0,
    COUNT(*) FILTER(WHERE
      "t"."order_id" IN (
        SELECT
          "r1"."order_id"
        FROM after_sales AS r1
        WHERE
          "r1"."requested_at" < CAST('2024-06-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
          AND "r1"."reason" = 'quality'
      )) AS i11_num_1,
    COUNT(*) FILTER(WHERE
      COALESCE(
        CAST(EXTRACT(EPOCH FROM "t"."promised_ship_by") * 1000000 AS BIGINT),
        (
          CAST(EXTRACT(EPOCH FROM "t"."paid_at") * 1000000 AS BIGINT) + 172800000000
        )
      ) < 1717344000000000) AS i12_den_2,
    COUNT(*) FILTER(WHERE
      COALESCE(
        CAST(EXTRACT(EPOCH FROM "t"."promised_ship_by") * 1000000 AS BIGINT),
        (
          CAST(EXTRACT(EPOCH FROM "t"."paid_at") * 1000000 AS BIGINT) + 172800000000
        )
      ) < 1717344000000000
      AND CAST(EXTRACT(EPOCH FROM CASE
        WHEN "t"."shipped_at" < CAST('2024-06-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
        THEN "t"."shipped_at"
      END) * 1000000 AS BIGINT) <= COALESCE(
        CAST(EXTRACT(EPOCH FROM "t"."promised_ship_by") * 1000000 AS BIGINT),
        (
          CAST(EXTRACT(EPOCH FROM "t"."paid_at") * 1000000 AS BIGINT) + 172800000000
        )
      )) AS i12_num_3,
    COUNT(*) AS i17_n_4
  FROM orders AS t
  WHERE
    "t"."paid_at" < CAST('2024-06-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
    AND NOT COALESCE("t"."is_fraud", FALSE)
    AND "t"."paid_at" >= CAST('2024-05-03 16:00:00.000000+00:00' AS TIMESTAMPTZ)
  GROUP BY
    "t"."merchant_id"
), pop6 AS (
  SELECT
    "t"."merchant_id" AS merchant_id,
    SUM(
      (
        CAST(EXTRACT(EPOCH FROM CASE
          WHEN "t"."completed_at" < CAST('2024-06-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
          THEN "t"."completed_at"
        END) * 1000000 AS BIGINT) - CAST(EXTRACT(EPOCH FROM "t"."requested_at") * 1000000 AS BIGINT)
      )
    ) AS i13_sum_0,
    COUNT(
      (
        CAST(EXTRACT(EPOCH FROM CASE
          WHEN "t"."completed_at" < CAST('2024-06-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
          THEN "t"."completed_at"
        END) * 1000000 AS BIGINT) - CAST(EXTRACT(EPOCH FROM "t"."requested_at") * 1000000 AS BIGINT)
      )
    ) AS i13_n_1
  FROM after_sales AS t
  WHERE
    "t"."requested_at" < CAST('2024-06-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
    AND "t"."completed_at" < CAST('2024-06-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
    AND "t"."completed_at" >= CAST('2024-05-03 16:00:00.000000+00:00' AS TIMESTAMPTZ)
  GROUP BY
    "t"."merchant_id"
), pop7 AS (
  SELECT
    "t"."merchant_id" AS merchant_id,
    COUNT(*) FILTER(WHERE
      "t"."kind" = 'qa') AS i14_n_0,
    COUNT(*) FILTER(WHERE
      "t"."kind" = 'video') AS i15_n_1
  FROM content AS t
  WHERE
    "t"."approved_at" < CAST('2024-06-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
    AND "t"."approved_at" >= CAST('2024-05-03 16:00:00.000000+00:00' AS TIMESTAMPTZ)
  GROUP BY
    "t"."merchant_id"
), pop8 AS (
  SELECT
    "t"."merchant_id" AS merchant_id,
    SUM((
      "t"."amount" - "t"."refunded_amount"
    )) AS i16_sum_0,
    COUNT((
      "t"."amount" - "t"."refunded_amount"
    )) AS i16_c_1
  FROM boost_purchases AS t
  WHERE
    "t"."paid_at" < CAST('2024-06-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
    AND "t"."paid_at" >= CAST('2024-03-04 16:00:00.000000+00:00' AS TIMESTAMPTZ)
  GROUP BY
    "t"."merchant_id"
), lw2_in AS (
  SELECT
    "x"."merchant_id" AS merchant_id,
    MIN("x"."remaining") AS low,
    COUNT(*) AS n
  FROM risk_points AS x
  WHERE
    "x"."recorded_at" < CAST('2024-06-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
    AND "x"."recorded_at" > CAST('2024-05-03 16:00:00.000000+00:00' AS TIMESTAMPTZ)
    AND "x"."recorded_at" < CAST('2024-06-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
  GROUP BY
    "x"."merchant_id"
), lw2_latest AS (
  SELECT
    "y"."merchant_id" AS merchant_id,
    MAX("y"."recorded_at") AS latest
  FROM risk_points AS y
  WHERE
    "y"."recorded_at" < CAST('2024-06-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
    AND "y"."recorded_at" <= CAST('2024-05-03 16:00:00.000000+00:00' AS TIMESTAMPTZ)
  GROUP BY
    "y"."merchant_id"
), lw2_at AS (
  SELECT
    "z"."merchant_id" AS merchant_id,
    MIN("z"."remaining") AS low
  FROM risk_points AS z
  JOIN lw2_latest AS l
    ON "l"."merchant_id" = "z"."merchant_id" AND "z"."recorded_at" = "l"."latest"
  WHERE
    "z"."recorded_at" < CAST('2024-06-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
  GROUP BY
    "z"."merchant_id"
), s1 AS (
  SELECT
    b.*,
    CASE
      WHEN COALESCE("pop1"."i0_den_0", 0) > 0
      THEN ROUND(
        CAST(COALESCE("pop1"."i0_num_1", 0) AS DOUBLE PRECISION) / COALESCE("pop1"."i0_den_0", 0),
        9
      )
    END AS "ind.share_3star.value",
    CASE
      WHEN COALESCE("pop1"."i1_den_2", 0) > 0
      THEN ROUND(
        CAST(COALESCE("pop1"."i1_num_3", 0) AS DOUBLE PRECISION) / COALESCE("pop1"."i1_den_2", 0),
        9
      )
    END AS "ind.share_4star.value",
    CASE
      WHEN COALESCE("pop1"."i2_den_4", 0) > 0
      THEN ROUND(
        CAST(COALESCE("pop1"."i2_num_5", 0) AS DOUBLE PRECISION) / COALESCE("pop1"."i2_den_4", 0),
        9
      )
    END AS "ind.share_5star.value",
    CASE
      WHEN COALESCE("pop1"."i3_den_6", 0) > 0
      THEN ROUND(
        CAST(COALESCE("pop1"."i3_num_7", 0) AS DOUBLE PRECISION) / COALESCE("pop1"."i3_den_6", 0),
        9
      )
    END AS "ind.featured_video_coverage.value",
    "b"."m.identity_verified" AS "ind.identity_verified.value",
    "b"."m.strength_verified" AS "ind.strength_verified.value",
    CASE
      WHEN COALESCE("pop1"."i6_den_8", 0) > 0
      THEN ROUND(
        CAST(COALESCE("pop1"."i6_num_9", 0) AS DOUBLE PRECISION) / COALESCE("pop1"."i6_den_8", 0),
        9
      )
    END AS "ind.assured_share.value",
    ROUND(
      CAST(CAST(1717344000000000 - UNIX_MICROS("b"."m.opened_at") AS DOUBLE PRECISION) / CAST(31557600000000.0 AS DOUBLE PRECISION) AS DECIMAL),
      9
    ) AS "ind.shop_age.value",
    CASE
      WHEN COALESCE("pop2"."i8_den_0", 0) > 0
      THEN ROUND(
        CAST(COALESCE("pop2"."i8_num_1", 0) AS DOUBLE PRECISION) / COALESCE("pop2"."i8_den_0", 0),
        9
      )
    END AS "ind.inquiry_24h_rate.value",
    CASE
      WHEN COALESCE("pop3"."i9_den_0", 0) > 0
      THEN ROUND(
        CAST(COALESCE("pop3"."i9_num_1", 0) AS DOUBLE PRECISION) / COALESCE("pop3"."i9_den_0", 0),
        9
      )
    END AS "ind.im_3min_rate.value",
    CASE
      WHEN COALESCE("pop4"."i10_den_0", 0) > 0
      THEN ROUND(
        CAST(COALESCE("pop4"."i10_num_1", 0) AS DOUBLE PRECISION) / COALESCE("pop4"."i10_den_0", 0),
        9
      )
    END AS "ind.phone_answer_rate.value",
    CASE
      WHEN COALESCE("pop5"."i11_den_0", 0) > 0
      THEN ROUND(
        CAST(COALESCE("pop5"."i11_num_1", 0) AS DOUBLE PRECISION) / COALESCE("pop5"."i11_den_0", 0),
        9
      )
    END AS "ind.quality_refund_rate.value",
    CASE
      WHEN COALESCE("pop5"."i12_den_2", 0) > 0
      THEN ROUND(
        CAST(COALESCE("pop5"."i12_num_3", 0) AS DOUBLE PRECISION) / COALESCE("pop5"."i12_den_2", 0),
        9
      )
    END AS "ind.ship_fulfillment_rate.value",
    CASE
      WHEN COALESCE("pop6"."i13_n_1", 0) > 0
      THEN ROUND(
        CAST("pop6"."i13_sum_0" AS DOUBLE PRECISION) / "pop6"."i13_n_1" / CAST(3600000000.0 AS DOUBLE PRECISION),
        9
      )
    END AS "ind.avg_refund_hours.value",
    CAST(COALESCE("pop7"."i14_n_0", 0) AS DOUBLE PRECISION) AS "ind.qa_active.value",
    CAST(COALESCE("pop7"."i15_n_1", 0) AS DOUBLE PRECISION) AS "ind.video_active.value",
    ROUND(COALESCE("pop8"."i16_sum_0", 0), 9) AS "ind.boost_amount.value",
    CAST(COALESCE("pop5"."i17_n_4", 0) AS DOUBLE PRECISION) AS "ind.trade_orders.value",
    CASE
      WHEN COALESCE("pop1"."i18_den_10", 0) > 0
      THEN ROUND(
        CAST(COALESCE("pop1"."i18_num_11", 0) AS DOUBLE PRECISION) / COALESCE("pop1"."i18_den_10", 0),
        9
      )
    END AS "ind.duplicate_severity.value",
    CASE
      WHEN "lw2_in"."low" IS NULL
      THEN COALESCE("lw2_at"."low", CAST(12.0 AS DOUBLE PRECISION))
      ELSE CASE
        WHEN COALESCE("lw2_at"."low", CAST(12.0 AS DOUBLE PRECISION)) IS NULL
        THEN "lw2_in"."low"
        ELSE CASE
          WHEN COALESCE("lw2_at"."low", CAST(12.0 AS DOUBLE PRECISION)) < "lw2_in"."low"
          THEN COALESCE("lw2_at"."low", CAST(12.0 AS DOUBLE PRECISION))
          ELSE "lw2_in"."low"
        END
      END
    END AS "val.lowest_risk_points"
  FROM m AS b
  LEFT JOIN pop1
    ON "pop1"."merchant_id" = "b"."merchant_id"
  LEFT JOIN pop2
    ON "pop2"."merchant_id" = "b"."merchant_id"
  LEFT JOIN pop3
    ON "pop3"."merchant_id" = "b"."merchant_id"
  LEFT JOIN pop4
    ON "pop4"."merchant_id" = "b"."merchant_id"
  LEFT JOIN pop5
    ON "pop5"."merchant_id" = "b"."merchant_id"
  LEFT JOIN pop6
    ON "pop6"."merchant_id" = "b"."merchant_id"
  LEFT JOIN pop7
    ON "pop7"."merchant_id" = "b"."merchant_id"
  LEFT JOIN pop8
    ON "pop8"."merchant_id" = "b"."merchant_id"
  LEFT JOIN lw2_in
    ON "lw2_in"."merchant_id" = "b"."merchant_id"
  LEFT JOIN lw2_at
    ON "lw2_at"."merchant_id" = "b"."merchant_id"
), s2 AS (
  SELECT
    b.*,
    CASE
      WHEN "b"."ind.share_3star.value" IS NULL
      THEN CAST(4.0 AS DOUBLE PRECISION)
      ELSE CASE
        WHEN "b"."ind.share_3star.value" <= CAST(0.0 AS DOUBLE PRECISION)
        THEN CAST(0.0 AS DOUBLE PRECISION)
        WHEN "b"."ind.share_3star.value" <= CAST(1.0 AS DOUBLE PRECISION)
        THEN ROUND(
          CAST(0.0 AS DOUBLE PRECISION) + (
            "b"."ind.share_3star.value" - CAST(0.0 AS DOUBLE PRECISION)
          ) / CAST(1.0 AS DOUBLE PRECISION) * CAST(10.0 AS DOUBLE PRECISION),
          9
        )
        ELSE CAST(10.0 AS DOUBLE PRECISION)
      END
    END AS "ind.share_3star.score",
    CASE
      WHEN "b"."ind.share_4star.value" IS NULL
      THEN CAST(4.0 AS DOUBLE PRECISION)
      ELSE CASE
        WHEN "b"."ind.share_4star.value" <= CAST(0.0 AS DOUBLE PRECISION)
        THEN CAST(0.0 AS DOUBLE PRECISION)
        WHEN "b"."ind.share_4star.value" <= CAST(1.0 AS DOUBLE PRECISION)
        THEN ROUND(
          CAST(0.0 AS DOUBLE PRECISION) + (
            "b"."ind.share_4star.value" - CAST(0.0 AS DOUBLE PRECISION)
          ) / CAST(1.0 AS DOUBLE PRECISION) * CAST(10.0 AS DOUBLE PRECISION),
          9
        )
        ELSE CAST(10.0 AS DOUBLE PRECISION)
      END
    END AS "ind.share_4star.score",
    CASE
      WHEN "b"."ind.share_5star.value" IS NULL
      THEN CAST(4.0 AS DOUBLE PRECISION)
      ELSE CASE
        WHEN "b"."ind.share_5star.value" <= CAST(0.0 AS DOUBLE PRECISION)
        THEN CAST(0.0 AS DOUBLE PRECISION)
        WHEN "b"."ind.share_5star.value" <= CAST(1.0 AS DOUBLE PRECISION)
        THEN ROUND(
          CAST(0.0 AS DOUBLE PRECISION) + (
            "b"."ind.share_5star.value" - CAST(0.0 AS DOUBLE PRECISION)
          ) / CAST(1.0 AS DOUBLE PRECISION) * CAST(10.0 AS DOUBLE PRECISION),
          9
        )
        ELSE CAST(10.0 AS DOUBLE PRECISION)
      END
    END AS "ind.share_5star.score",
    CASE
      WHEN "b"."ind.featured_video_coverage.value" IS NULL
      THEN CAST(4.0 AS DOUBLE PRECISION)
      ELSE CASE
        WHEN "b"."ind.featured_video_coverage.value" <= CAST(0.0 AS DOUBLE PRECISION)
        THEN CAST(0.0 AS DOUBLE PRECISION)
        WHEN "b"."ind.featured_video_coverage.value" <= CAST(1.0 AS DOUBLE PRECISION)
        THEN ROUND(
          CAST(0.0 AS DOUBLE PRECISION) + (
            "b"."ind.featured_video_coverage.value" - CAST(0.0 AS DOUBLE PRECISION)
          ) / CAST(1.0 AS DOUBLE PRECISION) * CAST(10.0 AS DOUBLE PRECISION),
          9
        )
        ELSE CAST(10.0 AS DOUBLE PRECISION)
      END
    END AS "ind.featured_video_coverage.score",
    CASE
      WHEN "b"."ind.identity_verified.value" IS NULL
      THEN NULL
      ELSE CASE
        WHEN CASE
          WHEN "b"."ind.identity_verified.value"
          THEN CAST(1.0 AS DOUBLE PRECISION)
          ELSE CAST(0.0 AS DOUBLE PRECISION)
        END <= CAST(0.0 AS DOUBLE PRECISION)
        THEN CAST(0.0 AS DOUBLE PRECISION)
        WHEN CASE
          WHEN "b"."ind.identity_verified.value"
          THEN CAST(1.0 AS DOUBLE PRECISION)
          ELSE CAST(0.0 AS DOUBLE PRECISION)
        END <= CAST(1.0 AS DOUBLE PRECISION)
        THEN ROUND(
          CAST(CAST(0.0 AS DOUBLE PRECISION) + (
            CASE
              WHEN "b"."ind.identity_verified.value"
              THEN CAST(1.0 AS DOUBLE PRECISION)
              ELSE CAST(0.0 AS DOUBLE PRECISION)
            END - CAST(0.0 AS DOUBLE PRECISION)
          ) / CAST(1.0 AS DOUBLE PRECISION) * CAST(10.0 AS DOUBLE PRECISION) AS DECIMAL),
          9
        )
        ELSE CAST(10.0 AS DOUBLE PRECISION)
      END
    END AS "ind.identity_verified.score",
    CASE
      WHEN "b"."ind.strength_verified.value" IS NULL
      THEN NULL
      ELSE CASE
        WHEN CASE
          WHEN "b"."ind.strength_verified.value"
          THEN CAST(1.0 AS DOUBLE PRECISION)
          ELSE CAST(0.0 AS DOUBLE PRECISION)
        END <= CAST(0.0 AS DOUBLE PRECISION)
        THEN CAST(0.0 AS DOUBLE PRECISION)
        WHEN CASE
          WHEN "b"."ind.strength_verified.value"
          THEN CAST(1.0 AS DOUBLE PRECISION)
          ELSE CAST(0.0 AS DOUBLE PRECISION)
        END <= CAST(1.0 AS DOUBLE PRECISION)
        THEN ROUND(
          CAST(CAST(0.0 AS DOUBLE PRECISION) + (
            CASE
              WHEN "b"."ind.strength_verified.value"
              THEN CAST(1.0 AS DOUBLE PRECISION)
              ELSE CAST(0.0 AS DOUBLE PRECISION)
            END - CAST(0.0 AS DOUBLE PRECISION)
          ) / CAST(1.0 AS DOUBLE PRECISION) * CAST(10.0 AS DOUBLE PRECISION) AS DECIMAL),
          9
        )
        ELSE CAST(10.0 AS DOUBLE PRECISION)
      END
    END AS "ind.strength_verified.score",
    CASE
      WHEN "b"."ind.assured_share.value" IS NULL
      THEN CAST(4.0 AS DOUBLE PRECISION)
      ELSE CASE
        WHEN "b"."ind.assured_share.value" <= CAST(0.0 AS DOUBLE PRECISION)
        THEN CAST(0.0 AS DOUBLE PRECISION)
        WHEN "b"."ind.assured_share.value" <= CAST(1.0 AS DOUBLE PRECISION)
        THEN ROUND(
          CAST(0.0 AS DOUBLE PRECISION) + (
            "b"."ind.assured_share.value" - CAST(0.0 AS DOUBLE PRECISION)
          ) / CAST(1.0 AS DOUBLE PRECISION) * CAST(10.0 AS DOUBLE PRECISION),
          9
        )
        ELSE CAST(10.0 AS DOUBLE PRECISION)
      END
    END AS "ind.assured_share.score",
    CASE
      WHEN "b"."ind.shop_age.value" IS NULL
      THEN NULL
      ELSE CASE
        WHEN "b"."ind.shop_age.value" <= CAST(0.0 AS DOUBLE PRECISION)
        THEN CAST(0.0 AS DOUBLE PRECISION)
        WHEN "b"."ind.shop_age.value" <= CAST(1.0 AS DOUBLE PRECISION)
        THEN ROUND(
          CAST(0.0 AS DOUBLE PRECISION) + (
            "b"."ind.shop_age.value" - CAST(0.0 AS DOUBLE PRECISION)
          ) / CAST(1.0 AS DOUBLE PRECISION) * CAST(4.0 AS DOUBLE PRECISION),
          9
        )
        WHEN "b"."ind.shop_age.value" <= CAST(3.0 AS DOUBLE PRECISION)
        THEN ROUND(
          CAST(4.0 AS DOUBLE PRECISION) + (
            "b"."ind.shop_age.value" - CAST(1.0 AS DOUBLE PRECISION)
          ) / CAST(2.0 AS DOUBLE PRECISION) * CAST(4.0 AS DOUBLE PRECISION),
          9
        )
        WHEN "b"."ind.shop_age.value" <= CAST(5.0 AS DOUBLE PRECISION)
        THEN ROUND(
          CAST(8.0 AS DOUBLE PRECISION) + (
            "b"."ind.shop_age.value" - CAST(3.0 AS DOUBLE PRECISION)
          ) / CAST(2.0 AS DOUBLE PRECISION) * CAST(2.0 AS DOUBLE PRECISION),
          9
        )
        ELSE CAST(10.0 AS DOUBLE PRECISION)
      END
    END AS "ind.shop_age.score",
    CASE
      WHEN "b"."ind.inquiry_24h_rate.value" IS NULL
      THEN CAST(4.0 AS DOUBLE PRECISION)
      ELSE ROUND(
        CAST(10.0 AS DOUBLE PRECISION) * R9(
          CUME_DIST() OVER (
            PARTITION BY "b"."m.category", "b"."is_open" AND NOT "b"."ind.inquiry_24h_rate.value" IS NULL
            ORDER BY "b"."ind.inquiry_24h_rate.value" ASC
          )
        ),
        9
      )
    END AS "ind.inquiry_24h_rate.score",
    CASE
      WHEN "b"."ind.im_3min_rate.value" IS NULL
      THEN CAST(4.0 AS DOUBLE PRECISION)
      ELSE ROUND(
        CAST(10.0 AS DOUBLE PRECISION) * R9(
          CUME_DIST() OVER (
            PARTITION BY "b"."m.category", "b"."is_open" AND NOT "b"."ind.im_3min_rate.value" IS NULL
            ORDER BY "b"."ind.im_3min_rate.value" ASC
          )
        ),
        9
      )
    END AS "ind.im_3min_rate.score",
    CASE
      WHEN "b"."ind.phone_answer_rate.value" IS NULL
      THEN CAST(4.0 AS DOUBLE PRECISION)
      ELSE ROUND(
        CAST(10.0 AS DOUBLE PRECISION) * R9(
          CUME_DIST() OVER (
            PARTITION BY "b"."m.category", "b"."is_open" AND NOT "b"."ind.phone_answer_rate.value" IS NULL
            ORDER BY "b"."ind.phone_answer_rate.value" ASC
          )
        ),
        9
      )
    END AS "ind.phone_answer_rate.score",
    CASE
      WHEN "b"."ind.quality_refund_rate.value" IS NULL
      THEN CAST(4.0 AS DOUBLE PRECISION)
      ELSE ROUND(
        CAST(10.0 AS DOUBLE PRECISION) * R9(
          CUME_DIST() OVER (
            PARTITION BY "b"."m.category", "b"."is_open" AND NOT "b"."ind.quality_refund_rate.value" IS NULL
            ORDER BY "b"."ind.quality_refund_rate.value" DESC NULLS LAST
          )
        ),
        9
      )
    END AS "ind.quality_refund_rate.score",
    CASE
      WHEN "b"."ind.ship_fulfillment_rate.value" IS NULL
      THEN CAST(4.0 AS DOUBLE PRECISION)
      ELSE ROUND(
        CAST(10.0 AS DOUBLE PRECISION) * R9(
          CUME_DIST() OVER (
            PARTITION BY "b"."m.category", "b"."is_open" AND NOT "b"."ind.ship_fulfillment_rate.value" IS NULL
            ORDER BY "b"."ind.ship_fulfillment_rate.value" ASC
          )
        ),
        9
      )
    END AS "ind.ship_fulfillment_rate.score",
    CASE
      WHEN "b"."ind.avg_refund_hours.value" IS NULL
      THEN CAST(4.0 AS DOUBLE PRECISION)
      ELSE ROUND(
        CAST(10.0 AS DOUBLE PRECISION) * R9(
          CUME_DIST() OVER (
            PARTITION BY "b"."m.category", "b"."is_open" AND NOT "b"."ind.avg_refund_hours.value" IS NULL
            ORDER BY "b"."ind.avg_refund_hours.value" DESC NULLS LAST
          )
        ),
        9
      )
    END AS "ind.avg_refund_hours.score",
    CASE
      WHEN "b"."ind.qa_active.value" IS NULL
      THEN NULL
      ELSE CASE
        WHEN "b"."ind.qa_active.value" <= CAST(0.0 AS DOUBLE PRECISION)
        THEN CAST(0.0 AS DOUBLE PRECISION)
        ELSE ROUND(
          CAST(10.0 AS DOUBLE PRECISION) * R9(
            CUME_DIST() OVER (
              PARTITION BY "b"."is_open" AND NOT "b"."ind.qa_active.value" IS NULL
              ORDER BY "b"."ind.qa_active.value" ASC
            )
          ),
          9
        )
      END
    END AS "ind.qa_active.score",
    CASE
      WHEN "b"."ind.video_active.value" IS NULL
      THEN NULL
      ELSE CASE
        WHEN "b"."ind.video_active.value" <= CAST(0.0 AS DOUBLE PRECISION)
        THEN CAST(0.0 AS DOUBLE PRECISION)
        ELSE ROUND(
          CAST(10.0 AS DOUBLE PRECISION) * R9(
            CUME_DIST() OVER (
              PARTITION BY "b"."is_open" AND NOT "b"."ind.video_active.value" IS NULL
              ORDER BY "b"."ind.video_active.value" ASC
            )
          ),
          9
        )
      END
    END AS "ind.video_active.score",
    CASE
      WHEN "b"."ind.boost_amount.value" IS NULL
      THEN NULL
      ELSE CASE
        WHEN "b"."ind.boost_amount.value" <= CAST(0.0 AS DOUBLE PRECISION)
        THEN CAST(0.0 AS DOUBLE PRECISION)
        ELSE ROUND(
          CAST(10.0 AS DOUBLE PRECISION) * R9(
            CUME_DIST() OVER (
              PARTITION BY "b"."is_open" AND NOT "b"."ind.boost_amount.value" IS NULL
              ORDER BY "b"."ind.boost_amount.value" ASC
            )
          ),
          9
        )
      END
    END AS "ind.boost_amount.score",
    CASE
      WHEN "b"."ind.trade_orders.value" IS NULL
      THEN NULL
      ELSE CASE
        WHEN "b"."ind.trade_orders.value" <= CAST(0.0 AS DOUBLE PRECISION)
        THEN CAST(0.0 AS DOUBLE PRECISION)
        ELSE ROUND(
          CAST(10.0 AS DOUBLE PRECISION) * R9(
            CUME_DIST() OVER (
              PARTITION BY "b"."is_open" AND NOT "b"."ind.trade_orders.value" IS NULL
              ORDER BY "b"."ind.trade_orders.value" ASC
            )
          ),
          9
        )
      END
    END AS "ind.trade_orders.score",
    CASE
      WHEN "b"."ind.duplicate_severity.value" IS NULL
      THEN CAST(0.0 AS DOUBLE PRECISION)
      ELSE CASE
        WHEN "b"."ind.duplicate_severity.value" <= CAST(0.0 AS DOUBLE PRECISION)
        THEN CAST(0.0 AS DOUBLE PRECISION)
        WHEN "b"."ind.duplicate_severity.value" <= CAST(0.05 AS DOUBLE PRECISION)
        THEN ROUND(
          CAST(0.0 AS DOUBLE PRECISION) + (
            "b"."ind.duplicate_severity.value" - CAST(0.0 AS DOUBLE PRECISION)
          ) / CAST(0.05 AS DOUBLE PRECISION) * CAST(0.5 AS DOUBLE PRECISION),
          9
        )
        WHEN "b"."ind.duplicate_severity.value" <= CAST(0.2 AS DOUBLE PRECISION)
        THEN ROUND(
          CAST(0.5 AS DOUBLE PRECISION) + (
            "b"."ind.duplicate_severity.value" - CAST(0.05 AS DOUBLE PRECISION)
          ) / CAST(0.15000000000000002 AS DOUBLE PRECISION) * CAST(1.5 AS DOUBLE PRECISION),
          9
        )
        ELSE CAST(2.0 AS DOUBLE PRECISION)
      END
    END AS "ind.duplicate_severity.score"
  FROM s1 AS b
), s3w AS (
  SELECT
    b.*,
    CAST(0.0 AS DOUBLE PRECISION) + CASE
      WHEN NOT "b"."ind.qa_active.score" IS NULL
      THEN CAST(1.0 AS DOUBLE PRECISION)
      ELSE CAST(0.0 AS DOUBLE PRECISION)
    END + CASE
      WHEN NOT "b"."ind.video_active.score" IS NULL
      THEN CAST(1.0 AS DOUBLE PRECISION)
      ELSE CAST(0.0 AS DOUBLE PRECISION)
    END + CASE
      WHEN NOT "b"."ind.boost_amount.score" IS NULL
      THEN CAST(1.0 AS DOUBLE PRECISION)
      ELSE CAST(0.0 AS DOUBLE PRECISION)
    END AS "wt.engagement",
    CAST(0.0 AS DOUBLE PRECISION) + CASE
      WHEN NOT "b"."ind.trade_orders.score" IS NULL
      THEN CAST(1.0 AS DOUBLE PRECISION)
      ELSE CAST(0.0 AS DOUBLE PRECISION)
    END AS "wt.scale",
    CAST(0.0 AS DOUBLE PRECISION) + CASE
      WHEN NOT "b"."ind.duplicate_severity.score" IS NULL
      THEN CAST(1.0 AS DOUBLE PRECISION)
      ELSE CAST(0.0 AS DOUBLE PRECISION)
    END AS "wt.duplicates"
  FROM s2 AS b
), s3 AS (
  SELECT
    b.*,
    ROUND(
      CAST(0.0 AS DOUBLE PRECISION) + CAST(0.2 AS DOUBLE PRECISION) * "b"."ind.share_3star.score" + CAST(0.3 AS DOUBLE PRECISION) * "b"."ind.share_4star.score" + CAST(0.3 AS DOUBLE PRECISION) * "b"."ind.share_5star.score" + CAST(0.2 AS DOUBLE PRECISION) * "b"."ind.featured_video_coverage.score",
      9
    ) AS "dim.product_quality",
    ROUND(
      CAST(0.0 AS DOUBLE PRECISION) + CAST(0.1 AS DOUBLE PRECISION) * "b"."ind.identity_verified.score" + CAST(0.1 AS DOUBLE PRECISION) * "b"."ind.strength_verified.score" + CAST(0.4 AS DOUBLE PRECISION) * "b"."ind.assured_share.score" + CAST(0.4 AS DOUBLE PRECISION) * "b"."ind.shop_age.score",
      9
    ) AS "dim.credit",
    ROUND(
      CAST(0.0 AS DOUBLE PRECISION) + CAST(0.4 AS DOUBLE PRECISION) * "b"."ind.inquiry_24h_rate.score" + CAST(0.4 AS DOUBLE PRECISION) * "b"."ind.im_3min_rate.score" + CAST(0.2 AS DOUBLE PRECISION) * "b"."ind.phone_answer_rate.score",
      9
    ) AS "dim.inquiry",
    ROUND(
      CAST(0.0 AS DOUBLE PRECISION) + CAST(0.4 AS DOUBLE PRECISION) * "b"."ind.quality_refund_rate.score" + CAST(0.4 AS DOUBLE PRECISION) * "b"."ind.ship_fulfillment_rate.score" + CAST(0.2 AS DOUBLE PRECISION) * "b"."ind.avg_refund_hours.score",
      9
    ) AS "dim.after_sales",
    CASE
      WHEN "b"."wt.engagement" > CAST(0.0 AS DOUBLE PRECISION)
      THEN ROUND(
        CAST(0.0 AS DOUBLE PRECISION) + COALESCE(
          (
            CAST(1.0 AS DOUBLE PRECISION) / "b"."wt.engagement"
          ) * "b"."ind.qa_active.score",
          CAST(0.0 AS DOUBLE PRECISION)
        ) + COALESCE(
          (
            CAST(1.0 AS DOUBLE PRECISION) / "b"."wt.engagement"
          ) * "b"."ind.video_active.score",
          CAST(0.0 AS DOUBLE PRECISION)
        ) + COALESCE(
          (
            CAST(1.0 AS DOUBLE PRECISION) / "b"."wt.engagement"
          ) * "b"."ind.boost_amount.score",
          CAST(0.0 AS DOUBLE PRECISION)
        ),
        9
      )
    END AS "dim.engagement",
    CASE
      WHEN "b"."wt.scale" > CAST(0.0 AS DOUBLE PRECISION)
      THEN ROUND(
        CAST(0.0 AS DOUBLE PRECISION) + COALESCE(
          (
            CAST(1.0 AS DOUBLE PRECISION) / "b"."wt.scale"
          ) * "b"."ind.trade_orders.score",
          CAST(0.0 AS DOUBLE PRECISION)
        ),
        9
      )
    END AS "dim.scale",
    CASE
      WHEN "b"."wt.duplicates" > CAST(0.0 AS DOUBLE PRECISION)
      THEN ROUND(
        CAST(0.0 AS DOUBLE PRECISION) + COALESCE(
          (
            CAST(1.0 AS DOUBLE PRECISION) / "b"."wt.duplicates"
          ) * "b"."ind.duplicate_severity.score",
          CAST(0.0 AS DOUBLE PRECISION)
        ),
        9
      )
    END AS "dim.duplicates"
  FROM s3w AS b
), v_service_operations_ AS (
  SELECT
    b.*,
    ROUND(
      CAST((
        CAST((
          CAST(8.0 AS DOUBLE PRECISION) * (
            CAST(0.0 AS DOUBLE PRECISION) + CAST(0.3 AS DOUBLE PRECISION) * "b"."dim.product_quality" + CAST(0.2 AS DOUBLE PRECISION) * "b"."dim.credit" + CAST(0.3 AS DOUBLE PRECISION) * "b"."dim.inquiry" + CAST(0.2 AS DOUBLE PRECISION) * "b"."dim.after_sales"
          )
        ) AS DOUBLE PRECISION) / CAST(10.0 AS DOUBLE PRECISION)
      ) AS DECIMAL),
      9
    ) AS "val.service_operations"
  FROM s3 AS b
), v_effect_operations_ AS (
  SELECT
    b.*,
    ROUND(
      CAST((
        CAST((
          CAST(2.0 AS DOUBLE PRECISION) * (
            CAST(0.0 AS DOUBLE PRECISION) + CAST(0.6 AS DOUBLE PRECISION) * "b"."dim.engagement" + CAST(0.4 AS DOUBLE PRECISION) * "b"."dim.scale"
          )
        ) AS DOUBLE PRECISION) / CAST(10.0 AS DOUBLE PRECISION)
      ) AS DECIMAL),
      9
    ) AS "val.effect_operations"
  FROM v_service_operations_ AS b
), s4 AS (
  SELECT
    b.*,
    ROUND(
      (
        (
          "b"."val.service_operations" + "b"."val.effect_operations"
        ) - "b"."dim.duplicates"
      ),
      9
    ) AS "raw_score"
  FROM v_effect_operations_ AS b
), s5 AS (
  SELECT
    b.*,
    ROUND(
      CASE
        WHEN "b"."raw_score" < -CAST(2.0 AS DOUBLE PRECISION)
        THEN -CAST(2.0 AS DOUBLE PRECISION)
        WHEN "b"."raw_score" > CAST(10.0 AS DOUBLE PRECISION)
        THEN CAST(10.0 AS DOUBLE PRECISION)
        ELSE "b"."raw_score"
      END,
      9
    ) AS "score"
  FROM s4 AS b
), o_store_rank_ AS (
  SELECT
    b.*,
    ROUND(
      CASE
        WHEN "b"."is_open" AND NOT "b"."score" IS NULL
        THEN R9(
          CUME_DIST() OVER (PARTITION BY "b"."is_open" AND NOT "b"."score" IS NULL ORDER BY "b"."score" ASC)
        )
      END,
      9
    ) AS "out.store_rank"
  FROM s5 AS b
), s7 AS (
  SELECT
    b.*,
    CASE
      WHEN NOT "b"."is_open"
      THEN 'not_open'
      WHEN "b"."score" IS NULL
      THEN 'unrated'
      ELSE 'rated'
    END AS "status"
  FROM o_store_rank_ AS b
), s8 AS (
  SELECT
    b.*,
    CASE
      WHEN NOT "b"."is_open"
      THEN CAST(NULL AS VARCHAR)
      WHEN COALESCE("b"."out.store_rank" >= CAST(0.95 AS DOUBLE PRECISION), FALSE)
      AND COALESCE("b"."dim.product_quality" >= CAST(7.25 AS DOUBLE PRECISION), FALSE)
      AND COALESCE("b"."dim.credit" >= CAST(0.4 AS DOUBLE PRECISION), FALSE)
      AND COALESCE("b"."ind.inquiry_24h_rate.score" >= CAST(5.0 AS DOUBLE PRECISION), FALSE)
      AND COALESCE("b"."ind.im_3min_rate.score" >= CAST(5.56 AS DOUBLE PRECISION), FALSE)
      AND COALESCE("b"."ind.phone_answer_rate.score" >= CAST(5.0 AS DOUBLE PRECISION), FALSE)
      AND (
        COALESCE("b"."dim.duplicates" = CAST(0.0 AS DOUBLE PRECISION), FALSE)
        AND COALESCE("b"."val.lowest_risk_points" >= CAST(6.0 AS DOUBLE PRECISION), FALSE)
      )
      THEN '5'
      WHEN COALESCE("b"."out.store_rank" >= CAST(0.85 AS DOUBLE PRECISION), FALSE)
      AND COALESCE("b"."dim.product_quality" >= CAST(5.8 AS DOUBLE PRECISION), FALSE)
      AND COALESCE("b"."dim.credit" >= CAST(0.4 AS DOUBLE PRECISION), FALSE)
      AND COALESCE("b"."ind.inquiry_24h_rate.score" >= CAST(2.5 AS DOUBLE PRECISION), FALSE)
      AND COALESCE("b"."ind.im_3min_rate.score" >= CAST(3.33 AS DOUBLE PRECISION), FALSE)
      AND COALESCE("b"."ind.phone_answer_rate.score" >= CAST(2.5 AS DOUBLE PRECISION), FALSE)
      AND (
        COALESCE("b"."dim.duplicates" = CAST(0.0 AS DOUBLE PRECISION), FALSE)
        AND COALESCE("b"."val.lowest_risk_points" >= CAST(6.0 AS DOUBLE PRECISION), FALSE)
      )
      THEN '4.5'
      WHEN COALESCE("b"."out.store_rank" >= CAST(0.7 AS DOUBLE PRECISION), FALSE)
      AND COALESCE("b"."dim.product_quality" >= CAST(5.8 AS DOUBLE PRECISION), FALSE)
      AND COALESCE("b"."dim.credit" >= CAST(0.4 AS DOUBLE PRECISION), FALSE)
      AND (
        COALESCE("b"."dim.duplicates" = CAST(0.0 AS DOUBLE PRECISION), FALSE)
        AND COALESCE("b"."val.lowest_risk_points" >= CAST(6.0 AS DOUBLE PRECISION), FALSE)
      )
      THEN '4'
      WHEN COALESCE("b"."out.store_rank" >= CAST(0.4 AS DOUBLE PRECISION), FALSE)
      AND COALESCE("b"."dim.product_quality" >= CAST(3.6 AS DOUBLE PRECISION), FALSE)
      AND COALESCE("b"."dim.credit" >= CAST(0.4 AS DOUBLE PRECISION), FALSE)
      THEN '3.5'
      WHEN COALESCE("b"."out.store_rank" >= CAST(0.05 AS DOUBLE PRECISION), FALSE)
      THEN '3'
      WHEN TRUE
      THEN '0'
    END AS "tier"
  FROM s7 AS b
), s9 AS (
  SELECT
    b.*,
    '2024-06-03' AS "as_of_text"
  FROM s8 AS b
)
SELECT
  "b"."merchant_id" AS merchant_id,
  CASE WHEN "b"."is_open" THEN "b"."score" END AS score,
  "b"."tier" AS tier,
  "b"."status" AS status,
  COALESCE('', '') AS consequences,
  CASE WHEN "b"."is_open" THEN "b"."dim.product_quality" END AS "dim.product_quality",
  CASE WHEN "b"."is_open" THEN "b"."dim.credit" END AS "dim.credit",
  CASE WHEN "b"."is_open" THEN "b"."dim.inquiry" END AS "dim.inquiry",
  CASE WHEN "b"."is_open" THEN "b"."dim.after_sales" END AS "dim.after_sales",
  CASE WHEN "b"."is_open" THEN "b"."dim.engagement" END AS "dim.engagement",
  CASE WHEN "b"."is_open" THEN "b"."dim.scale" END AS "dim.scale",
  CASE WHEN "b"."is_open" THEN "b"."dim.duplicates" END AS "dim.duplicates",
  CASE WHEN "b"."is_open" THEN "b"."ind.share_3star.value" END AS "ind.share_3star.value",
  CASE WHEN "b"."is_open" THEN "b"."ind.share_3star.score" END AS "ind.share_3star.score",
  CASE WHEN "b"."is_open" THEN "b"."ind.share_4star.value" END AS "ind.share_4star.value",
  CASE WHEN "b"."is_open" THEN "b"."ind.share_4star.score" END AS "ind.share_4star.score",
  CASE WHEN "b"."is_open" THEN "b"."ind.share_5star.value" END AS "ind.share_5star.value",
  CASE WHEN "b"."is_open" THEN "b"."ind.share_5star.score" END AS "ind.share_5star.score",
  CASE WHEN "b"."is_open" THEN "b"."ind.featured_video_coverage.value" END AS "ind.featured_video_coverage.value",
  CASE WHEN "b"."is_open" THEN "b"."ind.featured_video_coverage.score" END AS "ind.featured_video_coverage.score",
  CASE WHEN "b"."is_open" THEN "b"."ind.identity_verified.value" END AS "ind.identity_verified.value",
  CASE WHEN "b"."is_open" THEN "b"."ind.identity_verified.score" END AS "ind.identity_verified.score",
  CASE WHEN "b"."is_open" THEN "b"."ind.strength_verified.value" END AS "ind.strength_verified.value",
  CASE WHEN "b"."is_open" THEN "b"."ind.strength_verified.score" END AS "ind.strength_verified.score",
  CASE WHEN "b"."is_open" THEN "b"."ind.assured_share.value" END AS "ind.assured_share.value",
  CASE WHEN "b"."is_open" THEN "b"."ind.assured_share.score" END AS "ind.assured_share.score",
  CASE WHEN "b"."is_open" THEN "b"."ind.shop_age.value" END AS "ind.shop_age.value",
  CASE WHEN "b"."is_open" THEN "b"."ind.shop_age.score" END AS "ind.shop_age.score",
  CASE WHEN "b"."is_open" THEN "b"."ind.inquiry_24h_rate.value" END AS "ind.inquiry_24h_rate.value",
  CASE WHEN "b"."is_open" THEN "b"."ind.inquiry_24h_rate.score" END AS "ind.inquiry_24h_rate.score",
  CASE WHEN "b"."is_open" THEN "b"."ind.im_3min_rate.value" END AS "ind.im_3min_rate.value",
  CASE WHEN "b"."is_open" THEN "b"."ind.im_3min_rate.score" END AS "ind.im_3min_rate.score",
  CASE WHEN "b"."is_open" THEN "b"."ind.phone_answer_rate.value" END AS "ind.phone_answer_rate.value",
  CASE WHEN "b"."is_open" THEN "b"."ind.phone_answer_rate.score" END AS "ind.phone_answer_rate.score",
  CASE WHEN "b"."is_open" THEN "b"."ind.quality_refund_rate.value" END AS "ind.quality_refund_rate.value",
  CASE WHEN "b"."is_open" THEN "b"."ind.quality_refund_rate.score" END AS "ind.quality_refund_rate.score",
  CASE WHEN "b"."is_open" THEN "b"."ind.ship_fulfillment_rate.value" END AS "ind.ship_fulfillment_rate.value",
  CASE WHEN "b"."is_open" THEN "b"."ind.ship_fulfillment_rate.score" END AS "ind.ship_fulfillment_rate.score",
  CASE WHEN "b"."is_open" THEN "b"."ind.avg_refund_hours.value" END AS "ind.avg_refund_hours.value",
  CASE WHEN "b"."is_open" THEN "b"."ind.avg_refund_hours.score" END AS "ind.avg_refund_hours.score",
  CASE WHEN "b"."is_open" THEN "b"."ind.qa_active.value" END AS "ind.qa_active.value",
  CASE WHEN "b"."is_open" THEN "b"."ind.qa_active.score" END AS "ind.qa_active.score",
  CASE WHEN "b"."is_open" THEN "b"."ind.video_active.value" END AS "ind.video_active.value",
  CASE WHEN "b"."is_open" THEN "b"."ind.video_active.score" END AS "ind.video_active.score",
  CASE WHEN "b"."is_open" THEN "b"."ind.boost_amount.value" END AS "ind.boost_amount.value",
  CASE WHEN "b"."is_open" THEN "b"."ind.boost_amount.score" END AS "ind.boost_amount.score",
  CASE WHEN "b"."is_open" THEN "b"."ind.trade_orders.value" END AS "ind.trade_orders.value",
  CASE WHEN "b"."is_open" THEN "b"."ind.trade_orders.score" END AS "ind.trade_orders.score",
  CASE WHEN "b"."is_open" THEN "b"."ind.duplicate_severity.value" END AS "ind.duplicate_severity.value",
  CASE WHEN "b"."is_open" THEN "b"."ind.duplicate_severity.score" END AS "ind.duplicate_severity.score",
  CASE WHEN "b"."is_open" THEN "b"."out.store_rank" END AS "store_rank",
  CASE WHEN "b"."is_open" THEN "b"."raw_score" END AS raw_score
FROM s9 AS b
ORDER BY
  "b"."merchant_id";
