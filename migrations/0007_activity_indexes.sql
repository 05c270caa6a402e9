-- Schema v7: indexes of 0006 made covering for the Today screen's counts, so counting
-- the clients due for contact per category and the birthdays of a day reads only the index (SQLite
-- otherwise reads each wide client row to check `deleted_at`): 25k rows per category at 100k clients.
DROP INDEX clients_contact_due;
CREATE INDEX clients_contact_due ON clients (category_id, deleted_at, coalesce(last_contact_at, created_at))
    WHERE deleted_at IS NULL;
DROP INDEX clients_birthday_live;
CREATE INDEX clients_birthday_live ON clients (birthday_md, deleted_at) WHERE deleted_at IS NULL;
-- Open tasks by due time, covering the Today counts (a task of a deleted client is not counted).
DROP INDEX tasks_open_due;
CREATE INDEX tasks_open_due ON tasks (done_at, deleted_at, due_at, client_id)
    WHERE done_at IS NULL AND deleted_at IS NULL;
-- Reminders of open tasks in time order straight from the index (equality on the two NULLs, then
-- the range), and contact persons' birthdays of a day counted from the index alone.
DROP INDEX tasks_open_remind;
CREATE INDEX tasks_open_remind ON tasks (done_at, deleted_at, remind_at)
    WHERE remind_at IS NOT NULL AND done_at IS NULL AND deleted_at IS NULL;
DROP INDEX contacts_birthday_md;
CREATE INDEX contacts_birthday ON contacts (birthday_md, client_id);
