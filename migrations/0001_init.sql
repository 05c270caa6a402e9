-- Clientbase schema v1. NEVER edit this file once released: add 0002_*.sql instead.
-- Applied by crates/clientbase-core/src/migrations.rs inside one transaction; PRAGMA user_version = 1.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE settings (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE categories (
    id       TEXT PRIMARY KEY NOT NULL,
    code     TEXT NOT NULL,
    name     TEXT NOT NULL,
    color    TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0
);

-- Default categories. Fixed ids (same on every device) so sync never duplicates them.
INSERT INTO categories (id, code, name, color, position) VALUES
    ('00000000-0000-7000-8000-00000000000a', 'A', 'VIP',                  '#d4a017', 0),
    ('00000000-0000-7000-8000-00000000000b', 'B', 'prospect in progress', '#2e7d32', 1),
    ('00000000-0000-7000-8000-00000000000c', 'C', 'potential',            '#1565c0', 2),
    ('00000000-0000-7000-8000-00000000000d', 'D', 'dropped',              '#757575', 3);

CREATE TABLE custom_fields (
    id       TEXT PRIMARY KEY NOT NULL,
    name     TEXT NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('text', 'number', 'date', 'choice')),
    options  TEXT NOT NULL DEFAULT '[]',   -- JSON array of strings
    position INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE clients (
    id                TEXT PRIMARY KEY NOT NULL,          -- UUIDv7
    kind              TEXT NOT NULL CHECK (kind IN ('person', 'organization')),
    first_name        TEXT NOT NULL DEFAULT '',
    last_name         TEXT NOT NULL DEFAULT '',
    middle_name       TEXT NOT NULL DEFAULT '',
    org_name          TEXT NOT NULL DEFAULT '',
    phones            TEXT NOT NULL DEFAULT '[]',         -- JSON [Phone]
    emails            TEXT NOT NULL DEFAULT '[]',         -- JSON [Email]
    messengers        TEXT NOT NULL DEFAULT '[]',         -- JSON [Messenger]
    website           TEXT NOT NULL DEFAULT '',
    address           TEXT NOT NULL DEFAULT '{}',         -- JSON Address
    birthday_day      INTEGER,
    birthday_month    INTEGER,
    birthday_year     INTEGER,
    birthday_md       INTEGER,                            -- month*100+day, for "birthdays this week"
    notes             TEXT NOT NULL DEFAULT '',
    hobbies           TEXT NOT NULL DEFAULT '',
    tags              TEXT NOT NULL DEFAULT '[]',         -- JSON [string]
    category_id       TEXT REFERENCES categories (id) ON DELETE SET NULL,
    source            TEXT NOT NULL DEFAULT '',
    preferred_channel TEXT,
    call_time         TEXT NOT NULL DEFAULT '',
    custom            TEXT NOT NULL DEFAULT '{}',         -- JSON {field id: CustomValue}
    owner             TEXT NOT NULL DEFAULT '',
    is_demo           INTEGER NOT NULL DEFAULT 0,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    deleted_at        TEXT,
    -- Derived by the store on every write (never synced): what the list and the search index need at
    -- startup without parsing JSON or phone numbers.
    city              TEXT NOT NULL DEFAULT '',
    phone_display     TEXT,
    subtitle          TEXT NOT NULL DEFAULT '',
    phone_digits      TEXT NOT NULL DEFAULT '',           -- space-separated digit strings
    search_extra      TEXT NOT NULL DEFAULT ''            -- e-mails, contact persons' names
);
CREATE INDEX clients_birthday_md ON clients (birthday_md);
CREATE INDEX clients_category ON clients (category_id);
CREATE INDEX clients_demo ON clients (is_demo) WHERE is_demo = 1;

CREATE TABLE contacts (
    id             TEXT PRIMARY KEY NOT NULL,             -- UUIDv7
    client_id      TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    position_no    INTEGER NOT NULL DEFAULT 0,            -- order on the card
    first_name     TEXT NOT NULL DEFAULT '',
    last_name      TEXT NOT NULL DEFAULT '',
    middle_name    TEXT NOT NULL DEFAULT '',
    position       TEXT NOT NULL DEFAULT '',              -- job title
    phones         TEXT NOT NULL DEFAULT '[]',
    emails         TEXT NOT NULL DEFAULT '[]',
    messengers     TEXT NOT NULL DEFAULT '[]',
    birthday_day   INTEGER,
    birthday_month INTEGER,
    birthday_year  INTEGER,
    birthday_md    INTEGER,
    notes          TEXT NOT NULL DEFAULT '',
    hobbies        TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX contacts_client ON contacts (client_id);
CREATE INDEX contacts_birthday_md ON contacts (birthday_md);

-- Derived duplicate-lookup indexes, written only by the store (never synced, never logged).
CREATE TABLE client_phones (
    client_id  TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    e164       TEXT NOT NULL
);
CREATE INDEX client_phones_e164 ON client_phones (e164);
CREATE INDEX client_phones_client ON client_phones (client_id);

CREATE TABLE client_emails (
    client_id  TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    email      TEXT NOT NULL                               -- lower-cased
);
CREATE INDEX client_emails_email ON client_emails (email);
CREATE INDEX client_emails_client ON client_emails (client_id);

-- Folded "last first" / organisation name, for name duplicates.
CREATE TABLE client_names (
    client_id  TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    name_key   TEXT NOT NULL
);
CREATE INDEX client_names_key ON client_names (name_key);
CREATE INDEX client_names_client ON client_names (client_id);

-- Append-only log of every domain write, for sync. One row per written row, in the same transaction.
CREATE TABLE change_log (
    seq        INTEGER PRIMARY KEY,
    hlc        TEXT NOT NULL,
    device_id  TEXT NOT NULL,
    table_name TEXT NOT NULL,
    row_id     TEXT NOT NULL,
    op         TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete', 'restore')),
    fields     TEXT NOT NULL                               -- JSON {field: new value}
);
