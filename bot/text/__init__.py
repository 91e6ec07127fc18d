"""Parsers of what people type: availability, dates and times, time zones, slots, phrases,
and their error messages."""
