"""«🔁 Собрать заново» through the real Dispatcher on Postgres: after an equipment change,
from the workout screen, the third one refused, never once a set is logged."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tests.support import screens
from tests.support.dialogs import UserSession
from tests.support.harness import DialogHarness
from tests.support.registration import fill_until
from tests.support.set_logs import log_first_set_elsewhere
from tests.support.sql import captured_sql
from trainer_bot.catalogue import default_catalogue
from trainer_bot.db.models import User, Workout, WorkoutExercise
from trainer_bot.services.training_profile import profile_of
from trainer_bot.services.workouts import WorkoutService
from trainer_bot.training.rules_check import why_not_allowed

USER_ID = 848484
LIMIT_TEXT = "Пересобрать можно не больше 2 раз до следующей тренировки, лимит исчерпан."


@pytest.fixture
async def user(harness: DialogHarness) -> UserSession:
    session = UserSession(harness, USER_ID, first_name="Ира")
    await fill_until(session)  # a gym user
    await session.press("✅ Всё верно")
    await session.press("🏋️ Получить тренировку")
    await session.background(1)
    return session


async def workouts(session_factory: async_sessionmaker[AsyncSession]) -> list[Workout]:
    async with session_factory() as session:
        rows = await session.execute(select(Workout).order_by(Workout.id))
        return list(rows.scalars())


async def user_row(session_factory: async_sessionmaker[AsyncSession]) -> User:
    async with session_factory() as session:
        return (await session.execute(select(User))).scalar_one()


async def rebuild(user: UserSession) -> str:
    """From the workout screen: «🔁 Собрать заново», «✅ Да», the composing screen, then
    the new workout in its place; returns the new workout's text."""
    confirm = await user.press("🔁 Собрать заново")
    assert "Собрать тренировку заново?" in confirm
    assert await user.press("✅ Да, собрать заново") == screens.COMPOSING
    await user.background(1)
    text = user.text()
    assert user.buttons() == screens.workout_buttons(text)
    return text


