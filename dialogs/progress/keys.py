"""Keys and widget ids of the progress screens."""

# dialog_data
PAGE = "page"  # the workouts list page, 0 = newest
WORKOUT_ID = "workout_id"  # the workout opened from the list
NOTICE = "notice"  # the answer to a recorded weight
CHART_PATH = "chart_path"  # the PNG «📉 График» drew (trainer_bot/chart_files.py)
CHART_CAPTION = "chart_caption"  # the numbers the picture shows

# Getter keys.
HAS_RECORDS = "has_records"
RECORDS = "records"
WEEK_TEXT = "week_text"
WEIGHT_TEXT = "weight_text"
WORKOUTS = "workouts"
HAS_NEWER = "has_newer"
HAS_OLDER = "has_older"
HEADER = "header"
LINES = "lines"
FOUND = "found"
CHART = "chart"
CAPTION = "caption"

# Widget ids.
TO_WORKOUTS_ID = "to_workouts"
TO_WEIGHT_ID = "to_weight"
EXPORT_ID = "export"
CHART_ID = "chart"
WORKOUT_ITEM_ID = "history_workout"
NEWER_ID = "newer"
OLDER_ID = "older"
BACK_ID = "progress_back"
TO_LIST_ID = "to_list"
TO_MENU_ID = "progress_to_menu"
DATES_ZONE = "dates_zone"  # «по Москве»: the user's zone the dates are in
