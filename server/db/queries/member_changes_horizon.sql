-- The position a snapshot starts from: every change of a transaction older than the oldest
-- one still running is in the snapshot's state; later ones come by pull (applying a change
-- the snapshot already showed is harmless: each carries its object's new state).
SELECT pg_snapshot_xmin(pg_current_snapshot())::text
