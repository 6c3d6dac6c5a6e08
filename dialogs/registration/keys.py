"""Keys and widget ids of the registration wizard, shared by windows, getters and handlers.

The answers themselves are kept in dialog_data under their `Step` values.
"""

from trainer_bot.services.profile_rules import Step

# dialog_data: set while the user changes one answer from the summary (the next answer
# returns there).
EDITING = "editing"
# dialog_data: set while a saved profile is edited (not a first registration): every
# step offers «Отмена», and leaving without «Всё верно» says the changes were not saved.
SAVED_PROFILE = "saved_profile"
# start_data: the saved answers, when the wizard is opened to edit a profile.
START_ANSWERS = "answers"
# The result the wizard returns to the screen that opened it when an edit is dropped.
EDIT_UNSAVED = "edit_unsaved"

# Getter keys.
PROGRESS = "progress"
CURRENT_WEIGHT = "current_weight"
ANSWERS_TEXT = "answers"
NOTES = "notes"
FIELDS = "fields"
IS_MAINTENANCE = "is_maintenance"
EDITING_SAVED = "editing_saved"

# Widget ids. A choice step's Select is named after its Step (the handler reads it back).
GENDER_ID = Step.GENDER.value
LEVEL_ID = Step.LEVEL.value
GOAL_ID = Step.GOAL.value
FREQUENCY_ID = Step.FREQUENCY.value
EQUIPMENT_ID = Step.EQUIPMENT.value
HOME_EQUIPMENT_ID = Step.HOME_EQUIPMENT.value  # the Multiselect (its checks are widget data)
HOME_DONE_ID = "home_done"
KEEP_WEIGHT_ID = "keep_weight"
CANCEL_ID = "cancel"
AGE_INPUT_ID = "age_input"
HEIGHT_INPUT_ID = "height_input"
WEIGHT_INPUT_ID = "weight_input"
TARGET_WEIGHT_INPUT_ID = "target_weight_input"
CONFIRM_ID = "confirm"
EDIT_FIELD_ID = "edit_field"
BACK_ID = "back"
