-- How many orders stood in each state at noon UTC on 2026-10-10, as the log was then? Each
-- order's latest event recorded by that instant is its state; FOR SYSTEM_TIME AS OF shows the
-- table as it stood, so the query is the current-state query, unchanged, run in the past.
-- plan: filters=[[<=(recorded_at, 2026-10-10 12:00:00)]]
SELECT state, COUNT(*) AS orders
FROM (
  SELECT event_type AS state,
         ROW_NUMBER() OVER (PARTITION BY entity_id ORDER BY version DESC) AS newest
  FROM orders FOR SYSTEM_TIME AS OF TIMESTAMP '2026-10-10 12:00:00'
) AS latest
WHERE newest = 1
GROUP BY state
ORDER BY orders DESC, state
