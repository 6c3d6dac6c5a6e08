"""Helpers shared by the resilience tests."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.types import CallbackQuery, Message, Update
from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from tests.fakes.telegram_server import ChatMessage, FakeTelegramServer
from tests.support import screens
from tests.support.dialogs import UserSession
from tests.support.harness import DialogHarness, make_settings
from tests.support.registration import fill_until
from trainer_bot.app import StateBackend, create_dispatcher
from trainer_bot.catalogue import default_catalogue
from trainer_bot.config import Settings
from trainer_bot.db.models import User, Workout
from trainer_bot.middlewares.in_flight import InFlightUpdates
from trainer_bot.services.workouts import WorkoutService

_user_ids = itertools.count(810_000_001)


def new_user_id() -> int:
    """A Telegram user id no other test of this run uses."""
    return next(_user_ids)


_ids = itertools.count(5_000_000)


def next_id() -> int:
    return next(_ids)


async def delete_prefixed_keys(redis: Redis, prefix: str) -> int:
    """What FLUSHDB does to this test's dialog state, without touching anyone else's keys."""
    keys = [key async for key in redis.scan_iter(match=f"{prefix}:*", count=1000)]
    if keys:
        await redis.delete(*keys)
    return len(keys)


async def register(harness: DialogHarness, user_id: int, first_name: str = "Иван") -> UserSession:
    """A user who completed registration and sits on the main menu."""
    user = UserSession(harness, user_id, first_name=first_name)
    await fill_until(user)
    assert await user.press("✅ Всё верно") == screens.saved_menu(first_name)
    return user


async def open_workout(user: UserSession) -> str:
    """«Получить тренировку», wait for the fallback generator: the workout on screen."""
    assert await user.press("🏋️ Получить тренировку") == screens.COMPOSING
    await user.background(1)  # the workout, edited in
    text = user.text()
    assert user.buttons() == screens.workout_buttons(text), text
    return text


@dataclass(frozen=True)
class WorkoutRow:
    id: int
    status: str
    completed_at: datetime | None
    exercises: int


async def user_row(factory: async_sessionmaker[AsyncSession], telegram_id: int) -> User | None:
    async with factory() as session:
        return await session.scalar(select(User).where(User.telegram_id == telegram_id))


async def workouts_of(
    factory: async_sessionmaker[AsyncSession], telegram_id: int
) -> list[WorkoutRow]:
    async with factory() as session:
        user_id = await session.scalar(select(User.id).where(User.telegram_id == telegram_id))
        if user_id is None:
            return []
        rows = await session.scalars(
            select(Workout)
            .where(Workout.user_id == user_id)
            .options(selectinload(Workout.exercises))
            .order_by(Workout.id)
        )
        return [WorkoutRow(w.id, w.status, w.completed_at, len(w.exercises)) for w in rows.all()]


def callback_update(user: UserSession, data: str, message: Message | None = None) -> Update:
    """A raw callback query from `user` with any `data`, on `message` (default: the last
    message the bot showed this user), as a tampering client would send it."""
    message = message or user.screen()
    query = CallbackQuery(
        id=str(next_id()),
        from_user=user.client.user,
        chat_instance=str(user.user_id),
        message=message,
        data=data,
    )
    return Update(update_id=next_id(), callback_query=query)


def text_update(user: UserSession, text: str) -> Update:
    message = Message(
        message_id=next_id(),
        date=datetime.now(UTC),
        chat=user.client.chat,
        from_user=user.client.user,
        text=text,
    )
    return Update(update_id=next_id(), message=message)


def callback_data_of(message: Message, label: str) -> str:
    """The callback_data of the inline button labelled `label` on `message`."""
    assert message.reply_markup is not None, "the message has no keyboard"
    for row in message.reply_markup.inline_keyboard:
        for button in row:
            if button.text == label and button.callback_data is not None:
                return button.callback_data
    raise LookupError(f"no button {label!r}")


def percentile(values: Iterable[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


# --- the bot over real HTTP against the fake Telegram server ------------------------------


def http_bot(server: FakeTelegramServer) -> Bot:
    """A Bot as `create_bot` makes it for TELEGRAM_API_URL, but without any request
    middleware: what aiogram does by itself."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(server.url))
    return Bot(
        server.token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML)
    )


