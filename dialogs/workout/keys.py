"""Keys and widget ids of the workout screens, shared by windows, getters and handlers.

`WORKOUT_ID` and `AVAILABLE_AT` are also the workout dialog's start_data: whoever opens
it passes them (these constants are the dialog's contract with them).
"""

# dialog_data (and start_data)
WORKOUT_ID = "workout_id"
AVAILABLE_AT = "available_at"  # ISO datetime of the next workout, or None
POSITION = "position"  # the exercise shown on the exercise screen
DRAFTS = "drafts"  # {position: [weight_kg, reps]} the «➕ Подход» button logs
JUST_COMPLETED = "just_completed"  # the done screen asks «Как прошло?» once
EFFORT = "effort"  # the answer, once given
UNDO = "undo"  # {position: [[token, before, after], ...]} taps «↩️ Отменить» can undo
UNDO_SEQ = "undo_seq"  # the last undo token's number
REST_LOGGED = "rest_logged"  # what «Остальное — как написано» did (its answer)
SLOW = "slow"  # the composing screen: generation takes longer than usual
PROFILE_CHANGED = "profile_changed"  # the rebuild was offered after a profile edit
RESTING = "resting"  # «⏱ Отдых» pressed: {"position", "set", "until"} of the running timer

# Getter keys.
FOUND = "found"
TITLE = "title"
STATUS = "status"
RATIONALE = "rationale"
WARMUP = "warmup"
SOURCE_NOTE = "source_note"
POPULATION_NOTE = "population_note"  # a doctor / an adult nearby, or None
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
# The user has not chosen a time zone yet: the times shown are in the bot's default one.
ZONE_UNCHOSEN = "zone_unchosen"
HAS_WORKOUT = "has_workout"
LOGGABLE = "loggable"
WHY = "why"
LAST_TEXT = "last_text"
RESULT_TEXT = "result_text"
ADD_SET_ITEMS = "add_set_items"
UNDO_ITEMS = "undo_items"
STEP_ITEMS = "step_items"
CAN_SKIP = "can_skip"
ASK_EFFORT = "ask_effort"
EFFORT_TEXT = "effort_text"
EFFORT_ITEMS = "effort_items"
OFFER_REST = "offer_rest"
REST_TEXT = "rest_text"
CAN_SWAP = "can_swap"  # planned, nothing logged: «🔄 Заменить»
SWAPPED_FROM = "swapped_from"  # the planned exercise this one replaced
CAN_REBUILD = "can_rebuild"  # planned, no set logged: «🔁 Собрать заново»
REST_LINE = "rest_line"  # the rest before the next set, on the exercise screen
CAN_REST = "can_rest"

# Widget ids.
EXERCISE_ID = "exercise"
COMPLETE_ID = "complete"
PREVIOUS_EXERCISE_ID = "previous_exercise"
NEXT_EXERCISE_ID = "next_exercise"
TO_WORKOUT_ID = "to_workout"
TO_MENU_ID = "to_menu"
MY_WORKOUT_ID = "my_workout"
AS_WRITTEN_ID = "as_written"
STEP_ID = "draft_step"
ADD_SET_ID = "add_set"
SKIP_ID = "skip_exercise"
UNDO_ID = "undo_log"
SET_LOG_INPUT_ID = "set_log_input"
EFFORT_ID = "effort"
REST_AS_WRITTEN_ID = "rest_as_written"
SWAP_ID = "swap_exercise"
REBUILD_ID = "rebuild_workout"
REBUILD_CONFIRM_ID = "rebuild_confirm"
REBUILD_BACK_ID = "rebuild_back"
REST_TIMER_ID = "rest_timer"
ASK_ZONE_ID = "ask_zone"
