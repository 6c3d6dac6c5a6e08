"""The real bot process is SIGKILLed while the LLM thinks; after a restart the user gets
the workout within seconds (the sweeper's start-up pass), not after minutes."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.e2e.bot_process import (
    E2E_REDIS_URL,
    FAKE_PROXY_API_KEY,
    BotProcess,
    E2EBot,
    _wait_until_polling,
    bot_env,
    delete_fsm_keys,
)
from tests.e2e.chat import Chat
from tests.fakes.openai_server import (
    FakeOpenAIServer,
    RecordedRequest,
    ScriptedResponse,
    plan_responder,
)
from tests.fakes.telegram_server import FakeTelegramServer
from trainer_bot.db.models import TelegramFile, User, Workout, WorkoutJob
from trainer_bot.services.welcome import WELCOME_FILE_KEY

RESTART_CEILING = 90.0  # start-up alone costs seconds of CPU on a loaded machine
DONE_CEILING = 10.0  # from the workout on screen to its job marked done


def slow_plan(request: RecordedRequest) -> ScriptedResponse:
    """A valid plan, after a minute: the bot is killed long before."""
    response = plan_responder(request)
    response.delay = 60.0
    return response


async def register(chat: Chat) -> None:
    await chat.say("/start", "Привет")
    await chat.press("🚀 Начать", "Укажи пол")
    await chat.press("👨 Мужской", "Сколько тебе лет")
    await chat.say("31", "рост в сантиметрах")
    await chat.say("165", "Сколько ты сейчас весишь")
    await chat.say("70", "опыт силовых тренировок")
    await chat.press("💪 1–3 года", "Какая у тебя цель")
    await chat.press("📉 Похудение", "целевой вес")
    await chat.say("64", "раз в неделю")
    await chat.press("3 раза", "Где будешь тренироваться")
    await chat.press("🏋️ Зал", "Проверь анкету")
    await chat.press("✅ Всё верно", "главное меню")


async def test_workout_arrives_after_the_bot_is_killed_mid_generation(
    database_url: str,
    session_factory: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    async with session_factory() as session:
        await session.execute(delete(TelegramFile).where(TelegramFile.key == WELCOME_FILE_KEY))
        await session.commit()
    telegram = await FakeTelegramServer().start()
    llm = await FakeOpenAIServer().start()
    llm.responder = slow_plan
    env = bot_env(
        bot_token=telegram.token,
        database_url=database_url,
        redis_url=E2E_REDIS_URL,
        telegram_api_url=telegram.url,
        proxy_api_url=llm.base_url,
        proxy_api_key=FAKE_PROXY_API_KEY,
        log_file=tmp_path / "logs" / "trainer_bot.log",
        workout_job_heartbeat_seconds="1",
        workout_job_stale_seconds="3",
        workout_job_sweep_seconds="1",
    )
    first = BotProcess.start(env, tmp_path / "first")
    bot = E2EBot(first, telegram, llm, env)
    second: BotProcess | None = None
    try:
        await _wait_until_polling(bot)
        chat = Chat(bot, bot.new_user("Анна"))
        with first.diagnosed():
            await register(chat)
            await chat.press("🏋️ Получить тренировку", "Составляю тренировку")
            deadline = time.monotonic() + 20
            while llm.calls == 0:  # the request reached the LLM: generation is under way
                assert time.monotonic() < deadline, "the LLM was never asked"
                await asyncio.sleep(0.05)
        first.popen.kill()
        assert await first.wait_exit(10) is not None

        llm.responder = plan_responder
        restarted = time.monotonic()
        second = bot.process = BotProcess.start(env, tmp_path / "second")
        with second.diagnosed():
            while "Разминка" not in (telegram.last_message(chat.user_id) or _Empty).text:
                assert second.returncode is None, "the restarted bot exited"
                waited = time.monotonic() - restarted
                assert waited < RESTART_CEILING, f"no workout {waited:.0f} s after the restart"
                await asyncio.sleep(0.05)
            waited = time.monotonic() - restarted
            print(f"workout shown {waited:.1f} s after the restart")
            # The job is marked done just after the workout is shown: on a loaded machine
            # the test may look in between, so it looks again for a while.
            deadline = time.monotonic() + DONE_CEILING
            while True:
                async with session_factory() as session:
                    user_id = await session.scalar(
                        select(User.id).where(User.telegram_id == chat.user_id)
                    )
                    (workout,) = (
                        await session.scalars(select(Workout).where(Workout.user_id == user_id))
                    ).all()
                    (job,) = (
                        await session.scalars(
                            select(WorkoutJob).where(WorkoutJob.user_id == user_id)
                        )
                    ).all()
                if job.state != "saved" or time.monotonic() > deadline:
                    break
                await asyncio.sleep(0.05)
            assert workout.source == "fallback", "a taken-over job does not wait for the LLM"
            assert (job.state, job.attempts, job.workout_id) == ("done", 2, workout.id)
    finally:
        if second is not None:
            code, killed = await second.stop()
            assert not killed and code == 0, second.diagnostics()
        elif first.returncode is None:
            await first.stop()
        await delete_fsm_keys(E2E_REDIS_URL, bot.user_ids)
        await llm.stop()
        await telegram.stop()


class _Empty:
    text = ""
