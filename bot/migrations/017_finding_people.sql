-- /admin person @handle (issue 13): a handle or a platform user id is found from an index,
-- not by reading every person of a large programme.
CREATE INDEX IF NOT EXISTS people_handle ON people(programme_id, handle);
CREATE INDEX IF NOT EXISTS addresses_user ON addresses(user_id);
