"""Over real HTTP: a user logs a workout set by set and the next same-focus workout raises
the load (the real bot process, fake Telegram and OpenAI servers, real Postgres/Redis)."""

from __future__ import annotations

from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.e2e.bot_process import E2EBot, e2e_bot  # noqa: F401 - the fixture
from tests.e2e.chat import Chat
from trainer_bot.db.models import SetLog, User, Workout, WorkoutExercise
from trainer_bot.formatting import format_kg
from trainer_bot.training.increments import load_step


async def two_days_pass(session_factory: async_sessionmaker[AsyncSession], user_id: int) -> None:
    """The bot process runs on the real clock: the user's history is moved two days back
    instead (workouts, their logs, the 12-hour clock), as if two days had passed."""
    async with session_factory() as session:
        internal = (
            await session.execute(select(User.id).where(User.telegram_id == user_id))
        ).scalar_one()
        back = text("INTERVAL '2 days'")
        await session.execute(
            update(Workout)
            .where(Workout.user_id == internal)
            .values(created_at=Workout.created_at - back, completed_at=Workout.completed_at - back)
        )
        await session.execute(
            update(SetLog)
            .where(SetLog.user_id == internal)
            .values(logged_at=SetLog.logged_at - back)
        )
        await session.execute(
            update(User)
            .where(User.id == internal)
            .values(last_workout_at=User.last_workout_at - back)
        )
        await session.commit()


async def newest_workout(
    session_factory: async_sessionmaker[AsyncSession], user_id: int
) -> tuple[str, list[WorkoutExercise]]:
    async with session_factory() as session:
        workout = (
            await session.execute(
                select(Workout)
                .join(User)
                .where(User.telegram_id == user_id)
                .order_by(Workout.id.desc())
                .limit(1)
            )
        ).scalar_one()
        await session.refresh(workout, ["exercises"])
        return workout.focus, list(workout.exercises)


async def test_logged_top_sets_raise_the_next_same_focus_load(
    e2e_bot: E2EBot,  # noqa: F811
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    chat = Chat(e2e_bot, e2e_bot.new_user("Пётр"))
    with e2e_bot.process.diagnosed():
        await chat.say("/start", "Привет, Пётр!")
        await chat.press("🚀 Начать", "Укажи пол")
        await chat.press("👨 Мужской", "Сколько тебе лет")
        await chat.say("27", "рост в сантиметрах")
        await chat.say("178", "Сколько ты сейчас весишь")
        await chat.say("82,5", "опыт силовых тренировок")
        await chat.press("💪 1–3 года", "Какая у тебя цель")
        await chat.press("📉 Похудение", "целевой вес")
        await chat.say("76", "раз в неделю")
        await chat.press("3 раза", "Где будешь тренироваться")
        await chat.press("🏋️ Зал", "Проверь анкету")
        await chat.press("✅ Всё верно", "главное меню")

        await chat.press("🏋️ Получить тренировку", "Разминка")
        focus, items = await newest_workout(session_factory, chat.user_id)
        lift = next(i for i in items if i.weight_kg)
        await chat.press(f"{lift.position}. {lift.exercise.name}", "Запиши, как прошло")
        for _ in range(lift.reps_max - lift.reps_min):  # up to the top of the range
            await chat.press("+1", "Запиши, как прошло")
        load = f"{format_kg(lift.weight_kg or 0)} кг × {lift.reps_max}"
        for number in range(1, lift.sets + 1):  # set by set
            await chat.press(f"➕ Подход {number}: {load}", f"Записано: {load.split(' × ')[0]}")
        await chat.press("◀️ К тренировке", "Разминка")
        await chat.press("✅ Завершить тренировку", "Как прошло?")
        await chat.press("👍 Нормально", "нормально")
        await chat.press("◀️ В меню", "главное меню")
        await two_days_pass(session_factory, chat.user_id)

        for _ in range(4):  # the next workouts until the same focus comes back
            await chat.press("🏋️ Получить тренировку", "Разминка")
            next_focus, next_items = await newest_workout(session_factory, chat.user_id)
            if next_focus == focus:
                break
            await chat.press("✅ Завершить тренировку", "Как прошло?")
            await chat.press("◀️ В меню", "главное меню")
            await two_days_pass(session_factory, chat.user_id)
        assert next_focus == focus
    again = next(i for i in next_items if i.exercise_id == lift.exercise_id)
    step = load_step(lift.exercise.equipment, lift.exercise.is_compound)
    assert again.weight_kg == (lift.weight_kg or 0) + step
    assert again.progression_note is not None and f"+{format_kg(step)} кг" in again.progression_note
    assert not e2e_bot.telegram.unanswered_callbacks
