"""Telegram faked at the bot session level: a cheap message manager and a canned Bot.

aiogram-dialog's message manager is replaced by `ScreenRecorder`, which keeps only the
last screen of each chat (what a simulated user needs to press the next button) and
nothing else; API calls are answered by the tests' `RecordingBot`, keeping nothing.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from typing import Any

from aiogram import Bot
from aiogram.types import InlineKeyboardMarkup, Message
from aiogram_dialog import ShowMode
from aiogram_dialog.api.entities import NewMessage, OldMessage
from aiogram_dialog.api.protocols import MessageManagerProtocol, MessageNotModified

from benchmarks.services import BENCH_BOT_TOKEN
from tests.fakes.recording_bot import RecordingBot


@dataclass(slots=True)
class Screen:
    message_id: int
    text: str
    markup: InlineKeyboardMarkup | None
    shown_at: float  # time.perf_counter()


class ScreenRecorder(MessageManagerProtocol):
    """aiogram-dialog's message manager, cheap: the last screen of each chat, nothing more."""

    def __init__(self) -> None:
        self.screens: dict[int, Screen] = {}
        self._message_ids = itertools.count(1)
        self.shown = 0
        self.answered_callbacks = 0

    async def remove_kbd(
        self, bot: Bot, show_mode: ShowMode, old_message: OldMessage | None
    ) -> Message | None:
        return None

    async def answer_callback(self, bot: Bot, callback_query: Any) -> None:
        self.answered_callbacks += 1

    async def show_message(
        self, bot: Bot, new_message: NewMessage, old_message: OldMessage | None
    ) -> OldMessage:
        if new_message.show_mode is ShowMode.NO_UPDATE:
            raise MessageNotModified
        message_id = next(self._message_ids)
        markup = new_message.reply_markup
        self.record(
            new_message.chat.id,
            message_id,
            new_message.text or "",
            markup if isinstance(markup, InlineKeyboardMarkup) else None,
        )
        media = new_message.media
        return OldMessage(
            message_id=message_id,
            chat=new_message.chat,
            text=new_message.text,
            media_id=f"bench-media-{message_id}" if media else None,
            media_uniq_id=f"bench-media-{message_id}" if media else None,
            has_reply_keyboard=False,
        )

    def record(
        self, chat_id: int, message_id: int, text: str, markup: InlineKeyboardMarkup | None
    ) -> None:
        self.shown += 1
        self.screens[chat_id] = Screen(message_id, text, markup, time.perf_counter())

    def forget(self, chat_id: int) -> None:
        self.screens.pop(chat_id, None)


def canned_bot(screens: ScreenRecorder | None = None) -> RecordingBot:
    """The tests' fake Bot (API calls answered in the process), keeping no calls so memory
    does not grow with the updates. With `screens`, messages the handlers send or edit
    themselves (bare aiogram) are recorded as the chat's screen too."""
    return RecordingBot(
        BENCH_BOT_TOKEN,
        keep_calls=False,
        on_shown=screens.record if screens is not None else None,
    )
