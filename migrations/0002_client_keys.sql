-- Schema v2: the three duplicate-lookup tables become one clustered key table (one B-tree per key
-- instead of a table plus two indexes: ~3x fewer index writes on bulk loads). The store refills it
-- from the clients after this migration (phone keys need E.164s, name keys need folding).
-- Keys: 'p:' || E.164, 'e:' || lower-cased e-mail, 'n:' || folded name key.

DROP TABLE client_phones;
DROP TABLE client_emails;
DROP TABLE client_names;
DROP INDEX clients_category;

CREATE TABLE client_keys (
    key       TEXT NOT NULL,
    client_id TEXT NOT NULL,
    PRIMARY KEY (key, client_id)
) WITHOUT ROWID;
