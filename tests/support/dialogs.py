"""Helpers for driving dialogs through BotClient like a user would."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from aiogram.methods import AnswerCallbackQuery
from aiogram.types import Message, PhotoSize, Sticker, Update
from aiogram_dialog.test_tools import BotClient, MockMessageManager
from aiogram_dialog.test_tools.keyboard import InlineButtonTextLocator

from tests.support.harness import DialogHarness

_update_ids = itertools.count(1_000_000)


class UserSession:
    """One simulated Telegram user talking to the bot."""

    def __init__(self, harness: DialogHarness, user_id: int, first_name: str | None = None):
        self.harness = harness
        self.client: BotClient = harness.client(user_id, first_name)
        self.user_id = user_id

    @property
    def messages(self) -> MockMessageManager:
        return self.harness.messages

    def screen(self) -> Message:
        """The last message the bot showed in this chat."""
        for message in reversed(self.messages.sent_messages):
            if message.chat.id == self.user_id:
                return message
        raise AssertionError("the bot has shown nothing to this user")

    def text(self) -> str:
        message = self.screen()
        return message.text or message.caption or ""

    def buttons(self) -> list[str]:
        markup = self.screen().reply_markup
        if markup is None:
            return []
        return [button.text for row in markup.inline_keyboard for button in row]

    async def say(self, text: str) -> str:
        await self.client.send(text)
        return self.text()

    async def press(self, label: str, message: Message | None = None) -> str:
        """Press the button whose text matches `label` (a regex, full match)."""
        callback_id = await self.client.click(
            message or self.screen(), InlineButtonTextLocator(label)
        )
        self.assert_answered(callback_id)
        return self.text()

    def assert_answered(self, callback_id: str) -> None:
        """Every button press must be answered, or Telegram shows a spinner for seconds."""
        by_handlers = [
            call.callback_query_id for call in self.harness.bot.calls_of(AnswerCallbackQuery)
        ]
        assert callback_id in self.messages.answered_callbacks or callback_id in by_handlers

    async def send_sticker(self) -> str:
        sticker = Sticker(
            file_id="sticker",
            file_unique_id="sticker",
            type="regular",
            width=512,
            height=512,
            is_animated=False,
            is_video=False,
            emoji="💪",
        )
        await self._feed(sticker=sticker)
        return self.text()

    async def send_photo(self) -> str:
        photo = [PhotoSize(file_id="photo", file_unique_id="photo", width=90, height=90)]
        await self._feed(photo=photo)
        return self.text()

    async def _feed(self, **content: object) -> None:
        message = Message(
            message_id=next(_update_ids),
            date=datetime.now(UTC),
            chat=self.client.chat,
            from_user=self.client.user,
            **content,
        )
        update = Update(update_id=next(_update_ids), message=message)
        await self.harness.dp.feed_update(self.harness.bot, update)
