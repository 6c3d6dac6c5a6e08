"""A Bot whose API calls never leave the process: recorded and answered with canned results.

aiogram-dialog's MockMessageManager renders dialog windows; this bot answers what handlers
call directly (message.answer, send_video_note, set_my_commands, callback answers).
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot
from aiogram.methods import SendMessage, SendVideoNote, TelegramMethod
from aiogram.types import Chat, Message, VideoNote

TEST_BOT_TOKEN = "123456789:TEST-token-never-real-abcdefghijk"


class RecordingBot(Bot):
    def __init__(self, token: str = TEST_BOT_TOKEN) -> None:
        super().__init__(token)
        self.calls: list[TelegramMethod[Any]] = []
        self._message_ids = itertools.count(10_000)
        self._file_ids = itertools.count(1)

    def calls_of(self, method_type: type[TelegramMethod[Any]]) -> list[Any]:
        return [call for call in self.calls if isinstance(call, method_type)]

    def sent_texts(self) -> list[str]:
        return [call.text for call in self.calls_of(SendMessage)]

    async def __call__(
        self, method: TelegramMethod[Any], request_timeout: int | None = None
    ) -> Any:
        self.calls.append(method)
        if isinstance(method, SendMessage):
            return self._message(method.chat_id, text=method.text)
        if isinstance(method, SendVideoNote):
            file_id = method.video_note if isinstance(method.video_note, str) else None
            file_id = file_id or f"video-note-file-{next(self._file_ids)}"
            video_note = VideoNote(file_id=file_id, file_unique_id=file_id, length=384, duration=7)
            return self._message(method.chat_id, video_note=video_note)
        return True

    def _message(self, chat_id: int | str, **content: Any) -> Message:
        return Message(
            message_id=next(self._message_ids),
            date=datetime.now(UTC),
            chat=Chat(id=int(chat_id), type="private"),
            **content,
        )
