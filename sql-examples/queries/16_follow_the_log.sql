-- Follow the log from SQL: the next page of events after the last one a client has handled (here
-- global_seq 50000), oldest first. A client runs it again with the last global_seq of each page;
-- the scan reads only the global_seq column of the files and unflushed rows that can hold the
-- page, then the page's rows alone, so each page costs the same however long the log grows.
-- plan: top=[global_seq ASC 10]
SELECT global_seq, stream_name, seq, event_type, entity_id
FROM events
WHERE global_seq > 50000
ORDER BY global_seq
LIMIT 10