async def test_rebuild_after_an_equipment_change_uses_the_new_equipment(
    user: UserSession, harness: DialogHarness, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    clock_before = (await user_row(session_factory)).last_workout_at
    harness.clock.advance(hours=1)
    await user.press("◀️ В меню")
    await user.press("👤 Мой профиль")
    await user.press("✏️ Изменить анкету")
    await user.press("✏️ Зал или дом")
    await user.press("🤸 Свой вес")
    await user.press("Турник")
    await user.press("Готово")
    menu = await user.press("✅ Всё верно")
    assert "Анкета изменилась — могу пересобрать" in menu
    assert user.buttons()[0] == "🔁 Собрать заново"
    confirm = await user.press("🔁 Собрать заново")
    assert "Анкета изменилась — соберу тренировку под новые данные." in confirm
    assert "Можно пересобрать ещё 2 раза до следующей тренировки (через 11 ч, " in confirm
    assert await user.press("✅ Да, собрать заново") == screens.COMPOSING
    await user.background(1)
    assert user.buttons() == screens.workout_buttons(user.text())
    old, new = await workouts(session_factory)
    assert (old.status, new.status) == ("skipped", "planned")
    row = await user_row(session_factory)
    assert row.last_workout_at == clock_before  # the 12-hour clock keeps running
    assert (row.rebuild_count, row.rebuild_period_at) == (1, clock_before)
    profile = profile_of(row)
    by_id = {e.slug: e for e in default_catalogue()}
    async with session_factory() as session:
        items = (
            await session.execute(
                select(WorkoutExercise).where(WorkoutExercise.workout_id == new.id)
            )
        ).scalars()
        slugs = [item.exercise.slug for item in items]
    assert slugs and all(why_not_allowed(by_id[slug], profile) is None for slug in slugs)
    # The gym workout had a barbell or a machine; the new one is made for home.
    assert all(by_id[slug].home_possible for slug in slugs)


async def test_third_rebuild_is_refused(
    user: UserSession, harness: DialogHarness, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    first = user.text()
    second = await rebuild(user)
    assert screens.workout_exercises(second) != screens.workout_exercises(first)
    await rebuild(user)
    confirm = await user.press("🔁 Собрать заново")
    assert LIMIT_TEXT in confirm
    assert user.buttons() == ["◀️ Назад"]
    assert len(await workouts(session_factory)) == 3
    # After the cooldown it is an ordinary new workout, and the count starts again.
    harness.clock.advance(hours=12)
    await user.press("◀️ Назад")
    confirm = await user.press("🔁 Собрать заново")
    assert "перерыв после прошлой уже прошёл" in confirm
    assert await user.press("✅ Да, собрать заново") == screens.COMPOSING
    await user.background(1)
    row = await user_row(session_factory)
    assert row.last_workout_at == harness.clock.current
    statuses = [w.status for w in await workouts(session_factory)]
    assert statuses == ["skipped", "skipped", "skipped", "planned"]


async def test_an_old_confirmation_rebuilds_nothing(
    user: UserSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await rebuild(user)
    await user.press("🔁 Собрать заново")
    stale = user.screen()
    await user.press("◀️ Назад")
    await rebuild(user)
    # The confirmation shown before the second rebuild, pressed again: that screen is
    # gone (a rebuild starts afresh), so the menu answers and nothing is rebuilt.
    answer = await user.press("✅ Да, собрать заново", message=stale)
    assert "это главное меню" in answer
    assert len(await workouts(session_factory)) == 3


async def test_no_rebuild_once_a_set_is_logged(
    user: UserSession, harness: DialogHarness, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    first = re.escape(next(b for b in user.buttons() if b[0].isdigit()))
    await user.press(first)
    await user.press("✅ Сделал как написано")
    await user.press("◀️ К тренировке")
    assert "🔁 Собрать заново" not in user.buttons()
    await user.press(first + " ✅")
    await user.press("↩️ Отменить")
    await user.press("◀️ К тренировке")
    await user.press("🔁 Собрать заново")
    # A set logged meanwhile (from another screen of the same workout).
    await log_first_set_elsewhere(session_factory, harness.clock.current)
    answer = await user.press("✅ Да, собрать заново")
    assert "уже записаны подходы — её не пересобрать" in answer
    assert [w.status for w in await workouts(session_factory)] == ["planned"]


async def test_the_offer_after_a_profile_edit_only_when_training_changed(
    user: UserSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await user.press("◀️ В меню")
    await user.press("👤 Мой профиль")
    await user.press("✏️ Изменить анкету")
    await user.press("✏️ Вес")
    await user.say("82")
    menu = await user.press("✅ Всё верно")
    assert "пересобрать" not in menu and "🔁 Собрать заново" not in user.buttons()
    # A set logged, then the goal changed: offered, but the confirmation says why not.
    await user.press("📋 Моя тренировка")
    first = re.escape(next(b for b in user.buttons() if b[0].isdigit()))
    await user.press(first)
    await user.press("✅ Сделал как написано")
    await user.press("◀️ К тренировке")
    await user.press("◀️ В меню")
    await user.press("👤 Мой профиль")
    await user.press("✏️ Изменить анкету")
    await user.press("✏️ Раз в неделю")
    await user.press("2 раза")
    menu = await user.press("✅ Всё верно")
    assert "Анкета изменилась — могу пересобрать" in menu
    confirm = await user.press("🔁 Собрать заново")
    assert "уже записаны подходы — её не пересобрать" in confirm
    assert user.buttons() == ["◀️ Назад"]
    assert "это главное меню" in await user.press("◀️ Назад")  # where the offer was
    assert [w.status for w in await workouts(session_factory)] == ["planned"]


async def test_statements_per_rebuild_step(user: UserSession, engine: AsyncEngine) -> None:
    """The confirmation reads the user, the newest workout and whether a set is logged;
    «Да» reads the same, then claims the rebuild and adds its job, in one commit."""
    with captured_sql(engine) as sql:
        await user.press("🔁 Собрать заново")
    assert len(sql.statements) <= 3 and sql.commits == 0, sql.statements
    with captured_sql(engine) as sql:
        await user.press("✅ Да, собрать заново")
    assert len(sql.statements) <= 5 and sql.commits == 1, sql.statements
    await user.background(1)


async def test_a_failed_rebuild_gives_its_claim_back(
    user: UserSession,
    session_factory: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def broken(*_: object) -> int:
        raise RuntimeError("a bug while generating")

    monkeypatch.setattr(WorkoutService, "generate_and_save", broken)
    await user.press("🔁 Собрать заново")
    assert await user.press("✅ Да, собрать заново") == screens.COMPOSING
    await user.background(1)
    assert "Не получилось составить тренировку" in user.text()
    row = await user_row(session_factory)
    assert row.rebuild_count == 0 and row.workout_generation_started_at is None
    assert [w.status for w in await workouts(session_factory)] == ["planned"]


async def test_a_set_logged_while_the_rebuild_is_written_keeps_the_started_workout(
    user: UserSession,
    harness: DialogHarness,
    session_factory: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    started = user.text()
    build_plan = WorkoutService._build_plan

    async def set_logged_meanwhile(self: WorkoutService, *args: Any, **kwargs: Any) -> Any:
        # The user logs a set from another screen while the coach writes the new plan.
        await log_first_set_elsewhere(session_factory, harness.clock.current)
        return await build_plan(self, *args, **kwargs)

    monkeypatch.setattr(WorkoutService, "_build_plan", set_logged_meanwhile)
    await user.press("🔁 Собрать заново")
    assert await user.press("✅ Да, собрать заново") == screens.COMPOSING
    await user.background(1)
    # The started workout is shown again, nothing replaced it, the claim is given back.
    assert screens.workout_exercises(user.text()) == screens.workout_exercises(started)
    assert [w.status for w in await workouts(session_factory)] == ["planned"]
    row = await user_row(session_factory)
    assert row.rebuild_count == 0 and row.workout_generation_started_at is None
