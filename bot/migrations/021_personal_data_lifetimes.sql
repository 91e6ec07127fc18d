-- Issue 13, personal data that must not outlive its use.

-- The platform's @username of each address, as last seen: a person's handle follows a
-- changed username without a write per message (bot/people.py `recognise`). Until the next
-- message, the handle stands for the username of every platform address.
ALTER TABLE addresses ADD COLUMN username TEXT NOT NULL DEFAULT '';
UPDATE addresses SET username = coalesce(
    (SELECT p.handle FROM people p WHERE p.id = addresses.person_id), '')
    WHERE platform <> 'console';

-- Which onboarding questions a roster row answered (role, seniority, department), kept once
-- the row's personal columns are emptied at joining (bot/roster_retention.py).
ALTER TABLE roster_entries ADD COLUMN answered TEXT NOT NULL DEFAULT '';
UPDATE roster_entries SET answered = trim(
    CASE WHEN role <> '' THEN 'role' ELSE '' END
    || CASE WHEN seniority > 0 THEN ' seniority' ELSE '' END
    || CASE WHEN department <> '' THEN ' department' ELSE '' END);

-- A joined person's row keeps no copy of what moved into their profile.
UPDATE roster_entries SET name = '', email = '', slack_id = '', telegram = '', handle = '',
    department = '', seniority = 0 WHERE status = 'joined';

-- Someone invited on Slack who has not answered yet is known by their Slack id and the
-- roster's language only: no name before they consent.
UPDATE addresses SET display_name = '' WHERE person_id IN (
    SELECT e.person_id FROM roster_entries e JOIN people p ON p.id = e.person_id
    WHERE e.status = 'invited' AND p.status = 'new' AND p.consent_at IS NULL);
UPDATE people SET display_name = '' WHERE status = 'new' AND consent_at IS NULL AND id IN (
    SELECT person_id FROM roster_entries WHERE status = 'invited' AND person_id IS NOT NULL);
