CREATE OR REPLACE TEMP MACRO R9(x) AS CASE WHEN abs(x) >= 1e15 THEN x WHEN abs(abs(x) * 1e9 - floor(abs(x) * 1e9) - 0.5) < 1e-7 + abs(x) * 1e-6 THEN CAST(CAST(CAST(x AS VARCHAR) AS DECIMAL(38, 9)) AS DOUBLE) ELSE round(x, 9) END;
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
      NOT "t"."rating" IS NULL AND NOT (
        COALESCE("t"."reported_malicious", FALSE)
      )) AS i0_den_0,
    COUNT(*) FILTER(WHERE
      (
        NOT "t"."rating" IS NULL AND NOT (
          COALESCE("t"."reported_malicious", FALSE)
        )
      )
      AND "t"."rating" IN ('very_satisfied', 'satisfied')) AS i0_num_1,
    COUNT(*) FILTER(WHERE
      (
        NOT "t"."rating" IS NULL AND NOT (
          COALESCE("t"."reported_malicious", FALSE)
        )
      )
      AND "t"."rating" IN ('very_satisfied', 'satisfied')) AS o1_n_2,
    COUNT(*) FILTER(WHERE
      (
        NOT "t"."rating" IS NULL AND NOT (
          COALESCE("t"."reported_malicious", FALSE)
        )
      )
      AND "t"."rating" = 'neutral') AS o2_n_3,
    COUNT(*) FILTER(WHERE
      (
        NOT "t"."rating" IS NULL AND NOT (
          COALESCE("t"."reported_malicious", FALSE)
        )
      )
      AND "t"."rating" IN ('dissatisfied', 'very_dissatisfied')) AS o3_n_4
  FROM im_sessions AS t
  WHERE
    "t"."started_at" < CAST('2024-06-02 16:00:00.000000+00:00' AS TIMESTAMPTZ)
    AND "t"."started_at" >= CAST('2024-05-03 16:00:00.000000+00:00' AS TIMESTAMPTZ)
  GROUP BY
    "t"."merchant_id"
), s1 AS (
  SELECT
    b.*,
    CASE
      WHEN COALESCE("pop1"."i0_den_0", 0) > 0
      THEN R9(CAST(COALESCE("pop1"."i0_num_1", 0) AS DOUBLE) / COALESCE("pop1"."i0_den_0", 0))
    END AS "ind.satisfaction_rate.value",
    CAST(COALESCE("pop1"."o1_n_2", 0) AS DOUBLE) AS "om.votes_satisfied",
    CAST(COALESCE("pop1"."o2_n_3", 0) AS DOUBLE) AS "om.votes_neutral",
    CAST(COALESCE("pop1"."o3_n_4", 0) AS DOUBLE) AS "om.votes_dissatisfied"
  FROM m AS b
  LEFT JOIN pop1
    ON "pop1"."merchant_id" = "b"."merchant_id"
), s2 AS (
  SELECT
    b.*,
    CASE
      WHEN "b"."ind.satisfaction_rate.value" IS NULL
      THEN NULL
      ELSE CASE
        WHEN "b"."ind.satisfaction_rate.value" <= CAST(0.0 AS DOUBLE)
        THEN CAST(0.0 AS DOUBLE)
        WHEN "b"."ind.satisfaction_rate.value" <= CAST(1.0 AS DOUBLE)
        THEN R9(
          CAST(0.0 AS DOUBLE) + (
            "b"."ind.satisfaction_rate.value" - CAST(0.0 AS DOUBLE)
          ) / CAST(1.0 AS DOUBLE) * CAST(100.0 AS DOUBLE)
        )
        ELSE CAST(100.0 AS DOUBLE)
      END
    END AS "ind.satisfaction_rate.score"
  FROM s1 AS b
), s4 AS (
  SELECT
    b.*,
    R9("b"."ind.satisfaction_rate.score") AS "raw_score"
  FROM s2 AS b
), s5 AS (
  SELECT
    b.*,
    R9("b"."raw_score") AS "score"
  FROM s4 AS b
), o_votes_satisfied_ AS (
  SELECT
    b.*,
    "b"."om.votes_satisfied" AS "out.votes_satisfied"
  FROM s5 AS b
), o_votes_neutral_ AS (
  SELECT
    b.*,
    "b"."om.votes_neutral" AS "out.votes_neutral"
  FROM o_votes_satisfied_ AS b
), o_votes_dissatisfied_ AS (
  SELECT
    b.*,
    "b"."om.votes_dissatisfied" AS "out.votes_dissatisfied"
  FROM o_votes_neutral_ AS b
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
  FROM o_votes_dissatisfied_ AS b
), s8 AS (
  SELECT
    b.*,
    CASE
      WHEN NOT "b"."is_open"
      THEN CAST(NULL AS TEXT)
      WHEN "b"."ind.satisfaction_rate.value" IS NULL
      THEN 'no_data'
      WHEN COALESCE("b"."ind.satisfaction_rate.value" >= CAST(0.9 AS DOUBLE), FALSE)
      THEN 'excellent'
      WHEN COALESCE("b"."ind.satisfaction_rate.value" >= CAST(0.8 AS DOUBLE), FALSE)
      THEN 'good'
      WHEN TRUE
      THEN 'warning'
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
  CASE WHEN "b"."is_open" THEN "b"."ind.satisfaction_rate.value" END AS "ind.satisfaction_rate.value",
  CASE WHEN "b"."is_open" THEN "b"."ind.satisfaction_rate.score" END AS "ind.satisfaction_rate.score",
  CASE WHEN "b"."is_open" THEN "b"."out.votes_satisfied" END AS "votes_satisfied",
  CASE WHEN "b"."is_open" THEN "b"."out.votes_neutral" END AS "votes_neutral",
  CASE WHEN "b"."is_open" THEN "b"."out.votes_dissatisfied" END AS "votes_dissatisfied",
  CASE WHEN "b"."is_open" THEN "b"."raw_score" END AS raw_score
FROM s9 AS b
ORDER BY
  "b"."merchant_id";
