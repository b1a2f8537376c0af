-- The daily order funnel: of the orders placed each day, how many were paid and how many were
-- shipped, with conversion rates.
-- plan: columns=[[entity_id, event_type, recorded_at]]
WITH per_order AS (
  SELECT entity_id,
         MIN(CASE WHEN event_type = 'OrderPlaced' THEN recorded_at END) AS placed_at,
         MAX(CASE WHEN event_type = 'PaymentCaptured' THEN 1 ELSE 0 END) AS paid,
         MAX(CASE WHEN event_type = 'OrderShipped' THEN 1 ELSE 0 END) AS shipped
  FROM orders
  GROUP BY entity_id
)
SELECT CAST(FLOOR(placed_at TO DAY) AS DATE) AS placed_on,
       COUNT(*) AS placed,
       SUM(paid) AS paid,
       SUM(shipped) AS shipped,
       CAST(100.0 * SUM(paid) / COUNT(*) AS DECIMAL(5, 1)) AS paid_pct,
       CAST(100.0 * SUM(shipped) / COUNT(*) AS DECIMAL(5, 1)) AS shipped_pct
FROM per_order
GROUP BY FLOOR(placed_at TO DAY)
ORDER BY placed_on
