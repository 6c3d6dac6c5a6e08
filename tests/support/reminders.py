"""Helpers for reminder tests: the reminder as the user sees it, Telegram's member updates."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from aiogram.methods import SendMessage
from aiogram.types import (
    Chat,
    ChatMemberBanned,
    ChatMemberMember,
    ChatMemberUpdated,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from aiogram.types import User as TelegramUser

from tests.support.dialogs import Sent
from tests.support.harness import DialogHarness

_ids = itertools.count(7_000_000)


def sent_message(sent: Sent) -> Message:
    """The one message a background sender sent (SendMessage), as a Message with its
    buttons, so a test can press them."""
    (call,) = sent.direct
    assert isinstance(call, SendMessage), sent.describe()
    markup = call.reply_markup if isinstance(call.reply_markup, InlineKeyboardMarkup) else None
    return Message(
        message_id=next(_ids),
        date=datetime.now(UTC),
        chat=Chat(id=int(call.chat_id), type="private"),
        text=call.text,
        reply_markup=markup,
    )


async def member_update(harness: DialogHarness, user_id: int, *, blocked: bool) -> None:
    """Telegram's my_chat_member update: the user blocked the bot (or unblocked it)."""
    bot_user = TelegramUser(id=harness.bot.id, is_bot=True, first_name="Тренер")
    user = TelegramUser(id=user_id, is_bot=False, first_name="Тест")
    member = ChatMemberMember(user=bot_user)
    banned = ChatMemberBanned(user=bot_user, until_date=datetime(1970, 1, 1, tzinfo=UTC))
    update = Update(
        update_id=next(_ids),
        my_chat_member=ChatMemberUpdated(
            chat=Chat(id=user_id, type="private"),
            from_user=user,
            date=datetime.now(UTC),
            old_chat_member=member if blocked else banned,
            new_chat_member=banned if blocked else member,
        ),
    )
    await harness.dp.feed_update(harness.bot, update)
