-- Schema v9: company sync, device side (issue 5). Store code: crates/clientbase-core/src/store/sync.rs;
-- protocol and merge: crates/clientbase-sync. Everything here is device-local: never synced, never logged.

-- The account this device is connected with (one row, or none when not connected). Tokens live here
-- because the database is the app's private storage; the refresh token is single-use.
CREATE TABLE sync_state (
    id                 INTEGER PRIMARY KEY CHECK (id = 1),
    server_url         TEXT NOT NULL,
    user_json          TEXT NOT NULL,             -- clientbase_sync::User
    company_id         TEXT NOT NULL,
    company_name       TEXT NOT NULL DEFAULT '',
    access_token       TEXT NOT NULL DEFAULT '',
    access_expires_ms  INTEGER NOT NULL DEFAULT 0,
    refresh_token      TEXT NOT NULL DEFAULT '',
    epoch              TEXT NOT NULL DEFAULT '',  -- pull cursor: the server's epoch …
    version            INTEGER NOT NULL DEFAULT 0,-- … and the last server version applied
    head               INTEGER NOT NULL DEFAULT 0,-- the server's latest version at the last pull (progress)
    pushed_seq         INTEGER NOT NULL DEFAULT 0,-- change_log.seq up to which the server has answered
    last_sync_ms       INTEGER,                   -- last complete push + pull
    last_error         TEXT                       -- code of the last failure, NULL after a success
);

-- Clocks of values that came from the server, one row per row: `base` is the clock of every field
-- not in `clocks` (a row's insert), `clocks` a JSON object field -> clock of the others, `life` the
-- clock of the latest delete/restore and `deleted` what it was. Local writes' clocks are in
-- change_log; a field's clock is the later of the two.
CREATE TABLE sync_clock (
    table_name TEXT NOT NULL,
    row_id     TEXT NOT NULL,
    base       TEXT,
    clocks     TEXT NOT NULL DEFAULT '{}',
    life       TEXT,
    deleted    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (table_name, row_id)
) WITHOUT ROWID;

-- Local changes the server rejected (clock skew, not visible…): void for merging; their rows are
-- refetched from the server (`sync_refetch`) and the lost values kept in `sync_conflicts`.
CREATE TABLE sync_rejected (
    seq    INTEGER PRIMARY KEY,
    reason TEXT NOT NULL
);
CREATE TABLE sync_refetch (
    table_name TEXT NOT NULL,
    row_id     TEXT NOT NULL,
    PRIMARY KEY (table_name, row_id)
) WITHOUT ROWID;

-- Values that lost a merge on this device (an incoming value older than the one kept, an edit of a
-- row deleted elsewhere) and local changes the server rejected: for review, never applied.
CREATE TABLE sync_conflicts (
    id           INTEGER PRIMARY KEY,
    at_ms        INTEGER NOT NULL,
    table_name   TEXT NOT NULL,
    row_id       TEXT NOT NULL,
    field        TEXT,
    value        TEXT,                            -- JSON
    clock        TEXT NOT NULL,
    winner_clock TEXT,
    reason       TEXT NOT NULL                    -- superseded | deleted | rejected:<reason>
);

-- A row's local change-log entries, for its per-field clocks when a pulled change is merged.
CREATE INDEX change_log_row ON change_log (row_id, seq);
