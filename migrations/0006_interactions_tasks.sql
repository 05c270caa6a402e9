-- Schema v6: the rep's daily loop. Interactions (calls, meetings… with an outcome), tasks and
-- callbacks, birthday greetings, a contact cadence per category, greeting templates and the birthday
-- reminder settings. Store code: crates/clientbase-core/src/store/{activity,tasks,agenda}.rs.
--
-- Seeded rows (interaction kinds and outcomes, greeting templates, settings) have fixed ids/keys, the
-- same on every device, and are not logged, like the seeded categories of 0001. The UI translates a
-- seeded kind or outcome by its stable `code` until the user renames it; rows the user adds have code ''.

-- Editable lists. Removing an entry archives it: pickers hide it, the history still names it.
CREATE TABLE interaction_kinds (
    id       TEXT PRIMARY KEY NOT NULL,
    code     TEXT NOT NULL DEFAULT '',
    name     TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    archived INTEGER NOT NULL DEFAULT 0
);
INSERT INTO interaction_kinds (id, code, name, position) VALUES
    ('00000000-0000-7000-8001-000000000001', 'call',     'Call',     0),
    ('00000000-0000-7000-8001-000000000002', 'meeting',  'Meeting',  1),
    ('00000000-0000-7000-8001-000000000003', 'message',  'Message',  2),
    ('00000000-0000-7000-8001-000000000004', 'email',    'E-mail',   3),
    ('00000000-0000-7000-8001-000000000005', 'visit',    'Visit',    4),
    -- What "Congratulate" logs.
    ('00000000-0000-7000-8001-000000000006', 'greeting', 'Greeting', 5);

CREATE TABLE interaction_outcomes (
    id       TEXT PRIMARY KEY NOT NULL,
    code     TEXT NOT NULL DEFAULT '',
    name     TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    archived INTEGER NOT NULL DEFAULT 0
);
INSERT INTO interaction_outcomes (id, code, name, position) VALUES
    ('00000000-0000-7000-8002-000000000001', 'reached',      'Reached',      0),
    ('00000000-0000-7000-8002-000000000002', 'no_answer',    'No answer',    1),
    ('00000000-0000-7000-8002-000000000003', 'busy',         'Busy',         2),
    ('00000000-0000-7000-8002-000000000004', 'call_back',    'Call back',    3),
    ('00000000-0000-7000-8002-000000000005', 'meeting_set',  'Meeting set',  4),
    ('00000000-0000-7000-8002-000000000006', 'order_placed', 'Order placed', 5),
    ('00000000-0000-7000-8002-000000000007', 'refused',      'Refused',      6);

-- The interaction log. Insert-only for sync (one 'insert' change-log row), except the soft delete
-- (`deleted_at`, logged as 'delete' / 'restore'), so two devices never edit the same entry.
CREATE TABLE interactions (
    id          TEXT PRIMARY KEY NOT NULL,                 -- UUIDv7
    client_id   TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    contact_id  TEXT,                                      -- a contact person of the client, if any
    at          TEXT NOT NULL,                             -- RFC 3339 UTC, when it happened
    kind_id     TEXT NOT NULL,                             -- interaction_kinds.id
    outcome_id  TEXT,                                      -- interaction_outcomes.id
    channel     TEXT,                                      -- call | sms | whatsapp | telegram | viber | email
    note        TEXT NOT NULL DEFAULT '',
    next_step   TEXT NOT NULL DEFAULT '',
    -- A birthday greeting: the year of the birthday it congratulates. "Birthday done for this year" is
    -- derived from it (no table of its own: the fact arrives with the greeting itself on every device,
    -- and deleting the greeting undoes it).
    greets_year INTEGER,
    owner       TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    deleted_at  TEXT
);
-- Timeline (newest first), per-client count and "last contacted" (max `at`) by index range.
CREATE INDEX interactions_client ON interactions (client_id, deleted_at, at);
CREATE INDEX interactions_greets ON interactions (client_id, greets_year)
    WHERE greets_year IS NOT NULL AND deleted_at IS NULL;

