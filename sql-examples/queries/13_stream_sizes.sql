-- How big is each stream: events, distinct entities, and the time span it covers.
SELECT stream_name, events, entities, first_recorded_at, last_recorded_at
FROM annals_system.streams
ORDER BY stream_name
