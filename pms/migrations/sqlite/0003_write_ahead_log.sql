-- no-transaction
-- Write-ahead logging: readers no longer block the writer nor the writer
-- the readers, so searches keep flowing while quotes and bookings are
-- written. Without it, a steady stream of reads can starve a write past
-- the busy timeout ("database is locked"). The mode is stored in the
-- database file, so setting it once here is enough. Keep the number in
-- step with ../postgres/0003_write_ahead_log.sql (a no-op there).
PRAGMA journal_mode = WAL;
