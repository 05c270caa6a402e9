-- Schema v4: a small covering index for the counts the app shows (live demo clients, deleted clients),
-- so `stats` is an index range count instead of a scan of the whole `clients` table (which holds the
-- JSON columns: ~220 MB at 100k clients).

-- `id` makes it covering for "contacts of deleted clients" too.
CREATE INDEX clients_deleted_demo ON clients (deleted_at, is_demo, id);
