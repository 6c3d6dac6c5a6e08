"""Keys and widget ids of the main menu and the profile screen.

`NOTICE` and `JUST_REGISTERED` are the menu's start_data: other dialogs that open the menu
set them (these constants are the menu's contract with them).
"""

# start_data of MenuSG.main
NOTICE = "notice"
JUST_REGISTERED = "just_registered"
# The saved profile edit changed what workouts are made of: the menu offers «🔁 Собрать
# заново» for the planned workout.
REBUILD_OFFER = "rebuild_offer"

# dialog_data of the profile screen: a one-time line above it (an edit dropped).
PROFILE_NOTICE = "profile_notice"

# Getter keys.
NAME = "name"
PLANNED_WORKOUT_ID = "planned_workout_id"
PROFILE = "profile"
HOME_UNKNOWN = "home_unknown"  # a «Свой вес» user never asked about home equipment
REMINDERS_LABEL = "reminders_label"  # «🔔 Напоминания: вкл.»
ZONE_LABEL = "zone_label"  # «🕐 Часовой пояс: Москва»

# Widget ids.
GET_WORKOUT_ID = "get_workout"
MY_WORKOUT_ID = "my_workout"
PROFILE_ID = "profile"
EDIT_PROFILE_ID = "edit_profile"
SET_HOME_EQUIPMENT_ID = "set_home_equipment"
TO_MENU_ID = "to_menu"
PROGRESS_ID = "progress"
REBUILD_ID = "menu_rebuild"
REMINDERS_ID = "reminders"
TIMEZONE_ID = "timezone"
