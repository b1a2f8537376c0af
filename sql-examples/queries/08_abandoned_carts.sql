-- Abandoned carts per day: carts that had an ItemAdded but no CheckedOut within 24 hours of the
-- first item (carts started in the last day of the history are left out: their 24 hours are not over).
-- plan: columns=[[entity_id, event_type, recorded_at]]
WITH carts AS (
  SELECT entity_id,
         MIN(CASE WHEN event_type = 'ItemAdded' THEN recorded_at END) AS started_at,
         MIN(CASE WHEN event_type = 'CheckedOut' THEN recorded_at END) AS checked_out_at
  FROM carts
  GROUP BY entity_id
)
SELECT CAST(FLOOR(started_at TO DAY) AS DATE) AS started_on,
       COUNT(*) AS carts,
       SUM(CASE WHEN checked_out_at IS NULL
                  OR checked_out_at > started_at + INTERVAL '24' HOUR THEN 1 ELSE 0 END) AS abandoned,
       CAST(100.0 * SUM(CASE WHEN checked_out_at IS NULL
                  OR checked_out_at > started_at + INTERVAL '24' HOUR THEN 1 ELSE 0 END) / COUNT(*)
            AS DECIMAL(5, 1)) AS abandoned_pct
FROM carts
WHERE started_at < TIMESTAMP '2026-10-30 00:00:00'
GROUP BY FLOOR(started_at TO DAY)
ORDER BY started_on
