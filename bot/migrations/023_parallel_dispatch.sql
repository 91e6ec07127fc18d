-- Several processes on PostgreSQL send due outbox rows at once (bot/dispatcher.py): a row
-- claimed for sending carries its claimer (claimed_by) and a deadline, renewed while the
-- claimer works; once it has passed (the claimer died or froze), any process claims the row
-- again. SQLite keeps one dispatching process (a lease in `meta`) and leaves it empty.
ALTER TABLE outbox ADD COLUMN claim_deadline TEXT;
