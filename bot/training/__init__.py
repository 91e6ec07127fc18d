"""Training: lessons, nudges, points, badges and notifications."""
