"""Progress handlers: paging, opening a past workout, the weight log, the export."""

from __future__ import annotations

import logging

from aiogram.types import CallbackQuery, Message
from aiogram_dialog import DialogManager
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Select

from dialogs.common import ERROR_KEY
from dialogs.export import send_export
from dialogs.progress.keys import CHART_CAPTION, CHART_PATH, NOTICE, OLDER_ID, PAGE, WORKOUT_ID
from dialogs.states import ProgressSG
from trainer_bot.chart_files import save_chart
from trainer_bot.services.bot_services import services_of

logger = logging.getLogger(__name__)


async def on_export(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    chat_id = callback.message.chat.id if callback.message else callback.from_user.id
    await send_export(services_of(manager), callback.from_user.id, chat_id)


async def on_chart(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    """«📉 График»: drawn off the event loop (the service), kept as a file for the chart
    window's photo (aiogram-dialog media come from a path)."""
    chart = await services_of(manager).progress.chart(callback.from_user.id)
    if chart is None:
        return  # no profile: the progress screen says so already
    path = await save_chart(callback.from_user.id, chart.png)
    manager.dialog_data[CHART_PATH] = str(path)
    manager.dialog_data[CHART_CAPTION] = chart.caption
    await manager.switch_to(ProgressSG.chart)


async def on_page(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    page = int(manager.dialog_data.get(PAGE, 0))
    manager.dialog_data[PAGE] = max(0, page + (1 if button.widget_id == OLDER_ID else -1))


async def on_workout_selected(
    callback: CallbackQuery, widget: Select[int], manager: DialogManager, workout_id: int
) -> None:
    manager.dialog_data[WORKOUT_ID] = workout_id
    await manager.switch_to(ProgressSG.workout)


async def on_weight(message: Message, widget: MessageInput, manager: DialogManager) -> None:
    """«⚖️ Записать вес»: a number in kg; anything else is explained and nothing saved."""
    if message.from_user is None:
        return
    result = await services_of(manager).progress.record_weight(message.from_user.id, message.text)
    if not result.saved:
        manager.dialog_data[ERROR_KEY] = result.message
        return
    manager.dialog_data.pop(ERROR_KEY, None)
    manager.dialog_data[NOTICE] = result.message
    await manager.switch_to(ProgressSG.main)


async def on_open_weight(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    manager.dialog_data.pop(ERROR_KEY, None)
    manager.dialog_data.pop(NOTICE, None)
    await manager.switch_to(ProgressSG.weight)
