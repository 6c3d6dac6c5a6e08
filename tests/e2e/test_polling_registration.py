"""The real bot process over real HTTP: registration from /start to the main menu.

The bot (`python -m trainer_bot run`) polls a fake Telegram Bot API server, keeps dialog
state in real Redis and users in the real Postgres test database; the simulated user
presses inline buttons (by their callback data, as Telegram would send it) and types.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.e2e.bot_process import (
    E2E_REDIS_URL,
    FAKE_PROXY_API_KEY,
    PROJECT_ROOT,
    BotProcess,
    E2EBot,
    FinishedRun,
    bot_env,
    e2e_bot,  # noqa: F401 - the fixture
    fsm_keys,
)
from tests.e2e.chat import Chat, wait_minutes
from tests.fakes.telegram_server import DEFAULT_TOKEN, FakeTelegramServer
from tests.support.databases import create_postgres_database, drop_postgres_database
from trainer_bot.db.models import TelegramFile, User, Workout
from trainer_bot.services.welcome import WELCOME_FILE_KEY


async def test_registration_over_polling_saves_the_profile(
    e2e_bot: E2EBot,  # noqa: F811
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    telegram, process = e2e_bot.telegram, e2e_bot.process
    ivan = Chat(e2e_bot, e2e_bot.new_user("Иван"))
    with process.diagnosed():
        await ivan.say("/start", "Привет, Иван!")
        first_note, *_ = telegram.calls_of("sendVideoNote")
        assert first_note.ok and first_note.files, "the first video note must be an upload"
        assert [m.kind for m in telegram.chat(ivan.user_id).values() if m.sender == "bot"] == [
            "video_note",
            "text",
        ]
        await ivan.press("🚀 Начать", "Укажи пол")
        await ivan.press("👨 Мужской", "Сколько тебе лет")
        # An invalid answer: the error is shown above the same question, the step stays.
        refused = await ivan.say("двадцать", "напиши только число")
        assert "⚠️" in refused.text and "Сколько тебе лет" in refused.text
        assert "Шаг 2 из 9" in refused.text
        height = await ivan.say("27", "рост в сантиметрах")
        assert "⚠️" not in height.text and "Шаг 3 из 9" in height.text
        await ivan.say("178", "Сколько ты сейчас весишь")
        await ivan.say("82,5", "опыт силовых тренировок")
        await ivan.press("💪 1–3 года", "Какая у тебя цель")
        target = await ivan.press("📉 Похудение", "целевой вес")
        assert "сейчас 82,5 кг" in target.text
        await ivan.say("76", "раз в неделю")
        await ivan.press("3 раза", "Где будешь тренироваться")
        summary = await ivan.press("🏋️ Зал", "Проверь анкету")
        for expected in (
            "Пол: Мужской",
            "Возраст: 27",
            "Рост: 178 см",
            "Вес: 82,5 кг",
            "Опыт: 1–3 года",
            "Цель: Похудение",
            "Целевой вес: 76 кг",
            "Тренировок в неделю: 3 раза",
            "Где тренируешься: Зал",
        ):
            assert expected in summary.text, f"{expected!r} not in the summary:\n{summary.text}"
        assert "✅ Всё верно" in [button.text for button in summary.buttons]

        menu = await ivan.press("✅ Всё верно", "главное меню")
        assert "Анкета сохранена ✅" in menu.text and "Иван" in menu.text
        assert "👤 Мой профиль" in [button.text for button in menu.buttons]
        # Dialog state lives in Redis (the e2e db index), under the bot's own "fsm" prefix.
        assert await fsm_keys(E2E_REDIS_URL, {ivan.user_id}), "no dialog state in Redis"

        again = await ivan.say("/start", "главное меню")
        assert "Анкета сохранена" not in again.text
        assert again.message_id > menu.message_id  # a new message below the user's /start
        assert not telegram.calls_of("sendVideoNote")[1:], "a registered user got the greeting"

        # A second newcomer gets the stored file_id, not a second upload.
        anna = Chat(e2e_bot, e2e_bot.new_user("Анна"))
        await anna.say("/start", "Привет, Анна!")
        first_note, second_note = telegram.calls_of("sendVideoNote")
        assert second_note.ok and not second_note.files, "the second video note was uploaded"
        uploaded_id = first_note.result["video_note"]["file_id"]
        assert second_note.params["video_note"] == uploaded_id

        await telegram.wait_idle(quiet=0.3)
        assert not telegram.unanswered_callbacks, "some button presses were never answered"
        # Handlers leave callback answers to aiogram-dialog: no call may fail, not even a
        # second answer to the same button press.
        failed = [call.short() for call in telegram.bot_calls if not call.ok]
        assert not failed, "Telegram refused calls of the bot:\n" + "\n".join(failed)
        assert not telegram.unknown_methods
        for user_id in (ivan.user_id, anna.user_id):
            with_buttons = [m.message_id for m in telegram.chat(user_id).values() if m.buttons]
            assert len(with_buttons) == 1, f"stale keyboards in chat {user_id}: {with_buttons}"

        commands = [call.params.get("commands") for call in telegram.calls_of("setMyCommands")]
        assert commands, "setMyCommands was never called"
        names = [command["command"] for command in commands[-1]]
        assert names[0] == "start" and {"profile", "help", "cancel"} <= set(names), names
        assert telegram.commands, "the command list was not stored"

    async with session_factory() as session:
        row = (
            await session.execute(select(User).where(User.telegram_id == ivan.user_id))
        ).scalar_one_or_none()
        stored_file = await session.get(TelegramFile, WELCOME_FILE_KEY)
        anna_row = await session.scalar(select(User).where(User.telegram_id == anna.user_id))
    assert row is not None, "the user row was not saved"
    assert (row.first_name, row.gender, row.age, row.height_cm) == ("Иван", "male", 27, 178)
    assert (row.current_weight_kg, row.target_weight_kg) == (82.5, 76)
    assert (row.fitness_level, row.goal) == ("intermediate", "weight_loss")
    assert (row.workout_frequency, row.equipment_type) == (3, "gym")
    assert anna_row is None, "a user who did not finish registration was saved"
    assert stored_file is not None and stored_file.file_id == uploaded_id

    # The token never leaves the process: not in the logs, not in anything sent.
    await process.stop()
    secret = e2e_bot.token.partition(":")[2]
    log_text = process.log_text()
    assert "polling" in log_text, "the log file stayed empty"
    errors = [line for line in log_text.splitlines() if " - ERROR - " in line]
    assert not errors, "the bot logged errors:\n" + "\n".join(errors)
    for where, text in (("log file", log_text), ("stderr", process.stderr_text())):
        assert secret not in text, f"the bot token is in the {where}"
        assert FAKE_PROXY_API_KEY not in text, f"the ProxyAPI key is in the {where}"
        assert "Traceback" not in text, f"a traceback in the {where}\n{process.diagnostics()}"
    for call in telegram.calls:
        sent = json.dumps(call.params, ensure_ascii=False, default=str)
        assert secret not in sent, f"the bot token was sent in {call.method}"
        for upload in call.files.values():
            assert secret.encode() not in upload.data


MALFORMED_TOKEN = "12345-not-a-token"


@dataclass
class StartupFailures:
    runs: dict[str, BotProcess]
    telegram: FakeTelegramServer


@pytest.fixture(scope="module", autouse=True)
async def startup_failures(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[StartupFailures]:
    """Three misconfigured bot runs, started when the module starts.

    Each run spends seconds of CPU importing aiogram before it can fail, so they run in
    the background (niced, so the polling bot keeps the CPU it needs), overlapping the
    polling test; `test_bad_configuration_...` only collects their results. Each case
    changes exactly one thing from a valid setup.
    """
    tmp_path = tmp_path_factory.mktemp("startup_failures")
    telegram = await FakeTelegramServer().start()  # only to see that nothing reaches it
    empty_url = await create_postgres_database("trainer_bot_e2e_empty")
    valid = {
        "bot_token": DEFAULT_TOKEN,
        "database_url": database_url,
        "redis_url": E2E_REDIS_URL,
        "telegram_api_url": telegram.url,
        "log_level": "INFO",
    }
    cases = {
        "missing": {**valid, "bot_token": None},
        "malformed": {**valid, "bot_token": MALFORMED_TOKEN},
        "pending": {**valid, "database_url": empty_url},
    }
    # An empty working directory, so a developer's .env cannot supply BOT_TOKEN.
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    runs = {}
    for name, values in cases.items():
        env = bot_env(**values, log_file=tmp_path / f"{name}.log")
        env["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")])
        )
        runs[name] = BotProcess.start(env, tmp_path / name, cwd=workdir, niceness=5)
    try:
        yield StartupFailures(runs, telegram)
    finally:
        for process in runs.values():
            await process.stop()  # a no-op for the ones that exited
        await drop_postgres_database(empty_url)
        await telegram.stop()


def _config_error_line(run: FinishedRun) -> str:
    assert run.returncode == 2, f"exit code {run.returncode}\n{run.stderr}"
    assert "Traceback" not in run.stderr, run.stderr
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert lines, "nothing on stderr"
    return lines[-1]


async def test_bad_configuration_exits_with_one_readable_line(
    startup_failures: StartupFailures,
) -> None:
    runs = startup_failures.runs
    for process in runs.values():
        process.set_niceness(0)  # nothing to yield to any more
    missing, bad, pending = await asyncio.gather(
        *(runs[name].finished() for name in ("missing", "malformed", "pending"))
    )

    line = _config_error_line(missing)
    assert len(missing.stderr.strip().splitlines()) == 1, missing.stderr
    assert line.startswith("Configuration error: BOT_TOKEN is not set"), line
    assert "@BotFather" in line

    line = _config_error_line(bad)
    assert len(bad.stderr.strip().splitlines()) == 1, bad.stderr
    assert line.startswith("Configuration error: BOT_TOKEN"), line
    assert "does not look like" in line and MALFORMED_TOKEN not in bad.stderr

    line = _config_error_line(pending)
    assert line == (
        "Start-up failed: The database schema is not up to date: run `make migrate` first"
    ), pending.stderr
    # Log records may precede it on stderr; the message for the user is a single line.
    plain = [text for text in pending.stderr.splitlines() if text.strip() and " - " not in text]
    assert plain == [line], pending.stderr
    assert DEFAULT_TOKEN.partition(":")[2] not in pending.stderr + pending.log
    assert not startup_failures.telegram.calls, [c.short() for c in startup_failures.telegram.calls]


async def test_workout_journey_over_polling(
    e2e_bot: E2EBot,  # noqa: F811
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    """/start -> registration -> workout (from the fake LLM) -> exercise -> complete -> cooldown."""
    maria = Chat(e2e_bot, e2e_bot.new_user("Мария"))
    with e2e_bot.process.diagnosed():
        await maria.say("/start", "Привет, Мария!")
        await maria.press("🚀 Начать", "Укажи пол")
        await maria.press("👩 Женский", "Сколько тебе лет")
        await maria.say("31", "рост в сантиметрах")
        await maria.say("165", "Сколько ты сейчас весишь")
        await maria.say("62", "опыт силовых тренировок")
        await maria.press("🌱 Начинающий", "Какая у тебя цель")
        await maria.press("⚖️ Поддержание формы", "целевой вес")
        await maria.say("62", "раз в неделю")
        await maria.press("2 раза", "Где будешь тренироваться")
        await maria.press("🤸 Свой вес", "Что есть у тебя дома")
        await maria.press("Турник", "Что есть у тебя дома")
        await maria.press("Готово", "Проверь анкету")
        await maria.press("✅ Всё верно", "главное меню")

        asked_at = time.monotonic()
        workout = await maria.press("🏋️ Получить тренировку", "Разминка")
        assert "Составлено AI-тренером" in workout.text
        exercise = next(b.text for b in workout.buttons if b.text[:1].isdigit())
        detail = await maria.press(exercise, "Как выполнять")
        assert any(b.url and "youtube.com" in b.url for b in detail.buttons)
        await maria.press("◀️ К тренировке", "Разминка")
        done = await maria.press("✅ Завершить тренировку", "Отличная работа")
        # The real clock runs: the wait is 12 h minus the time since the workout was made,
        # rounded up to a minute ("через 12 ч" unless this step took over a minute).
        waited = math.ceil((time.monotonic() - asked_at) / 60)
        assert wait_minutes(done.text) in range(12 * 60 - waited, 12 * 60 + 1), done.text
        await maria.press("◀️ В меню", "главное меню")
        cooldown = await maria.say("/workout", "пока недоступна")
        assert "через" in cooldown.text

    async with session_factory() as session:
        statuses = (
            await session.execute(
                select(Workout.status, Workout.source)
                .join(User)
                .where(User.telegram_id == maria.user_id)
            )
        ).all()
    assert [tuple(row) for row in statuses] == [("completed", "llm")]
