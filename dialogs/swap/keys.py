"""Keys and widget ids of the swap screens.

`WORKOUT_ID`, `POSITION` and `NAME` are the swap dialog's start_data: the exercise screen
that opens it passes them (these constants are the dialog's contract with it).
"""

# start_data
WORKOUT_ID = "workout_id"
POSITION = "position"
NAME = "name"  # the exercise being swapped, as the user saw it

# dialog_data
REASON = "reason"  # SwapReason value

# Getter keys.
LINES = "lines"
OPTIONS = "options"
HAS_OPTIONS = "has_options"
PAIN_NOTE = "pain_note"
OPEN = "open"  # the exercise may still be swapped (else only the way back is offered)

# Widget ids.
REASON_ID = "swap_reason"
OPTION_ID = "swap_option"
CANCEL_ID = "swap_cancel"
BACK_ID = "swap_back"
