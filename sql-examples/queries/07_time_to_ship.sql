-- How long does it take from OrderPlaced to OrderShipped? The median and the 95th percentile, in
-- hours, over every shipped order (LAG finds the placing before each shipping; the percentiles
-- are picked by rank).
-- plan: filters=[[SEARCH(event_type, Sarg['OrderPlaced':VARCHAR, 'OrderShipped':VARCHAR]:VARCHAR)]]
WITH steps AS (
  SELECT entity_id, event_type, recorded_at,
         LAG(recorded_at) OVER (PARTITION BY entity_id ORDER BY version) AS previous_at,
         LAG(event_type) OVER (PARTITION BY entity_id ORDER BY version) AS previous_type
  FROM orders
  WHERE event_type IN ('OrderPlaced', 'OrderShipped')
),
durations AS (
  SELECT TIMESTAMPDIFF(MINUTE, previous_at, recorded_at) AS minutes_to_ship
  FROM steps
  WHERE event_type = 'OrderShipped' AND previous_type = 'OrderPlaced'
),
ranked AS (
  SELECT minutes_to_ship,
         ROW_NUMBER() OVER (ORDER BY minutes_to_ship) AS rn,
         COUNT(*) OVER () AS n
  FROM durations
)
SELECT MAX(n) AS shipped_orders,
       CAST(MAX(CASE WHEN rn = CAST(CEIL(0.50 * n) AS BIGINT) THEN minutes_to_ship END) / 60.0
            AS DECIMAL(8, 1)) AS median_hours,
       CAST(MAX(CASE WHEN rn = CAST(CEIL(0.95 * n) AS BIGINT) THEN minutes_to_ship END) / 60.0
            AS DECIMAL(8, 1)) AS p95_hours
FROM ranked
