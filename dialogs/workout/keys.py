"""Keys and widget ids of the workout screens, shared by windows, getters and handlers.

`WORKOUT_ID` and `AVAILABLE_AT` are also the workout dialog's start_data: whoever opens
it passes them (these constants are the dialog's contract with them).
"""

# dialog_data (and start_data)
WORKOUT_ID = "workout_id"
AVAILABLE_AT = "available_at"  # ISO datetime of the next workout, or None
POSITION = "position"  # the exercise shown on the exercise screen
SLOW = "slow"  # the composing screen: generation takes longer than usual

# Getter keys.
FOUND = "found"
TITLE = "title"
STATUS = "status"
RATIONALE = "rationale"
WARMUP = "warmup"
SOURCE_NOTE = "source_note"
LINES = "lines"
EXERCISES = "exercises"
PLANNED = "planned"
NAME = "name"
COUNTER = "counter"
SCHEME = "scheme"
NOTES = "notes"
DESCRIPTION = "description"
INSTRUCTIONS = "instructions"
PRIMARY = "primary"
SECONDARY = "secondary"
VIDEO_URL = "video_url"
IMAGE_URL = "image_url"
HAS_PREVIOUS = "has_previous"
HAS_NEXT = "has_next"
NEXT_TEXT = "next_text"
HAS_WORKOUT = "has_workout"

# Widget ids.
EXERCISE_ID = "exercise"
COMPLETE_ID = "complete"
PREVIOUS_EXERCISE_ID = "previous_exercise"
NEXT_EXERCISE_ID = "next_exercise"
TO_WORKOUT_ID = "to_workout"
TO_MENU_ID = "to_menu"
MY_WORKOUT_ID = "my_workout"
