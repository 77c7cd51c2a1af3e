SELECT
  q.*,
  'v2022_06' AS version,
  s.score AS shadow_score,
  s.gate AS shadow_gate
FROM (
  WITH m AS (
    SELECT
      `e`.`merchant_id` AS `m.merchant_id`,
      `e`.`opened_at` AS `m.opened_at`,
      `e`.`region` AS `m.region`,
      `e`.`category` AS `m.category`,
      `e`.`identity_verified` AS `m.identity_verified`,
      `e`.`strength_verified` AS `m.strength_verified`,
      `e`.`merchant_id` AS merchant_id,
      `e`.`opened_at` < CAST('2022-09-19 16:00:00.000000+00:00' AS TIMESTAMP) AS is_open
    FROM merchants AS e
  ), pop1 AS (
    SELECT
      `t`.`merchant_id` AS merchant_id,
      COUNT(*) AS i0_den_0,
      COUNTIF(`t`.`stars` <= 2) AS i0_num_1
    FROM reviews AS t
    WHERE
      `t`.`rated_at` < CAST('2022-09-19 16:00:00.000000+00:00' AS TIMESTAMP)
      AND `t`.`rated_at` >= CAST('2022-06-21 16:00:00.000000+00:00' AS TIMESTAMP)
    GROUP BY
      `t`.`merchant_id`
  ), pop2 AS (
    SELECT
      `t`.`merchant_id` AS merchant_id,
      COUNT(*) AS i1_den_0,
      COUNTIF(
        `t`.`order_id` IN (
          SELECT
            `r1`.`order_id`
          FROM after_sales AS r1
          WHERE
            `r1`.`requested_at` < CAST('2022-09-19 16:00:00.000000+00:00' AS TIMESTAMP)
            AND `r1`.`reason` = 'quality'
        )
      ) AS i1_num_1,
      COUNTIF(`t`.`paid_at` <= CAST('2022-09-16 16:00:00.000000+00:00' AS TIMESTAMP)) AS i2_den_2,
      COUNTIF(
        `t`.`paid_at` <= CAST('2022-09-16 16:00:00.000000+00:00' AS TIMESTAMP)
        AND (
          UNIX_MICROS(
            CASE
              WHEN `t`.`first_scan_at` < CAST('2022-09-19 16:00:00.000000+00:00' AS TIMESTAMP)
              THEN `t`.`first_scan_at`
            END
          ) - UNIX_MICROS(`t`.`paid_at`)
        ) <= 259200000000
      ) AS i2_num_3,
      SUM(
        IF(
          NOT UNIX_MICROS(
            CASE
              WHEN `t`.`delivered_at` < CAST('2022-09-19 16:00:00.000000+00:00' AS TIMESTAMP)
              THEN `t`.`delivered_at`
            END
          ) IS NULL
          AND NOT UNIX_MICROS(
            CASE
              WHEN `t`.`first_scan_at` < CAST('2022-09-19 16:00:00.000000+00:00' AS TIMESTAMP)
              THEN `t`.`first_scan_at`
            END
          ) IS NULL,
          (
            UNIX_MICROS(
              CASE
                WHEN `t`.`delivered_at` < CAST('2022-09-19 16:00:00.000000+00:00' AS TIMESTAMP)
                THEN `t`.`delivered_at`
              END
            ) - UNIX_MICROS(
              CASE
                WHEN `t`.`first_scan_at` < CAST('2022-09-19 16:00:00.000000+00:00' AS TIMESTAMP)
                THEN `t`.`first_scan_at`
              END
            )
          ),
          NULL
        )
      ) AS i3_sum_4,
      COUNT(
        IF(
          NOT UNIX_MICROS(
            CASE
              WHEN `t`.`delivered_at` < CAST('2022-09-19 16:00:00.000000+00:00' AS TIMESTAMP)
              THEN `t`.`delivered_at`
            END
          ) IS NULL
          AND NOT UNIX_MICROS(
            CASE
              WHEN `t`.`first_scan_at` < CAST('2022-09-19 16:00:00.000000+00:00' AS TIMESTAMP)
              THEN `t`.`first_scan_at`
            END
          ) IS NULL,
          (
            UNIX_MICROS(
              CASE
                WHEN `t`.`delivered_at` < CAST('2022-09-19 16:00:00.000000+00:00' AS TIMESTAMP)
                THEN `t`.`delivered_at`
              END
            ) - UNIX_MICROS(
              CASE
                WHEN `t`.`first_scan_at` < CAST('2022-09-19 16:00:00.000000+00:00' AS TIMESTAMP)
                THEN `t`.`first_scan_at`
              END
            )
          ),
          NULL
        )
      ) AS i3_n_5
    FROM orders AS t
    WHERE
      `t`.`paid_at` < CAST('2022-09-19 16:00:00.000000+00:00' AS TIMESTAMP)
      AND NOT COALESCE(`t`.`is_fraud`, FALSE)
      AND `t`.`paid_at` >= CAST('2022-06-21 16:00:00.000000+00:00' AS TIMESTAMP)
    GROUP BY
      `t`.`merchant_id`
  ), pop3 AS (
    SELECT
      `t`.`merchant_id` AS merchant_id,
      COUNT(*) AS i4_den_0,
      COUNTIF(
        (
          SELECT
            MIN(
              CASE WHEN COALESCE(`r2`.`reason` = 'logistics', FALSE) THEN `r2`.`requested_at` END
            ) = MIN(`r2`.`requested_at`)
          FROM after_sales AS r2
          WHERE
            `r2`.`order_id` = `t`.`order_id`
            AND `r2`.`requested_at` < CAST('2022-09-19 16:00:00.000000+00:00' AS TIMESTAMP)
            AND UNIX_MICROS(`r2`.`requested_at`) - UNIX_MICROS(
              CASE
                WHEN `t`.`shipped_at` < CAST('2022-09-19 16:00:00.000000+00:00' AS TIMESTAMP)
                THEN `t`.`shipped_at`
              END
            ) BETWEEN 0 AND 1209600000000
        )
      ) AS i4_num_1
    FROM orders AS t
    WHERE
      `t`.`paid_at` < CAST('2022-09-19 16:00:00.000000+00:00' AS TIMESTAMP)
      AND NOT COALESCE(`t`.`is_fraud`, FALSE)
      AND `t`.`shipped_at` >= CAST('2022-06-07 16:00:00.000000+00:00' AS TIMESTAMP)
      AND `t`.`shipped_at` < CAST('2022-09-05 16:00:00.000000+00:00' AS TIMESTAMP)
    GROUP BY
      `t`.`merchant_id`
  ), pop4 AS (
    SELECT
      `t`.`merchant_id` AS merchant_id,
      COUNTIF(NOT `t`.`rating` IS NULL AND NOT (
        COALESCE(`t`.`reported_malicious`, FALSE)
      )) AS i5_den_0,
      COUNTIF(
        (
          NOT `t`.`rating` IS NULL AND NOT (
            COALESCE(`t`.`reported_malicious`, FALSE)
          )
        )
        AND `t`.`rating` IN ('dissatisfied', 'very_dissatisfied')
      ) AS i5_num_1,
      COUNTIF(`t`.`started_at` <= CAST('2022-09-19 15:57:00.000000+00:00' AS TIMESTAMP)) AS i6_den_2,
      COUNTIF(
        `t`.`started_at` <= CAST('2022-09-19 15:57:00.000000+00:00' AS TIMESTAMP)
        AND (
          UNIX_MICROS(
            CASE
              WHEN `t`.`first_response_at` < CAST('2022-09-19 16:00:00.000000+00:00' AS TIMESTAMP)
              THEN `t`.`first_response_at`
            END
          ) - UNIX_MICROS(`t`.`started_at`)
        ) <= 180000000
      ) AS i6_num_3
    FROM im_sessions AS t
    WHERE
      `t`.`started_at` < CAST('2022-09-19 16:00:00.000000+00:00' AS TIMESTAMP)
      AND `t`.`started_at` >= CAST('2022-08-20 16:00:00.000000+00:00' AS TIMESTAMP)
    GROUP BY
      `t`.`merchant_id`
  ), pop5 AS (
    SELECT
      `t`.`merchant_id` AS merchant_id,
      SUM(
        (
          UNIX_MICROS(
            CASE
              WHEN `t`.`completed_at` < CAST('2022-09-19 16:00:00.000000+00:00' AS TIMESTAMP)
              THEN `t`.`completed_at`
            END
          ) - UNIX_MICROS(`t`.`requested_at`)
        )
      ) AS i7_sum_0,
      COUNT(
        (
          UNIX_MICROS(
            CASE
              WHEN `t`.`completed_at` < CAST('2022-09-19 16:00:00.000000+00:00' AS TIMESTAMP)
              THEN `t`.`completed_at`
            END
          ) - UNIX_MICROS(`t`.`requested_at`)
        )
      ) AS i7_n_1
    FROM after_sales AS t
    WHERE
      `t`.`requested_at` < CAST('2022-09-19 16:00:00.000000+00:00' AS TIMESTAMP)
      AND `t`.`completed_at` < CAST('2022-09-19 16:00:00.000000+00:00' AS TIMESTAMP)
      AND `t`.`completed_at` >= CAST('2022-08-20 16:00:00.000000+00:00' AS TIMESTAMP)
    GROUP BY
      `t`.`merchant_id`
  ), s1 AS (
    SELECT
      b.*,
      CASE
        WHEN COALESCE(`pop1`.`i0_den_0`, 0) > 0
        THEN ROUND(
          CAST(COALESCE(`pop1`.`i0_num_1`, 0) AS FLOAT64) / COALESCE(`pop1`.`i0_den_0`, 0),
          9
        )
      END AS `ind.negative_review_rate.value`,
      CASE
        WHEN COALESCE(`pop2`.`i1_den_0`, 0) > 0
        THEN ROUND(
          CAST(COALESCE(`pop2`.`i1_num_1`, 0) AS FLOAT64) / COALESCE(`pop2`.`i1_den_0`, 0),
          9
        )
      END AS `ind.quality_return_rate.value`,
      CASE
        WHEN COALESCE(`pop2`.`i2_den_2`, 0) > 0
        THEN ROUND(
          CAST(COALESCE(`pop2`.`i2_num_3`, 0) AS FLOAT64) / COALESCE(`pop2`.`i2_den_2`, 0),
          9
        )
      END AS `ind.pickup_timely_rate.value`,
      CASE
        WHEN COALESCE(`pop2`.`i3_n_5`, 0) > 0
        THEN ROUND(
          CAST(`pop2`.`i3_sum_4` AS FLOAT64) / `pop2`.`i3_n_5` / CAST(3600000000.0 AS FLOAT64),
          9
        )
      END AS `ind.delivery_hours.value`,
      CASE
        WHEN COALESCE(`pop3`.`i4_den_0`, 0) > 0
        THEN ROUND(
          CAST(COALESCE(`pop3`.`i4_num_1`, 0) AS FLOAT64) / COALESCE(`pop3`.`i4_den_0`, 0),
          9
        )
      END AS `ind.logistics_quality_return_rate.value`,
      CASE
        WHEN COALESCE(`pop4`.`i5_den_0`, 0) > 0
        THEN ROUND(
          CAST(COALESCE(`pop4`.`i5_num_1`, 0) AS FLOAT64) / COALESCE(`pop4`.`i5_den_0`, 0),
          9
        )
      END AS `ind.im_dissatisfaction_rate.value`,
      CASE
        WHEN COALESCE(`pop4`.`i6_den_2`, 0) > 0
        THEN ROUND(
          CAST(COALESCE(`pop4`.`i6_num_3`, 0) AS FLOAT64) / COALESCE(`pop4`.`i6_den_2`, 0),
          9
        )
      END AS `ind.im_3min_response_rate.value`,
      CASE
        WHEN COALESCE(`pop5`.`i7_n_1`, 0) > 0
        THEN ROUND(
          CAST(`pop5`.`i7_sum_0` AS FLOAT64) / `pop5`.`i7_n_1` / CAST(3600000000.0 AS FLOAT64),
          9
        )
      END AS `ind.after_sales_hours.value`
    FROM m AS b
    LEFT JOIN pop1
      ON `pop1`.`merchant_id` = `b`.`merchant_id`
    LEFT JOIN pop2
      ON `pop2`.`merchant_id` = `b`.`merchant_id`
    LEFT JOIN pop3
      ON `pop3`.`merchant_id` = `b`.`merchant_id`
    LEFT JOIN pop4
      ON `pop4`.`merchant_id` = `b`.`merchant_id`
    LEFT JOIN pop5
      ON `pop5`.`merchant_id` = `b`.`merchant_id`
  ), s2 AS (
    SELECT
      b.*,
      CASE
        WHEN `b`.`ind.negative_review_rate.value` IS NULL
        THEN NULL
        ELSE CASE
          WHEN `b`.`ind.negative_review_rate.value` <= CAST(0.01 AS FLOAT64)
          THEN CAST(100.0 AS FLOAT64)
          WHEN `b`.`ind.negative_review_rate.value` <= CAST(0.1 AS FLOAT64)
          THEN ROUND(
            CAST(100.0 AS FLOAT64) + (
              `b`.`ind.negative_review_rate.value` - CAST(0.01 AS FLOAT64)
            ) / CAST(0.09000000000000001 AS FLOAT64) * -CAST(100.0 AS FLOAT64),
            9
          )
          ELSE CAST(0.0 AS FLOAT64)
        END
      END AS `ind.negative_review_rate.score`,
      CASE
        WHEN `b`.`ind.quality_return_rate.value` IS NULL
        THEN NULL
        ELSE CASE
          WHEN `b`.`ind.quality_return_rate.value` <= CAST(0.005 AS FLOAT64)
          THEN CAST(100.0 AS FLOAT64)
          WHEN `b`.`ind.quality_return_rate.value` <= CAST(0.08 AS FLOAT64)
          THEN ROUND(
            CAST(100.0 AS FLOAT64) + (
              `b`.`ind.quality_return_rate.value` - CAST(0.005 AS FLOAT64)
            ) / CAST(0.075 AS FLOAT64) * -CAST(100.0 AS FLOAT64),
            9
          )
          ELSE CAST(0.0 AS FLOAT64)
        END
      END AS `ind.quality_return_rate.score`,
      CASE
        WHEN `b`.`ind.pickup_timely_rate.value` IS NULL
        THEN NULL
        ELSE CASE
          WHEN `b`.`ind.pickup_timely_rate.value` <= CAST(0.7 AS FLOAT64)
          THEN CAST(0.0 AS FLOAT64)
          WHEN `b`.`ind.pickup_timely_rate.value` <= CAST(0.98 AS FLOAT64)
          THEN ROUND(
            CAST(0.0 AS FLOAT64) + (
              `b`.`ind.pickup_timely_rate.value` - CAST(0.7 AS FLOAT64)
            ) / CAST(0.28 AS FLOAT64) * CAST(100.0 AS FLOAT64),
            9
          )
          ELSE CAST(100.0 AS FLOAT64)
        END
      END AS `ind.pickup_timely_rate.score`,
      CASE
        WHEN `b`.`ind.delivery_hours.value` IS NULL
        THEN NULL
        ELSE CASE
          WHEN `b`.`ind.delivery_hours.value` <= CAST(48.0 AS FLOAT64)
          THEN CAST(100.0 AS FLOAT64)
          WHEN `b`.`ind.delivery_hours.value` <= CAST(168.0 AS FLOAT64)
          THEN ROUND(
            CAST(100.0 AS FLOAT64) + (
              `b`.`ind.delivery_hours.value` - CAST(48.0 AS FLOAT64)
            ) / CAST(120.0 AS FLOAT64) * -CAST(100.0 AS FLOAT64),
            9
          )
          ELSE CAST(0.0 AS FLOAT64)
        END
      END AS `ind.delivery_hours.score`,
      CASE
        WHEN `b`.`ind.logistics_quality_return_rate.value` IS NULL
        THEN NULL
        ELSE CASE
          WHEN `b`.`ind.logistics_quality_return_rate.value` <= CAST(0.002 AS FLOAT64)
          THEN CAST(100.0 AS FLOAT64)
          WHEN `b`.`ind.logistics_quality_return_rate.value` <= CAST(0.03 AS FLOAT64)
          THEN ROUND(
            CAST(100.0 AS FLOAT64) + (
              `b`.`ind.logistics_quality_return_rate.value` - CAST(0.002 AS FLOAT64)
            ) / CAST(0.027999999999999997 AS FLOAT64) * -CAST(100.0 AS FLOAT64),
            9
          )
          ELSE CAST(0.0 AS FLOAT64)
        END
      END AS `ind.logistics_quality_return_rate.score`,
      CASE
        WHEN `b`.`ind.im_dissatisfaction_rate.value` IS NULL
        THEN NULL
        ELSE CASE
          WHEN `b`.`ind.im_dissatisfaction_rate.value` <= CAST(0.05 AS FLOAT64)
          THEN CAST(100.0 AS FLOAT64)
          WHEN `b`.`ind.im_dissatisfaction_rate.value` <= CAST(0.3 AS FLOAT64)
          THEN ROUND(
            CAST(100.0 AS FLOAT64) + (
              `b`.`ind.im_dissatisfaction_rate.value` - CAST(0.05 AS FLOAT64)
            ) / CAST(0.25 AS FLOAT64) * -CAST(100.0 AS FLOAT64),
            9
          )
          ELSE CAST(0.0 AS FLOAT64)
        END
      END AS `ind.im_dissatisfaction_rate.score`,
      CASE
        WHEN `b`.`ind.im_3min_response_rate.value` IS NULL
        THEN NULL
        ELSE CASE
          WHEN `b`.`ind.im_3min_response_rate.value` <= CAST(0.5 AS FLOAT64)
          THEN CAST(0.0 AS FLOAT64)
          WHEN `b`.`ind.im_3min_response_rate.value` <= CAST(0.95 AS FLOAT64)
          THEN ROUND(
            CAST(0.0 AS FLOAT64) + (
              `b`.`ind.im_3min_response_rate.value` - CAST(0.5 AS FLOAT64)
            ) / CAST(0.44999999999999996 AS FLOAT64) * CAST(100.0 AS FLOAT64),
            9
          )
          ELSE CAST(100.0 AS FLOAT64)
        END
      END AS `ind.im_3min_response_rate.score`,
      CASE
        WHEN `b`.`ind.after_sales_hours.value` IS NULL
        THEN NULL
        ELSE CASE
          WHEN `b`.`ind.after_sales_hours.value` <= CAST(24.0 AS FLOAT64)
          THEN CAST(100.0 AS FLOAT64)
          WHEN `b`.`ind.after_sales_hours.value` <= CAST(120.0 AS FLOAT64)
          THEN ROUND(
            CAST(100.0 AS FLOAT64) + (
              `b`.`ind.after_sales_hours.value` - CAST(24.0 AS FLOAT64)
            ) / CAST(96.0 AS FLOAT64) * -CAST(100.0 AS FLOAT64),
            9
          )
          ELSE CAST(0.0 AS FLOAT64)
        END
      END AS `ind.after_sales_hours.score`
    FROM s1 AS b
  ), s3w AS (
    SELECT
      b.*,
      CAST(0.0 AS FLOAT64) + CASE
        WHEN NOT `b`.`ind.negative_review_rate.score` IS NULL
        THEN CAST(1.0 AS FLOAT64)
        ELSE CAST(0.0 AS FLOAT64)
      END + CASE
        WHEN NOT `b`.`ind.quality_return_rate.score` IS NULL
        THEN CAST(1.0 AS FLOAT64)
        ELSE CAST(0.0 AS FLOAT64)
      END AS `wt.product`,
      CAST(0.0 AS FLOAT64) + CASE
        WHEN NOT `b`.`ind.pickup_timely_rate.score` IS NULL
        THEN CAST(1.0 AS FLOAT64)
        ELSE CAST(0.0 AS FLOAT64)
      END + CASE
        WHEN NOT `b`.`ind.delivery_hours.score` IS NULL
        THEN CAST(1.0 AS FLOAT64)
        ELSE CAST(0.0 AS FLOAT64)
      END + CASE
        WHEN NOT `b`.`ind.logistics_quality_return_rate.score` IS NULL
        THEN CAST(1.0 AS FLOAT64)
        ELSE CAST(0.0 AS FLOAT64)
      END AS `wt.logistics`,
      CAST(0.0 AS FLOAT64) + CASE
        WHEN NOT `b`.`ind.im_dissatisfaction_rate.score` IS NULL
        THEN CAST(1.0 AS FLOAT64)
        ELSE CAST(0.0 AS FLOAT64)
      END + CASE
        WHEN NOT `b`.`ind.im_3min_response_rate.score` IS NULL
        THEN CAST(1.0 AS FLOAT64)
        ELSE CAST(0.0 AS FLOAT64)
      END + CASE
        WHEN NOT `b`.`ind.after_sales_hours.score` IS NULL
        THEN CAST(1.0 AS FLOAT64)
        ELSE CAST(0.0 AS FLOAT64)
      END AS `wt.service`
    FROM s2 AS b
  ), s3 AS (
    SELECT
      b.*,
      CASE
        WHEN `b`.`wt.product` > CAST(0.0 AS FLOAT64)
        THEN ROUND(
          CAST(0.0 AS FLOAT64) + COALESCE(
            (
              CAST(1.0 AS FLOAT64) / `b`.`wt.product`
            ) * `b`.`ind.negative_review_rate.score`,
            CAST(0.0 AS FLOAT64)
          ) + COALESCE(
            (
              CAST(1.0 AS FLOAT64) / `b`.`wt.product`
            ) * `b`.`ind.quality_return_rate.score`,
            CAST(0.0 AS FLOAT64)
          ),
          9
        )
      END AS `dim.product`,
      CASE
        WHEN `b`.`wt.logistics` > CAST(0.0 AS FLOAT64)
        THEN ROUND(
          CAST(0.0 AS FLOAT64) + COALESCE(
            (
              CAST(1.0 AS FLOAT64) / `b`.`wt.logistics`
            ) * `b`.`ind.pickup_timely_rate.score`,
            CAST(0.0 AS FLOAT64)
          ) + COALESCE(
            (
              CAST(1.0 AS FLOAT64) / `b`.`wt.logistics`
            ) * `b`.`ind.delivery_hours.score`,
            CAST(0.0 AS FLOAT64)
          ) + COALESCE(
            (
              CAST(1.0 AS FLOAT64) / `b`.`wt.logistics`
            ) * `b`.`ind.logistics_quality_return_rate.score`,
            CAST(0.0 AS FLOAT64)
          ),
          9
        )
      END AS `dim.logistics`,
      CASE
        WHEN `b`.`wt.service` > CAST(0.0 AS FLOAT64)
        THEN ROUND(
          CAST(0.0 AS FLOAT64) + COALESCE(
            (
              CAST(1.0 AS FLOAT64) / `b`.`wt.service`
            ) * `b`.`ind.im_dissatisfaction_rate.score`,
            CAST(0.0 AS FLOAT64)
          ) + COALESCE(
            (
              CAST(1.0 AS FLOAT64) / `b`.`wt.service`
            ) * `b`.`ind.im_3min_response_rate.score`,
            CAST(0.0 AS FLOAT64)
          ) + COALESCE(
            (
              CAST(1.0 AS FLOAT64) / `b`.`wt.service`
            ) * `b`.`ind.after_sales_hours.score`,
            CAST(0.0 AS FLOAT64)
          ),
          9
        )
      END AS `dim.service`
    FROM s3w AS b
  ), s4w AS (
    SELECT
      b.*,
      CAST(0.0 AS FLOAT64) + CASE
        WHEN NOT `b`.`dim.product` IS NULL
        THEN CAST(0.5 AS FLOAT64)
        ELSE CAST(0.0 AS FLOAT64)
      END + CASE
        WHEN NOT `b`.`dim.logistics` IS NULL
        THEN CAST(0.15 AS FLOAT64)
        ELSE CAST(0.0 AS FLOAT64)
      END + CASE
        WHEN NOT `b`.`dim.service` IS NULL
        THEN CAST(0.35 AS FLOAT64)
        ELSE CAST(0.0 AS FLOAT64)
      END AS `wt.total`
    FROM s3 AS b
  ), s4 AS (
    SELECT
      b.*,
      CASE
        WHEN `b`.`wt.total` > CAST(0.0 AS FLOAT64)
        THEN ROUND(
          CAST(0.0 AS FLOAT64) + COALESCE(
            (
              CAST(0.5 AS FLOAT64) / `b`.`wt.total`
            ) * `b`.`dim.product`,
            CAST(0.0 AS FLOAT64)
          ) + COALESCE(
            (
              CAST(0.15 AS FLOAT64) / `b`.`wt.total`
            ) * `b`.`dim.logistics`,
            CAST(0.0 AS FLOAT64)
          ) + COALESCE(
            (
              CAST(0.35 AS FLOAT64) / `b`.`wt.total`
            ) * `b`.`dim.service`,
            CAST(0.0 AS FLOAT64)
          ),
          9
        )
      END AS `raw_score`
    FROM s4w AS b
  ), s5 AS (
    SELECT
      b.*,
      ROUND(`b`.`raw_score`, 9) AS `score_pre`
    FROM s4 AS b
  ), s6a AS (
    SELECT
      b.*,
      CASE
        WHEN `b`.`is_open` AND NOT `b`.`score_pre` IS NULL
        THEN ROUND(
          CUME_DIST() OVER (
            PARTITION BY `b`.`m.category`, `b`.`is_open` AND NOT `b`.`score_pre` IS NULL
            ORDER BY `b`.`score_pre` NULLS LAST
          ),
          9
        )
      END AS `band_percentile`,
      CASE
        WHEN `b`.`is_open` AND NOT `b`.`score_pre` IS NULL
        THEN COUNT(*) OVER (PARTITION BY `b`.`m.category`, `b`.`is_open` AND NOT `b`.`score_pre` IS NULL)
      END AS `band_group_size`
    FROM s5 AS b
  ), s6b AS (
    SELECT
      b.*,
      CASE
        WHEN NOT `b`.`band_percentile` IS NULL
        THEN CASE
          WHEN `b`.`band_percentile` >= CAST(0.9 AS FLOAT64)
          THEN 0
          WHEN `b`.`band_percentile` >= CAST(0.7 AS FLOAT64)
          THEN 1
          WHEN `b`.`band_percentile` >= CAST(0.5 AS FLOAT64)
          THEN 2
          WHEN `b`.`band_percentile` >= CAST(0.3 AS FLOAT64)
          THEN 3
          WHEN `b`.`band_percentile` >= CAST(0.1 AS FLOAT64)
          THEN 4
          WHEN TRUE
          THEN 5
        END
      END AS `band_index`
    FROM s6a AS b
  ), s6c AS (
    SELECT
      b.*,
      CAST(NULL AS STRING) AS `gate`
    FROM s6b AS b
  ), s6d AS (
    SELECT
      b.*,
      `b`.`band_index` + CASE WHEN NOT `b`.`gate` IS NULL THEN 1 ELSE 0 END AS `final_index`,
      `b`.`score_pre` AS `score_before_bands`
    FROM s6c AS b
  ), s6e AS (
    SELECT
      b.*,
      RANK() OVER (
        PARTITION BY `b`.`m.category`, `b`.`final_index`
        ORDER BY `b`.`score_before_bands` NULLS LAST
      ) AS `band_rank`,
      COUNT(*) OVER (PARTITION BY `b`.`m.category`, `b`.`final_index`) AS `band_members`
    FROM s6d AS b
  ), s6f AS (
    SELECT
      b.*,
      CASE
        WHEN NOT `b`.`final_index` IS NULL
        THEN ROUND(
          CASE
            WHEN `b`.`final_index` = 0
            THEN CAST(4.9 AS FLOAT64)
            WHEN `b`.`final_index` = 1
            THEN CAST(4.8 AS FLOAT64)
            WHEN `b`.`final_index` = 2
            THEN CAST(4.7 AS FLOAT64)
            WHEN `b`.`final_index` = 3
            THEN CAST(4.5 AS FLOAT64)
            WHEN `b`.`final_index` = 4
            THEN CAST(4.0 AS FLOAT64)
            WHEN `b`.`final_index` = 5
            THEN CAST(3.0 AS FLOAT64)
          END + (
            CASE
              WHEN `b`.`final_index` = 0
              THEN CAST(5.0 AS FLOAT64)
              WHEN `b`.`final_index` = 1
              THEN CAST(4.9 AS FLOAT64)
              WHEN `b`.`final_index` = 2
              THEN CAST(4.8 AS FLOAT64)
              WHEN `b`.`final_index` = 3
              THEN CAST(4.7 AS FLOAT64)
              WHEN `b`.`final_index` = 4
              THEN CAST(4.5 AS FLOAT64)
              WHEN `b`.`final_index` = 5
              THEN CAST(4.0 AS FLOAT64)
            END - CASE
              WHEN `b`.`final_index` = 0
              THEN CAST(4.9 AS FLOAT64)
              WHEN `b`.`final_index` = 1
              THEN CAST(4.8 AS FLOAT64)
              WHEN `b`.`final_index` = 2
              THEN CAST(4.7 AS FLOAT64)
              WHEN `b`.`final_index` = 3
              THEN CAST(4.5 AS FLOAT64)
              WHEN `b`.`final_index` = 4
              THEN CAST(4.0 AS FLOAT64)
              WHEN `b`.`final_index` = 5
              THEN CAST(3.0 AS FLOAT64)
            END
          ) * CAST(`b`.`band_rank` - 1 AS FLOAT64) / `b`.`band_members`,
          9
        )
      END AS `score`,
      CASE
        WHEN `b`.`final_index` = 0
        THEN 'top'
        WHEN `b`.`final_index` = 1
        THEN 'upper'
        WHEN `b`.`final_index` = 2
        THEN 'good'
        WHEN `b`.`final_index` = 3
        THEN 'middle'
        WHEN `b`.`final_index` = 4
        THEN 'lower'
        WHEN `b`.`final_index` = 5
        THEN 'bottom'
      END AS `band`
    FROM s6e AS b
  ), s7 AS (
    SELECT
      b.*,
      CASE
        WHEN NOT `b`.`is_open`
        THEN 'not_open'
        WHEN `b`.`score` IS NULL
        THEN 'unrated'
        ELSE 'rated'
      END AS `status`
    FROM s6f AS b
  ), s8 AS (
    SELECT
      b.*,
      CASE WHEN NOT `b`.`is_open` THEN CAST(NULL AS STRING) END AS `tier`
    FROM s7 AS b
  ), s9 AS (
    SELECT
      b.*,
      '2022-09-20' AS `as_of_text`
    FROM s8 AS b
  )
  SELECT
    `b`.`merchant_id` AS merchant_id,
    CASE WHEN `b`.`is_open` THEN `b`.`score` END AS score,
    `b`.`tier` AS tier,
    `b`.`status` AS status,
    COALESCE('', '') AS consequences,
    CASE WHEN `b`.`is_open` THEN `b`.`dim.product` END AS `dim.product`,
    CASE WHEN `b`.`is_open` THEN `b`.`dim.logistics` END AS `dim.logistics`,
    CASE WHEN `b`.`is_open` THEN `b`.`dim.service` END AS `dim.service`,
    CASE WHEN `b`.`is_open` THEN `b`.`ind.negative_review_rate.value` END AS `ind.negative_review_rate.value`,
    CASE WHEN `b`.`is_open` THEN `b`.`ind.negative_review_rate.score` END AS `ind.negative_review_rate.score`,
    CASE WHEN `b`.`is_open` THEN `b`.`ind.quality_return_rate.value` END AS `ind.quality_return_rate.value`,
    CASE WHEN `b`.`is_open` THEN `b`.`ind.quality_return_rate.score` END AS `ind.quality_return_rate.score`,
    CASE WHEN `b`.`is_open` THEN `b`.`ind.pickup_timely_rate.value` END AS `ind.pickup_timely_rate.value`,
    CASE WHEN `b`.`is_open` THEN `b`.`ind.pickup_timely_rate.score` END AS `ind.pickup_timely_rate.score`,
    CASE WHEN `b`.`is_open` THEN `b`.`ind.delivery_hours.value` END AS `ind.delivery_hours.value`,
    CASE WHEN `b`.`is_open` THEN `b`.`ind.delivery_hours.score` END AS `ind.delivery_hours.score`,
    CASE WHEN `b`.`is_open` THEN `b`.`ind.logistics_quality_return_rate.value` END AS `ind.logistics_quality_return_rate.value`,
    CASE WHEN `b`.`is_open` THEN `b`.`ind.logistics_quality_return_rate.score` END AS `ind.logistics_quality_return_rate.score`,
    CASE WHEN `b`.`is_open` THEN `b`.`ind.im_dissatisfaction_rate.value` END AS `ind.im_dissatisfaction_rate.value`,
    CASE WHEN `b`.`is_open` THEN `b`.`ind.im_dissatisfaction_rate.score` END AS `ind.im_dissatisfaction_rate.score`,
    CASE WHEN `b`.`is_open` THEN `b`.`ind.im_3min_response_rate.value` END AS `ind.im_3min_response_rate.value`,
    CASE WHEN `b`.`is_open` THEN `b`.`ind.im_3min_response_rate.score` END AS `ind.im_3min_response_rate.score`,
    CASE WHEN `b`.`is_open` THEN `b`.`ind.after_sales_hours.value` END AS `ind.after_sales_hours.value`,
    CASE WHEN `b`.`is_open` THEN `b`.`ind.after_sales_hours.score` END AS `ind.after_sales_hours.score`,
    CASE WHEN `b`.`is_open` THEN `b`.`gate` END AS gate,
    CASE WHEN `b`.`is_open` THEN `b`.`band` END AS band,
    CASE WHEN `b`.`is_open` THEN `b`.`band_percentile` END AS band_percentile,
    CASE WHEN `b`.`is_open` THEN `b`.`raw_score` END AS raw_score
  FROM s9 AS b
  ORDER BY
    `b`.`merchant_id`
) AS q
LEFT JOIN (
  WITH m_shadow AS (
    SELECT
      `e`.`merchant_id` AS `m.merchant_id`,
      `e`.`opened_at` AS `m.opened_at`,
      `e`.`region` AS `m.region`,
      `e`.`category` AS `m.category`,
      `e`.`identity_verified` AS `m.identity_verified`,
      `e`.`strength_verified` AS `m.strength_verified`,
      `e`.`merchant_id` AS merchant_id,
      `e`.`opened_at` < CAST('2022-09-19 16:00:00.000000+00:00' AS TIMESTAMP) AS is_open
    FROM merchants AS e
  ), pop1_shadow AS (
    SELECT
      `t`.`merchant_id` AS merchant_id,
      COUNT(*) AS i0_den_0,
      COUNTIF(`t`.`stars` <= 2) AS i0_num_1
    FROM reviews AS t
    WHERE
      `t`.`rated_at` < CAST('2022-09-19 16:00:00.000000+00:00' AS TIMESTAMP)
      AND `t`.`rated_at` >= CAST('2022-06-21 16:00:00.000000+00:00' AS TIMESTAMP)
    GROUP BY
      `t`.`merchant_id`
  ), pop2_shadow AS (
    SELECT
      `t`.`merchant_id` AS merchant_id,
      COUNTIF(`t`.`paid_at` >= CAST('2022-06-21 16:00:00.000000+00:00' AS TIMESTAMP)) AS i1_den_0,
      COUNTIF(
        `t`.`paid_at` >= CAST('2022-06-21 16:00:00.000000+00:00' AS TIMESTAMP)
        AND `t`.`order_id` IN (
          SELECT
            `r1`.`order_id`
          FROM after_sales AS r1
          WHERE
            `r1`.`requested_at` < CAST('2022-09-19 16:00:00.000000+00:00' AS TIMESTAMP)
            AND `r1`.`reason` = 'quality'
        )
      ) AS i1_num_1,
      COUNTIF(
        `t`.`paid_at` >= CAST('2022-06-21 16:00:00.000000+00:00' AS TIMESTAMP)
        AND `t`.`paid_at` <= CAST('2022-09-17 16:00:00.000000+00:00' AS TIMESTAMP)
      ) AS i2_den_2,
      COUNTIF(
        `t`.`paid_at` >= CAST('2022-06-21 16:00:00.000000+00:00' AS TIMESTAMP)
        AND `t`.`paid_at` <= CAST('2022-09-17 16:00:00.000000+00:00' AS TIMESTAMP)
        AND (
          UNIX_MICROS(
            CASE
              WHEN `t`.`first_scan_at` < CAST('2022-09-19 16:00:00.000000+00:00' AS TIMESTAMP)
              THEN `t`.`first_scan_at`
            END
          ) - UNIX_MICROS(`t`.`paid_at`)
        ) <= 172800000000
      ) AS i2_num_3,
      SUM(
        IF(
          `t`.`paid_at` >= CAST('2022-06-21 16:00:00.000000+00:00' AS TIMESTAMP)
          AND (
            NOT UNIX_MICROS(
              CASE
                WHEN `t`.`delivered_at` < CAST('2022-09-19 16:00:00.000000+00:00' AS TIMESTAMP)
                THEN `t`.`delivered_at`
              END
            ) IS NULL
            AND NOT UNIX_MICROS(
              CASE
                WHEN `t`.`first_scan_at` < CAST('2022-09-19 16:00:00.000000+00:00' AS TIMESTAMP)
                THEN `t`.`first_scan_at`
              END
            ) IS NULL
          ),
          (
            UNIX_MICROS(
              CASE
                WHEN `t`.`delivered_at` < CAST('2022-09-19 16:00:00.000000+00:00' AS TIMESTAMP)
                THEN `t`.`delivered_at`
              END
            ) - UNIX_MICROS(
              CASE
                WHEN `t`.`first_scan_at` < CAST('2022-09-19 16:00:00.000000+00:00' AS TIMESTAMP)
                THEN `t`.`first_scan_at`
              END
            )
          ),
          NULL
        )
      ) AS i3_sum_4,
      COUNT(
        IF(
          `t`.`paid_at` >= CAST('2022-06-21 16:00:00.000000+00:00' AS TIMESTAMP)
          AND (
            NOT UNIX_MICROS(
              CASE
                WHEN `t`.`delivered_at` < CAST('2022-09-19 16:00:00.000000+00:00' AS TIMESTAMP)
                THEN `t`.`delivered_at`
              END
            ) IS NULL
            AND NOT UNIX_MICROS(
              CASE
                WHEN `t`.`first_scan_at` < CAST('2022-09-19 16:00:00.000000+00:00' AS TIMESTAMP)
                THEN `t`.`first_scan_at`
              END
            ) IS NULL
          ),
          (
            UNIX_MICROS(
              CASE
                WHEN `t`.`delivered_at` < CAST('2022-09-19 16:00:00.000000+00:00' AS TIMESTAMP)
                THEN `t`.`delivered_at`
              END
            ) - UNIX_MICROS(
              CASE
                WHEN `t`.`first_scan_at` < CAST('2022-09-19 16:00:00.000000+00:00' AS TIMESTAMP)
                THEN `t`.`first_scan_at`
              END
            )
          ),
          NULL
        )
      ) AS i3_n_5,
      COUNTIF(`t`.`paid_at` < CAST('2022-09-05 16:00:00.000000+00:00' AS TIMESTAMP)) AS i4_den_6,
      COUNTIF(
        `t`.`paid_at` < CAST('2022-09-05 16:00:00.000000+00:00' AS TIMESTAMP)
        AND EXISTS(
          SELECT
            1
          FROM feedback AS r2
          WHERE
            `r2`.`order_id` = `t`.`order_id`
            AND `r2`.`created_at` < CAST('2022-09-19 16:00:00.000000+00:00' AS TIMESTAMP)
            AND `r2`.`topic` = 'logistics'
            AND UNIX_MICROS(`r2`.`created_at`) - UNIX_MICROS(`t`.`paid_at`) BETWEEN 0 AND 1209600000000
        )
      ) AS i4_num_7
    FROM orders AS t
    WHERE
      `t`.`paid_at` < CAST('2022-09-19 16:00:00.000000+00:00' AS TIMESTAMP)
      AND NOT COALESCE(`t`.`is_fraud`, FALSE)
      AND `t`.`paid_at` >= CAST('2022-06-07 16:00:00.000000+00:00' AS TIMESTAMP)
    GROUP BY
      `t`.`merchant_id`
  ), pop3_shadow AS (
    SELECT
      `t`.`merchant_id` AS merchant_id,
      COUNTIF(NOT `t`.`rating` IS NULL AND NOT (
        COALESCE(`t`.`reported_malicious`, FALSE)
      )) AS i5_den_0,
      COUNTIF(
        (
          NOT `t`.`rating` IS NULL AND NOT (
            COALESCE(`t`.`reported_malicious`, FALSE)
          )
        )
        AND `t`.`rating` IN ('dissatisfied', 'very_dissatisfied')
      ) AS i5_num_1,
      COUNTIF(`t`.`started_at` <= CAST('2022-09-19 15:57:00.000000+00:00' AS TIMESTAMP)) AS i6_den_2,
      COUNTIF(
        `t`.`started_at` <= CAST('2022-09-19 15:57:00.000000+00:00' AS TIMESTAMP)
        AND (
          UNIX_MICROS(
            CASE
              WHEN `t`.`first_response_at` < CAST('2022-09-19 16:00:00.000000+00:00' AS TIMESTAMP)
              THEN `t`.`first_response_at`
            END
          ) - UNIX_MICROS(`t`.`started_at`)
        ) <= 180000000
      ) AS i6_num_3
    FROM im_sessions AS t
    WHERE
      `t`.`started_at` < CAST('2022-09-19 16:00:00.000000+00:00' AS TIMESTAMP)
      AND `t`.`started_at` >= CAST('2022-08-20 16:00:00.000000+00:00' AS TIMESTAMP)
    GROUP BY
      `t`.`merchant_id`
  ), pop4_shadow AS (
    SELECT
      `t`.`merchant_id` AS merchant_id,
      SUM(
        (
          UNIX_MICROS(
            CASE
              WHEN `t`.`completed_at` < CAST('2022-09-19 16:00:00.000000+00:00' AS TIMESTAMP)
              THEN `t`.`completed_at`
            END
          ) - UNIX_MICROS(`t`.`requested_at`)
        )
      ) AS i7_sum_0,
      COUNT(
        (
          UNIX_MICROS(
            CASE
              WHEN `t`.`completed_at` < CAST('2022-09-19 16:00:00.000000+00:00' AS TIMESTAMP)
              THEN `t`.`completed_at`
            END
          ) - UNIX_MICROS(`t`.`requested_at`)
        )
      ) AS i7_n_1
    FROM after_sales AS t
    WHERE
      `t`.`requested_at` < CAST('2022-09-19 16:00:00.000000+00:00' AS TIMESTAMP)
      AND `t`.`completed_at` < CAST('2022-09-19 16:00:00.000000+00:00' AS TIMESTAMP)
      AND `t`.`completed_at` >= CAST('2022-08-20 16:00:00.000000+00:00' AS TIMESTAMP)
    GROUP BY
      `t`.`merchant_id`
  ), s1_shadow AS (
    SELECT
      b.*,
      CASE
        WHEN COALESCE(`pop1_shadow`.`i0_den_0`, 0) > 0
        THEN ROUND(
          CAST(COALESCE(`pop1_shadow`.`i0_num_1`, 0) AS FLOAT64) / COALESCE(`pop1_shadow`.`i0_den_0`, 0),
          9
        )
      END AS `ind.negative_review_rate.value`,
      CASE
        WHEN COALESCE(`pop2_shadow`.`i1_den_0`, 0) > 0
        THEN ROUND(
          CAST(COALESCE(`pop2_shadow`.`i1_num_1`, 0) AS FLOAT64) / COALESCE(`pop2_shadow`.`i1_den_0`, 0),
          9
        )
      END AS `ind.quality_return_rate.value`,
      CASE
        WHEN COALESCE(`pop2_shadow`.`i2_den_2`, 0) > 0
        THEN ROUND(
          CAST(COALESCE(`pop2_shadow`.`i2_num_3`, 0) AS FLOAT64) / COALESCE(`pop2_shadow`.`i2_den_2`, 0),
          9
        )
      END AS `ind.pickup_timely_rate.value`,
      CASE
        WHEN COALESCE(`pop2_shadow`.`i3_n_5`, 0) > 0
        THEN ROUND(
          CAST(`pop2_shadow`.`i3_sum_4` AS FLOAT64) / `pop2_shadow`.`i3_n_5` / CAST(3600000000.0 AS FLOAT64),
          9
        )
      END AS `ind.delivery_hours.value`,
      CASE
        WHEN COALESCE(`pop2_shadow`.`i4_den_6`, 0) > 0
        THEN ROUND(
          CAST(COALESCE(`pop2_shadow`.`i4_num_7`, 0) AS FLOAT64) / COALESCE(`pop2_shadow`.`i4_den_6`, 0),
          9
        )
      END AS `ind.logistics_negative_feedback_rate.value`,
      CASE
        WHEN COALESCE(`pop3_shadow`.`i5_den_0`, 0) > 0
        THEN ROUND(
          CAST(COALESCE(`pop3_shadow`.`i5_num_1`, 0) AS FLOAT64) / COALESCE(`pop3_shadow`.`i5_den_0`, 0),
          9
        )
      END AS `ind.im_dissatisfaction_rate.value`,
      CASE
        WHEN COALESCE(`pop3_shadow`.`i6_den_2`, 0) > 0
        THEN ROUND(
          CAST(COALESCE(`pop3_shadow`.`i6_num_3`, 0) AS FLOAT64) / COALESCE(`pop3_shadow`.`i6_den_2`, 0),
          9
        )
      END AS `ind.im_3min_response_rate.value`,
      CASE
        WHEN COALESCE(`pop4_shadow`.`i7_n_1`, 0) > 0
        THEN ROUND(
          CAST(`pop4_shadow`.`i7_sum_0` AS FLOAT64) / `pop4_shadow`.`i7_n_1` / CAST(3600000000.0 AS FLOAT64),
          9
        )
      END AS `ind.after_sales_hours.value`
    FROM m_shadow AS b
    LEFT JOIN pop1_shadow
      ON `pop1_shadow`.`merchant_id` = `b`.`merchant_id`
    LEFT JOIN pop2_shadow
      ON `pop2_shadow`.`merchant_id` = `b`.`merchant_id`
    LEFT JOIN pop3_shadow
      ON `pop3_shadow`.`merchant_id` = `b`.`merchant_id`
    LEFT JOIN pop4_shadow
      ON `pop4_shadow`.`merchant_id` = `b`.`merchant_id`
  ), s2_shadow AS (
    SELECT
      b.*,
      CASE
        WHEN `b`.`ind.negative_review_rate.value` IS NULL
        THEN NULL
        ELSE CASE
          WHEN `b`.`ind.negative_review_rate.value` <= CAST(0.01 AS FLOAT64)
          THEN CAST(100.0 AS FLOAT64)
          WHEN `b`.`ind.negative_review_rate.value` <= CAST(0.1 AS FLOAT64)
          THEN ROUND(
            CAST(100.0 AS FLOAT64) + (
              `b`.`ind.negative_review_rate.value` - CAST(0.01 AS FLOAT64)
            ) / CAST(0.09000000000000001 AS FLOAT64) * -CAST(100.0 AS FLOAT64),
            9
          )
          ELSE CAST(0.0 AS FLOAT64)
        END
      END AS `ind.negative_review_rate.score`,
      CASE
        WHEN `b`.`ind.quality_return_rate.value` IS NULL
        THEN NULL
        ELSE CASE
          WHEN `b`.`ind.quality_return_rate.value` <= CAST(0.005 AS FLOAT64)
          THEN CAST(100.0 AS FLOAT64)
          WHEN `b`.`ind.quality_return_rate.value` <= CAST(0.08 AS FLOAT64)
          THEN ROUND(
            CAST(100.0 AS FLOAT64) + (
              `b`.`ind.quality_return_rate.value` - CAST(0.005 AS FLOAT64)
            ) / CAST(0.075 AS FLOAT64) * -CAST(100.0 AS FLOAT64),
            9
          )
          ELSE CAST(0.0 AS FLOAT64)
        END
      END AS `ind.quality_return_rate.score`,
      CASE
        WHEN `b`.`ind.pickup_timely_rate.value` IS NULL
        THEN NULL
        ELSE CASE
          WHEN `b`.`ind.pickup_timely_rate.value` <= CAST(0.7 AS FLOAT64)
          THEN CAST(0.0 AS FLOAT64)
          WHEN `b`.`ind.pickup_timely_rate.value` <= CAST(0.98 AS FLOAT64)
          THEN ROUND(
            CAST(0.0 AS FLOAT64) + (
              `b`.`ind.pickup_timely_rate.value` - CAST(0.7 AS FLOAT64)
            ) / CAST(0.28 AS FLOAT64) * CAST(100.0 AS FLOAT64),
            9
          )
          ELSE CAST(100.0 AS FLOAT64)
        END
      END AS `ind.pickup_timely_rate.score`,
      CASE
        WHEN `b`.`ind.delivery_hours.value` IS NULL
        THEN NULL
        ELSE CASE
          WHEN `b`.`ind.delivery_hours.value` <= CAST(48.0 AS FLOAT64)
          THEN CAST(100.0 AS FLOAT64)
          WHEN `b`.`ind.delivery_hours.value` <= CAST(168.0 AS FLOAT64)
          THEN ROUND(
            CAST(100.0 AS FLOAT64) + (
              `b`.`ind.delivery_hours.value` - CAST(48.0 AS FLOAT64)
            ) / CAST(120.0 AS FLOAT64) * -CAST(100.0 AS FLOAT64),
            9
          )
          ELSE CAST(0.0 AS FLOAT64)
        END
      END AS `ind.delivery_hours.score`,
      CASE
        WHEN `b`.`ind.logistics_negative_feedback_rate.value` IS NULL
        THEN NULL
        ELSE CASE
          WHEN `b`.`ind.logistics_negative_feedback_rate.value` <= CAST(0.01 AS FLOAT64)
          THEN CAST(100.0 AS FLOAT64)
          WHEN `b`.`ind.logistics_negative_feedback_rate.value` <= CAST(0.1 AS FLOAT64)
          THEN ROUND(
            CAST(100.0 AS FLOAT64) + (
              `b`.`ind.logistics_negative_feedback_rate.value` - CAST(0.01 AS FLOAT64)
            ) / CAST(0.09000000000000001 AS FLOAT64) * -CAST(100.0 AS FLOAT64),
            9
          )
          ELSE CAST(0.0 AS FLOAT64)
        END
      END AS `ind.logistics_negative_feedback_rate.score`,
      CASE
        WHEN `b`.`ind.im_dissatisfaction_rate.value` IS NULL
        THEN NULL
        ELSE CASE
          WHEN `b`.`ind.im_dissatisfaction_rate.value` <= CAST(0.05 AS FLOAT64)
          THEN CAST(100.0 AS FLOAT64)
          WHEN `b`.`ind.im_dissatisfaction_rate.value` <= CAST(0.3 AS FLOAT64)
          THEN ROUND(
            CAST(100.0 AS FLOAT64) + (
              `b`.`ind.im_dissatisfaction_rate.value` - CAST(0.05 AS FLOAT64)
            ) / CAST(0.25 AS FLOAT64) * -CAST(100.0 AS FLOAT64),
            9
          )
          ELSE CAST(0.0 AS FLOAT64)
        END
      END AS `ind.im_dissatisfaction_rate.score`,
      CASE
        WHEN `b`.`ind.im_3min_response_rate.value` IS NULL
        THEN NULL
        ELSE CASE
          WHEN `b`.`ind.im_3min_response_rate.value` <= CAST(0.5 AS FLOAT64)
          THEN CAST(0.0 AS FLOAT64)
          WHEN `b`.`ind.im_3min_response_rate.value` <= CAST(0.95 AS FLOAT64)
          THEN ROUND(
            CAST(0.0 AS FLOAT64) + (
              `b`.`ind.im_3min_response_rate.value` - CAST(0.5 AS FLOAT64)
            ) / CAST(0.44999999999999996 AS FLOAT64) * CAST(100.0 AS FLOAT64),
            9
          )
          ELSE CAST(100.0 AS FLOAT64)
        END
      END AS `ind.im_3min_response_rate.score`,
      CASE
        WHEN `b`.`ind.after_sales_hours.value` IS NULL
        THEN NULL
        ELSE CASE
          WHEN `b`.`ind.after_sales_hours.value` <= CAST(24.0 AS FLOAT64)
          THEN CAST(100.0 AS FLOAT64)
          WHEN `b`.`ind.after_sales_hours.value` <= CAST(120.0 AS FLOAT64)
          THEN ROUND(
            CAST(100.0 AS FLOAT64) + (
              `b`.`ind.after_sales_hours.value` - CAST(24.0 AS FLOAT64)
            ) / CAST(96.0 AS FLOAT64) * -CAST(100.0 AS FLOAT64),
            9
          )
          ELSE CAST(0.0 AS FLOAT64)
        END
      END AS `ind.after_sales_hours.score`
    FROM s1_shadow AS b
  ), s3w_shadow AS (
    SELECT
      b.*,
      CAST(0.0 AS FLOAT64) + CASE
        WHEN NOT `b`.`ind.negative_review_rate.score` IS NULL
        THEN CAST(1.0 AS FLOAT64)
        ELSE CAST(0.0 AS FLOAT64)
      END + CASE
        WHEN NOT `b`.`ind.quality_return_rate.score` IS NULL
        THEN CAST(1.0 AS FLOAT64)
        ELSE CAST(0.0 AS FLOAT64)
      END AS `wt.product`,
      CAST(0.0 AS FLOAT64) + CASE
        WHEN NOT `b`.`ind.pickup_timely_rate.score` IS NULL
        THEN CAST(1.0 AS FLOAT64)
        ELSE CAST(0.0 AS FLOAT64)
      END + CASE
        WHEN NOT `b`.`ind.delivery_hours.score` IS NULL
        THEN CAST(1.0 AS FLOAT64)
        ELSE CAST(0.0 AS FLOAT64)
      END + CASE
        WHEN NOT `b`.`ind.logistics_negative_feedback_rate.score` IS NULL
        THEN CAST(1.0 AS FLOAT64)
        ELSE CAST(0.0 AS FLOAT64)
      END AS `wt.logistics`,
      CAST(0.0 AS FLOAT64) + CASE
        WHEN NOT `b`.`ind.im_dissatisfaction_rate.score` IS NULL
        THEN CAST(1.0 AS FLOAT64)
        ELSE CAST(0.0 AS FLOAT64)
      END + CASE
        WHEN NOT `b`.`ind.im_3min_response_rate.score` IS NULL
        THEN CAST(1.0 AS FLOAT64)
        ELSE CAST(0.0 AS FLOAT64)
      END + CASE
        WHEN NOT `b`.`ind.after_sales_hours.score` IS NULL
        THEN CAST(1.0 AS FLOAT64)
        ELSE CAST(0.0 AS FLOAT64)
      END AS `wt.service`
    FROM s2_shadow AS b
  ), s3_shadow AS (
    SELECT
      b.*,
      CASE
        WHEN `b`.`wt.product` > CAST(0.0 AS FLOAT64)
        THEN ROUND(
          CAST(0.0 AS FLOAT64) + COALESCE(
            (
              CAST(1.0 AS FLOAT64) / `b`.`wt.product`
            ) * `b`.`ind.negative_review_rate.score`,
            CAST(0.0 AS FLOAT64)
          ) + COALESCE(
            (
              CAST(1.0 AS FLOAT64) / `b`.`wt.product`
            ) * `b`.`ind.quality_return_rate.score`,
            CAST(0.0 AS FLOAT64)
          ),
          9
        )
      END AS `dim.product`,
      CASE
        WHEN `b`.`wt.logistics` > CAST(0.0 AS FLOAT64)
        THEN ROUND(
          CAST(0.0 AS FLOAT64) + COALESCE(
            (
              CAST(1.0 AS FLOAT64) / `b`.`wt.logistics`
            ) * `b`.`ind.pickup_timely_rate.score`,
            CAST(0.0 AS FLOAT64)
          ) + COALESCE(
            (
              CAST(1.0 AS FLOAT64) / `b`.`wt.logistics`
            ) * `b`.`ind.delivery_hours.score`,
            CAST(0.0 AS FLOAT64)
          ) + COALESCE(
            (
              CAST(1.0 AS FLOAT64) / `b`.`wt.logistics`
            ) * `b`.`ind.logistics_negative_feedback_rate.score`,
            CAST(0.0 AS FLOAT64)
          ),
          9
        )
      END AS `dim.logistics`,
      CASE
        WHEN `b`.`wt.service` > CAST(0.0 AS FLOAT64)
        THEN ROUND(
          CAST(0.0 AS FLOAT64) + COALESCE(
            (
              CAST(1.0 AS FLOAT64) / `b`.`wt.service`
            ) * `b`.`ind.im_dissatisfaction_rate.score`,
            CAST(0.0 AS FLOAT64)
          ) + COALESCE(
            (
              CAST(1.0 AS FLOAT64) / `b`.`wt.service`
            ) * `b`.`ind.im_3min_response_rate.score`,
            CAST(0.0 AS FLOAT64)
          ) + COALESCE(
            (
              CAST(1.0 AS FLOAT64) / `b`.`wt.service`
            ) * `b`.`ind.after_sales_hours.score`,
            CAST(0.0 AS FLOAT64)
          ),
          9
        )
      END AS `dim.service`
    FROM s3w_shadow AS b
  ), s4w_shadow AS (
    SELECT
      b.*,
      CAST(0.0 AS FLOAT64) + CASE
        WHEN NOT `b`.`dim.product` IS NULL
        THEN CAST(0.5 AS FLOAT64)
        ELSE CAST(0.0 AS FLOAT64)
      END + CASE
        WHEN NOT `b`.`dim.logistics` IS NULL
        THEN CAST(0.15 AS FLOAT64)
        ELSE CAST(0.0 AS FLOAT64)
      END + CASE
        WHEN NOT `b`.`dim.service` IS NULL
        THEN CAST(0.35 AS FLOAT64)
        ELSE CAST(0.0 AS FLOAT64)
      END AS `wt.total`
    FROM s3_shadow AS b
  ), s4_shadow AS (
    SELECT
      b.*,
      CASE
        WHEN `b`.`wt.total` > CAST(0.0 AS FLOAT64)
        THEN ROUND(
          CAST(0.0 AS FLOAT64) + COALESCE(
            (
              CAST(0.5 AS FLOAT64) / `b`.`wt.total`
            ) * `b`.`dim.product`,
            CAST(0.0 AS FLOAT64)
          ) + COALESCE(
            (
              CAST(0.15 AS FLOAT64) / `b`.`wt.total`
            ) * `b`.`dim.logistics`,
            CAST(0.0 AS FLOAT64)
          ) + COALESCE(
            (
              CAST(0.35 AS FLOAT64) / `b`.`wt.total`
            ) * `b`.`dim.service`,
            CAST(0.0 AS FLOAT64)
          ),
          9
        )
      END AS `raw_score`
    FROM s4w_shadow AS b
  ), s5_shadow AS (
    SELECT
      b.*,
      ROUND(`b`.`raw_score`, 9) AS `score_pre`
    FROM s4_shadow AS b
  ), s6a_shadow AS (
    SELECT
      b.*,
      CASE
        WHEN `b`.`is_open` AND NOT `b`.`score_pre` IS NULL
        THEN ROUND(
          CUME_DIST() OVER (
            PARTITION BY `b`.`m.category`, `b`.`is_open` AND NOT `b`.`score_pre` IS NULL
            ORDER BY `b`.`score_pre` NULLS LAST
          ),
          9
        )
      END AS `band_percentile`,
      CASE
        WHEN `b`.`is_open` AND NOT `b`.`score_pre` IS NULL
        THEN COUNT(*) OVER (PARTITION BY `b`.`m.category`, `b`.`is_open` AND NOT `b`.`score_pre` IS NULL)
      END AS `band_group_size`
    FROM s5_shadow AS b
  ), s6b_shadow AS (
    SELECT
      b.*,
      CASE
        WHEN NOT `b`.`band_percentile` IS NULL
        THEN CASE
          WHEN `b`.`band_percentile` >= CAST(0.9 AS FLOAT64)
          THEN 0
          WHEN `b`.`band_percentile` >= CAST(0.7 AS FLOAT64)
          THEN 1
          WHEN `b`.`band_percentile` >= CAST(0.5 AS FLOAT64)
          THEN 2
          WHEN `b`.`band_percentile` >= CAST(0.3 AS FLOAT64)
          THEN 3
          WHEN `b`.`band_percentile` >= CAST(0.1 AS FLOAT64)
          THEN 4
          WHEN TRUE
          THEN 5
        END
      END AS `band_index`
    FROM s6a_shadow AS b
  ), s6c_shadow AS (
    SELECT
      b.*,
      CASE
        WHEN COALESCE(`b`.`band_index` IN (0, 1), FALSE)
        AND COALESCE(`b`.`ind.im_dissatisfaction_rate.value` >= CAST(0.15 AS FLOAT64), FALSE)
        THEN 'im_dissatisfaction'
      END AS `gate`
    FROM s6b_shadow AS b
  ), s6d_shadow AS (
    SELECT
      b.*,
      `b`.`band_index` + CASE WHEN NOT `b`.`gate` IS NULL THEN 1 ELSE 0 END AS `final_index`,
      `b`.`score_pre` AS `score_before_bands`
    FROM s6c_shadow AS b
  ), s6e_shadow AS (
    SELECT
      b.*,
      RANK() OVER (
        PARTITION BY `b`.`m.category`, `b`.`final_index`
        ORDER BY `b`.`score_before_bands` NULLS LAST
      ) AS `band_rank`,
      COUNT(*) OVER (PARTITION BY `b`.`m.category`, `b`.`final_index`) AS `band_members`
    FROM s6d_shadow AS b
  ), s6f_shadow AS (
    SELECT
      b.*,
      CASE
        WHEN NOT `b`.`final_index` IS NULL
        THEN ROUND(
          CASE
            WHEN `b`.`final_index` = 0
            THEN CAST(4.9 AS FLOAT64)
            WHEN `b`.`final_index` = 1
            THEN CAST(4.8 AS FLOAT64)
            WHEN `b`.`final_index` = 2
            THEN CAST(4.7 AS FLOAT64)
            WHEN `b`.`final_index` = 3
            THEN CAST(4.5 AS FLOAT64)
            WHEN `b`.`final_index` = 4
            THEN CAST(4.0 AS FLOAT64)
            WHEN `b`.`final_index` = 5
            THEN CAST(3.0 AS FLOAT64)
          END + (
            CASE
              WHEN `b`.`final_index` = 0
              THEN CAST(5.0 AS FLOAT64)
              WHEN `b`.`final_index` = 1
              THEN CAST(4.9 AS FLOAT64)
              WHEN `b`.`final_index` = 2
              THEN CAST(4.8 AS FLOAT64)
              WHEN `b`.`final_index` = 3
              THEN CAST(4.7 AS FLOAT64)
              WHEN `b`.`final_index` = 4
              THEN CAST(4.5 AS FLOAT64)
              WHEN `b`.`final_index` = 5
              THEN CAST(4.0 AS FLOAT64)
            END - CASE
              WHEN `b`.`final_index` = 0
              THEN CAST(4.9 AS FLOAT64)
              WHEN `b`.`final_index` = 1
              THEN CAST(4.8 AS FLOAT64)
              WHEN `b`.`final_index` = 2
              THEN CAST(4.7 AS FLOAT64)
              WHEN `b`.`final_index` = 3
              THEN CAST(4.5 AS FLOAT64)
              WHEN `b`.`final_index` = 4
              THEN CAST(4.0 AS FLOAT64)
              WHEN `b`.`final_index` = 5
              THEN CAST(3.0 AS FLOAT64)
            END
          ) * CAST(`b`.`band_rank` - 1 AS FLOAT64) / `b`.`band_members`,
          9
        )
      END AS `score`,
      CASE
        WHEN `b`.`final_index` = 0
        THEN 'top'
        WHEN `b`.`final_index` = 1
        THEN 'upper'
        WHEN `b`.`final_index` = 2
        THEN 'good'
        WHEN `b`.`final_index` = 3
        THEN 'middle'
        WHEN `b`.`final_index` = 4
        THEN 'lower'
        WHEN `b`.`final_index` = 5
        THEN 'bottom'
      END AS `band`
    FROM s6e_shadow AS b
  ), s7_shadow AS (
    SELECT
      b.*,
      CASE
        WHEN NOT `b`.`is_open`
        THEN 'not_open'
        WHEN `b`.`score` IS NULL
        THEN 'unrated'
        ELSE 'rated'
      END AS `status`
    FROM s6f_shadow AS b
  ), s8_shadow AS (
    SELECT
      b.*,
      CASE WHEN NOT `b`.`is_open` THEN CAST(NULL AS STRING) END AS `tier`
    FROM s7_shadow AS b
  ), s9_shadow AS (
    SELECT
      b.*,
      '2022-09-20' AS `as_of_text`
    FROM s8_shadow AS b
  )
  SELECT
    `b`.`merchant_id` AS merchant_id,
    CASE WHEN `b`.`is_open` THEN `b`.`score` END AS score,
    `b`.`tier` AS tier,
    `b`.`status` AS status,
    COALESCE('', '') AS consequences,
    CASE WHEN `b`.`is_open` THEN `b`.`dim.product` END AS `dim.product`,
    CASE WHEN `b`.`is_open` THEN `b`.`dim.logistics` END AS `dim.logistics`,
    CASE WHEN `b`.`is_open` THEN `b`.`dim.service` END AS `dim.service`,
    CASE WHEN `b`.`is_open` THEN `b`.`ind.negative_review_rate.value` END AS `ind.negative_review_rate.value`,
    CASE WHEN `b`.`is_open` THEN `b`.`ind.negative_review_rate.score` END AS `ind.negative_review_rate.score`,
    CASE WHEN `b`.`is_open` THEN `b`.`ind.quality_return_rate.value` END AS `ind.quality_return_rate.value`,
    CASE WHEN `b`.`is_open` THEN `b`.`ind.quality_return_rate.score` END AS `ind.quality_return_rate.score`,
    CASE WHEN `b`.`is_open` THEN `b`.`ind.pickup_timely_rate.value` END AS `ind.pickup_timely_rate.value`,
    CASE WHEN `b`.`is_open` THEN `b`.`ind.pickup_timely_rate.score` END AS `ind.pickup_timely_rate.score`,
    CASE WHEN `b`.`is_open` THEN `b`.`ind.delivery_hours.value` END AS `ind.delivery_hours.value`,
    CASE WHEN `b`.`is_open` THEN `b`.`ind.delivery_hours.score` END AS `ind.delivery_hours.score`,
    CASE WHEN `b`.`is_open` THEN `b`.`ind.logistics_negative_feedback_rate.value` END AS `ind.logistics_negative_feedback_rate.value`,
    CASE WHEN `b`.`is_open` THEN `b`.`ind.logistics_negative_feedback_rate.score` END AS `ind.logistics_negative_feedback_rate.score`,
    CASE WHEN `b`.`is_open` THEN `b`.`ind.im_dissatisfaction_rate.value` END AS `ind.im_dissatisfaction_rate.value`,
    CASE WHEN `b`.`is_open` THEN `b`.`ind.im_dissatisfaction_rate.score` END AS `ind.im_dissatisfaction_rate.score`,
    CASE WHEN `b`.`is_open` THEN `b`.`ind.im_3min_response_rate.value` END AS `ind.im_3min_response_rate.value`,
    CASE WHEN `b`.`is_open` THEN `b`.`ind.im_3min_response_rate.score` END AS `ind.im_3min_response_rate.score`,
    CASE WHEN `b`.`is_open` THEN `b`.`ind.after_sales_hours.value` END AS `ind.after_sales_hours.value`,
    CASE WHEN `b`.`is_open` THEN `b`.`ind.after_sales_hours.score` END AS `ind.after_sales_hours.score`,
    CASE WHEN `b`.`is_open` THEN `b`.`gate` END AS gate,
    CASE WHEN `b`.`is_open` THEN `b`.`band` END AS band,
    CASE WHEN `b`.`is_open` THEN `b`.`band_percentile` END AS band_percentile,
    CASE WHEN `b`.`is_open` THEN `b`.`raw_score` END AS raw_score
  FROM s9_shadow AS b
  ORDER BY
    `b`.`merchant_id`
) AS s
  ON s.merchant_id = q.merchant_id
ORDER BY
  q.merchant_id;
