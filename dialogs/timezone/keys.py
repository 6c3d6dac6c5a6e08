"""Keys of the time zone dialog.

`ZONE_NAME` is its result: the chosen zone's name («Екатеринбург», «UTC+5:30»), for the
dialog that started it.
"""

ZONE_NAME = "zone_name"

# Widget ids.
CANCEL_ID = "zone_cancel"
