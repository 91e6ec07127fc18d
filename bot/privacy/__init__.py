"""Privacy: what the bot holds on a person, showing it and erasing it."""
