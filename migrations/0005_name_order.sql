-- Schema v5: the client list's Name order, persisted, so the first screen at start-up is one index
-- range read while the in-memory search index is still being built (see ARCHITECTURE.md, start-up).
--
-- One row per live (not deleted) client: `name_sort` is the collation sort key of its display name
-- in the UI language, a 0 byte, then the client id (clientbase_search::NameKeys) — the exact bytes
-- the search index orders by, so both give the same order. Derived (never synced, never logged): the
-- store writes it with every client write and rebuilds it when the language, or the collation code
-- (`meta.name_order_version`), changes. A narrow table rather than a column of `clients`, so that
-- rebuilding it rewrites a few MB instead of every wide client row.
CREATE TABLE name_order (
    name_sort BLOB PRIMARY KEY NOT NULL,
    client_id TEXT NOT NULL
) WITHOUT ROWID;
