-- Revenue by currency, read from the JSON payloads: captured payments, refunds, and what remains.
-- plan: json=[[payload $.currency, payload $.amount]]
SELECT JSON_VALUE(payload, '$.currency') AS currency,
       SUM(CASE WHEN event_type = 'Captured'
                THEN CAST(JSON_VALUE(payload, '$.amount') AS DECIMAL(12, 2)) ELSE 0 END) AS captured,
       SUM(CASE WHEN event_type = 'Refunded'
                THEN CAST(JSON_VALUE(payload, '$.amount') AS DECIMAL(12, 2)) ELSE 0 END) AS refunded,
       SUM(CASE WHEN event_type = 'Captured'
                THEN CAST(JSON_VALUE(payload, '$.amount') AS DECIMAL(12, 2))
                WHEN event_type = 'Refunded'
                THEN -CAST(JSON_VALUE(payload, '$.amount') AS DECIMAL(12, 2)) ELSE 0 END) AS net
FROM payments
WHERE event_type IN ('Captured', 'Refunded')
GROUP BY JSON_VALUE(payload, '$.currency')
ORDER BY net DESC
