"""A Telegram chat with the real bot process over the fake Bot API server, step by step."""

from __future__ import annotations

import asyncio
import re
import time

from tests.e2e.bot_process import (
    E2EBot,
)
from tests.fakes.telegram_server import ChatMessage


def wait_minutes(text: str) -> int:
    """The wait in «через 11 ч 59 мин» (or «через 12 ч», «через 5 мин»), in minutes."""
    found = re.search(r"через (?:(\d+) ч)? ?(?:(\d+) мин)?", text)
    assert found is not None and any(found.groups()), text
    hours, minutes = (int(group or 0) for group in found.groups())
    return hours * 60 + minutes


STEP_TIMEOUT = 10.0  # a ceiling: a step takes ~0.1-0.3 s, more on a loaded machine


class Chat:
    """One user's private chat with the bot, driven through the fake server."""

    def __init__(self, bot: E2EBot, user_id: int) -> None:
        self.bot = bot
        self.telegram = bot.telegram
        self.user_id = user_id

    async def screen(self, expected: str, *, newer_than: int = 0) -> ChatMessage:
        """Wait until the newest bot message (with an id above `newer_than`) contains
        `expected`; returns that message."""
        deadline = time.monotonic() + STEP_TIMEOUT
        while True:
            message = self.telegram.last_message(self.user_id)
            if (
                message is not None
                and message.message_id > newer_than
                and expected in (message.text or "")
            ):
                return message
            if self.bot.process.returncode is not None:
                raise AssertionError(f"the bot exited while waiting for {expected!r}")
            if time.monotonic() > deadline:
                shown = message.text if message is not None else None
                recent = [c.short() for c in self.telegram.bot_calls[-8:]]
                raise AssertionError(
                    f"{expected!r} is not on screen after {STEP_TIMEOUT:.0f}s; the newest bot "
                    f"message: {shown!r}; recent calls:\n  " + "\n  ".join(recent)
                )
            await asyncio.sleep(0.02)

    async def say(self, text: str, expected: str) -> ChatMessage:
        """Send a text (or a /command); the answer is a new message below it."""
        if text.startswith("/"):
            sent = await self.telegram.send_command(self.user_id, text)
        else:
            sent = await self.telegram.send_text(self.user_id, text)
        return await self.screen(expected, newer_than=sent)

    async def press(self, label: str, expected: str) -> ChatMessage:
        """Press the inline button `label`; the screen must change and the query be answered."""
        mark = self.telegram.mark()
        query_id = await self.telegram.click_button(self.user_id, label)
        message = await self.screen(expected)
        await self.telegram.wait_for(
            lambda call: (
                call.method.lower() == "answercallbackquery"
                and str(call.params.get("callback_query_id")) == query_id
            ),
            since=mark,
        )
        return message
