-- PostgreSQL always logs ahead; this migration exists so both engines keep
-- the same numbering (see ../sqlite/0003_write_ahead_log.sql).
SELECT 1;
