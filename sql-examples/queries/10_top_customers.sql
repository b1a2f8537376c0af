-- The top 10 customers by spend: the totals of their orders whose payment was captured.
-- plan: aggregate=[group [entity_id] []]
WITH placed AS (
  SELECT entity_id AS order_id,
         JSON_VALUE(payload, '$.customer_id') AS customer,
         JSON_VALUE(payload, '$.currency') AS currency,
         CAST(JSON_VALUE(payload, '$.total') AS DECIMAL(12, 2)) AS total
  FROM orders
  WHERE event_type = 'OrderPlaced'
),
paid AS (
  SELECT DISTINCT entity_id AS order_id FROM orders WHERE event_type = 'PaymentCaptured'
)
SELECT p.customer, p.currency, COUNT(*) AS paid_orders, SUM(p.total) AS spend
FROM placed p
JOIN paid ON paid.order_id = p.order_id
GROUP BY p.customer, p.currency
ORDER BY spend DESC, p.customer
LIMIT 10
