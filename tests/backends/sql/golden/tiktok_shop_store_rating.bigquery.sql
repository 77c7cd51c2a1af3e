WITH m AS (
  SELECT
    `e`.`merchant_id` AS `m.merchant_id`,
    `e`.`opened_at` AS `m.opened_at`,
    `e`.`region` AS `m.region`,
    `e`.`category` AS `m.category`,
    `e`.`identity_verified` AS `m.identity_verified`,
    `e`.`strength_verified` AS `m.strength_verified`,
    `e`.`merchant_id` AS merchant_id,
    `e`.`opened_at` < CAST('2024-06-03 00:00:00.000000+00:00' AS TIMESTAMP) AS is_open
  FROM merchants AS e
), pop1 AS (
  SELECT
    `t`.`merchant_id` AS merchant_id,
    COUNT(*) AS i0_den_0,
    COUNTIF(
      `t`.`order_id` IN (
        SELECT
          `r1`.`order_id`
        FROM reviews AS r1
        WHERE
          `r1`.`rated_at` < CAST('2024-06-03 00:00:00.000000+00:00' AS TIMESTAMP)
          AND `r1`.`stars` <= 2
      )
    ) AS i0_num_1,
    COUNT(*) AS i1_den_2,
    COUNTIF(
      `t`.`order_id` IN (
        SELECT
          `r2`.`order_id`
        FROM after_sales AS r2
        WHERE
          `r2`.`requested_at` < CAST('2024-06-03 00:00:00.000000+00:00' AS TIMESTAMP)
          AND `r2`.`kind` = 'return_refund'
      )
    ) AS i1_num_3,
    COUNT(*) AS i2_den_4,
    COUNTIF(
      `t`.`order_id` IN (
        SELECT
          `r3`.`order_id`
        FROM complaints AS r3
        WHERE
          `r3`.`created_at` < CAST('2024-06-03 00:00:00.000000+00:00' AS TIMESTAMP)
          AND `r3`.`kind` = 'not_as_described'
      )
    ) AS i2_num_5,
    COUNTIF(`t`.`paid_at` <= CAST('2024-05-31 00:00:00.000000+00:00' AS TIMESTAMP)) AS i3_den_6,
    COUNTIF(
      `t`.`paid_at` <= CAST('2024-05-31 00:00:00.000000+00:00' AS TIMESTAMP)
      AND (
        UNIX_MICROS(
          CASE
            WHEN `t`.`first_scan_at` < CAST('2024-06-03 00:00:00.000000+00:00' AS TIMESTAMP)
            THEN `t`.`first_scan_at`
          END
        ) - UNIX_MICROS(`t`.`paid_at`)
      ) <= 259200000000
    ) AS i3_num_7,
    COUNT(*) AS i5_den_8,
    COUNTIF(
      `t`.`order_id` IN (
        SELECT
          `r4`.`order_id`
        FROM complaints AS r4
        WHERE
          `r4`.`created_at` < CAST('2024-06-03 00:00:00.000000+00:00' AS TIMESTAMP)
          AND `r4`.`kind` = 'logistics'
      )
    ) AS i5_num_9,
    COUNT(*) AS i7_den_10,
    COUNTIF(
      `t`.`order_id` IN (
        SELECT
          `r5`.`order_id`
        FROM disputes AS r5
        WHERE
          `r5`.`opened_at` < CAST('2024-06-03 00:00:00.000000+00:00' AS TIMESTAMP)
      )
    ) AS i7_num_11,
    SUM(`t`.`amount`) AS v12_sum_12,
    COUNT(`t`.`amount`) AS v12_c_13
  FROM orders AS t
  WHERE
    `t`.`paid_at` < CAST('2024-06-03 00:00:00.000000+00:00' AS TIMESTAMP)
    AND NOT COALESCE(`t`.`is_fraud`, FALSE)
    AND `t`.`paid_at` >= CAST('2024-05-04 00:00:00.000000+00:00' AS TIMESTAMP)
  GROUP BY
    `t`.`merchant_id`
), pop2 AS (
  SELECT
    `t`.`merchant_id` AS merchant_id,
    COUNT(*) AS i4_den_0,
    COUNTIF(
      NOT UNIX_MICROS(
        CASE
          WHEN `t`.`delivered_at` < CAST('2024-06-03 00:00:00.000000+00:00' AS TIMESTAMP)
          THEN `t`.`delivered_at`
        END
      ) IS NULL
    ) AS i4_num_1
  FROM orders AS t
  WHERE
    `t`.`paid_at` < CAST('2024-06-03 00:00:00.000000+00:00' AS TIMESTAMP)
    AND NOT COALESCE(`t`.`is_fraud`, FALSE)
    AND `t`.`shipped_at` >= CAST('2024-05-04 00:00:00.000000+00:00' AS TIMESTAMP)
    AND `t`.`shipped_at` <= CAST('2024-05-27 00:00:00.000000+00:00' AS TIMESTAMP)
  GROUP BY
    `t`.`merchant_id`
), pop3 AS (
  SELECT
    `t`.`merchant_id` AS merchant_id,
    COUNT(*) AS i6_den_0,
    COUNTIF(
      (
        UNIX_MICROS(
          CASE
            WHEN `t`.`first_response_at` < CAST('2024-06-03 00:00:00.000000+00:00' AS TIMESTAMP)
            THEN `t`.`first_response_at`
          END
        ) - UNIX_MICROS(`t`.`started_at`)
      ) <= 86400000000
    ) AS i6_num_1
  FROM im_sessions AS t
  WHERE
    `t`.`started_at` < CAST('2024-06-03 00:00:00.000000+00:00' AS TIMESTAMP)
    AND `t`.`started_at` >= CAST('2024-05-04 00:00:00.000000+00:00' AS TIMESTAMP)
    AND `t`.`started_at` <= CAST('2024-06-02 00:00:00.000000+00:00' AS TIMESTAMP)
  GROUP BY
    `t`.`merchant_id`
), pop4 AS (
  SELECT
    `t`.`merchant_id` AS merchant_id,
    SUM(
      (
        UNIX_MICROS(
          CASE
            WHEN `t`.`completed_at` < CAST('2024-06-03 00:00:00.000000+00:00' AS TIMESTAMP)
            THEN `t`.`completed_at`
          END
        ) - UNIX_MICROS(`t`.`requested_at`)
      )
    ) AS i8_sum_0,
    COUNT(
      (
        UNIX_MICROS(
          CASE
            WHEN `t`.`completed_at` < CAST('2024-06-03 00:00:00.000000+00:00' AS TIMESTAMP)
            THEN `t`.`completed_at`
          END
        ) - UNIX_MICROS(`t`.`requested_at`)
      )
    ) AS i8_n_1
  FROM after_sales AS t
  WHERE
    `t`.`requested_at` < CAST('2024-06-03 00:00:00.000000+00:00' AS TIMESTAMP)
    AND `t`.`completed_at` < CAST('2024-06-03 00:00:00.000000+00:00' AS TIMESTAMP)
    AND `t`.`completed_at` >= CAST('2024-05-04 00:00:00.000000+00:00' AS TIMESTAMP)
  GROUP BY
    `t`.`merchant_id`
), pop5 AS (
  SELECT
    `t`.`merchant_id` AS merchant_id,
    COUNT(*) AS i9_den_0,
    COUNTIF(
      `j7`.`latest` >= CASE
        WHEN `t`.`delivered_at` < CAST('2024-06-03 00:00:00.000000+00:00' AS TIMESTAMP)
        THEN `t`.`delivered_at`
      END
    ) AS i9_num_1
  FROM orders AS t
  LEFT JOIN (
    SELECT
      `r6`.`order_id` AS link,
      MAX(`r6`.`requested_at`) AS latest
    FROM after_sales AS r6
    WHERE
      `r6`.`requested_at` < CAST('2024-06-03 00:00:00.000000+00:00' AS TIMESTAMP)
      AND `r6`.`requested_at` >= CAST('2024-05-04 00:00:00.000000+00:00' AS TIMESTAMP)
      AND `r6`.`kind` = 'return_refund'
    GROUP BY
      `r6`.`order_id`
  ) AS j7
    ON `j7`.`link` = `t`.`order_id`
  WHERE
    `t`.`paid_at` < CAST('2024-06-03 00:00:00.000000+00:00' AS TIMESTAMP)
    AND NOT COALESCE(`t`.`is_fraud`, FALSE)
    AND `t`.`delivered_at` < CAST('2024-06-03 00:00:00.000000+00:00' AS TIMESTAMP)
    AND `t`.`delivered_at` >= CAST('2024-05-04 00:00:00.000000+00:00' AS TIMESTAMP)
  GROUP BY
    `t`.`merchant_id`
), pop6 AS (
  SELECT
    `t`.`merchant_id` AS merchant_id,
    COUNT(*) AS i10_den_0,
    COUNTIF(`t`.`platform_intervened`) AS i10_num_1
  FROM after_sales AS t
  WHERE
    `t`.`requested_at` < CAST('2024-06-03 00:00:00.000000+00:00' AS TIMESTAMP)
    AND `t`.`requested_at` >= CAST('2024-05-04 00:00:00.000000+00:00' AS TIMESTAMP)
  GROUP BY
    `t`.`merchant_id`
), pop7 AS (
  SELECT
    `t`.`merchant_id` AS merchant_id,
    COUNTIF(`t`.`nps` >= 9) AS i11_p_0,
    COUNTIF(`t`.`nps` <= 6) AS i11_d_1,
    COUNT(`t`.`nps`) AS i11_c_2
  FROM surveys AS t
  WHERE
    `t`.`answered_at` < CAST('2024-06-03 00:00:00.000000+00:00' AS TIMESTAMP)
    AND `t`.`answered_at` >= CAST('2024-05-04 00:00:00.000000+00:00' AS TIMESTAMP)
  GROUP BY
    `t`.`merchant_id`
), pop8 AS (
  SELECT
    `t`.`merchant_id` AS merchant_id,
    COUNTIF(`t`.`kind` = 'cashback_card') AS d13_0
  FROM violations AS t
  WHERE
    `t`.`confirmed_at` < CAST('2024-06-03 00:00:00.000000+00:00' AS TIMESTAMP)
    AND `t`.`confirmed_at` >= CAST('2024-05-04 00:00:00.000000+00:00' AS TIMESTAMP)
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
      WHEN COALESCE(`pop1`.`i1_den_2`, 0) > 0
      THEN ROUND(
        CAST(COALESCE(`pop1`.`i1_num_3`, 0) AS FLOAT64) / COALESCE(`pop1`.`i1_den_2`, 0),
        9
      )
    END AS `ind.return_rate.value`,
    CASE
      WHEN COALESCE(`pop1`.`i2_den_4`, 0) > 0
      THEN ROUND(
        CAST(COALESCE(`pop1`.`i2_num_5`, 0) AS FLOAT64) / COALESCE(`pop1`.`i2_den_4`, 0),
        9
      )
    END AS `ind.nad_complaint_rate.value`,
    CASE
      WHEN COALESCE(`pop1`.`i3_den_6`, 0) > 0
      THEN ROUND(
        CAST(COALESCE(`pop1`.`i3_num_7`, 0) AS FLOAT64) / COALESCE(`pop1`.`i3_den_6`, 0),
        9
      )
    END AS `ind.pickup_72h_rate.value`,
    CASE
      WHEN COALESCE(`pop2`.`i4_den_0`, 0) > 0
      THEN ROUND(
        CAST(COALESCE(`pop2`.`i4_num_1`, 0) AS FLOAT64) / COALESCE(`pop2`.`i4_den_0`, 0),
        9
      )
    END AS `ind.delivery_success_rate.value`,
    CASE
      WHEN COALESCE(`pop1`.`i5_den_8`, 0) > 0
      THEN ROUND(
        CAST(COALESCE(`pop1`.`i5_num_9`, 0) AS FLOAT64) / COALESCE(`pop1`.`i5_den_8`, 0),
        9
      )
    END AS `ind.logistics_complaint_rate.value`,
    CASE
      WHEN COALESCE(`pop3`.`i6_den_0`, 0) > 0
      THEN ROUND(
        CAST(COALESCE(`pop3`.`i6_num_1`, 0) AS FLOAT64) / COALESCE(`pop3`.`i6_den_0`, 0),
        9
      )
    END AS `ind.im_24h_response_rate.value`,
    CASE
      WHEN COALESCE(`pop1`.`i7_den_10`, 0) > 0
      THEN ROUND(
        CAST(COALESCE(`pop1`.`i7_num_11`, 0) AS FLOAT64) / COALESCE(`pop1`.`i7_den_10`, 0),
        9
      )
    END AS `ind.dispute_rate.value`,
    CASE
      WHEN COALESCE(`pop4`.`i8_n_1`, 0) > 0
      THEN ROUND(
        CAST(`pop4`.`i8_sum_0` AS FLOAT64) / `pop4`.`i8_n_1` / CAST(3600000000.0 AS FLOAT64),
        9
      )
    END AS `ind.refund_review_hours.value`,
    CASE
      WHEN COALESCE(`pop5`.`i9_den_0`, 0) > 0
      THEN ROUND(
        CAST(COALESCE(`pop5`.`i9_num_1`, 0) AS FLOAT64) / COALESCE(`pop5`.`i9_den_0`, 0),
        9
      )
    END AS `ind.return_30d_rate.value`,
    CASE
      WHEN COALESCE(`pop6`.`i10_den_0`, 0) > 0
      THEN ROUND(
        CAST(COALESCE(`pop6`.`i10_num_1`, 0) AS FLOAT64) / COALESCE(`pop6`.`i10_den_0`, 0),
        9
      )
    END AS `ind.intervention_rate.value`,
    CASE
      WHEN COALESCE(`pop7`.`i11_c_2`, 0) > 0
      THEN ROUND(
        CAST(100 * (
          COALESCE(`pop7`.`i11_p_0`, 0) - COALESCE(`pop7`.`i11_d_1`, 0)
        ) AS FLOAT64) / COALESCE(`pop7`.`i11_c_2`, 0),
        9
      )
    END AS `ind.after_sales_nps.value`,
    ROUND(COALESCE(`pop1`.`v12_sum_12`, 0), 9) AS `val.gmv`,
    COALESCE(`pop8`.`d13_0`, 0) AS `ded.cashback_card.count`
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
  LEFT JOIN pop6
    ON `pop6`.`merchant_id` = `b`.`merchant_id`
  LEFT JOIN pop7
    ON `pop7`.`merchant_id` = `b`.`merchant_id`
  LEFT JOIN pop8
    ON `pop8`.`merchant_id` = `b`.`merchant_id`
), s2 AS (
  SELECT
    b.*,
    CASE
      WHEN `b`.`ind.negative_review_rate.value` IS NULL
      THEN NULL
      ELSE CASE
        WHEN `b`.`ind.negative_review_rate.value` <= CAST(0.012 AS FLOAT64)
        THEN CAST(5.0 AS FLOAT64)
        WHEN `b`.`ind.negative_review_rate.value` <= CAST(0.06 AS FLOAT64)
        THEN ROUND(
          CAST(5.0 AS FLOAT64) + (
            `b`.`ind.negative_review_rate.value` - CAST(0.012 AS FLOAT64)
          ) / CAST(0.048 AS FLOAT64) * -CAST(4.0 AS FLOAT64),
          9
        )
        ELSE CAST(1.0 AS FLOAT64)
      END
    END AS `ind.negative_review_rate.score`,
    CASE
      WHEN `b`.`ind.return_rate.value` IS NULL
      THEN NULL
      ELSE CASE
        WHEN `b`.`ind.return_rate.value` <= CAST(0.038 AS FLOAT64)
        THEN CAST(5.0 AS FLOAT64)
        WHEN `b`.`ind.return_rate.value` <= CAST(0.15 AS FLOAT64)
        THEN ROUND(
          CAST(5.0 AS FLOAT64) + (
            `b`.`ind.return_rate.value` - CAST(0.038 AS FLOAT64)
          ) / CAST(0.11199999999999999 AS FLOAT64) * -CAST(4.0 AS FLOAT64),
          9
        )
        ELSE CAST(1.0 AS FLOAT64)
      END
    END AS `ind.return_rate.score`,
    CASE
      WHEN `b`.`ind.nad_complaint_rate.value` IS NULL
      THEN NULL
      ELSE CASE
        WHEN `b`.`ind.nad_complaint_rate.value` <= CAST(0.009 AS FLOAT64)
        THEN CAST(5.0 AS FLOAT64)
        WHEN `b`.`ind.nad_complaint_rate.value` <= CAST(0.05 AS FLOAT64)
        THEN ROUND(
          CAST(5.0 AS FLOAT64) + (
            `b`.`ind.nad_complaint_rate.value` - CAST(0.009 AS FLOAT64)
          ) / CAST(0.041 AS FLOAT64) * -CAST(4.0 AS FLOAT64),
          9
        )
        ELSE CAST(1.0 AS FLOAT64)
      END
    END AS `ind.nad_complaint_rate.score`,
    CASE
      WHEN `b`.`ind.pickup_72h_rate.value` IS NULL
      THEN NULL
      ELSE CASE
        WHEN `b`.`ind.pickup_72h_rate.value` <= CAST(0.8 AS FLOAT64)
        THEN CAST(1.0 AS FLOAT64)
        WHEN `b`.`ind.pickup_72h_rate.value` <= CAST(0.98 AS FLOAT64)
        THEN ROUND(
          CAST(1.0 AS FLOAT64) + (
            `b`.`ind.pickup_72h_rate.value` - CAST(0.8 AS FLOAT64)
          ) / CAST(0.17999999999999994 AS FLOAT64) * CAST(4.0 AS FLOAT64),
          9
        )
        ELSE CAST(5.0 AS FLOAT64)
      END
    END AS `ind.pickup_72h_rate.score`,
    CASE
      WHEN `b`.`ind.delivery_success_rate.value` IS NULL
      THEN NULL
      ELSE CASE
        WHEN `b`.`ind.delivery_success_rate.value` <= CAST(0.9 AS FLOAT64)
        THEN CAST(1.0 AS FLOAT64)
        WHEN `b`.`ind.delivery_success_rate.value` <= CAST(0.985 AS FLOAT64)
        THEN ROUND(
          CAST(1.0 AS FLOAT64) + (
            `b`.`ind.delivery_success_rate.value` - CAST(0.9 AS FLOAT64)
          ) / CAST(0.08499999999999996 AS FLOAT64) * CAST(4.0 AS FLOAT64),
          9
        )
        ELSE CAST(5.0 AS FLOAT64)
      END
    END AS `ind.delivery_success_rate.score`,
    CASE
      WHEN `b`.`ind.logistics_complaint_rate.value` IS NULL
      THEN NULL
      ELSE CASE
        WHEN `b`.`ind.logistics_complaint_rate.value` <= CAST(0.006 AS FLOAT64)
        THEN CAST(5.0 AS FLOAT64)
        WHEN `b`.`ind.logistics_complaint_rate.value` <= CAST(0.04 AS FLOAT64)
        THEN ROUND(
          CAST(5.0 AS FLOAT64) + (
            `b`.`ind.logistics_complaint_rate.value` - CAST(0.006 AS FLOAT64)
          ) / CAST(0.034 AS FLOAT64) * -CAST(4.0 AS FLOAT64),
          9
        )
        ELSE CAST(1.0 AS FLOAT64)
      END
    END AS `ind.logistics_complaint_rate.score`,
    CASE
      WHEN `b`.`ind.im_24h_response_rate.value` IS NULL
      THEN NULL
      ELSE CASE
        WHEN `b`.`ind.im_24h_response_rate.value` <= CAST(0.7 AS FLOAT64)
        THEN CAST(1.0 AS FLOAT64)
        WHEN `b`.`ind.im_24h_response_rate.value` <= CAST(0.95 AS FLOAT64)
        THEN ROUND(
          CAST(1.0 AS FLOAT64) + (
            `b`.`ind.im_24h_response_rate.value` - CAST(0.7 AS FLOAT64)
          ) / CAST(0.25 AS FLOAT64) * CAST(4.0 AS FLOAT64),
          9
        )
        ELSE CAST(5.0 AS FLOAT64)
      END
    END AS `ind.im_24h_response_rate.score`,
    CASE
      WHEN `b`.`ind.dispute_rate.value` IS NULL
      THEN NULL
      ELSE CASE
        WHEN `b`.`ind.dispute_rate.value` <= CAST(0.015 AS FLOAT64)
        THEN CAST(5.0 AS FLOAT64)
        WHEN `b`.`ind.dispute_rate.value` <= CAST(0.06 AS FLOAT64)
        THEN ROUND(
          CAST(5.0 AS FLOAT64) + (
            `b`.`ind.dispute_rate.value` - CAST(0.015 AS FLOAT64)
          ) / CAST(0.045 AS FLOAT64) * -CAST(4.0 AS FLOAT64),
          9
        )
        ELSE CAST(1.0 AS FLOAT64)
      END
    END AS `ind.dispute_rate.score`,
    CASE
      WHEN `b`.`ind.refund_review_hours.value` IS NULL
      THEN NULL
      ELSE CASE
        WHEN `b`.`ind.refund_review_hours.value` <= CAST(48.0 AS FLOAT64)
        THEN CAST(5.0 AS FLOAT64)
        WHEN `b`.`ind.refund_review_hours.value` <= CAST(168.0 AS FLOAT64)
        THEN ROUND(
          CAST(5.0 AS FLOAT64) + (
            `b`.`ind.refund_review_hours.value` - CAST(48.0 AS FLOAT64)
          ) / CAST(120.0 AS FLOAT64) * -CAST(4.0 AS FLOAT64),
          9
        )
        ELSE CAST(1.0 AS FLOAT64)
      END
    END AS `ind.refund_review_hours.score`,
    CASE
      WHEN `b`.`ind.return_30d_rate.value` IS NULL
      THEN NULL
      ELSE CASE
        WHEN `b`.`ind.return_30d_rate.value` <= CAST(0.03 AS FLOAT64)
        THEN CAST(5.0 AS FLOAT64)
        WHEN `b`.`ind.return_30d_rate.value` <= CAST(0.12 AS FLOAT64)
        THEN ROUND(
          CAST(5.0 AS FLOAT64) + (
            `b`.`ind.return_30d_rate.value` - CAST(0.03 AS FLOAT64)
          ) / CAST(0.09 AS FLOAT64) * -CAST(4.0 AS FLOAT64),
          9
        )
        ELSE CAST(1.0 AS FLOAT64)
      END
    END AS `ind.return_30d_rate.score`,
    CASE
      WHEN `b`.`ind.intervention_rate.value` IS NULL
      THEN NULL
      ELSE CASE
        WHEN `b`.`ind.intervention_rate.value` <= CAST(0.05 AS FLOAT64)
        THEN CAST(5.0 AS FLOAT64)
        WHEN `b`.`ind.intervention_rate.value` <= CAST(0.3 AS FLOAT64)
        THEN ROUND(
          CAST(5.0 AS FLOAT64) + (
            `b`.`ind.intervention_rate.value` - CAST(0.05 AS FLOAT64)
          ) / CAST(0.25 AS FLOAT64) * -CAST(4.0 AS FLOAT64),
          9
        )
        ELSE CAST(1.0 AS FLOAT64)
      END
    END AS `ind.intervention_rate.score`,
    CASE
      WHEN `b`.`ind.after_sales_nps.value` IS NULL
      THEN NULL
      ELSE CASE
        WHEN `b`.`ind.after_sales_nps.value` <= CAST(0.0 AS FLOAT64)
        THEN CAST(1.0 AS FLOAT64)
        WHEN `b`.`ind.after_sales_nps.value` <= CAST(65.0 AS FLOAT64)
        THEN ROUND(
          CAST(1.0 AS FLOAT64) + (
            `b`.`ind.after_sales_nps.value` - CAST(0.0 AS FLOAT64)
          ) / CAST(65.0 AS FLOAT64) * CAST(4.0 AS FLOAT64),
          9
        )
        ELSE CAST(5.0 AS FLOAT64)
      END
    END AS `ind.after_sales_nps.score`
  FROM s1 AS b
), s3w AS (
  SELECT
    b.*,
    CAST(0.0 AS FLOAT64) + CASE
      WHEN NOT `b`.`ind.negative_review_rate.score` IS NULL
      THEN CAST(1.0 AS FLOAT64)
      ELSE CAST(0.0 AS FLOAT64)
    END + CASE
      WHEN NOT `b`.`ind.return_rate.score` IS NULL
      THEN CAST(1.0 AS FLOAT64)
      ELSE CAST(0.0 AS FLOAT64)
    END + CASE
      WHEN NOT `b`.`ind.nad_complaint_rate.score` IS NULL
      THEN CAST(1.0 AS FLOAT64)
      ELSE CAST(0.0 AS FLOAT64)
    END AS `wt.product`,
    CAST(0.0 AS FLOAT64) + CASE
      WHEN NOT `b`.`ind.pickup_72h_rate.score` IS NULL
      THEN CAST(1.0 AS FLOAT64)
      ELSE CAST(0.0 AS FLOAT64)
    END + CASE
      WHEN NOT `b`.`ind.delivery_success_rate.score` IS NULL
      THEN CAST(1.0 AS FLOAT64)
      ELSE CAST(0.0 AS FLOAT64)
    END + CASE
      WHEN NOT `b`.`ind.logistics_complaint_rate.score` IS NULL
      THEN CAST(1.0 AS FLOAT64)
      ELSE CAST(0.0 AS FLOAT64)
    END AS `wt.logistics`,
    CAST(0.0 AS FLOAT64) + CASE
      WHEN NOT `b`.`ind.im_24h_response_rate.score` IS NULL
      THEN CAST(1.0 AS FLOAT64)
      ELSE CAST(0.0 AS FLOAT64)
    END + CASE
      WHEN NOT `b`.`ind.dispute_rate.score` IS NULL
      THEN CAST(1.0 AS FLOAT64)
      ELSE CAST(0.0 AS FLOAT64)
    END + CASE
      WHEN NOT `b`.`ind.refund_review_hours.score` IS NULL
      THEN CAST(1.0 AS FLOAT64)
      ELSE CAST(0.0 AS FLOAT64)
    END AS `wt.service`,
    CAST(0.0 AS FLOAT64) + CASE
      WHEN NOT `b`.`ind.return_30d_rate.score` IS NULL
      THEN CAST(1.0 AS FLOAT64)
      ELSE CAST(0.0 AS FLOAT64)
    END + CASE
      WHEN NOT `b`.`ind.intervention_rate.score` IS NULL
      THEN CAST(1.0 AS FLOAT64)
      ELSE CAST(0.0 AS FLOAT64)
    END + CASE
      WHEN NOT `b`.`ind.after_sales_nps.score` IS NULL
      THEN CAST(1.0 AS FLOAT64)
      ELSE CAST(0.0 AS FLOAT64)
    END AS `wt.after_sales`
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
          ) * `b`.`ind.return_rate.score`,
          CAST(0.0 AS FLOAT64)
        ) + COALESCE(
          (
            CAST(1.0 AS FLOAT64) / `b`.`wt.product`
          ) * `b`.`ind.nad_complaint_rate.score`,
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
          ) * `b`.`ind.pickup_72h_rate.score`,
          CAST(0.0 AS FLOAT64)
        ) + COALESCE(
          (
            CAST(1.0 AS FLOAT64) / `b`.`wt.logistics`
          ) * `b`.`ind.delivery_success_rate.score`,
          CAST(0.0 AS FLOAT64)
        ) + COALESCE(
          (
            CAST(1.0 AS FLOAT64) / `b`.`wt.logistics`
          ) * `b`.`ind.logistics_complaint_rate.score`,
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
          ) * `b`.`ind.im_24h_response_rate.score`,
          CAST(0.0 AS FLOAT64)
        ) + COALESCE(
          (
            CAST(1.0 AS FLOAT64) / `b`.`wt.service`
          ) * `b`.`ind.dispute_rate.score`,
          CAST(0.0 AS FLOAT64)
        ) + COALESCE(
          (
            CAST(1.0 AS FLOAT64) / `b`.`wt.service`
          ) * `b`.`ind.refund_review_hours.score`,
          CAST(0.0 AS FLOAT64)
        ),
        9
      )
    END AS `dim.service`,
    CASE
      WHEN `b`.`wt.after_sales` > CAST(0.0 AS FLOAT64)
      THEN ROUND(
        CAST(0.0 AS FLOAT64) + COALESCE(
          (
            CAST(1.0 AS FLOAT64) / `b`.`wt.after_sales`
          ) * `b`.`ind.return_30d_rate.score`,
          CAST(0.0 AS FLOAT64)
        ) + COALESCE(
          (
            CAST(1.0 AS FLOAT64) / `b`.`wt.after_sales`
          ) * `b`.`ind.intervention_rate.score`,
          CAST(0.0 AS FLOAT64)
        ) + COALESCE(
          (
            CAST(1.0 AS FLOAT64) / `b`.`wt.after_sales`
          ) * `b`.`ind.after_sales_nps.score`,
          CAST(0.0 AS FLOAT64)
        ),
        9
      )
    END AS `dim.after_sales`
  FROM s3w AS b
), s4v AS (
  SELECT
    b.*,
    CASE
      WHEN COALESCE(`b`.`m.region` IN ('US', 'UK', 'EU'), FALSE)
      THEN CAST(0.25 AS FLOAT64)
      WHEN COALESCE(`b`.`m.region` IN ('SEA'), FALSE)
      THEN CAST(0.45 AS FLOAT64)
      ELSE CAST(0.4 AS FLOAT64)
    END AS `w.product`,
    CASE
      WHEN COALESCE(`b`.`m.region` IN ('US', 'UK', 'EU'), FALSE)
      THEN CAST(0.4 AS FLOAT64)
      WHEN COALESCE(`b`.`m.region` IN ('SEA'), FALSE)
      THEN CAST(0.25 AS FLOAT64)
      ELSE CAST(0.3 AS FLOAT64)
    END AS `w.logistics`,
    CASE
      WHEN COALESCE(`b`.`m.region` IN ('US', 'UK', 'EU'), FALSE)
      THEN CAST(0.15 AS FLOAT64)
      WHEN COALESCE(`b`.`m.region` IN ('SEA'), FALSE)
      THEN CAST(0.2 AS FLOAT64)
      ELSE CAST(0.2 AS FLOAT64)
    END AS `w.service`,
    CASE
      WHEN COALESCE(`b`.`m.region` IN ('US', 'UK', 'EU'), FALSE)
      THEN CAST(0.2 AS FLOAT64)
      WHEN COALESCE(`b`.`m.region` IN ('SEA'), FALSE)
      THEN CAST(0.1 AS FLOAT64)
      ELSE CAST(0.1 AS FLOAT64)
    END AS `w.after_sales`
  FROM s3 AS b
), s4w AS (
  SELECT
    b.*,
    CAST(0.0 AS FLOAT64) + CASE
      WHEN NOT `b`.`dim.product` IS NULL
      THEN `b`.`w.product`
      ELSE CAST(0.0 AS FLOAT64)
    END + CASE
      WHEN NOT `b`.`dim.logistics` IS NULL
      THEN `b`.`w.logistics`
      ELSE CAST(0.0 AS FLOAT64)
    END + CASE
      WHEN NOT `b`.`dim.service` IS NULL
      THEN `b`.`w.service`
      ELSE CAST(0.0 AS FLOAT64)
    END + CASE
      WHEN NOT `b`.`dim.after_sales` IS NULL
      THEN `b`.`w.after_sales`
      ELSE CAST(0.0 AS FLOAT64)
    END AS `wt.total`
  FROM s4v AS b
), s4 AS (
  SELECT
    b.*,
    CASE
      WHEN `b`.`wt.total` > CAST(0.0 AS FLOAT64)
      THEN ROUND(
        CAST(0.0 AS FLOAT64) + COALESCE((
          `b`.`w.product` / `b`.`wt.total`
        ) * `b`.`dim.product`, CAST(0.0 AS FLOAT64)) + COALESCE(
          (
            `b`.`w.logistics` / `b`.`wt.total`
          ) * `b`.`dim.logistics`,
          CAST(0.0 AS FLOAT64)
        ) + COALESCE((
          `b`.`w.service` / `b`.`wt.total`
        ) * `b`.`dim.service`, CAST(0.0 AS FLOAT64)) + COALESCE(
          (
            `b`.`w.after_sales` / `b`.`wt.total`
          ) * `b`.`dim.after_sales`,
          CAST(0.0 AS FLOAT64)
        ),
        9
      )
    END AS `raw_score`,
    ROUND(CAST(0.5 AS FLOAT64) * `b`.`ded.cashback_card.count`, 9) AS `ded.cashback_card`
  FROM s4w AS b
), s5 AS (
  SELECT
    b.*,
    ROUND(
      CASE
        WHEN `b`.`raw_score` - `b`.`ded.cashback_card` < CAST(1.0 AS FLOAT64)
        THEN CAST(1.0 AS FLOAT64)
        WHEN `b`.`raw_score` - `b`.`ded.cashback_card` > CAST(5.0 AS FLOAT64)
        THEN CAST(5.0 AS FLOAT64)
        ELSE `b`.`raw_score` - `b`.`ded.cashback_card`
      END,
      9
    ) AS `score`
  FROM s4 AS b
), o_category_percentile_ AS (
  SELECT
    b.*,
    ROUND(
      CASE
        WHEN (
          `b`.`is_open` AND NOT `b`.`score` IS NULL
        ) AND NOT `b`.`score` IS NULL
        THEN R9(
          CUME_DIST() OVER (
            PARTITION BY `b`.`m.region`, `b`.`m.category`, (
              `b`.`is_open` AND NOT `b`.`score` IS NULL
            ) AND NOT `b`.`score` IS NULL
            ORDER BY `b`.`score` ASC NULLS LAST
          )
        )
      END,
      9
    ) AS `out.category_percentile`
  FROM s5 AS b
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
  FROM o_category_percentile_ AS b
), s8 AS (
  SELECT
    b.*,
    CASE
      WHEN NOT `b`.`is_open`
      THEN CAST(NULL AS STRING)
      WHEN `b`.`score` IS NULL
      THEN 'unrated'
      WHEN COALESCE(`b`.`score` >= CAST(4.8 AS FLOAT64), FALSE)
      THEN 'excellent'
      WHEN COALESCE(`b`.`score` >= CAST(4.6 AS FLOAT64), FALSE)
      THEN 'standard'
      WHEN COALESCE(`b`.`score` >= CAST(4.4 AS FLOAT64), FALSE)
      THEN 'below_threshold'
      WHEN TRUE
      THEN 'critical'
    END AS `tier`
  FROM s7 AS b
), s9 AS (
  SELECT
    b.*,
    `b`.`is_open` AND COALESCE(`b`.`score` >= CAST(4.8 AS FLOAT64), FALSE) AS `cons.feed_boost`,
    `b`.`is_open` AND COALESCE(`b`.`score` < CAST(4.6 AS FLOAT64), FALSE) AS `cons.removed_from_featured`,
    `b`.`is_open` AND COALESCE(`b`.`score` < CAST(4.6 AS FLOAT64), FALSE) AS `cons.feed_ads_paused`,
    `b`.`is_open`
    AND (
      COALESCE(`b`.`score` >= CAST(4.4 AS FLOAT64), FALSE)
      AND COALESCE(`b`.`score` < CAST(4.6 AS FLOAT64), FALSE)
    ) AS `cons.traffic_fee`,
    `b`.`is_open` AND COALESCE(`b`.`score` < CAST(4.4 AS FLOAT64), FALSE) AS `cons.pip`,
    '2024-06-03' AS `as_of_text`
  FROM s8 AS b
), m_hw1 AS (
  SELECT
    `e`.`merchant_id` AS `m.merchant_id`,
    `e`.`opened_at` AS `m.opened_at`,
    `e`.`region` AS `m.region`,
    `e`.`category` AS `m.category`,
    `e`.`identity_verified` AS `m.identity_verified`,
    `e`.`strength_verified` AS `m.strength_verified`,
    `e`.`merchant_id` AS merchant_id,
    `e`.`opened_at` < CAST('2024-05-27 00:00:00.000000+00:00' AS TIMESTAMP) AS is_open
  FROM merchants AS e
), pop1_hw1 AS (
  SELECT
    `t`.`merchant_id` AS merchant_id,
    COUNT(*) AS i0_den_0,
    COUNTIF(
      `t`.`order_id` IN (
        SELECT
          `r1`.`order_id`
        FROM reviews AS r1
        WHERE
          `r1`.`rated_at` < CAST('2024-05-27 00:00:00.000000+00:00' AS TIMESTAMP)
          AND `r1`.`stars` <= 2
      )
    ) AS i0_num_1,
    COUNT(*) AS i1_den_2,
    COUNTIF(
      `t`.`order_id` IN (
        SELECT
          `r2`.`order_id`
        FROM after_sales AS r2
        WHERE
          `r2`.`requested_at` < CAST('2024-05-27 00:00:00.000000+00:00' AS TIMESTAMP)
          AND `r2`.`kind` = 'return_refund'
      )
    ) AS i1_num_3,
    COUNT(*) AS i2_den_4,
    COUNTIF(
      `t`.`order_id` IN (
        SELECT
          `r3`.`order_id`
        FROM complaints AS r3
        WHERE
          `r3`.`created_at` < CAST('2024-05-27 00:00:00.000000+00:00' AS TIMESTAMP)
          AND `r3`.`kind` = 'not_as_described'
      )
    ) AS i2_num_5,
    COUNTIF(`t`.`paid_at` <= CAST('2024-05-24 00:00:00.000000+00:00' AS TIMESTAMP)) AS i3_den_6,
    COUNTIF(
      `t`.`paid_at` <= CAST('2024-05-24 00:00:00.000000+00:00' AS TIMESTAMP)
      AND (
        UNIX_MICROS(
          CASE
            WHEN `t`.`first_scan_at` < CAST('2024-05-27 00:00:00.000000+00:00' AS TIMESTAMP)
            THEN `t`.`first_scan_at`
          END
        ) - UNIX_MICROS(`t`.`paid_at`)
      ) <= 259200000000
    ) AS i3_num_7,
    COUNT(*) AS i5_den_8,
    COUNTIF(
      `t`.`order_id` IN (
        SELECT
          `r4`.`order_id`
        FROM complaints AS r4
        WHERE
          `r4`.`created_at` < CAST('2024-05-27 00:00:00.000000+00:00' AS TIMESTAMP)
          AND `r4`.`kind` = 'logistics'
      )
    ) AS i5_num_9,
    COUNT(*) AS i7_den_10,
    COUNTIF(
      `t`.`order_id` IN (
        SELECT
          `r5`.`order_id`
        FROM disputes AS r5
        WHERE
          `r5`.`opened_at` < CAST('2024-05-27 00:00:00.000000+00:00' AS TIMESTAMP)
      )
    ) AS i7_num_11,
    SUM(`t`.`amount`) AS v12_sum_12,
    COUNT(`t`.`amount`) AS v12_c_13
  FROM orders AS t
  WHERE
    `t`.`paid_at` < CAST('2024-05-27 00:00:00.000000+00:00' AS TIMESTAMP)
    AND NOT COALESCE(`t`.`is_fraud`, FALSE)
    AND `t`.`paid_at` >= CAST('2024-04-27 00:00:00.000000+00:00' AS TIMESTAMP)
  GROUP BY
    `t`.`merchant_id`
), pop2_hw1 AS (
  SELECT
    `t`.`merchant_id` AS merchant_id,
    COUNT(*) AS i4_den_0,
    COUNTIF(
      NOT UNIX_MICROS(
        CASE
          WHEN `t`.`delivered_at` < CAST('2024-05-27 00:00:00.000000+00:00' AS TIMESTAMP)
          THEN `t`.`delivered_at`
        END
      ) IS NULL
    ) AS i4_num_1
  FROM orders AS t
  WHERE
    `t`.`paid_at` < CAST('2024-05-27 00:00:00.000000+00:00' AS TIMESTAMP)
    AND NOT COALESCE(`t`.`is_fraud`, FALSE)
    AND `t`.`shipped_at` >= CAST('2024-04-27 00:00:00.000000+00:00' AS TIMESTAMP)
    AND `t`.`shipped_at` <= CAST('2024-05-20 00:00:00.000000+00:00' AS TIMESTAMP)
  GROUP BY
    `t`.`merchant_id`
), pop3_hw1 AS (
  SELECT
    `t`.`merchant_id` AS merchant_id,
    COUNT(*) AS i6_den_0,
    COUNTIF(
      (
        UNIX_MICROS(
          CASE
            WHEN `t`.`first_response_at` < CAST('2024-05-27 00:00:00.000000+00:00' AS TIMESTAMP)
            THEN `t`.`first_response_at`
          END
        ) - UNIX_MICROS(`t`.`started_at`)
      ) <= 86400000000
    ) AS i6_num_1
  FROM im_sessions AS t
  WHERE
    `t`.`started_at` < CAST('2024-05-27 00:00:00.000000+00:00' AS TIMESTAMP)
    AND `t`.`started_at` >= CAST('2024-04-27 00:00:00.000000+00:00' AS TIMESTAMP)
    AND `t`.`started_at` <= CAST('2024-05-26 00:00:00.000000+00:00' AS TIMESTAMP)
  GROUP BY
    `t`.`merchant_id`
), pop4_hw1 AS (
  SELECT
    `t`.`merchant_id` AS merchant_id,
    SUM(
      (
        UNIX_MICROS(
          CASE
            WHEN `t`.`completed_at` < CAST('2024-05-27 00:00:00.000000+00:00' AS TIMESTAMP)
            THEN `t`.`completed_at`
          END
        ) - UNIX_MICROS(`t`.`requested_at`)
      )
    ) AS i8_sum_0,
    COUNT(
      (
        UNIX_MICROS(
          CASE
            WHEN `t`.`completed_at` < CAST('2024-05-27 00:00:00.000000+00:00' AS TIMESTAMP)
            THEN `t`.`completed_at`
          END
        ) - UNIX_MICROS(`t`.`requested_at`)
      )
    ) AS i8_n_1
  FROM after_sales AS t
  WHERE
    `t`.`requested_at` < CAST('2024-05-27 00:00:00.000000+00:00' AS TIMESTAMP)
    AND `t`.`completed_at` < CAST('2024-05-27 00:00:00.000000+00:00' AS TIMESTAMP)
    AND `t`.`completed_at` >= CAST('2024-04-27 00:00:00.000000+00:00' AS TIMESTAMP)
  GROUP BY
    `t`.`merchant_id`
), pop5_hw1 AS (
  SELECT
    `t`.`merchant_id` AS merchant_id,
    COUNT(*) AS i9_den_0,
    COUNTIF(
      `j7`.`latest` >= CASE
        WHEN `t`.`delivered_at` < CAST('2024-05-27 00:00:00.000000+00:00' AS TIMESTAMP)
        THEN `t`.`delivered_at`
      END
    ) AS i9_num_1
  FROM orders AS t
  LEFT JOIN (
    SELECT
      `r6`.`order_id` AS link,
      MAX(`r6`.`requested_at`) AS latest
    FROM after_sales AS r6
    WHERE
      `r6`.`requested_at` < CAST('2024-05-27 00:00:00.000000+00:00' AS TIMESTAMP)
      AND `r6`.`requested_at` >= CAST('2024-04-27 00:00:00.000000+00:00' AS TIMESTAMP)
      AND `r6`.`kind` = 'return_refund'
    GROUP BY
      `r6`.`order_id`
  ) AS j7
    ON `j7`.`link` = `t`.`order_id`
  WHERE
    `t`.`paid_at` < CAST('2024-05-27 00:00:00.000000+00:00' AS TIMESTAMP)
    AND NOT COALESCE(`t`.`is_fraud`, FALSE)
    AND `t`.`delivered_at` < CAST('2024-05-27 00:00:00.000000+00:00' AS TIMESTAMP)
    AND `t`.`delivered_at` >= CAST('2024-04-27 00:00:00.000000+00:00' AS TIMESTAMP)
  GROUP BY
    `t`.`merchant_id`
), pop6_hw1 AS (
  SELECT
    `t`.`merchant_id` AS merchant_id,
    COUNT(*) AS i10_den_0,
    COUNTIF(`t`.`platform_intervened`) AS i10_num_1
  FROM after_sales AS t
  WHERE
    `t`.`requested_at` < CAST('2024-05-27 00:00:00.000000+00:00' AS TIMESTAMP)
    AND `t`.`requested_at` >= CAST('2024-04-27 00:00:00.000000+00:00' AS TIMESTAMP)
  GROUP BY
    `t`.`merchant_id`
), pop7_hw1 AS (
  SELECT
    `t`.`merchant_id` AS merchant_id,
    COUNTIF(`t`.`nps` >= 9) AS i11_p_0,
    COUNTIF(`t`.`nps` <= 6) AS i11_d_1,
    COUNT(`t`.`nps`) AS i11_c_2
  FROM surveys AS t
  WHERE
    `t`.`answered_at` < CAST('2024-05-27 00:00:00.000000+00:00' AS TIMESTAMP)
    AND `t`.`answered_at` >= CAST('2024-04-27 00:00:00.000000+00:00' AS TIMESTAMP)
  GROUP BY
    `t`.`merchant_id`
), pop8_hw1 AS (
  SELECT
    `t`.`merchant_id` AS merchant_id,
    COUNTIF(`t`.`kind` = 'cashback_card') AS d13_0
  FROM violations AS t
  WHERE
    `t`.`confirmed_at` < CAST('2024-05-27 00:00:00.000000+00:00' AS TIMESTAMP)
    AND `t`.`confirmed_at` >= CAST('2024-04-27 00:00:00.000000+00:00' AS TIMESTAMP)
  GROUP BY
    `t`.`merchant_id`
), s1_hw1 AS (
  SELECT
    b.*,
    CASE
      WHEN COALESCE(`pop1_hw1`.`i0_den_0`, 0) > 0
      THEN ROUND(
        CAST(COALESCE(`pop1_hw1`.`i0_num_1`, 0) AS FLOAT64) / COALESCE(`pop1_hw1`.`i0_den_0`, 0),
        9
      )
    END AS `ind.negative_review_rate.value`,
    CASE
      WHEN COALESCE(`pop1_hw1`.`i1_den_2`, 0) > 0
      THEN ROUND(
        CAST(COALESCE(`pop1_hw1`.`i1_num_3`, 0) AS FLOAT64) / COALESCE(`pop1_hw1`.`i1_den_2`, 0),
        9
      )
    END AS `ind.return_rate.value`,
    CASE
      WHEN COALESCE(`pop1_hw1`.`i2_den_4`, 0) > 0
      THEN ROUND(
        CAST(COALESCE(`pop1_hw1`.`i2_num_5`, 0) AS FLOAT64) / COALESCE(`pop1_hw1`.`i2_den_4`, 0),
        9
      )
    END AS `ind.nad_complaint_rate.value`,
    CASE
      WHEN COALESCE(`pop1_hw1`.`i3_den_6`, 0) > 0
      THEN ROUND(
        CAST(COALESCE(`pop1_hw1`.`i3_num_7`, 0) AS FLOAT64) / COALESCE(`pop1_hw1`.`i3_den_6`, 0),
        9
      )
    END AS `ind.pickup_72h_rate.value`,
    CASE
      WHEN COALESCE(`pop2_hw1`.`i4_den_0`, 0) > 0
      THEN ROUND(
        CAST(COALESCE(`pop2_hw1`.`i4_num_1`, 0) AS FLOAT64) / COALESCE(`pop2_hw1`.`i4_den_0`, 0),
        9
      )
    END AS `ind.delivery_success_rate.value`,
    CASE
      WHEN COALESCE(`pop1_hw1`.`i5_den_8`, 0) > 0
      THEN ROUND(
        CAST(COALESCE(`pop1_hw1`.`i5_num_9`, 0) AS FLOAT64) / COALESCE(`pop1_hw1`.`i5_den_8`, 0),
        9
      )
    END AS `ind.logistics_complaint_rate.value`,
    CASE
      WHEN COALESCE(`pop3_hw1`.`i6_den_0`, 0) > 0
      THEN ROUND(
        CAST(COALESCE(`pop3_hw1`.`i6_num_1`, 0) AS FLOAT64) / COALESCE(`pop3_hw1`.`i6_den_0`, 0),
        9
      )
    END AS `ind.im_24h_response_rate.value`,
    CASE
      WHEN COALESCE(`pop1_hw1`.`i7_den_10`, 0) > 0
      THEN ROUND(
        CAST(COALESCE(`pop1_hw1`.`i7_num_11`, 0) AS FLOAT64) / COALESCE(`pop1_hw1`.`i7_den_10`, 0),
        9
      )
    END AS `ind.dispute_rate.value`,
    CASE
      WHEN COALESCE(`pop4_hw1`.`i8_n_1`, 0) > 0
      THEN ROUND(
        CAST(`pop4_hw1`.`i8_sum_0` AS FLOAT64) / `pop4_hw1`.`i8_n_1` / CAST(3600000000.0 AS FLOAT64),
        9
      )
    END AS `ind.refund_review_hours.value`,
    CASE
      WHEN COALESCE(`pop5_hw1`.`i9_den_0`, 0) > 0
      THEN ROUND(
        CAST(COALESCE(`pop5_hw1`.`i9_num_1`, 0) AS FLOAT64) / COALESCE(`pop5_hw1`.`i9_den_0`, 0),
        9
      )
    END AS `ind.return_30d_rate.value`,
    CASE
      WHEN COALESCE(`pop6_hw1`.`i10_den_0`, 0) > 0
      THEN ROUND(
        CAST(COALESCE(`pop6_hw1`.`i10_num_1`, 0) AS FLOAT64) / COALESCE(`pop6_hw1`.`i10_den_0`, 0),
        9
      )
    END AS `ind.intervention_rate.value`,
    CASE
      WHEN COALESCE(`pop7_hw1`.`i11_c_2`, 0) > 0
      THEN ROUND(
        CAST(100 * (
          COALESCE(`pop7_hw1`.`i11_p_0`, 0) - COALESCE(`pop7_hw1`.`i11_d_1`, 0)
        ) AS FLOAT64) / COALESCE(`pop7_hw1`.`i11_c_2`, 0),
        9
      )
    END AS `ind.after_sales_nps.value`,
    ROUND(COALESCE(`pop1_hw1`.`v12_sum_12`, 0), 9) AS `val.gmv`,
    COALESCE(`pop8_hw1`.`d13_0`, 0) AS `ded.cashback_card.count`
  FROM m_hw1 AS b
  LEFT JOIN pop1_hw1
    ON `pop1_hw1`.`merchant_id` = `b`.`merchant_id`
  LEFT JOIN pop2_hw1
    ON `pop2_hw1`.`merchant_id` = `b`.`merchant_id`
  LEFT JOIN pop3_hw1
    ON `pop3_hw1`.`merchant_id` = `b`.`merchant_id`
  LEFT JOIN pop4_hw1
    ON `pop4_hw1`.`merchant_id` = `b`.`merchant_id`
  LEFT JOIN pop5_hw1
    ON `pop5_hw1`.`merchant_id` = `b`.`merchant_id`
  LEFT JOIN pop6_hw1
    ON `pop6_hw1`.`merchant_id` = `b`.`merchant_id`
  LEFT JOIN pop7_hw1
    ON `pop7_hw1`.`merchant_id` = `b`.`merchant_id`
  LEFT JOIN pop8_hw1
    ON `pop8_hw1`.`merchant_id` = `b`.`merchant_id`
), s2_hw1 AS (
  SELECT
    b.*,
    CASE
      WHEN `b`.`ind.negative_review_rate.value` IS NULL
      THEN NULL
      ELSE CASE
        WHEN `b`.`ind.negative_review_rate.value` <= CAST(0.012 AS FLOAT64)
        THEN CAST(5.0 AS FLOAT64)
        WHEN `b`.`ind.negative_review_rate.value` <= CAST(0.06 AS FLOAT64)
        THEN ROUND(
          CAST(5.0 AS FLOAT64) + (
            `b`.`ind.negative_review_rate.value` - CAST(0.012 AS FLOAT64)
          ) / CAST(0.048 AS FLOAT64) * -CAST(4.0 AS FLOAT64),
          9
        )
        ELSE CAST(1.0 AS FLOAT64)
      END
    END AS `ind.negative_review_rate.score`,
    CASE
      WHEN `b`.`ind.return_rate.value` IS NULL
      THEN NULL
      ELSE CASE
        WHEN `b`.`ind.return_rate.value` <= CAST(0.038 AS FLOAT64)
        THEN CAST(5.0 AS FLOAT64)
        WHEN `b`.`ind.return_rate.value` <= CAST(0.15 AS FLOAT64)
        THEN ROUND(
          CAST(5.0 AS FLOAT64) + (
            `b`.`ind.return_rate.value` - CAST(0.038 AS FLOAT64)
          ) / CAST(0.11199999999999999 AS FLOAT64) * -CAST(4.0 AS FLOAT64),
          9
        )
        ELSE CAST(1.0 AS FLOAT64)
      END
    END AS `ind.return_rate.score`,
    CASE
      WHEN `b`.`ind.nad_complaint_rate.value` IS NULL
      THEN NULL
      ELSE CASE
        WHEN `b`.`ind.nad_complaint_rate.value` <= CAST(0.009 AS FLOAT64)
        THEN CAST(5.0 AS FLOAT64)
        WHEN `b`.`ind.nad_complaint_rate.value` <= CAST(0.05 AS FLOAT64)
        THEN ROUND(
          CAST(5.0 AS FLOAT64) + (
            `b`.`ind.nad_complaint_rate.value` - CAST(0.009 AS FLOAT64)
          ) / CAST(0.041 AS FLOAT64) * -CAST(4.0 AS FLOAT64),
          9
        )
        ELSE CAST(1.0 AS FLOAT64)
      END
    END AS `ind.nad_complaint_rate.score`,
    CASE
      WHEN `b`.`ind.pickup_72h_rate.value` IS NULL
      THEN NULL
      ELSE CASE
        WHEN `b`.`ind.pickup_72h_rate.value` <= CAST(0.8 AS FLOAT64)
        THEN CAST(1.0 AS FLOAT64)
        WHEN `b`.`ind.pickup_72h_rate.value` <= CAST(0.98 AS FLOAT64)
        THEN ROUND(
          CAST(1.0 AS FLOAT64) + (
            `b`.`ind.pickup_72h_rate.value` - CAST(0.8 AS FLOAT64)
          ) / CAST(0.17999999999999994 AS FLOAT64) * CAST(4.0 AS FLOAT64),
          9
        )
        ELSE CAST(5.0 AS FLOAT64)
      END
    END AS `ind.pickup_72h_rate.score`,
    CASE
      WHEN `b`.`ind.delivery_success_rate.value` IS NULL
      THEN NULL
      ELSE CASE
        WHEN `b`.`ind.delivery_success_rate.value` <= CAST(0.9 AS FLOAT64)
        THEN CAST(1.0 AS FLOAT64)
        WHEN `b`.`ind.delivery_success_rate.value` <= CAST(0.985 AS FLOAT64)
        THEN ROUND(
          CAST(1.0 AS FLOAT64) + (
            `b`.`ind.delivery_success_rate.value` - CAST(0.9 AS FLOAT64)
          ) / CAST(0.08499999999999996 AS FLOAT64) * CAST(4.0 AS FLOAT64),
          9
        )
        ELSE CAST(5.0 AS FLOAT64)
      END
    END AS `ind.delivery_success_rate.score`,
    CASE
      WHEN `b`.`ind.logistics_complaint_rate.value` IS NULL
      THEN NULL
      ELSE CASE
        WHEN `b`.`ind.logistics_complaint_rate.value` <= CAST(0.006 AS FLOAT64)
        THEN CAST(5.0 AS FLOAT64)
        WHEN `b`.`ind.logistics_complaint_rate.value` <= CAST(0.04 AS FLOAT64)
        THEN ROUND(
          CAST(5.0 AS FLOAT64) + (
            `b`.`ind.logistics_complaint_rate.value` - CAST(0.006 AS FLOAT64)
          ) / CAST(0.034 AS FLOAT64) * -CAST(4.0 AS FLOAT64),
          9
        )
        ELSE CAST(1.0 AS FLOAT64)
      END
    END AS `ind.logistics_complaint_rate.score`,
    CASE
      WHEN `b`.`ind.im_24h_response_rate.value` IS NULL
      THEN NULL
      ELSE CASE
        WHEN `b`.`ind.im_24h_response_rate.value` <= CAST(0.7 AS FLOAT64)
        THEN CAST(1.0 AS FLOAT64)
        WHEN `b`.`ind.im_24h_response_rate.value` <= CAST(0.95 AS FLOAT64)
        THEN ROUND(
          CAST(1.0 AS FLOAT64) + (
            `b`.`ind.im_24h_response_rate.value` - CAST(0.7 AS FLOAT64)
          ) / CAST(0.25 AS FLOAT64) * CAST(4.0 AS FLOAT64),
          9
        )
        ELSE CAST(5.0 AS FLOAT64)
      END
    END AS `ind.im_24h_response_rate.score`,
    CASE
      WHEN `b`.`ind.dispute_rate.value` IS NULL
      THEN NULL
      ELSE CASE
        WHEN `b`.`ind.dispute_rate.value` <= CAST(0.015 AS FLOAT64)
        THEN CAST(5.0 AS FLOAT64)
        WHEN `b`.`ind.dispute_rate.value` <= CAST(0.06 AS FLOAT64)
        THEN ROUND(
          CAST(5.0 AS FLOAT64) + (
            `b`.`ind.dispute_rate.value` - CAST(0.015 AS FLOAT64)
          ) / CAST(0.045 AS FLOAT64) * -CAST(4.0 AS FLOAT64),
          9
        )
        ELSE CAST(1.0 AS FLOAT64)
      END
    END AS `ind.dispute_rate.score`,
    CASE
      WHEN `b`.`ind.refund_review_hours.value` IS NULL
      THEN NULL
      ELSE CASE
        WHEN `b`.`ind.refund_review_hours.value` <= CAST(48.0 AS FLOAT64)
        THEN CAST(5.0 AS FLOAT64)
        WHEN `b`.`ind.refund_review_hours.value` <= CAST(168.0 AS FLOAT64)
        THEN ROUND(
          CAST(5.0 AS FLOAT64) + (
            `b`.`ind.refund_review_hours.value` - CAST(48.0 AS FLOAT64)
          ) / CAST(120.0 AS FLOAT64) * -CAST(4.0 AS FLOAT64),
          9
        )
        ELSE CAST(1.0 AS FLOAT64)
      END
    END AS `ind.refund_review_hours.score`,
    CASE
      WHEN `b`.`ind.return_30d_rate.value` IS NULL
      THEN NULL
      ELSE CASE
        WHEN `b`.`ind.return_30d_rate.value` <= CAST(0.03 AS FLOAT64)
        THEN CAST(5.0 AS FLOAT64)
        WHEN `b`.`ind.return_30d_rate.value` <= CAST(0.12 AS FLOAT64)
        THEN ROUND(
          CAST(5.0 AS FLOAT64) + (
            `b`.`ind.return_30d_rate.value` - CAST(0.03 AS FLOAT64)
          ) / CAST(0.09 AS FLOAT64) * -CAST(4.0 AS FLOAT64),
          9
        )
        ELSE CAST(1.0 AS FLOAT64)
      END
    END AS `ind.return_30d_rate.score`,
    CASE
      WHEN `b`.`ind.intervention_rate.value` IS NULL
      THEN NULL
      ELSE CASE
        WHEN `b`.`ind.intervention_rate.value` <= CAST(0.05 AS FLOAT64)
        THEN CAST(5.0 AS FLOAT64)
        WHEN `b`.`ind.intervention_rate.value` <= CAST(0.3 AS FLOAT64)
        THEN ROUND(
          CAST(5.0 AS FLOAT64) + (
            `b`.`ind.intervention_rate.value` - CAST(0.05 AS FLOAT64)
          ) / CAST(0.25 AS FLOAT64) * -CAST(4.0 AS FLOAT64),
          9
        )
        ELSE CAST(1.0 AS FLOAT64)
      END
    END AS `ind.intervention_rate.score`,
    CASE
      WHEN `b`.`ind.after_sales_nps.value` IS NULL
      THEN NULL
      ELSE CASE
        WHEN `b`.`ind.after_sales_nps.value` <= CAST(0.0 AS FLOAT64)
        THEN CAST(1.0 AS FLOAT64)
        WHEN `b`.`ind.after_sales_nps.value` <= CAST(65.0 AS FLOAT64)
        THEN ROUND(
          CAST(1.0 AS FLOAT64) + (
            `b`.`ind.after_sales_nps.value` - CAST(0.0 AS FLOAT64)
          ) / CAST(65.0 AS FLOAT64) * CAST(4.0 AS FLOAT64),
          9
        )
        ELSE CAST(5.0 AS FLOAT64)
      END
    END AS `ind.after_sales_nps.score`
  FROM s1_hw1 AS b
), s3w_hw1 AS (
  SELECT
    b.*,
    CAST(0.0 AS FLOAT64) + CASE
      WHEN NOT `b`.`ind.negative_review_rate.score` IS NULL
      THEN CAST(1.0 AS FLOAT64)
      ELSE CAST(0.0 AS FLOAT64)
    END + CASE
      WHEN NOT `b`.`ind.return_rate.score` IS NULL
      THEN CAST(1.0 AS FLOAT64)
      ELSE CAST(0.0 AS FLOAT64)
    END + CASE
      WHEN NOT `b`.`ind.nad_complaint_rate.score` IS NULL
      THEN CAST(1.0 AS FLOAT64)
      ELSE CAST(0.0 AS FLOAT64)
    END AS `wt.product`,
    CAST(0.0 AS FLOAT64) + CASE
      WHEN NOT `b`.`ind.pickup_72h_rate.score` IS NULL
      THEN CAST(1.0 AS FLOAT64)
      ELSE CAST(0.0 AS FLOAT64)
    END + CASE
      WHEN NOT `b`.`ind.delivery_success_rate.score` IS NULL
      THEN CAST(1.0 AS FLOAT64)
      ELSE CAST(0.0 AS FLOAT64)
    END + CASE
      WHEN NOT `b`.`ind.logistics_complaint_rate.score` IS NULL
      THEN CAST(1.0 AS FLOAT64)
      ELSE CAST(0.0 AS FLOAT64)
    END AS `wt.logistics`,
    CAST(0.0 AS FLOAT64) + CASE
      WHEN NOT `b`.`ind.im_24h_response_rate.score` IS NULL
      THEN CAST(1.0 AS FLOAT64)
      ELSE CAST(0.0 AS FLOAT64)
    END + CASE
      WHEN NOT `b`.`ind.dispute_rate.score` IS NULL
      THEN CAST(1.0 AS FLOAT64)
      ELSE CAST(0.0 AS FLOAT64)
    END + CASE
      WHEN NOT `b`.`ind.refund_review_hours.score` IS NULL
      THEN CAST(1.0 AS FLOAT64)
      ELSE CAST(0.0 AS FLOAT64)
    END AS `wt.service`,
    CAST(0.0 AS FLOAT64) + CASE
      WHEN NOT `b`.`ind.return_30d_rate.score` IS NULL
      THEN CAST(1.0 AS FLOAT64)
      ELSE CAST(0.0 AS FLOAT64)
    END + CASE
      WHEN NOT `b`.`ind.intervention_rate.score` IS NULL
      THEN CAST(1.0 AS FLOAT64)
      ELSE CAST(0.0 AS FLOAT64)
    END + CASE
      WHEN NOT `b`.`ind.after_sales_nps.score` IS NULL
      THEN CAST(1.0 AS FLOAT64)
      ELSE CAST(0.0 AS FLOAT64)
    END AS `wt.after_sales`
  FROM s2_hw1 AS b
), s3_hw1 AS (
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
          ) * `b`.`ind.return_rate.score`,
          CAST(0.0 AS FLOAT64)
        ) + COALESCE(
          (
            CAST(1.0 AS FLOAT64) / `b`.`wt.product`
          ) * `b`.`ind.nad_complaint_rate.score`,
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
          ) * `b`.`ind.pickup_72h_rate.score`,
          CAST(0.0 AS FLOAT64)
        ) + COALESCE(
          (
            CAST(1.0 AS FLOAT64) / `b`.`wt.logistics`
          ) * `b`.`ind.delivery_success_rate.score`,
          CAST(0.0 AS FLOAT64)
        ) + COALESCE(
          (
            CAST(1.0 AS FLOAT64) / `b`.`wt.logistics`
          ) * `b`.`ind.logistics_complaint_rate.score`,
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
          ) * `b`.`ind.im_24h_response_rate.score`,
          CAST(0.0 AS FLOAT64)
        ) + COALESCE(
          (
            CAST(1.0 AS FLOAT64) / `b`.`wt.service`
          ) * `b`.`ind.dispute_rate.score`,
          CAST(0.0 AS FLOAT64)
        ) + COALESCE(
          (
            CAST(1.0 AS FLOAT64) / `b`.`wt.service`
          ) * `b`.`ind.refund_review_hours.score`,
          CAST(0.0 AS FLOAT64)
        ),
        9
      )
    END AS `dim.service`,
    CASE
      WHEN `b`.`wt.after_sales` > CAST(0.0 AS FLOAT64)
      THEN ROUND(
        CAST(0.0 AS FLOAT64) + COALESCE(
          (
            CAST(1.0 AS FLOAT64) / `b`.`wt.after_sales`
          ) * `b`.`ind.return_30d_rate.score`,
          CAST(0.0 AS FLOAT64)
        ) + COALESCE(
          (
            CAST(1.0 AS FLOAT64) / `b`.`wt.after_sales`
          ) * `b`.`ind.intervention_rate.score`,
          CAST(0.0 AS FLOAT64)
        ) + COALESCE(
          (
            CAST(1.0 AS FLOAT64) / `b`.`wt.after_sales`
          ) * `b`.`ind.after_sales_nps.score`,
          CAST(0.0 AS FLOAT64)
        ),
        9
      )
    END AS `dim.after_sales`
  FROM s3w_hw1 AS b
), s4v_hw1 AS (
  SELECT
    b.*,
    CASE
      WHEN COALESCE(`b`.`m.region` IN ('US', 'UK', 'EU'), FALSE)
      THEN CAST(0.25 AS FLOAT64)
      WHEN COALESCE(`b`.`m.region` IN ('SEA'), FALSE)
      THEN CAST(0.45 AS FLOAT64)
      ELSE CAST(0.4 AS FLOAT64)
    END AS `w.product`,
    CASE
      WHEN COALESCE(`b`.`m.region` IN ('US', 'UK', 'EU'), FALSE)
      THEN CAST(0.4 AS FLOAT64)
      WHEN COALESCE(`b`.`m.region` IN ('SEA'), FALSE)
      THEN CAST(0.25 AS FLOAT64)
      ELSE CAST(0.3 AS FLOAT64)
    END AS `w.logistics`,
    CASE
      WHEN COALESCE(`b`.`m.region` IN ('US', 'UK', 'EU'), FALSE)
      THEN CAST(0.15 AS FLOAT64)
      WHEN COALESCE(`b`.`m.region` IN ('SEA'), FALSE)
      THEN CAST(0.2 AS FLOAT64)
      ELSE CAST(0.2 AS FLOAT64)
    END AS `w.service`,
    CASE
      WHEN COALESCE(`b`.`m.region` IN ('US', 'UK', 'EU'), FALSE)
      THEN CAST(0.2 AS FLOAT64)
      WHEN COALESCE(`b`.`m.region` IN ('SEA'), FALSE)
      THEN CAST(0.1 AS FLOAT64)
      ELSE CAST(0.1 AS FLOAT64)
    END AS `w.after_sales`
  FROM s3_hw1 AS b
), s4w_hw1 AS (
  SELECT
    b.*,
    CAST(0.0 AS FLOAT64) + CASE
      WHEN NOT `b`.`dim.product` IS NULL
      THEN `b`.`w.product`
      ELSE CAST(0.0 AS FLOAT64)
    END + CASE
      WHEN NOT `b`.`dim.logistics` IS NULL
      THEN `b`.`w.logistics`
      ELSE CAST(0.0 AS FLOAT64)
    END + CASE
      WHEN NOT `b`.`dim.service` IS NULL
      THEN `b`.`w.service`
      ELSE CAST(0.0 AS FLOAT64)
    END + CASE
      WHEN NOT `b`.`dim.after_sales` IS NULL
      THEN `b`.`w.after_sales`
      ELSE CAST(0.0 AS FLOAT64)
    END AS `wt.total`
  FROM s4v_hw1 AS b
), s4_hw1 AS (
  SELECT
    b.*,
    CASE
      WHEN `b`.`wt.total` > CAST(0.0 AS FLOAT64)
      THEN ROUND(
        CAST(0.0 AS FLOAT64) + COALESCE((
          `b`.`w.product` / `b`.`wt.total`
        ) * `b`.`dim.product`, CAST(0.0 AS FLOAT64)) + COALESCE(
          (
            `b`.`w.logistics` / `b`.`wt.total`
          ) * `b`.`dim.logistics`,
          CAST(0.0 AS FLOAT64)
        ) + COALESCE((
          `b`.`w.service` / `b`.`wt.total`
        ) * `b`.`dim.service`, CAST(0.0 AS FLOAT64)) + COALESCE(
          (
            `b`.`w.after_sales` / `b`.`wt.total`
          ) * `b`.`dim.after_sales`,
          CAST(0.0 AS FLOAT64)
        ),
        9
      )
    END AS `raw_score`,
    ROUND(CAST(0.5 AS FLOAT64) * `b`.`ded.cashback_card.count`, 9) AS `ded.cashback_card`
  FROM s4w_hw1 AS b
), s5_hw1 AS (
  SELECT
    b.*,
    ROUND(
      CASE
        WHEN `b`.`raw_score` - `b`.`ded.cashback_card` < CAST(1.0 AS FLOAT64)
        THEN CAST(1.0 AS FLOAT64)
        WHEN `b`.`raw_score` - `b`.`ded.cashback_card` > CAST(5.0 AS FLOAT64)
        THEN CAST(5.0 AS FLOAT64)
        ELSE `b`.`raw_score` - `b`.`ded.cashback_card`
      END,
      9
    ) AS `score`
  FROM s4_hw1 AS b
), o_category_percentile__hw1 AS (
  SELECT
    b.*,
    ROUND(
      CASE
        WHEN (
          `b`.`is_open` AND NOT `b`.`score` IS NULL
        ) AND NOT `b`.`score` IS NULL
        THEN R9(
          CUME_DIST() OVER (
            PARTITION BY `b`.`m.region`, `b`.`m.category`, (
              `b`.`is_open` AND NOT `b`.`score` IS NULL
            ) AND NOT `b`.`score` IS NULL
            ORDER BY `b`.`score` ASC NULLS LAST
          )
        )
      END,
      9
    ) AS `out.category_percentile`
  FROM s5_hw1 AS b
), s7_hw1 AS (
  SELECT
    b.*,
    CASE
      WHEN NOT `b`.`is_open`
      THEN 'not_open'
      WHEN `b`.`score` IS NULL
      THEN 'unrated'
      ELSE 'rated'
    END AS `status`
  FROM o_category_percentile__hw1 AS b
), s8_hw1 AS (
  SELECT
    b.*,
    CASE
      WHEN NOT `b`.`is_open`
      THEN CAST(NULL AS STRING)
      WHEN `b`.`score` IS NULL
      THEN 'unrated'
      WHEN COALESCE(`b`.`score` >= CAST(4.8 AS FLOAT64), FALSE)
      THEN 'excellent'
      WHEN COALESCE(`b`.`score` >= CAST(4.6 AS FLOAT64), FALSE)
      THEN 'standard'
      WHEN COALESCE(`b`.`score` >= CAST(4.4 AS FLOAT64), FALSE)
      THEN 'below_threshold'
      WHEN TRUE
      THEN 'critical'
    END AS `tier`
  FROM s7_hw1 AS b
), s9_hw1 AS (
  SELECT
    b.*,
    `b`.`is_open` AND COALESCE(`b`.`score` >= CAST(4.8 AS FLOAT64), FALSE) AS `cons.feed_boost`,
    `b`.`is_open` AND COALESCE(`b`.`score` < CAST(4.6 AS FLOAT64), FALSE) AS `cons.removed_from_featured`,
    `b`.`is_open` AND COALESCE(`b`.`score` < CAST(4.6 AS FLOAT64), FALSE) AS `cons.feed_ads_paused`,
    `b`.`is_open`
    AND (
      COALESCE(`b`.`score` >= CAST(4.4 AS FLOAT64), FALSE)
      AND COALESCE(`b`.`score` < CAST(4.6 AS FLOAT64), FALSE)
    ) AS `cons.traffic_fee`,
    `b`.`is_open` AND COALESCE(`b`.`score` < CAST(4.4 AS FLOAT64), FALSE) AS `cons.pip`,
    '2024-05-27' AS `as_of_text`
  FROM s8_hw1 AS b
), m_hw2 AS (
  SELECT
    `e`.`merchant_id` AS `m.merchant_id`,
    `e`.`opened_at` AS `m.opened_at`,
    `e`.`region` AS `m.region`,
    `e`.`category` AS `m.category`,
    `e`.`identity_verified` AS `m.identity_verified`,
    `e`.`strength_verified` AS `m.strength_verified`,
    `e`.`merchant_id` AS merchant_id,
    `e`.`opened_at` < CAST('2024-05-20 00:00:00.000000+00:00' AS TIMESTAMP) AS is_open
  FROM merchants AS e
), pop1_hw2 AS (
  SELECT
    `t`.`merchant_id` AS merchant_id,
    COUNT(*) AS i0_den_0,
    COUNTIF(
      `t`.`order_id` IN (
        SELECT
          `r1`.`order_id`
        FROM reviews AS r1
        WHERE
          `r1`.`rated_at` < CAST('2024-05-20 00:00:00.000000+00:00' AS TIMESTAMP)
          AND `r1`.`stars` <= 2
      )
    ) AS i0_num_1,
    COUNT(*) AS i1_den_2,
    COUNTIF(
      `t`.`order_id` IN (
        SELECT
          `r2`.`order_id`
        FROM after_sales AS r2
        WHERE
          `r2`.`requested_at` < CAST('2024-05-20 00:00:00.000000+00:00' AS TIMESTAMP)
          AND `r2`.`kind` = 'return_refund'
      )
    ) AS i1_num_3,
    COUNT(*) AS i2_den_4,
    COUNTIF(
      `t`.`order_id` IN (
        SELECT
          `r3`.`order_id`
        FROM complaints AS r3
        WHERE
          `r3`.`created_at` < CAST('2024-05-20 00:00:00.000000+00:00' AS TIMESTAMP)
          AND `r3`.`kind` = 'not_as_described'
      )
    ) AS i2_num_5,
    COUNTIF(`t`.`paid_at` <= CAST('2024-05-17 00:00:00.000000+00:00' AS TIMESTAMP)) AS i3_den_6,
    COUNTIF(
      `t`.`paid_at` <= CAST('2024-05-17 00:00:00.000000+00:00' AS TIMESTAMP)
      AND (
        UNIX_MICROS(
          CASE
            WHEN `t`.`first_scan_at` < CAST('2024-05-20 00:00:00.000000+00:00' AS TIMESTAMP)
            THEN `t`.`first_scan_at`
          END
        ) - UNIX_MICROS(`t`.`paid_at`)
      ) <= 259200000000
    ) AS i3_num_7,
    COUNT(*) AS i5_den_8,
    COUNTIF(
      `t`.`order_id` IN (
        SELECT
          `r4`.`order_id`
        FROM complaints AS r4
        WHERE
          `r4`.`created_at` < CAST('2024-05-20 00:00:00.000000+00:00' AS TIMESTAMP)
          AND `r4`.`kind` = 'logistics'
      )
    ) AS i5_num_9,
    COUNT(*) AS i7_den_10,
    COUNTIF(
      `t`.`order_id` IN (
        SELECT
          `r5`.`order_id`
        FROM disputes AS r5
        WHERE
          `r5`.`opened_at` < CAST('2024-05-20 00:00:00.000000+00:00' AS TIMESTAMP)
      )
    ) AS i7_num_11,
    SUM(`t`.`amount`) AS v12_sum_12,
    COUNT(`t`.`amount`) AS v12_c_13
  FROM orders AS t
  WHERE
    `t`.`paid_at` < CAST('2024-05-20 00:00:00.000000+00:00' AS TIMESTAMP)
    AND NOT COALESCE(`t`.`is_fraud`, FALSE)
    AND `t`.`paid_at` >= CAST('2024-04-20 00:00:00.000000+00:00' AS TIMESTAMP)
  GROUP BY
    `t`.`merchant_id`
), pop2_hw2 AS (
  SELECT
    `t`.`merchant_id` AS merchant_id,
    COUNT(*) AS i4_den_0,
    COUNTIF(
      NOT UNIX_MICROS(
        CASE
          WHEN `t`.`delivered_at` < CAST('2024-05-20 00:00:00.000000+00:00' AS TIMESTAMP)
          THEN `t`.`delivered_at`
        END
      ) IS NULL
    ) AS i4_num_1
  FROM orders AS t
  WHERE
    `t`.`paid_at` < CAST('2024-05-20 00:00:00.000000+00:00' AS TIMESTAMP)
    AND NOT COALESCE(`t`.`is_fraud`, FALSE)
    AND `t`.`shipped_at` >= CAST('2024-04-20 00:00:00.000000+00:00' AS TIMESTAMP)
    AND `t`.`shipped_at` <= CAST('2024-05-13 00:00:00.000000+00:00' AS TIMESTAMP)
  GROUP BY
    `t`.`merchant_id`
), pop3_hw2 AS (
  SELECT
    `t`.`merchant_id` AS merchant_id,
    COUNT(*) AS i6_den_0,
    COUNTIF(
      (
        UNIX_MICROS(
          CASE
            WHEN `t`.`first_response_at` < CAST('2024-05-20 00:00:00.000000+00:00' AS TIMESTAMP)
            THEN `t`.`first_response_at`
          END
        ) - UNIX_MICROS(`t`.`started_at`)
      ) <= 86400000000
    ) AS i6_num_1
  FROM im_sessions AS t
  WHERE
    `t`.`started_at` < CAST('2024-05-20 00:00:00.000000+00:00' AS TIMESTAMP)
    AND `t`.`started_at` >= CAST('2024-04-20 00:00:00.000000+00:00' AS TIMESTAMP)
    AND `t`.`started_at` <= CAST('2024-05-19 00:00:00.000000+00:00' AS TIMESTAMP)
  GROUP BY
    `t`.`merchant_id`
), pop4_hw2 AS (
  SELECT
    `t`.`merchant_id` AS merchant_id,
    SUM(
      (
        UNIX_MICROS(
          CASE
            WHEN `t`.`completed_at` < CAST('2024-05-20 00:00:00.000000+00:00' AS TIMESTAMP)
            THEN `t`.`completed_at`
          END
        ) - UNIX_MICROS(`t`.`requested_at`)
      )
    ) AS i8_sum_0,
    COUNT(
      (
        UNIX_MICROS(
          CASE
            WHEN `t`.`completed_at` < CAST('2024-05-20 00:00:00.000000+00:00' AS TIMESTAMP)
            THEN `t`.`completed_at`
          END
        ) - UNIX_MICROS(`t`.`requested_at`)
      )
    ) AS i8_n_1
  FROM after_sales AS t
  WHERE
    `t`.`requested_at` < CAST('2024-05-20 00:00:00.000000+00:00' AS TIMESTAMP)
    AND `t`.`completed_at` < CAST('2024-05-20 00:00:00.000000+00:00' AS TIMESTAMP)
    AND `t`.`completed_at` >= CAST('2024-04-20 00:00:00.000000+00:00' AS TIMESTAMP)
  GROUP BY
    `t`.`merchant_id`
), pop5_hw2 AS (
  SELECT
    `t`.`merchant_id` AS merchant_id,
    COUNT(*) AS i9_den_0,
    COUNTIF(
      `j7`.`latest` >= CASE
        WHEN `t`.`delivered_at` < CAST('2024-05-20 00:00:00.000000+00:00' AS TIMESTAMP)
        THEN `t`.`delivered_at`
      END
    ) AS i9_num_1
  FROM orders AS t
  LEFT JOIN (
    SELECT
      `r6`.`order_id` AS link,
      MAX(`r6`.`requested_at`) AS latest
    FROM after_sales AS r6
    WHERE
      `r6`.`requested_at` < CAST('2024-05-20 00:00:00.000000+00:00' AS TIMESTAMP)
      AND `r6`.`requested_at` >= CAST('2024-04-20 00:00:00.000000+00:00' AS TIMESTAMP)
      AND `r6`.`kind` = 'return_refund'
    GROUP BY
      `r6`.`order_id`
  ) AS j7
    ON `j7`.`link` = `t`.`order_id`
  WHERE
    `t`.`paid_at` < CAST('2024-05-20 00:00:00.000000+00:00' AS TIMESTAMP)
    AND NOT COALESCE(`t`.`is_fraud`, FALSE)
    AND `t`.`delivered_at` < CAST('2024-05-20 00:00:00.000000+00:00' AS TIMESTAMP)
    AND `t`.`delivered_at` >= CAST('2024-04-20 00:00:00.000000+00:00' AS TIMESTAMP)
  GROUP BY
    `t`.`merchant_id`
), pop6_hw2 AS (
  SELECT
    `t`.`merchant_id` AS merchant_id,
    COUNT(*) AS i10_den_0,
    COUNTIF(`t`.`platform_intervened`) AS i10_num_1
  FROM after_sales AS t
  WHERE
    `t`.`requested_at` < CAST('2024-05-20 00:00:00.000000+00:00' AS TIMESTAMP)
    AND `t`.`requested_at` >= CAST('2024-04-20 00:00:00.000000+00:00' AS TIMESTAMP)
  GROUP BY
    `t`.`merchant_id`
), pop7_hw2 AS (
  SELECT
    `t`.`merchant_id` AS merchant_id,
    COUNTIF(`t`.`nps` >= 9) AS i11_p_0,
    COUNTIF(`t`.`nps` <= 6) AS i11_d_1,
    COUNT(`t`.`nps`) AS i11_c_2
  FROM surveys AS t
  WHERE
    `t`.`answered_at` < CAST('2024-05-20 00:00:00.000000+00:00' AS TIMESTAMP)
    AND `t`.`answered_at` >= CAST('2024-04-20 00:00:00.000000+00:00' AS TIMESTAMP)
  GROUP BY
    `t`.`merchant_id`
), pop8_hw2 AS (
  SELECT
    `t`.`merchant_id` AS merchant_id,
    COUNTIF(`t`.`kind` = 'cashback_card') AS d13_0
  FROM violations AS t
  WHERE
    `t`.`confirmed_at` < CAST('2024-05-20 00:00:00.000000+00:00' AS TIMESTAMP)
    AND `t`.`confirmed_at` >= CAST('2024-04-20 00:00:00.000000+00:00' AS TIMESTAMP)
  GROUP BY
    `t`.`merchant_id`
), s1_hw2 AS (
  SELECT
    b.*,
    CASE
      WHEN COALESCE(`pop1_hw2`.`i0_den_0`, 0) > 0
      THEN ROUND(
        CAST(COALESCE(`pop1_hw2`.`i0_num_1`, 0) AS FLOAT64) / COALESCE(`pop1_hw2`.`i0_den_0`, 0),
        9
      )
    END AS `ind.negative_review_rate.value`,
    CASE
      WHEN COALESCE(`pop1_hw2`.`i1_den_2`, 0) > 0
      THEN ROUND(
        CAST(COALESCE(`pop1_hw2`.`i1_num_3`, 0) AS FLOAT64) / COALESCE(`pop1_hw2`.`i1_den_2`, 0),
        9
      )
    END AS `ind.return_rate.value`,
    CASE
      WHEN COALESCE(`pop1_hw2`.`i2_den_4`, 0) > 0
      THEN ROUND(
        CAST(COALESCE(`pop1_hw2`.`i2_num_5`, 0) AS FLOAT64) / COALESCE(`pop1_hw2`.`i2_den_4`, 0),
        9
      )
    END AS `ind.nad_complaint_rate.value`,
    CASE
      WHEN COALESCE(`pop1_hw2`.`i3_den_6`, 0) > 0
      THEN ROUND(
        CAST(COALESCE(`pop1_hw2`.`i3_num_7`, 0) AS FLOAT64) / COALESCE(`pop1_hw2`.`i3_den_6`, 0),
        9
      )
    END AS `ind.pickup_72h_rate.value`,
    CASE
      WHEN COALESCE(`pop2_hw2`.`i4_den_0`, 0) > 0
      THEN ROUND(
        CAST(COALESCE(`pop2_hw2`.`i4_num_1`, 0) AS FLOAT64) / COALESCE(`pop2_hw2`.`i4_den_0`, 0),
        9
      )
    END AS `ind.delivery_success_rate.value`,
    CASE
      WHEN COALESCE(`pop1_hw2`.`i5_den_8`, 0) > 0
      THEN ROUND(
        CAST(COALESCE(`pop1_hw2`.`i5_num_9`, 0) AS FLOAT64) / COALESCE(`pop1_hw2`.`i5_den_8`, 0),
        9
      )
    END AS `ind.logistics_complaint_rate.value`,
    CASE
      WHEN COALESCE(`pop3_hw2`.`i6_den_0`, 0) > 0
      THEN ROUND(
        CAST(COALESCE(`pop3_hw2`.`i6_num_1`, 0) AS FLOAT64) / COALESCE(`pop3_hw2`.`i6_den_0`, 0),
        9
      )
    END AS `ind.im_24h_response_rate.value`,
    CASE
      WHEN COALESCE(`pop1_hw2`.`i7_den_10`, 0) > 0
      THEN ROUND(
        CAST(COALESCE(`pop1_hw2`.`i7_num_11`, 0) AS FLOAT64) / COALESCE(`pop1_hw2`.`i7_den_10`, 0),
        9
      )
    END AS `ind.dispute_rate.value`,
    CASE
      WHEN COALESCE(`pop4_hw2`.`i8_n_1`, 0) > 0
      THEN ROUND(
        CAST(`pop4_hw2`.`i8_sum_0` AS FLOAT64) / `pop4_hw2`.`i8_n_1` / CAST(3600000000.0 AS FLOAT64),
        9
      )
    END AS `ind.refund_review_hours.value`,
    CASE
      WHEN COALESCE(`pop5_hw2`.`i9_den_0`, 0) > 0
      THEN ROUND(
        CAST(COALESCE(`pop5_hw2`.`i9_num_1`, 0) AS FLOAT64) / COALESCE(`pop5_hw2`.`i9_den_0`, 0),
        9
      )
    END AS `ind.return_30d_rate.value`,
    CASE
      WHEN COALESCE(`pop6_hw2`.`i10_den_0`, 0) > 0
      THEN ROUND(
        CAST(COALESCE(`pop6_hw2`.`i10_num_1`, 0) AS FLOAT64) / COALESCE(`pop6_hw2`.`i10_den_0`, 0),
        9
      )
    END AS `ind.intervention_rate.value`,
    CASE
      WHEN COALESCE(`pop7_hw2`.`i11_c_2`, 0) > 0
      THEN ROUND(
        CAST(100 * (
          COALESCE(`pop7_hw2`.`i11_p_0`, 0) - COALESCE(`pop7_hw2`.`i11_d_1`, 0)
        ) AS FLOAT64) / COALESCE(`pop7_hw2`.`i11_c_2`, 0),
        9
      )
    END AS `ind.after_sales_nps.value`,
    ROUND(COALESCE(`pop1_hw2`.`v12_sum_12`, 0), 9) AS `val.gmv`,
    COALESCE(`pop8_hw2`.`d13_0`, 0) AS `ded.cashback_card.count`
  FROM m_hw2 AS b
  LEFT JOIN pop1_hw2
    ON `pop1_hw2`.`merchant_id` = `b`.`merchant_id`
  LEFT JOIN pop2_hw2
    ON `pop2_hw2`.`merchant_id` = `b`.`merchant_id`
  LEFT JOIN pop3_hw2
    ON `pop3_hw2`.`merchant_id` = `b`.`merchant_id`
  LEFT JOIN pop4_hw2
    ON `pop4_hw2`.`merchant_id` = `b`.`merchant_id`
  LEFT JOIN pop5_hw2
    ON `pop5_hw2`.`merchant_id` = `b`.`merchant_id`
  LEFT JOIN pop6_hw2
    ON `pop6_hw2`.`merchant_id` = `b`.`merchant_id`
  LEFT JOIN pop7_hw2
    ON `pop7_hw2`.`merchant_id` = `b`.`merchant_id`
  LEFT JOIN pop8_hw2
    ON `pop8_hw2`.`merchant_id` = `b`.`merchant_id`
), s2_hw2 AS (
  SELECT
    b.*,
    CASE
      WHEN `b`.`ind.negative_review_rate.value` IS NULL
      THEN NULL
      ELSE CASE
        WHEN `b`.`ind.negative_review_rate.value` <= CAST(0.012 AS FLOAT64)
        THEN CAST(5.0 AS FLOAT64)
        WHEN `b`.`ind.negative_review_rate.value` <= CAST(0.06 AS FLOAT64)
        THEN ROUND(
          CAST(5.0 AS FLOAT64) + (
            `b`.`ind.negative_review_rate.value` - CAST(0.012 AS FLOAT64)
          ) / CAST(0.048 AS FLOAT64) * -CAST(4.0 AS FLOAT64),
          9
        )
        ELSE CAST(1.0 AS FLOAT64)
      END
    END AS `ind.negative_review_rate.score`,
    CASE
      WHEN `b`.`ind.return_rate.value` IS NULL
      THEN NULL
      ELSE CASE
        WHEN `b`.`ind.return_rate.value` <= CAST(0.038 AS FLOAT64)
        THEN CAST(5.0 AS FLOAT64)
        WHEN `b`.`ind.return_rate.value` <= CAST(0.15 AS FLOAT64)
        THEN ROUND(
          CAST(5.0 AS FLOAT64) + (
            `b`.`ind.return_rate.value` - CAST(0.038 AS FLOAT64)
          ) / CAST(0.11199999999999999 AS FLOAT64) * -CAST(4.0 AS FLOAT64),
          9
        )
        ELSE CAST(1.0 AS FLOAT64)
      END
    END AS `ind.return_rate.score`,
    CASE
      WHEN `b`.`ind.nad_complaint_rate.value` IS NULL
      THEN NULL
      ELSE CASE
        WHEN `b`.`ind.nad_complaint_rate.value` <= CAST(0.009 AS FLOAT64)
        THEN CAST(5.0 AS FLOAT64)
        WHEN `b`.`ind.nad_complaint_rate.value` <= CAST(0.05 AS FLOAT64)
        THEN ROUND(
          CAST(5.0 AS FLOAT64) + (
            `b`.`ind.nad_complaint_rate.value` - CAST(0.009 AS FLOAT64)
          ) / CAST(0.041 AS FLOAT64) * -CAST(4.0 AS FLOAT64),
          9
        )
        ELSE CAST(1.0 AS FLOAT64)
      END
    END AS `ind.nad_complaint_rate.score`,
    CASE
      WHEN `b`.`ind.pickup_72h_rate.value` IS NULL
      THEN NULL
      ELSE CASE
        WHEN `b`.`ind.pickup_72h_rate.value` <= CAST(0.8 AS FLOAT64)
        THEN CAST(1.0 AS FLOAT64)
        WHEN `b`.`ind.pickup_72h_rate.value` <= CAST(0.98 AS FLOAT64)
        THEN ROUND(
          CAST(1.0 AS FLOAT64) + (
            `b`.`ind.pickup_72h_rate.value` - CAST(0.8 AS FLOAT64)
          ) / CAST(0.17999999999999994 AS FLOAT64) * CAST(4.0 AS FLOAT64),
          9
        )
        ELSE CAST(5.0 AS FLOAT64)
      END
    END AS `ind.pickup_72h_rate.score`,
    CASE
      WHEN `b`.`ind.delivery_success_rate.value` IS NULL
      THEN NULL
      ELSE CASE
        WHEN `b`.`ind.delivery_success_rate.value` <= CAST(0.9 AS FLOAT64)
        THEN CAST(1.0 AS FLOAT64)
        WHEN `b`.`ind.delivery_success_rate.value` <= CAST(0.985 AS FLOAT64)
        THEN ROUND(
          CAST(1.0 AS FLOAT64) + (
            `b`.`ind.delivery_success_rate.value` - CAST(0.9 AS FLOAT64)
          ) / CAST(0.08499999999999996 AS FLOAT64) * CAST(4.0 AS FLOAT64),
          9
        )
        ELSE CAST(5.0 AS FLOAT64)
      END
    END AS `ind.delivery_success_rate.score`,
    CASE
      WHEN `b`.`ind.logistics_complaint_rate.value` IS NULL
      THEN NULL
      ELSE CASE
        WHEN `b`.`ind.logistics_complaint_rate.value` <= CAST(0.006 AS FLOAT64)
        THEN CAST(5.0 AS FLOAT64)
        WHEN `b`.`ind.logistics_complaint_rate.value` <= CAST(0.04 AS FLOAT64)
        THEN ROUND(
          CAST(5.0 AS FLOAT64) + (
            `b`.`ind.logistics_complaint_rate.value` - CAST(0.006 AS FLOAT64)
          ) / CAST(0.034 AS FLOAT64) * -CAST(4.0 AS FLOAT64),
          9
        )
        ELSE CAST(1.0 AS FLOAT64)
      END
    END AS `ind.logistics_complaint_rate.score`,
    CASE
      WHEN `b`.`ind.im_24h_response_rate.value` IS NULL
      THEN NULL
      ELSE CASE
        WHEN `b`.`ind.im_24h_response_rate.value` <= CAST(0.7 AS FLOAT64)
        THEN CAST(1.0 AS FLOAT64)
        WHEN `b`.`ind.im_24h_response_rate.value` <= CAST(0.95 AS FLOAT64)
        THEN ROUND(
          CAST(1.0 AS FLOAT64) + (
            `b`.`ind.im_24h_response_rate.value` - CAST(0.7 AS FLOAT64)
          ) / CAST(0.25 AS FLOAT64) * CAST(4.0 AS FLOAT64),
          9
        )
        ELSE CAST(5.0 AS FLOAT64)
      END
    END AS `ind.im_24h_response_rate.score`,
    CASE
      WHEN `b`.`ind.dispute_rate.value` IS NULL
      THEN NULL
      ELSE CASE
        WHEN `b`.`ind.dispute_rate.value` <= CAST(0.015 AS FLOAT64)
        THEN CAST(5.0 AS FLOAT64)
        WHEN `b`.`ind.dispute_rate.value` <= CAST(0.06 AS FLOAT64)
        THEN ROUND(
          CAST(5.0 AS FLOAT64) + (
            `b`.`ind.dispute_rate.value` - CAST(0.015 AS FLOAT64)
          ) / CAST(0.045 AS FLOAT64) * -CAST(4.0 AS FLOAT64),
          9
        )
        ELSE CAST(1.0 AS FLOAT64)
      END
    END AS `ind.dispute_rate.score`,
    CASE
      WHEN `b`.`ind.refund_review_hours.value` IS NULL
      THEN NULL
      ELSE CASE
        WHEN `b`.`ind.refund_review_hours.value` <= CAST(48.0 AS FLOAT64)
        THEN CAST(5.0 AS FLOAT64)
        WHEN `b`.`ind.refund_review_hours.value` <= CAST(168.0 AS FLOAT64)
        THEN ROUND(
          CAST(5.0 AS FLOAT64) + (
            `b`.`ind.refund_review_hours.value` - CAST(48.0 AS FLOAT64)
          ) / CAST(120.0 AS FLOAT64) * -CAST(4.0 AS FLOAT64),
          9
        )
        ELSE CAST(1.0 AS FLOAT64)
      END
    END AS `ind.refund_review_hours.score`,
    CASE
      WHEN `b`.`ind.return_30d_rate.value` IS NULL
      THEN NULL
      ELSE CASE
        WHEN `b`.`ind.return_30d_rate.value` <= CAST(0.03 AS FLOAT64)
        THEN CAST(5.0 AS FLOAT64)
        WHEN `b`.`ind.return_30d_rate.value` <= CAST(0.12 AS FLOAT64)
        THEN ROUND(
          CAST(5.0 AS FLOAT64) + (
            `b`.`ind.return_30d_rate.value` - CAST(0.03 AS FLOAT64)
          ) / CAST(0.09 AS FLOAT64) * -CAST(4.0 AS FLOAT64),
          9
        )
        ELSE CAST(1.0 AS FLOAT64)
      END
    END AS `ind.return_30d_rate.score`,
    CASE
      WHEN `b`.`ind.intervention_rate.value` IS NULL
      THEN NULL
      ELSE CASE
        WHEN `b`.`ind.intervention_rate.value` <= CAST(0.05 AS FLOAT64)
        THEN CAST(5.0 AS FLOAT64)
        WHEN `b`.`ind.intervention_rate.value` <= CAST(0.3 AS FLOAT64)
        THEN ROUND(
          CAST(5.0 AS FLOAT64) + (
            `b`.`ind.intervention_rate.value` - CAST(0.05 AS FLOAT64)
          ) / CAST(0.25 AS FLOAT64) * -CAST(4.0 AS FLOAT64),
          9
        )
        ELSE CAST(1.0 AS FLOAT64)
      END
    END AS `ind.intervention_rate.score`,
    CASE
      WHEN `b`.`ind.after_sales_nps.value` IS NULL
      THEN NULL
      ELSE CASE
        WHEN `b`.`ind.after_sales_nps.value` <= CAST(0.0 AS FLOAT64)
        THEN CAST(1.0 AS FLOAT64)
        WHEN `b`.`ind.after_sales_nps.value` <= CAST(65.0 AS FLOAT64)
        THEN ROUND(
          CAST(1.0 AS FLOAT64) + (
            `b`.`ind.after_sales_nps.value` - CAST(0.0 AS FLOAT64)
          ) / CAST(65.0 AS FLOAT64) * CAST(4.0 AS FLOAT64),
          9
        )
        ELSE CAST(5.0 AS FLOAT64)
      END
    END AS `ind.after_sales_nps.score`
  FROM s1_hw2 AS b
), s3w_hw2 AS (
  SELECT
    b.*,
    CAST(0.0 AS FLOAT64) + CASE
      WHEN NOT `b`.`ind.negative_review_rate.score` IS NULL
      THEN CAST(1.0 AS FLOAT64)
      ELSE CAST(0.0 AS FLOAT64)
    END + CASE
      WHEN NOT `b`.`ind.return_rate.score` IS NULL
      THEN CAST(1.0 AS FLOAT64)
      ELSE CAST(0.0 AS FLOAT64)
    END + CASE
      WHEN NOT `b`.`ind.nad_complaint_rate.score` IS NULL
      THEN CAST(1.0 AS FLOAT64)
      ELSE CAST(0.0 AS FLOAT64)
    END AS `wt.product`,
    CAST(0.0 AS FLOAT64) + CASE
      WHEN NOT `b`.`ind.pickup_72h_rate.score` IS NULL
      THEN CAST(1.0 AS FLOAT64)
      ELSE CAST(0.0 AS FLOAT64)
    END + CASE
      WHEN NOT `b`.`ind.delivery_success_rate.score` IS NULL
      THEN CAST(1.0 AS FLOAT64)
      ELSE CAST(0.0 AS FLOAT64)
    END + CASE
      WHEN NOT `b`.`ind.logistics_complaint_rate.score` IS NULL
      THEN CAST(1.0 AS FLOAT64)
      ELSE CAST(0.0 AS FLOAT64)
    END AS `wt.logistics`,
    CAST(0.0 AS FLOAT64) + CASE
      WHEN NOT `b`.`ind.im_24h_response_rate.score` IS NULL
      THEN CAST(1.0 AS FLOAT64)
      ELSE CAST(0.0 AS FLOAT64)
    END + CASE
      WHEN NOT `b`.`ind.dispute_rate.score` IS NULL
      THEN CAST(1.0 AS FLOAT64)
      ELSE CAST(0.0 AS FLOAT64)
    END + CASE
      WHEN NOT `b`.`ind.refund_review_hours.score` IS NULL
      THEN CAST(1.0 AS FLOAT64)
      ELSE CAST(0.0 AS FLOAT64)
    END AS `wt.service`,
    CAST(0.0 AS FLOAT64) + CASE
      WHEN NOT `b`.`ind.return_30d_rate.score` IS NULL
      THEN CAST(1.0 AS FLOAT64)
      ELSE CAST(0.0 AS FLOAT64)
    END + CASE
      WHEN NOT `b`.`ind.intervention_rate.score` IS NULL
      THEN CAST(1.0 AS FLOAT64)
      ELSE CAST(0.0 AS FLOAT64)
    END + CASE
      WHEN NOT `b`.`ind.after_sales_nps.score` IS NULL
      THEN CAST(1.0 AS FLOAT64)
      ELSE CAST(0.0 AS FLOAT64)
    END AS `wt.after_sales`
  FROM s2_hw2 AS b
), s3_hw2 AS (
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
          ) * `b`.`ind.return_rate.score`,
          CAST(0.0 AS FLOAT64)
        ) + COALESCE(
          (
            CAST(1.0 AS FLOAT64) / `b`.`wt.product`
          ) * `b`.`ind.nad_complaint_rate.score`,
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
          ) * `b`.`ind.pickup_72h_rate.score`,
          CAST(0.0 AS FLOAT64)
        ) + COALESCE(
          (
            CAST(1.0 AS FLOAT64) / `b`.`wt.logistics`
          ) * `b`.`ind.delivery_success_rate.score`,
          CAST(0.0 AS FLOAT64)
        ) + COALESCE(
          (
            CAST(1.0 AS FLOAT64) / `b`.`wt.logistics`
          ) * `b`.`ind.logistics_complaint_rate.score`,
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
          ) * `b`.`ind.im_24h_response_rate.score`,
          CAST(0.0 AS FLOAT64)
        ) + COALESCE(
          (
            CAST(1.0 AS FLOAT64) / `b`.`wt.service`
          ) * `b`.`ind.dispute_rate.score`,
          CAST(0.0 AS FLOAT64)
        ) + COALESCE(
          (
            CAST(1.0 AS FLOAT64) / `b`.`wt.service`
          ) * `b`.`ind.refund_review_hours.score`,
          CAST(0.0 AS FLOAT64)
        ),
        9
      )
    END AS `dim.service`,
    CASE
      WHEN `b`.`wt.after_sales` > CAST(0.0 AS FLOAT64)
      THEN ROUND(
        CAST(0.0 AS FLOAT64) + COALESCE(
          (
            CAST(1.0 AS FLOAT64) / `b`.`wt.after_sales`
          ) * `b`.`ind.return_30d_rate.score`,
          CAST(0.0 AS FLOAT64)
        ) + COALESCE(
          (
            CAST(1.0 AS FLOAT64) / `b`.`wt.after_sales`
          ) * `b`.`ind.intervention_rate.score`,
          CAST(0.0 AS FLOAT64)
        ) + COALESCE(
          (
            CAST(1.0 AS FLOAT64) / `b`.`wt.after_sales`
          ) * `b`.`ind.after_sales_nps.score`,
          CAST(0.0 AS FLOAT64)
        ),
        9
      )
    END AS `dim.after_sales`
  FROM s3w_hw2 AS b
), s4v_hw2 AS (
  SELECT
    b.*,
    CASE
      WHEN COALESCE(`b`.`m.region` IN ('US', 'UK', 'EU'), FALSE)
      THEN CAST(0.25 AS FLOAT64)
      WHEN COALESCE(`b`.`m.region` IN ('SEA'), FALSE)
      THEN CAST(0.45 AS FLOAT64)
      ELSE CAST(0.4 AS FLOAT64)
    END AS `w.product`,
    CASE
      WHEN COALESCE(`b`.`m.region` IN ('US', 'UK', 'EU'), FALSE)
      THEN CAST(0.4 AS FLOAT64)
      WHEN COALESCE(`b`.`m.region` IN ('SEA'), FALSE)
      THEN CAST(0.25 AS FLOAT64)
      ELSE CAST(0.3 AS FLOAT64)
    END AS `w.logistics`,
    CASE
      WHEN COALESCE(`b`.`m.region` IN ('US', 'UK', 'EU'), FALSE)
      THEN CAST(0.15 AS FLOAT64)
      WHEN COALESCE(`b`.`m.region` IN ('SEA'), FALSE)
      THEN CAST(0.2 AS FLOAT64)
      ELSE CAST(0.2 AS FLOAT64)
    END AS `w.service`,
    CASE
      WHEN COALESCE(`b`.`m.region` IN ('US', 'UK', 'EU'), FALSE)
      THEN CAST(0.2 AS FLOAT64)
      WHEN COALESCE(`b`.`m.region` IN ('SEA'), FALSE)
      THEN CAST(0.1 AS FLOAT64)
      ELSE CAST(0.1 AS FLOAT64)
    END AS `w.after_sales`
  FROM s3_hw2 AS b
), s4w_hw2 AS (
  SELECT
    b.*,
    CAST(0.0 AS FLOAT64) + CASE
      WHEN NOT `b`.`dim.product` IS NULL
      THEN `b`.`w.product`
      ELSE CAST(0.0 AS FLOAT64)
    END + CASE
      WHEN NOT `b`.`dim.logistics` IS NULL
      THEN `b`.`w.logistics`
      ELSE CAST(0.0 AS FLOAT64)
    END + CASE
      WHEN NOT `b`.`dim.service` IS NULL
      THEN `b`.`w.service`
      ELSE CAST(0.0 AS FLOAT64)
    END + CASE
      WHEN NOT `b`.`dim.after_sales` IS NULL
      THEN `b`.`w.after_sales`
      ELSE CAST(0.0 AS FLOAT64)
    END AS `wt.total`
  FROM s4v_hw2 AS b
), s4_hw2 AS (
  SELECT
    b.*,
    CASE
      WHEN `b`.`wt.total` > CAST(0.0 AS FLOAT64)
      THEN ROUND(
        CAST(0.0 AS FLOAT64) + COALESCE((
          `b`.`w.product` / `b`.`wt.total`
        ) * `b`.`dim.product`, CAST(0.0 AS FLOAT64)) + COALESCE(
          (
            `b`.`w.logistics` / `b`.`wt.total`
          ) * `b`.`dim.logistics`,
          CAST(0.0 AS FLOAT64)
        ) + COALESCE((
          `b`.`w.service` / `b`.`wt.total`
        ) * `b`.`dim.service`, CAST(0.0 AS FLOAT64)) + COALESCE(
          (
            `b`.`w.after_sales` / `b`.`wt.total`
          ) * `b`.`dim.after_sales`,
          CAST(0.0 AS FLOAT64)
        ),
        9
      )
    END AS `raw_score`,
    ROUND(CAST(0.5 AS FLOAT64) * `b`.`ded.cashback_card.count`, 9) AS `ded.cashback_card`
  FROM s4w_hw2 AS b
), s5_hw2 AS (
  SELECT
    b.*,
    ROUND(
      CASE
        WHEN `b`.`raw_score` - `b`.`ded.cashback_card` < CAST(1.0 AS FLOAT64)
        THEN CAST(1.0 AS FLOAT64)
        WHEN `b`.`raw_score` - `b`.`ded.cashback_card` > CAST(5.0 AS FLOAT64)
        THEN CAST(5.0 AS FLOAT64)
        ELSE `b`.`raw_score` - `b`.`ded.cashback_card`
      END,
      9
    ) AS `score`
  FROM s4_hw2 AS b
), o_category_percentile__hw2 AS (
  SELECT
    b.*,
    ROUND(
      CASE
        WHEN (
          `b`.`is_open` AND NOT `b`.`score` IS NULL
        ) AND NOT `b`.`score` IS NULL
        THEN R9(
          CUME_DIST() OVER (
            PARTITION BY `b`.`m.region`, `b`.`m.category`, (
              `b`.`is_open` AND NOT `b`.`score` IS NULL
            ) AND NOT `b`.`score` IS NULL
            ORDER BY `b`.`score` ASC NULLS LAST
          )
        )
      END,
      9
    ) AS `out.category_percentile`
  FROM s5_hw2 AS b
), s7_hw2 AS (
  SELECT
    b.*,
    CASE
      WHEN NOT `b`.`is_open`
      THEN 'not_open'
      WHEN `b`.`score` IS NULL
      THEN 'unrated'
      ELSE 'rated'
    END AS `status`
  FROM o_category_percentile__hw2 AS b
), s8_hw2 AS (
  SELECT
    b.*,
    CASE
      WHEN NOT `b`.`is_open`
      THEN CAST(NULL AS STRING)
      WHEN `b`.`score` IS NULL
      THEN 'unrated'
      WHEN COALESCE(`b`.`score` >= CAST(4.8 AS FLOAT64), FALSE)
      THEN 'excellent'
      WHEN COALESCE(`b`.`score` >= CAST(4.6 AS FLOAT64), FALSE)
      THEN 'standard'
      WHEN COALESCE(`b`.`score` >= CAST(4.4 AS FLOAT64), FALSE)
      THEN 'below_threshold'
      WHEN TRUE
      THEN 'critical'
    END AS `tier`
  FROM s7_hw2 AS b
), s9_hw2 AS (
  SELECT
    b.*,
    `b`.`is_open` AND COALESCE(`b`.`score` >= CAST(4.8 AS FLOAT64), FALSE) AS `cons.feed_boost`,
    `b`.`is_open` AND COALESCE(`b`.`score` < CAST(4.6 AS FLOAT64), FALSE) AS `cons.removed_from_featured`,
    `b`.`is_open` AND COALESCE(`b`.`score` < CAST(4.6 AS FLOAT64), FALSE) AS `cons.feed_ads_paused`,
    `b`.`is_open`
    AND (
      COALESCE(`b`.`score` >= CAST(4.4 AS FLOAT64), FALSE)
      AND COALESCE(`b`.`score` < CAST(4.6 AS FLOAT64), FALSE)
    ) AS `cons.traffic_fee`,
    `b`.`is_open` AND COALESCE(`b`.`score` < CAST(4.4 AS FLOAT64), FALSE) AS `cons.pip`,
    '2024-05-20' AS `as_of_text`
  FROM s8_hw2 AS b
)
SELECT
  `b`.`merchant_id` AS merchant_id,
  CASE WHEN `b`.`is_open` THEN `b`.`score` END AS score,
  `b`.`tier` AS tier,
  `b`.`status` AS status,
  COALESCE(
    CONCAT_WS(
      ';',
      CASE WHEN `b`.`is_open` AND `b`.`cons.feed_ads_paused` THEN 'feed_ads_paused' END,
      CASE WHEN `b`.`is_open` AND `b`.`cons.feed_boost` THEN 'feed_boost' END,
      CASE
        WHEN (
          (
            `b`.`is_open` AND `b`.`cons.pip`
          ) AND COALESCE(`hw1`.`cons.pip`, FALSE)
        )
        AND COALESCE(`hw2`.`cons.pip`, FALSE)
        THEN 'pip'
      END,
      CASE
        WHEN `b`.`is_open` AND `b`.`cons.removed_from_featured`
        THEN 'removed_from_featured'
      END,
      CASE WHEN `b`.`is_open` AND `b`.`cons.traffic_fee` THEN 'traffic_fee' END
    ),
    ''
  ) AS consequences,
  CASE WHEN `b`.`is_open` THEN `b`.`dim.product` END AS `dim.product`,
  CASE WHEN `b`.`is_open` THEN `b`.`dim.logistics` END AS `dim.logistics`,
  CASE WHEN `b`.`is_open` THEN `b`.`dim.service` END AS `dim.service`,
  CASE WHEN `b`.`is_open` THEN `b`.`dim.after_sales` END AS `dim.after_sales`,
  CASE WHEN `b`.`is_open` THEN `b`.`ind.negative_review_rate.value` END AS `ind.negative_review_rate.value`,
  CASE WHEN `b`.`is_open` THEN `b`.`ind.negative_review_rate.score` END AS `ind.negative_review_rate.score`,
  CASE WHEN `b`.`is_open` THEN `b`.`ind.return_rate.value` END AS `ind.return_rate.value`,
  CASE WHEN `b`.`is_open` THEN `b`.`ind.return_rate.score` END AS `ind.return_rate.score`,
  CASE WHEN `b`.`is_open` THEN `b`.`ind.nad_complaint_rate.value` END AS `ind.nad_complaint_rate.value`,
  CASE WHEN `b`.`is_open` THEN `b`.`ind.nad_complaint_rate.score` END AS `ind.nad_complaint_rate.score`,
  CASE WHEN `b`.`is_open` THEN `b`.`ind.pickup_72h_rate.value` END AS `ind.pickup_72h_rate.value`,
  CASE WHEN `b`.`is_open` THEN `b`.`ind.pickup_72h_rate.score` END AS `ind.pickup_72h_rate.score`,
  CASE WHEN `b`.`is_open` THEN `b`.`ind.delivery_success_rate.value` END AS `ind.delivery_success_rate.value`,
  CASE WHEN `b`.`is_open` THEN `b`.`ind.delivery_success_rate.score` END AS `ind.delivery_success_rate.score`,
  CASE WHEN `b`.`is_open` THEN `b`.`ind.logistics_complaint_rate.value` END AS `ind.logistics_complaint_rate.value`,
  CASE WHEN `b`.`is_open` THEN `b`.`ind.logistics_complaint_rate.score` END AS `ind.logistics_complaint_rate.score`,
  CASE WHEN `b`.`is_open` THEN `b`.`ind.im_24h_response_rate.value` END AS `ind.im_24h_response_rate.value`,
  CASE WHEN `b`.`is_open` THEN `b`.`ind.im_24h_response_rate.score` END AS `ind.im_24h_response_rate.score`,
  CASE WHEN `b`.`is_open` THEN `b`.`ind.dispute_rate.value` END AS `ind.dispute_rate.value`,
  CASE WHEN `b`.`is_open` THEN `b`.`ind.dispute_rate.score` END AS `ind.dispute_rate.score`,
  CASE WHEN `b`.`is_open` THEN `b`.`ind.refund_review_hours.value` END AS `ind.refund_review_hours.value`,
  CASE WHEN `b`.`is_open` THEN `b`.`ind.refund_review_hours.score` END AS `ind.refund_review_hours.score`,
  CASE WHEN `b`.`is_open` THEN `b`.`ind.return_30d_rate.value` END AS `ind.return_30d_rate.value`,
  CASE WHEN `b`.`is_open` THEN `b`.`ind.return_30d_rate.score` END AS `ind.return_30d_rate.score`,
  CASE WHEN `b`.`is_open` THEN `b`.`ind.intervention_rate.value` END AS `ind.intervention_rate.value`,
  CASE WHEN `b`.`is_open` THEN `b`.`ind.intervention_rate.score` END AS `ind.intervention_rate.score`,
  CASE WHEN `b`.`is_open` THEN `b`.`ind.after_sales_nps.value` END AS `ind.after_sales_nps.value`,
  CASE WHEN `b`.`is_open` THEN `b`.`ind.after_sales_nps.score` END AS `ind.after_sales_nps.score`,
  CASE
    WHEN `b`.`is_open` AND `b`.`cons.traffic_fee`
    THEN ROUND((
      CAST(0.008 AS FLOAT64) * `b`.`val.gmv`
    ), 9)
  END AS `traffic_fee_amount`,
  CASE WHEN `b`.`is_open` THEN `b`.`out.category_percentile` END AS `category_percentile`,
  CASE WHEN `b`.`is_open` THEN `b`.`raw_score` END AS raw_score,
  CASE WHEN `b`.`is_open` THEN `b`.`ded.cashback_card` END AS `ded.cashback_card`
FROM s9 AS b
LEFT JOIN s9_hw1 AS hw1
  ON `hw1`.`merchant_id` = `b`.`merchant_id`
LEFT JOIN s9_hw2 AS hw2
  ON `hw2`.`merchant_id` = `b`.`merchant_id`
ORDER BY
  `b`.`merchant_id`;
