-- Telegram inline buttons: callback_data is limited to 64 bytes, so a button carries a short
-- random token and the (action_id, value) it stands for lives here. Rows older than 30 days
-- are deleted when the Telegram adapter starts; a press on such a button gets a polite answer.

CREATE TABLE telegram_callbacks (
    token       TEXT PRIMARY KEY,
    action_id   TEXT NOT NULL,
    value       TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
);
CREATE INDEX telegram_callbacks_created ON telegram_callbacks(created_at);
