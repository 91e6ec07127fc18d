"""Meetings: proposing and storing them, their times, attendance, check-ins, free times and
calendar files."""
