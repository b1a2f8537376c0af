-- Files and rows per partition, from the system tables: how the payments stream is laid out in
-- Parquet in its first week (the answer shows what has been flushed so far).
SELECT stream_name, partition_date, COUNT(*) AS files, SUM(row_count) AS row_count
FROM annals_system.files
WHERE stream_name = 'payments' AND partition_date <= '2026-10-07'
GROUP BY stream_name, partition_date
ORDER BY partition_date
