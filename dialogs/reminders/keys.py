"""Keys and widget ids of the reminders dialog and the reminder message."""

# dialog_data
MODE = "mode"  # ReminderMode value being set up
DAYS = "days"  # weekdays being chosen, 0 Monday ... 6 Sunday
NOTICE = "notice"  # one line above the settings (saved, switched off, zone saved)

# Getter keys.
STATUS = "status"
ENABLED = "enabled"
ZONE = "zone"  # «Москва»
ZONE_BY = "zone_by"  # «по Москве»
DAY_ITEMS = "day_items"
HOUR_ITEMS = "hour_items"
HAS_DAYS = "has_days"

# Widget ids.
BY_DAYS_ID = "by_days"
NEXT_WORKOUT_ID = "on_next_workout"
OFF_ID = "reminders_off"
ZONE_ID = "reminder_zone"
ZONE_LEAVE_ID = "zone_leave"
BACK_ID = "reminders_back"
DAY_ID = "weekday"
DAYS_DONE_ID = "days_done"
HOUR_ID = "hour"
TO_MAIN_ID = "to_reminders"
HOUR_INPUT_ID = "hour_input"

# The reminder message's buttons (not a dialog: it arrives on its own). Its callback
# data is `PROMPT_PREFIX` + an action; dialogs/callback_guard.py lets the prefix through.
PROMPT_PREFIX = "rmd:"
PROMPT_OPEN = PROMPT_PREFIX + "open"
PROMPT_OFF = PROMPT_PREFIX + "off"
