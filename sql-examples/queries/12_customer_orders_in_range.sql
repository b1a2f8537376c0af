-- A given customer's orders in a time range, with ? parameters: what did cust-000042 order
-- between 2026-10-01 and 2026-10-31?
-- param: string cust-000042
-- param: timestamp 2026-10-01 00:00:00
-- param: timestamp 2026-10-31 00:00:00
-- plan: filters=[[=(event_type, 'OrderPlaced'), >=(recorded_at, ?1), <(recorded_at, ?2)]]
SELECT entity_id AS order_id, recorded_at AS placed_at,
       CAST(JSON_VALUE(payload, '$.total') AS DECIMAL(12, 2)) AS total,
       JSON_VALUE(payload, '$.currency') AS currency
FROM orders
WHERE event_type = 'OrderPlaced'
  AND JSON_VALUE(payload, '$.customer_id') = ?
  AND recorded_at >= ? AND recorded_at < ?
ORDER BY placed_at
