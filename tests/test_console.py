"""`python -m trainer_bot console`: the real dialogs driven through a pipe, no Telegram."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from aiogram.methods import AnswerCallbackQuery, SendMessage
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from trainer_bot.catalogue import default_catalogue
from trainer_bot.config import PROJECT_ROOT
from trainer_bot.console.telegram import ConsoleBot
from trainer_bot.console.transcript import Transcript, html_to_text

# What a user would type, one line each: numbers press buttons, the rest is sent as text.
REGISTRATION = [
    "/start",
    "1",  # 🚀 Начать
    "1",  # 👨 Мужской
    "abc",  # not an age: the step asks again with an error line
    "27",
    "178",
    "82,5",
    "2",  # 💪 1–3 года
    "2",  # 📉 Похудение
    "76",
    "2",  # 3 раза
    "1",  # 🏋️ Зал
    "1",  # ✅ Всё верно
]
GET_WORKOUT = ["1"]  # 🏋️ Получить тренировку, on the main menu
OPEN_VIDEO = ["1", "1"]  # the first exercise, then its «▶ Техника» link


def run_console(tmp_path: Path, lines: list[str]) -> subprocess.CompletedProcess[str]:
    database = tmp_path / "console" / "trainer_bot.sqlite3"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"BOT_TOKEN", "REDIS_URL", "PROXY_API_KEY", "DATABASE_URL"}
    }
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{database}"
    return subprocess.run(
        [sys.executable, "-m", "trainer_bot", "console"],
        cwd=PROJECT_ROOT,
        env=env,
        input="".join(f"{line}\n" for line in lines),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def blocks(stdout: str) -> list[str]:
    """The printed messages and notes, one block each (blank lines separate them)."""
    return [block for block in stdout.split("\n\n") if block.strip()]


def test_start_shows_the_greeting_and_the_begin_button(tmp_path: Path) -> None:
    result = run_console(tmp_path, ["/start"])
    assert result.returncode == 0, result.stderr
    assert blocks(result.stdout) == [
        "(video note)",
        "Привет, Гость! 👋",
        "Я твой AI-тренер. Составлю персональную тренировку под твои цели, опыт и "
        "снаряжение, покажу технику каждого упражнения и помогу не сбиться с графика.",
        "Сначала пара вопросов о тебе — это займёт минуту.\n[1] 🚀 Начать",
    ]
    assert "Traceback" not in result.stderr
    assert not result.stdout.startswith("> ")  # no prompt when stdin is a pipe


def test_registration_and_a_workout_from_the_fallback(tmp_path: Path) -> None:
    result = run_console(tmp_path, REGISTRATION + GET_WORKOUT + OPEN_VIDEO)
    assert result.returncode == 0, result.stderr
    assert " - ERROR - " not in result.stderr, result.stderr
    out = result.stdout
    assert " - INFO - " not in out  # logs stay on stderr
    # The age step after «abc»: the same question again, now with the error line.
    assert "Шаг 2 из 9\n\n⚠️ Не понял ответ — напиши только число, например 27." in out
    assert "Пол: Мужской\nВозраст: 27\nРост: 178 см\nВес: 82,5 кг" in out  # the summary
    assert "Анкета сохранена ✅" in out
    assert "⏳ Составляю тренировку" in out
    # The workout the fallback composed, shown by the background manager as an edit.
    start = out.rindex("(edited)\n🏋️ ")
    end = out.index("✅ Завершить тренировку", start)
    workout, after = out[start:end], out[end:]
    assert "🔥 Разминка." in workout
    assert "Составлено по моей методике под твой профиль." in workout
    names = {exercise.name for exercise in default_catalogue()}
    buttons = re.findall(r"^\[\d+\] \d+\. (.+)$", workout, flags=re.MULTILINE)
    assert len(buttons) >= 3, workout
    assert set(buttons) <= names
    # The first exercise, and its video: a URL button opens a browser, not a callback.
    assert f"(edited)\n{buttons[0]} · 1 из {len(buttons)}\n" in after
    assert "[1] ▶ Техника ↗\n" in after
    assert re.search(
        r"^\(opens https://www\.youtube\.com/results\?search_query=\S+\)$", after, re.M
    )


def test_the_database_is_kept_between_sessions(tmp_path: Path) -> None:
    assert run_console(tmp_path, REGISTRATION).returncode == 0
    again = run_console(tmp_path, ["/start"])
    assert again.returncode == 0, again.stderr
    # A registered user: /start opens the menu, not the greeting.
    assert blocks(again.stdout) == [
        "Гость, это главное меню.\n"
        "Жми «Получить тренировку» — составлю занятие под твою цель и снаряжение.\n"
        "[1] 🏋️ Получить тренировку\n"
        "[2] 📈 Прогресс\n"
        "[3] 👤 Мой профиль",
    ]


async def test_toasts_and_messages_of_handlers_are_printed() -> None:
    printed: list[str] = []
    bot = ConsoleBot(Transcript(printed.append))
    try:
        await bot(AnswerCallbackQuery(callback_query_id="1", text="Не так быстро 🙂"))
        await bot(AnswerCallbackQuery(callback_query_id="2"))  # a silent answer
        await bot(AnswerCallbackQuery(callback_query_id="3", text="Стоп", show_alert=True))
        keyboard = InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="Да", callback_data="yes")]]
        )
        await bot(SendMessage(chat_id=1, text="<b>Готово</b> &amp; всё", reply_markup=keyboard))
    finally:
        await bot.session.close()
    assert printed == [
        "(toast) Не так быстро 🙂\n\n",
        "(alert) Стоп\n\n",
        "Готово & всё\n[1] Да\n\n",
    ]


def test_html_becomes_plain_text() -> None:
    assert html_to_text("<b>Жим</b> — 3 × 8<br><i>отдых</i> &lt;2 мин&gt;") == (
        "Жим — 3 × 8\nотдых <2 мин>"
    )
    assert html_to_text('<a href="https://example.org/x">техника</a>') == (
        "техника (https://example.org/x)"
    )
    assert html_to_text('<a href="https://example.org">https://example.org</a>') == (
        "https://example.org"
    )
