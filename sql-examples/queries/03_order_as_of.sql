-- What did order order-0000042 look like as of 2026-10-02 00:00 UTC? Its last event at or before
-- that instant is its state then.
-- plan: filters=[[=(entity_id, 'order-0000042'), <=(recorded_at, 2026-10-02 00:00:00)]]
SELECT entity_id, version, event_type AS state_then, recorded_at
FROM orders
WHERE entity_id = 'order-0000042'
  AND recorded_at <= TIMESTAMP '2026-10-02 00:00:00'
ORDER BY version DESC
LIMIT 1