@dataclass
class LiveBot:
    """The real Dispatcher (real aiogram-dialog MessageManager) polling the fake server."""

    server: FakeTelegramServer
    bot: Bot
    dp: Dispatcher
    service: WorkoutService
    settings: Settings
    in_flight: InFlightUpdates
    _task: asyncio.Task[Any] | None = field(default=None, repr=False)

    @classmethod
    def build(
        cls,
        server: FakeTelegramServer,
        bot: Bot,
        session_factory: async_sessionmaker[AsyncSession],
        state: StateBackend,
        *,
        settings: Settings | None = None,
        service: WorkoutService | None = None,
    ) -> LiveBot:
        settings = settings or make_settings(bot_token=server.token, telegram_api_url=server.url)
        service = service or WorkoutService(
            settings=settings, session_factory=session_factory, catalogue=default_catalogue()
        )
        in_flight = InFlightUpdates()
        dp = create_dispatcher(
            session_factory=session_factory,
            state=state,
            settings=settings,
            workout_service=service,
            in_flight=in_flight,
        )
        return cls(server, bot, dp, service, settings, in_flight)

    async def __aenter__(self) -> LiveBot:
        self._task = asyncio.create_task(
            self.dp.start_polling(
                self.bot, handle_signals=False, close_bot_session=False, polling_timeout=1
            )
        )
        await self.server.wait_polling()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        try:
            # Updates still being handled would otherwise reopen the closed bot session.
            await self.server.wait_idle(quiet=0.1)
            with contextlib.suppress(RuntimeError):  # polling already stopped
                await self.dp.stop_polling()
            if self._task is not None:
                await asyncio.wait_for(self._task, 10)
            await self.in_flight.finish(grace_seconds=5)
            await self.service.aclose()
        finally:
            await self.bot.session.close()


STEP_TIMEOUT = 8.0


class LiveChat:
    """One user's private chat, driven through the fake server as Telegram would."""

    def __init__(self, live: LiveBot, user_id: int, first_name: str = "Иван") -> None:
        self.server = live.server
        self.user_id = user_id
        self.server.add_user(user_id, first_name=first_name)

    def bot_messages(self) -> list[ChatMessage]:
        return [m for m in self.server.chat(self.user_id).values() if m.sender == "bot"]

    def texts(self) -> list[str]:
        return [m.text or "" for m in self.bot_messages()]

    async def screen(self, expected: str, *, newer_than: int = 0) -> ChatMessage:
        deadline = time.monotonic() + STEP_TIMEOUT
        while True:
            message = self.server.last_message(self.user_id)
            if (
                message is not None
                and message.message_id > newer_than
                and expected in (message.text or "")
            ):
                return message
            if time.monotonic() > deadline:
                recent = "\n  ".join(c.short() for c in self.server.bot_calls[-8:])
                raise AssertionError(
                    f"{expected!r} not on screen; newest: "
                    f"{message.text if message else None!r}\n  {recent}"
                )
            await asyncio.sleep(0.01)

    def _newest_id(self) -> int:
        return max((m.message_id for m in self.bot_messages()), default=0)

    async def _expect_new_messages(self, count: int, action: str, newest_before: int) -> None:
        """The action put exactly `count` new bot messages in the chat (a window the bot
        edits in place is not a new message)."""
        await self.server.wait_idle(quiet=0.05)
        new = [m for m in self.bot_messages() if m.message_id > newest_before]
        assert len(new) == count, (
            f"{action}: expected {count} new message(s), the bot sent {len(new)}: "
            f"{[(m.text or '')[:80] for m in new]}"
        )

    async def say(self, text: str, expected: str, *, new_messages: int = 1) -> ChatMessage:
        """Type `text`; `expected` must come on screen in `new_messages` new messages."""
        newest = self._newest_id()
        if text.startswith("/"):
            sent = await self.server.send_command(self.user_id, text)
        else:
            sent = await self.server.send_text(self.user_id, text)
        message = await self.screen(expected, newer_than=sent)
        await self._expect_new_messages(new_messages, f"saying {text!r}", newest)
        return message

    async def press(self, label: str, expected: str, *, new_messages: int = 0) -> ChatMessage:
        """Press a button; `expected` must come on screen, by default in the same message
        (aiogram-dialog edits its window), and the press must be answered."""
        newest = self._newest_id()
        mark = self.server.mark()
        query_id = await self.server.click_button(self.user_id, label)
        message = await self.screen(expected)
        await self.server.wait_for(
            lambda call: (
                call.method.lower() == "answercallbackquery"
                and str(call.params.get("callback_query_id")) == query_id
            ),
            since=mark,
        )
        await self._expect_new_messages(new_messages, f"pressing {label!r}", newest)
        return message

    async def register(self) -> ChatMessage:
        await self.say("/start", "Привет", new_messages=2)  # the video note, the greeting
        await self.press("🚀 Начать", "Укажи пол")
        await self.press("👨 Мужской", "Сколько тебе лет")
        await self.say("27", "рост в сантиметрах")
        await self.say("178", "Сколько ты сейчас весишь")
        await self.say("82,5", "опыт")
        await self.press("💪 1–3 года", "Какая у тебя цель")
        await self.press("📉 Похудение", "целевой вес")
        await self.say("76", "раз в неделю")
        await self.press("3 раза", "Где будешь")
        await self.press("🏋️ Зал", "Проверь анкету")
        return await self.press("✅ Всё верно", "главное меню")
