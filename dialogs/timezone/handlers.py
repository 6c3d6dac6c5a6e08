"""The time zone dialog: saved, it closes with the zone's name as its result."""

from __future__ import annotations

from aiogram_dialog import DialogManager

from dialogs.timezone.keys import ZONE_NAME
from trainer_bot.time_zones import UserZone


async def on_zone_saved(manager: DialogManager, zone: UserZone) -> None:
    await manager.done({ZONE_NAME: zone.name})