CREATE TABLE tasks (
    id                    TEXT PRIMARY KEY NOT NULL,       -- UUIDv7
    client_id             TEXT REFERENCES clients (id) ON DELETE CASCADE,
    contact_id            TEXT,
    title                 TEXT NOT NULL DEFAULT '',        -- may be empty for a client's call/congratulate task
    kind                  TEXT NOT NULL DEFAULT 'other' CHECK (kind IN ('call', 'congratulate', 'other')),
    note                  TEXT NOT NULL DEFAULT '',
    due_at                TEXT NOT NULL,                   -- RFC 3339 UTC
    remind_offset_minutes INTEGER,                         -- NULL: no reminder; 0: at the due time
    repeat                TEXT NOT NULL DEFAULT 'none'
                          CHECK (repeat IN ('none', 'daily', 'weekly', 'monthly', 'yearly')),
    -- The local date and time the repeat was set for, as MMDDhhmm (month*1000000 + day*10000 +
    -- hour*100 + minute): a monthly task of the 31st falls on 30 April and 28/29 February and is back
    -- on 31 May; a yearly one of 29 February is on 28 February in other years; a snoozed or DST-shifted
    -- occurrence does not move the series' wall-clock time.
    repeat_anchor         INTEGER,
    owner                 TEXT NOT NULL DEFAULT '',        -- reminders fire only on the owner's devices
    done_at               TEXT,                            -- one-off tasks
    last_done_at          TEXT,                            -- repeating tasks: the last completion
    prev_due_at           TEXT,                            -- repeating tasks: the occurrence completed last (undo)
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL,
    deleted_at            TEXT,
    -- Derived (never synced, never logged): due_at - remind_offset_minutes, for the reminder scheduler.
    remind_at             TEXT
);
CREATE INDEX tasks_open_due ON tasks (due_at) WHERE done_at IS NULL AND deleted_at IS NULL;
CREATE INDEX tasks_open_remind ON tasks (remind_at)
    WHERE remind_at IS NOT NULL AND done_at IS NULL AND deleted_at IS NULL;
CREATE INDEX tasks_client ON tasks (client_id, due_at);

-- Contact cadence: a client of the category is due for contact after this many days without an
-- interaction (NULL: never). Categories are synced; the seeded rows get their defaults here, unlogged.
ALTER TABLE categories ADD COLUMN cadence_days INTEGER;
UPDATE categories SET cadence_days = 30 WHERE id = '00000000-0000-7000-8000-00000000000a';
UPDATE categories SET cadence_days = 60 WHERE id = '00000000-0000-7000-8000-00000000000b';

-- Derived (never synced, never logged): max(at) of the client's live interactions.
ALTER TABLE clients ADD COLUMN last_contact_at TEXT;
-- "Not contacted within the cadence" by index range per category; a client never contacted counts
-- from its creation.
CREATE INDEX clients_contact_due ON clients (category_id, coalesce(last_contact_at, created_at))
    WHERE deleted_at IS NULL;
-- Birthdays of live clients by index (counts without reading the wide client rows); replaces the
-- plain index of 0001.
DROP INDEX clients_birthday_md;
CREATE INDEX clients_birthday_live ON clients (birthday_md) WHERE deleted_at IS NULL;

-- Birthday greetings, one template per language (synced). Placeholders: {first_name},
-- {name_patronymic}, {full_name}, {company}, {rep_name}. A line whose placeholder has no value
-- (no company, no rep name) is left out. The same defaults are in src/greeting.rs (DEFAULT_TEMPLATES).
CREATE TABLE greeting_templates (
    id       TEXT PRIMARY KEY NOT NULL,
    language TEXT NOT NULL UNIQUE,
    text     TEXT NOT NULL
);
INSERT INTO greeting_templates (id, language, text) VALUES
    ('00000000-0000-7000-8003-000000000001', 'en',
     'Happy birthday, {first_name}!' || char(10) ||
     'Wishing you good health, happiness and success in everything you do.' || char(10) ||
     'Best wishes to everyone at {company}!' || char(10) ||
     '{rep_name}'),
    ('00000000-0000-7000-8003-000000000002', 'ru',
     '{name_patronymic}, с днём рождения!' || char(10) ||
     'Желаю крепкого здоровья, счастья и успехов во всём.' || char(10) ||
     'Процветания всей команде «{company}»!' || char(10) ||
     '{rep_name}'),
    ('00000000-0000-7000-8003-000000000003', 'uk',
     '{name_patronymic}, з днем народження!' || char(10) ||
     'Бажаю міцного здоров’я, щастя та успіхів у всьому.' || char(10) ||
     'Процвітання всій команді «{company}»!' || char(10) ||
     '{rep_name}'),
    ('00000000-0000-7000-8003-000000000004', 'el',
     'Χρόνια πολλά, {first_name}!' || char(10) ||
     'Σας εύχομαι υγεία, ευτυχία και κάθε επιτυχία.' || char(10) ||
     'Θερμές ευχές σε όλη την ομάδα της εταιρείας {company}!' || char(10) ||
     '{rep_name}'),
    ('00000000-0000-7000-8003-000000000005', 'zh',
     '{full_name}，生日快乐！' || char(10) ||
     '祝您身体健康，万事如意，事业兴旺！' || char(10) ||
     '也祝{company}的全体同仁一切顺利！' || char(10) ||
     '{rep_name}');

-- Birthday reminders: N days before (and on the day), at a morning time in the device's time zone.
INSERT OR IGNORE INTO settings (key, value) VALUES
    ('birthday_days_before', '1'),
    ('birthday_time', '09:00');
