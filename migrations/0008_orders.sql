-- Schema v8: orders and payments per client, their editable status list, and the settings of the
-- value analyses (discount tiers, "lost client" days, ABC thresholds). Store code:
-- crates/clientbase-core/src/store/orders.rs; analyses: crates/clientbase-analytics.
--
-- Seeded rows (statuses, settings) have fixed ids/keys, the same on every device, and are not logged,
-- like the seeded categories of 0001. The UI translates a seeded status by its stable `code` until the
-- user renames it; statuses the user adds have code ''.

-- Editable list. Removing a status archives it: pickers hide it, old orders still name it.
-- `counts` = 0 marks statuses whose orders are left out of totals and analyses (cancelled).
CREATE TABLE order_statuses (
    id       TEXT PRIMARY KEY NOT NULL,
    code     TEXT NOT NULL DEFAULT '',
    name     TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    archived INTEGER NOT NULL DEFAULT 0,
    counts   INTEGER NOT NULL DEFAULT 1
);
INSERT INTO order_statuses (id, code, name, position, counts) VALUES
    ('00000000-0000-7000-8004-000000000001', 'new',       'New',       0, 1),
    ('00000000-0000-7000-8004-000000000002', 'paid',      'Paid',      1, 1),
    ('00000000-0000-7000-8004-000000000003', 'shipped',   'Shipped',   2, 1),
    ('00000000-0000-7000-8004-000000000004', 'delivered', 'Delivered', 3, 1),
    ('00000000-0000-7000-8004-000000000005', 'cancelled', 'Cancelled', 4, 0);

-- Orders and payments. Synced: an insert logs every column; a local edit logs the changed columns
-- ('update'); delete/restore are the soft `deleted_at` ('delete' / 'restore').
CREATE TABLE orders (
    id          TEXT PRIMARY KEY NOT NULL,                 -- UUIDv7
    client_id   TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL DEFAULT 'order' CHECK (kind IN ('order', 'payment')),
    date        TEXT NOT NULL,                             -- YYYY-MM-DD, the device's local date
    amount      INTEGER NOT NULL,                          -- minor units (cents, kopecks…)
    currency    TEXT NOT NULL,                             -- ISO 4217, upper case
    status_id   TEXT,                                      -- order_statuses.id (orders; NULL for payments)
    items       TEXT NOT NULL DEFAULT '[]',                -- JSON [{name, quantity, price}] (price in minor units)
    note        TEXT NOT NULL DEFAULT '',
    owner       TEXT NOT NULL DEFAULT '',
    is_demo     INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    deleted_at  TEXT
);
-- A client's card totals and order history by one covering index range (no table rows read).
CREATE INDEX orders_client ON orders (client_id, deleted_at, date, kind, status_id, currency, amount);
-- Analyses over a period: the live orders by date, covering what the in-memory analyses load.
CREATE INDEX orders_date ON orders (deleted_at, date, client_id, kind, status_id, currency, amount);
CREATE INDEX orders_demo ON orders (is_demo) WHERE is_demo = 1;

-- Settings (synced like the others). Amounts in minor units of `order_currency`.
INSERT OR IGNORE INTO settings (key, value) VALUES
    ('order_currency', 'USD'),
    ('tier_silver', '100000'),
    ('tier_gold', '500000'),
    ('tier_platinum', '1000000'),
    ('lost_client_days', '90'),
    ('abc_a_percent', '80'),
    ('abc_b_percent', '95'),
    ('vip_top_percent', '20');
