-- Schema v3: client search also matches notes and hobbies (the client's, and the contact persons'
-- notes, hobbies and job titles). A derived column keeps the search index load at open a single scan
-- of `clients`; the store recomputes it on every write (never synced, never logged). Format: the
-- non-empty trimmed parts joined by one space — client notes, client hobbies, then per contact person
-- (position_no, id order): position, notes, hobbies.

ALTER TABLE clients ADD COLUMN search_notes TEXT NOT NULL DEFAULT '';

UPDATE clients SET search_notes = coalesce((
    SELECT group_concat(v, ' ') FROM (
        SELECT v FROM (
            SELECT 0 AS a, '' AS b, 0 AS c, trim(clients.notes, ' ' || char(9, 10, 13)) AS v
            UNION ALL SELECT 0, '', 1, trim(clients.hobbies, ' ' || char(9, 10, 13))
            UNION ALL SELECT 1 + ct.position_no, ct.id, 0, trim(ct.position, ' ' || char(9, 10, 13))
                FROM contacts ct WHERE ct.client_id = clients.id
            UNION ALL SELECT 1 + ct.position_no, ct.id, 1, trim(ct.notes, ' ' || char(9, 10, 13))
                FROM contacts ct WHERE ct.client_id = clients.id
            UNION ALL SELECT 1 + ct.position_no, ct.id, 2, trim(ct.hobbies, ' ' || char(9, 10, 13))
                FROM contacts ct WHERE ct.client_id = clients.id
        ) WHERE v <> '' ORDER BY a, b, c
    )
), '');
