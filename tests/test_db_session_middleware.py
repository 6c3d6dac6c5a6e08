"""The per-update session middleware: one session per update, and work deferred to the end
of the update (a workout generation starts only after the click's own answer)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiogram.types import TelegramObject
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.fakes.recording_bot import RecordingBot
from tests.support import screens
from tests.support.dialogs import UserSession
from tests.support.harness import DialogHarness, make_settings
from tests.support.registration import fill_until
from trainer_bot.catalogue import default_catalogue
from trainer_bot.middlewares.db_session import DbSessionMiddleware
from trainer_bot.services.bot_services import SERVICES_KEY, AppServices, BotServices
from trainer_bot.services.workouts import WorkoutService


class RecordingSessions:
    """The real session factory, remembering the sessions it opened."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._session_factory = session_factory
        self.opened: list[AsyncSession] = []

    def __call__(self) -> AsyncSession:
        session = self._session_factory()
        self.opened.append(session)
        return session


def app_services(session_factory: Any) -> AppServices:
    service = WorkoutService(
        settings=make_settings(), session_factory=session_factory, catalogue=default_catalogue()
    )
    return AppServices(session_factory, service)


async def test_after_update_runs_once_the_session_is_closed(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    sessions = RecordingSessions(session_factory)
    middleware = DbSessionMiddleware(app_services(sessions))
    events: list[str] = []

    async def handler(_event: TelegramObject, data: dict[str, Any]) -> str:
        services: BotServices = data[SERVICES_KEY]
        await services.users.profile(1)  # a query: the session is in a transaction
        [session] = sessions.opened
        assert session.in_transaction()
        services.after_update(
            lambda: events.append(f"after, in transaction: {session.in_transaction()}"),
        )
        events.append("handler done")
        return "answer"

    assert await middleware(handler, TelegramObject(), {"bot": RecordingBot()}) == "answer"
    assert events == ["handler done", "after, in transaction: False"]


async def test_after_update_runs_when_the_update_fails(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    middleware = DbSessionMiddleware(app_services(session_factory))
    events: list[str] = []

    async def handler(_event: TelegramObject, data: dict[str, Any]) -> None:
        data[SERVICES_KEY].after_update(lambda: events.append("after"))
        raise RuntimeError("Redis went away while saving the dialog")

    with pytest.raises(RuntimeError):
        await middleware(handler, TelegramObject(), {"bot": RecordingBot()})
    assert events == ["after"]  # the reserved workout is still generated


async def test_after_update_outside_an_update_runs_at_once(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    events: list[str] = []
    async with session_factory() as session:
        services = app_services(session_factory).for_update(session, RecordingBot())
        services.after_update(lambda: events.append("now"))
    assert events == ["now"]


async def test_an_update_without_queries_checks_out_no_connection(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    sessions = RecordingSessions(session_factory)
    middleware = DbSessionMiddleware(app_services(sessions))

    async def handler(_event: TelegramObject, data: dict[str, Any]) -> None:
        assert isinstance(data[SERVICES_KEY], BotServices)
        [session] = sessions.opened
        assert not session.in_transaction()

    await middleware(handler, TelegramObject(), {"bot": RecordingBot()})
    [session] = sessions.opened
    assert not session.in_transaction()


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
