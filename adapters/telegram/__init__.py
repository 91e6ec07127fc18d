"""The Telegram adapter (python-telegram-bot): private chats, commands, inline keyboards,
`/start <code>` deep links, long polling or a webhook.

- `translate` — Telegram updates -> core events (pure);
- `render` — our markup -> Telegram HTML, long texts split, keyboard layout (pure);
- `menu` — the command menus in English and French, from the /help lines;
- `callbacks` — short tokens standing for button (action_id, value) pairs;
- `pacing` — flood limits and 429 waits; `transport` — sending a `Reply`;
- `polling`, `webhook` — receiving updates; `app` — the wiring (the process,
  adapters/main.py, owns the inbound queue, the dispatcher and the alarm).
"""
