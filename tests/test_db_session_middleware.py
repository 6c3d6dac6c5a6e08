"""The per-update session middleware: one session per update, and work deferred to the end
of the update (a workout generation starts only after the click's own answer)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiogram.types import TelegramObject
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.support import screens
from tests.support.dialogs import UserSession
from tests.support.harness import DialogHarness
from tests.support.registration import fill_until
from trainer_bot.middlewares.db_session import DbSessionMiddleware, after_update


async def test_after_update_runs_once_the_session_is_closed(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    middleware = DbSessionMiddleware(session_factory)
    events: list[str] = []
    seen: dict[str, AsyncSession] = {}

    async def handler(_event: TelegramObject, data: dict[str, Any]) -> str:
        seen["session"] = data["session"]
        await data["session"].execute(text("SELECT 1"))
        after_update(
            data,
            lambda: events.append(f"after, in transaction: {seen['session'].in_transaction()}"),
        )
        events.append("handler done")
        return "answer"

    assert await middleware(handler, TelegramObject(), {}) == "answer"
    assert events == ["handler done", "after, in transaction: False"]


async def test_after_update_runs_when_the_update_fails(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    middleware = DbSessionMiddleware(session_factory)
    events: list[str] = []

    async def handler(_event: TelegramObject, data: dict[str, Any]) -> None:
        after_update(data, lambda: events.append("after"))
        raise RuntimeError("Redis went away while saving the dialog")

    with pytest.raises(RuntimeError):
        await middleware(handler, TelegramObject(), {})
    assert events == ["after"]  # the reserved workout is still generated


def test_after_update_outside_an_update_runs_at_once() -> None:
    events: list[str] = []
    after_update({}, lambda: events.append("now"))
    assert events == ["now"]


async def test_the_generation_starts_after_the_click_is_answered(
    harness: DialogHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = UserSession(harness, 8_200_001, first_name="Инна")
    await fill_until(user)
    await user.press("✅ Всё верно")
    handling: list[bool] = [False]

    async def flag_handling(
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        # Registered after the session middleware: runs inside it, around the handlers
        # and aiogram-dialog's saving of the dialog state.
        handling[0] = True
        try:
            return await handler(event, data)
        finally:
            handling[0] = False

    harness.dp.update.outer_middleware(flag_handling)
    spawned_while_handling: list[bool] = []
    spawn = harness.workout_service.spawn

    def spying_spawn(coroutine: Any, name: str) -> None:
        spawned_while_handling.append(handling[0])
        spawn(coroutine, name)

    monkeypatch.setattr(harness.workout_service, "spawn", spying_spawn)
    assert await user.press("🏋️ Получить тренировку") == screens.COMPOSING
    assert spawned_while_handling == [False]
    await user.background(1)
    assert user.buttons() == screens.workout_buttons(user.text())
