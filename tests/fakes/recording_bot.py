"""A Bot whose API calls never leave the process: recorded and answered with canned results.

aiogram-dialog's message manager (MockMessageManager in tests, the benchmarks' screen
recorder) renders dialog windows; this bot answers what handlers call directly
(message.answer, send_video_note, edit_text, set_my_commands, callback answers).

The one fake Bot of the tests and the benchmarks: tests keep every call to inspect it;
the benchmarks (`keep_calls=False`) keep nothing, so memory does not grow with the number
of updates, and follow what handlers show through `on_shown`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramForbiddenError
from aiogram.methods import EditMessageText, SendMessage, SendVideoNote, TelegramMethod
from aiogram.types import Chat, InlineKeyboardMarkup, Message, VideoNote

TEST_BOT_TOKEN = "123456789:TEST-token-never-real-abcdefghijk"
# A fixed time for the messages the bot "sends": answers are identical from run to run.
SENT_AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

# (chat id, message id, text, inline keyboard) of a message a handler sent or edited.
ShownListener = Callable[[int, int, str, InlineKeyboardMarkup | None], None]


class RecordingBot(Bot):
    def __init__(
        self,
        token: str = TEST_BOT_TOKEN,
        *,
        keep_calls: bool = True,
        on_shown: ShownListener | None = None,
    ) -> None:
        super().__init__(token)
        self.calls: list[TelegramMethod[Any]] = []
        # Calls Telegram refused (a subclass raises for them): recorded, but no message.
        self.failed_calls: list[TelegramMethod[Any]] = []
        self._keep_calls = keep_calls
        self._on_shown = on_shown
        # Far above the ids a message manager gives its windows, so the two never meet.
        self._message_ids = itertools.count(1_000_000)
        self._file_ids = itertools.count(1)
        # Chats whose user blocked the bot: sends there raise TelegramForbiddenError.
        self.blocked_chats: set[int] = set()

    def calls_of(self, method_type: type[TelegramMethod[Any]]) -> list[Any]:
        return [call for call in self.calls if isinstance(call, method_type)]

    def sent_texts(self) -> list[str]:
        return [call.text for call in self.calls_of(SendMessage)]

    async def __call__(
        self, method: TelegramMethod[Any], request_timeout: int | None = None
    ) -> Any:
        if self._keep_calls:
            self.calls.append(method)
        if isinstance(method, SendMessage) and int(method.chat_id or 0) in self.blocked_chats:
            self.failed_calls.append(method)
            raise TelegramForbiddenError(method, "Forbidden: bot was blocked by the user")
        if isinstance(method, (SendMessage, EditMessageText)):
            return self._text_message(method)
        if isinstance(method, SendVideoNote):
            file_id = method.video_note if isinstance(method.video_note, str) else None
            file_id = file_id or f"video-note-file-{next(self._file_ids)}"
            video_note = VideoNote(file_id=file_id, file_unique_id=file_id, length=384, duration=7)
            return self._message(method.chat_id, next(self._message_ids), video_note=video_note)
        return True

    def _text_message(self, method: SendMessage | EditMessageText) -> Message:
        edited = method.message_id if isinstance(method, EditMessageText) else None
        message_id = edited or next(self._message_ids)
        markup = (
            method.reply_markup if isinstance(method.reply_markup, InlineKeyboardMarkup) else None
        )
        chat_id = int(method.chat_id or 0)
        if self._on_shown is not None:
            self._on_shown(chat_id, message_id, method.text or "", markup)
        return self._message(chat_id, message_id, text=method.text, reply_markup=markup)

    def _message(self, chat_id: int | str, message_id: int, **content: Any) -> Message:
        return Message(
            message_id=message_id,
            date=SENT_AT,
            chat=Chat(id=int(chat_id), type="private"),
            **content,
        )
