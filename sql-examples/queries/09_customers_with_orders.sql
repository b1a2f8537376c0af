-- Customers with their orders, joined across streams by entity id: the first 20 customers who
-- registered, their country, how many orders they placed and when the first one was.
-- plan: json=[[payload $.customer_id]]
SELECT c.entity_id AS customer,
       JSON_VALUE(c.payload, '$.country') AS country,
       COUNT(o.entity_id) AS orders,
       MIN(o.recorded_at) AS first_order_at
FROM customers c
LEFT JOIN orders o
  ON o.event_type = 'OrderPlaced' AND JSON_VALUE(o.payload, '$.customer_id') = c.entity_id
WHERE c.event_type = 'Registered'
GROUP BY c.entity_id, JSON_VALUE(c.payload, '$.country')
ORDER BY customer
LIMIT 20
