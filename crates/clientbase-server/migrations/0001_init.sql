-- Clientbase server schema v1. NEVER edit once committed: add 0002_*.sql.
-- One file for both backends: only TEXT and BIGINT columns, `$n` parameters, ON CONFLICT upserts and
-- RETURNING, which SQLite (3.35+) and PostgreSQL both understand.

CREATE TABLE server_meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

-- A tenant. `version` is the company's server version: every push/reassignment bumps it first thing
-- in its transaction (the row lock serialises a company's writers, so versions commit in order).
CREATE TABLE companies (
    id         TEXT PRIMARY KEY NOT NULL,
    name       TEXT NOT NULL,
    version    BIGINT NOT NULL DEFAULT 0,
    created_ms BIGINT NOT NULL
);

CREATE TABLE users (
    id              TEXT PRIMARY KEY NOT NULL,
    company_id      TEXT NOT NULL REFERENCES companies (id),
    login           TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('rep', 'manager', 'admin')),
    password_hash   TEXT NOT NULL,
    disabled        BIGINT NOT NULL DEFAULT 0,
    failed_logins   BIGINT NOT NULL DEFAULT 0,
    locked_until_ms BIGINT NOT NULL DEFAULT 0,
    created_ms      BIGINT NOT NULL
);
CREATE INDEX users_company ON users (company_id);

-- A device bound to a user. `last_seq`: the highest change seq of this device the server holds.
-- Only hashes (SHA-256) of tokens are stored.
CREATE TABLE devices (
    id                TEXT PRIMARY KEY NOT NULL,
    company_id        TEXT NOT NULL REFERENCES companies (id),
    user_id           TEXT NOT NULL REFERENCES users (id),
    name              TEXT NOT NULL DEFAULT '',
    last_seq          BIGINT NOT NULL DEFAULT 0,
    revoked           BIGINT NOT NULL DEFAULT 0,
    access_hash       TEXT,
    access_expires_ms BIGINT NOT NULL DEFAULT 0,
    created_ms        BIGINT NOT NULL
);
CREATE UNIQUE INDEX devices_access ON devices (access_hash);
CREATE INDEX devices_user ON devices (user_id);

-- Every refresh token ever issued: a `used` one presented again means it leaked: the device is revoked.
CREATE TABLE refresh_tokens (
    hash       TEXT PRIMARY KEY NOT NULL,
    device_id  TEXT NOT NULL REFERENCES devices (id),
    used       BIGINT NOT NULL DEFAULT 0,
    created_ms BIGINT NOT NULL
);

-- The merged state of every synced row: fields and per-field clocks (JSON text), the life register.
-- `client_id`: the client the row belongs to (itself for clients, NULL for company-wide tables);
-- `owner`: for clients, the owning user's id.
CREATE TABLE rows (
    company_id TEXT NOT NULL,
    tbl        TEXT NOT NULL,
    row_id     TEXT NOT NULL,
    client_id  TEXT,
    owner      TEXT,
    fields     TEXT NOT NULL,
    clocks     TEXT NOT NULL,
    life       TEXT,
    deleted    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (company_id, tbl, row_id)
);
CREATE INDEX rows_client ON rows (company_id, client_id);
CREATE INDEX rows_owner ON rows (company_id, owner);

-- What pulls read: entries in (version, idx) order. `target_user` set: only that user gets it
-- (reassignment removals and snapshots); otherwise visibility follows the client's current owner.
CREATE TABLE log (
    company_id  TEXT NOT NULL,
    version     BIGINT NOT NULL,
    idx         BIGINT NOT NULL,
    client_id   TEXT,
    target_user TEXT,
    body        TEXT NOT NULL,
    PRIMARY KEY (company_id, version, idx)
);

-- Values that did not end up in the data, for managers to review.
CREATE TABLE conflicts (
    id           TEXT PRIMARY KEY NOT NULL,
    company_id   TEXT NOT NULL,
    at_ms        BIGINT NOT NULL,
    user_id      TEXT NOT NULL,
    device_id    TEXT NOT NULL,
    tbl          TEXT NOT NULL,
    row_id       TEXT NOT NULL,
    client_id    TEXT,
    field        TEXT NOT NULL,
    value        TEXT NOT NULL,
    clock        TEXT NOT NULL,
    winner_clock TEXT,
    reason       TEXT NOT NULL
);
CREATE INDEX conflicts_company ON conflicts (company_id, id);
