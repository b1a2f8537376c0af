-- How many events of each type arrived in each hour of Thursday 2026-10-15 (UTC)?
-- plan: aggregate=[group [FLOOR(recorded_at, 3600000 ms), event_type] [COUNT(*)]]
SELECT FLOOR(recorded_at TO HOUR) AS hour_start, event_type, COUNT(*) AS events
FROM events
WHERE recorded_at >= TIMESTAMP '2026-10-15 00:00:00'
  AND recorded_at < TIMESTAMP '2026-10-16 00:00:00'
GROUP BY FLOOR(recorded_at TO HOUR), event_type
ORDER BY hour_start, event_type
