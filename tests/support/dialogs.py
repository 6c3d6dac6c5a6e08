"""Helpers for driving dialogs through BotClient like a user would.

Every action checks how many messages the bot sent to this chat because of it (in the
style of aiogram-dialog's `MockMessageManager.one_message()`): `say()` and `press()` expect
exactly one and return its text, so a duplicate send or a silent bot fails the test with
a list of what was sent. Actions that legitimately send more (or nothing) say so with
`say_expecting(n, ...)` / `press_expecting(n, ...)`.

What counts as a message: each window aiogram-dialog shows (the MockMessageManager records
an edit of the dialog's message as a new message, and a removed keyboard as a message
without text), plus each message a handler sends or edits through the Bot itself
(`message.answer`, the welcome video note). Chat actions and callback answers are not
messages.

The harness's message manager is shared by every user of a test, so an action does not
reset its history (that would erase the other users' screens): it notes where the history
stood and looks at what came after, for this chat only.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiogram.methods import AnswerCallbackQuery, SendChatAction, SendMessageDraft, TelegramMethod
from aiogram.types import Message, PhotoSize, Sticker, Update
from aiogram_dialog.test_tools import BotClient, MockMessageManager
from aiogram_dialog.test_tools.keyboard import InlineButtonTextLocator

from tests.support.harness import DialogHarness

_update_ids = itertools.count(1_000_000)


def is_message_call(call: TelegramMethod[Any]) -> bool:
    """A Bot API call that puts a message in the chat or changes one."""
    name = type(call).__name__
    if isinstance(call, (SendChatAction, SendMessageDraft)):
        return False  # an indicator, an ephemeral draft: nothing stays in the chat
    return name.startswith(("Send", "Edit")) or (name in {"CopyMessage", "ForwardMessage"})


def message_text(message: Message) -> str:
    return message.text or message.caption or ""


def button_labels(message: Message) -> list[str]:
    markup = message.reply_markup
    if markup is None or not hasattr(markup, "inline_keyboard"):
        return []
    return [button.text for row in markup.inline_keyboard for button in row]


@dataclass(frozen=True)
class Sent:
    """What the bot sent to one chat during one action."""

    screens: list[Message]  # windows shown by aiogram-dialog (an edit shows up as one)
    direct: list[TelegramMethod[Any]]  # sent or edited by handlers through the Bot

    def __len__(self) -> int:
        return len(self.screens) + len(self.direct)

    def texts(self) -> list[str]:
        """Texts of the handlers' own messages, then of the windows."""
        direct = [str(getattr(call, "text", None) or "") for call in self.direct]
        return direct + [message_text(message) for message in self.screens]

    def window_text(self) -> str:
        """The text of the one window among what was sent."""
        (window,) = self.screens
        return message_text(window)

    def describe(self) -> str:
        lines = [
            f"  window #{m.message_id}: {message_text(m)[:120]!r} {button_labels(m)}"
            for m in self.screens
        ]
        lines += [
            f"  {type(call).__name__}: {str(getattr(call, 'text', None) or '')[:120]!r}"
            for call in self.direct
        ]
        return "\n".join(lines) or "  nothing"


@dataclass(frozen=True)
class _Mark:
    screens: int
    calls: int


