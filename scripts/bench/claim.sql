-- The bare queue loop ./strata bench compares Strata's job engine with: claim the oldest queued
-- row (FOR UPDATE SKIP LOCKED) in one transaction, mark it done in a second one.
UPDATE bench_queue SET state = 'RUNNING', started_at = clock_timestamp()
 WHERE id = (SELECT id FROM bench_queue WHERE state = 'QUEUED' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
 RETURNING id AS claimed \gset
UPDATE bench_queue SET state = 'DONE', finished_at = clock_timestamp() WHERE id = :claimed;
