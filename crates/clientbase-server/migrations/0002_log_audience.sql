-- Who may pull a log entry, so a rep's pull reads an index range instead of joining every entry
-- of the company to its client: the target user of a targeted entry, the current owner of the
-- entry's client, or '*' (company-wide rows; managers read everything untargeted anyway).
-- A reassignment moves the audience of all the old owner's untargeted entries to the new owner.
ALTER TABLE log ADD COLUMN audience TEXT;
UPDATE log SET audience = COALESCE(
    target_user,
    (SELECT r.owner FROM rows r WHERE r.company_id = log.company_id AND r.tbl = 'clients' AND r.row_id = log.client_id),
    CASE WHEN client_id IS NULL THEN '*' ELSE '' END
);
CREATE INDEX log_audience ON log (company_id, audience, version, idx);
