-- The checkout funnel per currency, over schema types: of the carts that got an item, how many
-- were checked out, how many of their orders had a payment captured, and the revenue captured.
-- Every payload field is a column of its own type (currency VARCHAR, amount DOUBLE): no
-- JSON_VALUE and no CAST to read a field; each scan parses only the fields the query uses, and
-- the captured sums are computed by the scan of payments as it reads them.
-- plan: json=[[payload $.order_id VARCHAR, payload $.amount DOUBLE]]
-- plan: aggregate=[group [order_id] [SUM(amount)]]
WITH carts AS (
  SELECT entity_id AS cart_id, MIN(currency) AS currency
  FROM types.carts_item_added
  GROUP BY entity_id
), checkouts AS (
  SELECT entity_id AS cart_id, order_id
  FROM types.carts_checked_out
), captured AS (
  SELECT order_id, SUM(amount) AS amount
  FROM types.payments_captured
  GROUP BY order_id
)
SELECT c.currency,
       COUNT(*) AS carts,
       COUNT(k.cart_id) AS checked_out,
       COUNT(p.order_id) AS paid,
       CAST(ROUND(100.0 * COUNT(k.cart_id) / COUNT(*), 1) AS DECIMAL(5, 1)) AS checkout_pct,
       CAST(ROUND(100.0 * COUNT(p.order_id) / COUNT(k.cart_id), 1) AS DECIMAL(5, 1)) AS paid_pct,
       CAST(ROUND(SUM(p.amount), 2) AS DECIMAL(14, 2)) AS captured
FROM carts AS c
LEFT JOIN checkouts AS k ON k.cart_id = c.cart_id
LEFT JOIN captured AS p ON p.order_id = k.order_id
GROUP BY c.currency
ORDER BY c.currency
