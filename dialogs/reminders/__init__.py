"""Reminders: the settings (weekdays or "when the next workout opens", an hour), and the
reminder message's own buttons (prompt.py)."""