class UserSession:
    """One simulated Telegram user talking to the bot."""

    def __init__(self, harness: DialogHarness, user_id: int, first_name: str | None = None):
        self.harness = harness
        self.client: BotClient = harness.client(user_id, first_name)
        self.user_id = user_id
        self._since_last_action = self._mark()

    @property
    def messages(self) -> MockMessageManager:
        return self.harness.messages

    # --- what is on screen ------------------------------------------------------------

    def screen(self) -> Message:
        """The last window the bot showed in this chat."""
        for message in reversed(self.messages.sent_messages):
            if message.chat.id == self.user_id:
                return message
        raise AssertionError("the bot has shown nothing to this user")

    def text(self) -> str:
        return message_text(self.screen())

    def buttons(self) -> list[str]:
        return button_labels(self.screen())

    def shows(self) -> tuple[str, list[str]]:
        """The current screen whole: its text and its buttons, for one exact assertion."""
        return self.text(), self.buttons()

    # --- actions that send exactly one message ----------------------------------------

    async def say(self, text: str) -> str:
        """Type `text`; the bot must answer with exactly one message. Returns its text."""
        return self._only_text(await self.say_expecting(1, text))

    async def press(self, label: str, message: Message | None = None) -> str:
        """Press the button whose text matches `label` (a regex, full match) on `message`
        (default: the current screen); the bot must answer with exactly one message."""
        return self._only_text(await self.press_expecting(1, label, message))

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
        return self._only_text(await self._acting(1, "a sticker", self._feed(sticker=sticker)))

    async def send_photo(self) -> str:
        photo = [PhotoSize(file_id="photo", file_unique_id="photo", width=90, height=90)]
        return self._only_text(await self._acting(1, "a photo", self._feed(photo=photo)))

    async def start(self) -> str:
        """/start as a newcomer: the welcome video note, then the greeting (its text)."""
        sent = await self.say_expecting(2, "/start")
        assert [type(call).__name__ for call in sent.direct] == ["SendVideoNote"], sent.describe()
        return sent.window_text()

    # --- actions with a stated number of messages -------------------------------------

    async def say_expecting(self, count: int, text: str) -> Sent:
        """Type `text`; the bot must send exactly `count` messages to this chat."""
        return await self._acting(count, f"saying {text!r}", self.client.send(text))

    async def press_expecting(self, count: int, label: str, message: Message | None = None) -> Sent:
        """Press a button; the bot must send exactly `count` messages to this chat."""
        target = message or self.screen()

        async def click() -> None:
            callback_id = await self.client.click(target, InlineButtonTextLocator(label))
            self.assert_answered(callback_id)

        return await self._acting(count, f"pressing {label!r}", click())

    async def background(self, count: int = 1) -> Sent:
        """Wait for the background work started so far (a workout being composed); it must
        have sent exactly `count` messages to this chat since the last action ended."""
        await self.harness.workout_service.wait_background()
        sent = self._sent_since(self._since_last_action)
        self._since_last_action = self._mark()
        self._check(count, "the background work", sent)
        return sent

    def assert_answered(self, callback_id: str) -> None:
        """Every button press must be answered, or Telegram shows a spinner for seconds."""
        by_handlers = {
            call.callback_query_id for call in self.harness.bot.calls_of(AnswerCallbackQuery)
        }
        answered = self.messages.answered_callbacks | by_handlers
        assert callback_id in answered, f"callback {callback_id} was never answered"

    # --- internals --------------------------------------------------------------------

    def _mark(self) -> _Mark:
        return _Mark(len(self.messages.sent_messages), len(self.harness.bot.calls))

    def _sent_since(self, mark: _Mark) -> Sent:
        screens = [
            m
            for m in self.messages.sent_messages[mark.screens :]
            if m.chat.id == self.user_id and not _keyboard_removed(m)
        ]
        bot = self.harness.bot
        direct = [
            call
            for call in bot.calls[mark.calls :]
            if is_message_call(call)
            and str(getattr(call, "chat_id", "")) == str(self.user_id)
            and not any(call is failed for failed in bot.failed_calls)  # refused: no message
        ]
        return Sent(screens, direct)

    async def _acting(self, count: int, action: str, act: Any) -> Sent:
        mark = self._mark()
        await act
        sent = self._sent_since(mark)
        self._since_last_action = self._mark()
        self._check(count, action, sent)
        return sent

    def _check(self, count: int, action: str, sent: Sent) -> None:
        assert len(sent) == count, (
            f"{action}: expected {count} message(s) to user {self.user_id}, "
            f"the bot sent {len(sent)}:\n{sent.describe()}"
        )

    @staticmethod
    def _only_text(sent: Sent) -> str:
        (text,) = sent.texts()
        return text

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


def _keyboard_removed(message: Message) -> bool:
    """An older screen closed (its keyboard taken away, one live menu per chat): an edit
    of a message already shown, not a new screen."""
    return message.text is None and message.caption is None and message.reply_markup is None
