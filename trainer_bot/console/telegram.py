"""The Telegram edge of the console: a Bot and a message manager that print, not send.

Dialog windows reach the user through aiogram-dialog's message manager (here its
MockMessageManager, which keeps the messages instead of calling Telegram); what handlers
send themselves (`message.answer`, the welcome video note, callback answers) goes through
the Bot, whose calls are answered here with canned results. Both write to one transcript,
so the terminal shows everything in the order it happened.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode
from aiogram.methods import (
    AnswerCallbackQuery,
    SendDocument,
    SendMessage,
    SendPhoto,
    SendVideoNote,
    TelegramMethod,
)
from aiogram.types import Chat, InlineKeyboardMarkup, Message
from aiogram_dialog import ShowMode
from aiogram_dialog.api.entities import NewMessage, OldMessage
from aiogram_dialog.test_tools import MockMessageManager

from trainer_bot.console.transcript import Transcript

# aiogram checks the token's shape; this one is never sent anywhere.
CONSOLE_BOT_TOKEN = "100000001:console-token-never-sent-anywhere"


class ConsoleBot(Bot):
    """A Bot whose API calls never leave the process: printed, answered with canned results."""

    def __init__(self, transcript: Transcript) -> None:
        # HTML by default, as the real bot (trainer_bot.app.create_bot).
        super().__init__(CONSOLE_BOT_TOKEN, default=DefaultBotProperties(parse_mode=ParseMode.HTML))
        self._transcript = transcript
        self._message_ids = itertools.count(1_000_000)

    async def __call__(
        self, method: TelegramMethod[Any], request_timeout: int | None = None
    ) -> Any:
        if isinstance(method, SendMessage):
            markup = method.reply_markup
            message = self._message(
                method.chat_id,
                text=method.text,
                reply_markup=markup if isinstance(markup, InlineKeyboardMarkup) else None,
            )
            self._transcript.message(message, from_dialog=False)
            return message
        if isinstance(method, SendVideoNote):
            self._transcript.note("(video note)")
            # No video_note in the answer: there is no file_id worth remembering.
            return self._message(method.chat_id)
        if isinstance(method, SendDocument | SendPhoto):
            media = method.document if isinstance(method, SendDocument) else method.photo
            name = getattr(media, "filename", None) or "file"
            self._transcript.note(f"({name}) {method.caption or ''}".rstrip())
            return self._message(method.chat_id)
        if isinstance(method, AnswerCallbackQuery):
            if method.text:
                kind = "alert" if method.show_alert else "toast"
                self._transcript.note(f"({kind}) {method.text}")
            return True
        return True  # deleting or editing messages, commands: nothing to show

    def _message(self, chat_id: int | str, **content: Any) -> Message:
        return Message(
            message_id=next(self._message_ids),
            date=datetime.now(UTC),
            chat=Chat(id=int(chat_id), type="private"),
            **content,
        )


class ConsoleMessageManager(MockMessageManager):
    """aiogram-dialog's test message manager, printing every window it shows."""

    def __init__(self, transcript: Transcript) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._transcript = transcript

    async def show_message(
        self, bot: Bot, new_message: NewMessage, old_message: OldMessage | None
    ) -> OldMessage:
        previous = self._transcript.screen
        shown = await super().show_message(bot, new_message, old_message)
        # aiogram-dialog edits the old message unless told to send a new one.
        edited = old_message is not None and new_message.show_mode not in (
            ShowMode.SEND,
            ShowMode.DELETE_AND_SEND,
        )
        message: Message = self.last_message()
        unchanged = (
            edited
            and previous is not None
            and previous.message.text == message.text
            and previous.message.reply_markup == message.reply_markup
        )
        if not unchanged:  # Telegram keeps a message edited to the same content as it was
            self._transcript.message(
                message, edited=edited, link_preview=_link_preview_url(new_message)
            )
        return shown


def _link_preview_url(message: NewMessage) -> str | None:
    options = message.link_preview_options
    if options is None or options.is_disabled or not options.url:
        return None
    return str(options.url)
