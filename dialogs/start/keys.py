"""Keys and widget ids of the greeting."""

NAME = "name"  # the user's first name, HTML-escaped; empty when Telegram has none
BEGIN_ID = "begin"
