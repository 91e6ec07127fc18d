"""The kernel: the app and its wiring, events, routing, the outbox and delivery, the clock,
config, i18n, scheduling, and the people and roles every feature shares."""
