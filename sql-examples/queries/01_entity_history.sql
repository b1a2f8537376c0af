-- One entity's full history, in order: everything that happened to order order-0000042.
-- plan: filters=[[=(entity_id, 'order-0000042')]]
SELECT version, event_type, recorded_at, payload
FROM orders
WHERE entity_id = 'order-0000042'
ORDER BY version
