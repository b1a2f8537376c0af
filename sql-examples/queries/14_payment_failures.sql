-- Which payment methods fail most? Authorizations per method and how many of those payments failed.
-- plan: json=[[payload $.method]]
WITH payments_by_id AS (
  SELECT entity_id,
         MAX(CASE WHEN event_type = 'Authorized' THEN JSON_VALUE(payload, '$.method') END) AS pay_method,
         MAX(CASE WHEN event_type = 'Failed' THEN 1 ELSE 0 END) AS failed
  FROM payments
  GROUP BY entity_id
)
SELECT pay_method, COUNT(*) AS payments, SUM(failed) AS failed,
       CAST(100.0 * SUM(failed) / COUNT(*) AS DECIMAL(5, 2)) AS failed_pct
FROM payments_by_id
GROUP BY pay_method
ORDER BY pay_method
