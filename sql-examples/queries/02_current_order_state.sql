-- The current state of every order: the latest event of each order (ROW_NUMBER over its
-- versions, newest first), counted by what that latest event is.
-- plan: columns=[[entity_id, version, event_type]]
SELECT event_type AS current_state, COUNT(*) AS orders
FROM (
  SELECT entity_id, event_type,
         ROW_NUMBER() OVER (PARTITION BY entity_id ORDER BY version DESC) AS rn
  FROM orders
) latest
WHERE rn = 1
GROUP BY event_type
ORDER BY orders DESC, current_state
