"""The registration dialog end to end through BotClient, on real Postgres and Redis."""

from __future__ import annotations

import asyncio

import pytest
from aiogram.methods import AnswerCallbackQuery, SendVideoNote
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.conftest import DialogHarness
from tests.dialog_helpers import UserSession
from trainer_bot.db.models import TelegramFile, User

USER_ID = 424242


async def fill_until(user: UserSession, last_step: str | None = None) -> None:
    """Answer the wizard like a typical user, stopping after `last_step` (None: all)."""
    steps = [
        ("start", lambda: user.say("/start")),
        ("begin", lambda: user.press("🚀 Начать")),
        ("gender", lambda: user.press("👨 Мужской")),
        ("age", lambda: user.say("27")),
        ("height", lambda: user.say("178")),
        ("weight", lambda: user.say("82,5")),
        ("level", lambda: user.press("💪 1–3 года")),
        ("goal", lambda: user.press("📉 Похудение")),
        ("target_weight", lambda: user.say("76")),
        ("frequency", lambda: user.press("3 раза")),
        ("equipment", lambda: user.press("🏋️ Зал")),
    ]
    for name, action in steps:
        await action()
        if name == last_step:
            return


async def saved_user(session_factory: async_sessionmaker[AsyncSession]) -> User | None:
    async with session_factory() as session:
        return (
            await session.execute(select(User).where(User.telegram_id == USER_ID))
        ).scalar_one_or_none()


@pytest.fixture
def user(harness: DialogHarness) -> UserSession:
    return UserSession(harness, USER_ID, first_name="Иван")


@pytest.mark.smoke
async def test_happy_path_saves_the_profile(
    user: UserSession, harness: DialogHarness, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    text = await user.say("/start")
    assert "AI-тренер" in text and "Привет, Иван" in text
    assert len(harness.bot.calls_of(SendVideoNote)) == 1
    assert await user.press("🚀 Начать") and "Укажи пол" in user.text()
    assert "Сколько тебе лет" in await user.press("👨 Мужской")
    assert "рост" in await user.say("27")
    assert "весишь" in await user.say("178")
    assert "опыт" in await user.say("82,5")
    assert "цель" in await user.press("💪 1–3 года")
    text = await user.press("📉 Похудение")
    assert "целевой вес" in text and "82,5 кг" in text
    assert "раз в неделю" in await user.say("76")
    assert "Где будешь" in await user.press("3 раза")
    summary = await user.press("🏋️ Зал")
    for expected in (
        "Мужской",
        "27",
        "178 см",
        "82,5 кг",
        "1–3 года",
        "Похудение",
        "76 кг",
        "3 раза",
        "Зал",
    ):
        assert expected in summary
    assert "Реалистичный темп" in summary
    assert "Анкета сохранена" in await user.press("✅ Всё верно")

    row = await saved_user(session_factory)
    assert row is not None
    assert (row.gender, row.age, row.height_cm, row.current_weight_kg) == ("male", 27, 178, 82.5)
    assert (row.fitness_level, row.goal, row.target_weight_kg) == (
        "intermediate",
        "weight_loss",
        76,
    )
    assert (row.workout_frequency, row.equipment_type, row.first_name) == (3, "gym", "Иван")


async def test_welcome_video_note_is_uploaded_once_then_reused(
    harness: DialogHarness, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await UserSession(harness, 1).say("/start")
    await UserSession(harness, 2).say("/start")
    first, second = harness.bot.calls_of(SendVideoNote)
    assert not isinstance(first.video_note, str)  # uploaded from the asset file
    async with session_factory() as session:
        stored = await session.get(TelegramFile, "welcome_video_note")
    assert stored is not None and second.video_note == stored.file_id


INVALID_TEXT = [
    ("age", "двадцать", "напиши только число"),
    ("age", "7", "от 10 до 100"),
    ("age", "101", "от 10 до 100"),
    ("age", "-5", "не может быть отрицательным"),
    ("age", "27,5", "целым числом"),
    ("age", "99999999999999999999", "от 10 до 100"),
    ("age", "💪", "напиши только число"),
    ("age", "я" * 500, "Слишком длинный ответ"),
    ("height", "1.78", "Похоже, это метры"),
    ("height", "99", "от 100 до 250"),
    ("height", "251", "от 100 до 250"),
    ("height", "abc", "напиши только число"),
    ("height", "178,5", "целым числом"),
    ("height", "🙂🙂", "напиши только число"),
    ("height", "9" * 500, "Слишком длинный ответ"),
    ("weight", "29,9", "от 30 до 300"),
    ("weight", "300.5", "от 30 до 300"),
    ("weight", "-70", "от 30 до 300"),
    ("weight", "семьдесят", "напиши только число"),
    ("weight", "72,5 см", "напиши только число"),
    ("weight", "🍔", "напиши только число"),
    ("weight", "x" * 500, "Слишком длинный ответ"),
    ("weight", "300", "Похоже на опечатку"),  # 178 cm and 300 kg: BMI 94.7
    ("target_weight", "90", "меньше текущего"),  # weight loss needs a lower target
    ("target_weight", "50", "недобор веса"),  # below BMI 18.5 at 178 cm
    ("target_weight", "0", "от 30 до 300"),
    ("target_weight", "много", "напиши только число"),
]
STEP_BEFORE = {"age": "gender", "height": "age", "weight": "height", "target_weight": "goal"}
QUESTION = {
    "age": "Сколько тебе лет",
    "height": "рост в сантиметрах",
    "weight": "Сколько ты сейчас весишь",
    "target_weight": "целевой вес",
}


@pytest.mark.parametrize(("step", "text", "error"), INVALID_TEXT)
async def test_invalid_text_is_refused_and_the_step_stays(
    user: UserSession, step: str, text: str, error: str
) -> None:
    await fill_until(user, STEP_BEFORE[step])
    answer = await user.say(text)
    assert error in answer
    assert QUESTION[step] in answer  # still the same question
    assert "⚠️" in answer


@pytest.mark.parametrize("step", ["age", "height", "weight", "target_weight"])
@pytest.mark.parametrize("kind", ["sticker", "photo"])
async def test_non_text_is_refused_on_text_steps(user: UserSession, step: str, kind: str) -> None:
    await fill_until(user, STEP_BEFORE[step])
    answer = await (user.send_sticker() if kind == "sticker" else user.send_photo())
    assert "числом" in answer and QUESTION[step] in answer


async def test_typing_on_a_button_step_asks_for_a_button(user: UserSession) -> None:
    await fill_until(user, "begin")
    answer = await user.say("мужской")
    assert "кнопкой" in answer and "Укажи пол" in answer
    assert "Сколько тебе лет" in await user.press("👨 Мужской")


async def test_weight_accepts_a_decimal_point_too(user: UserSession) -> None:
    await fill_until(user, "height")
    assert "опыт" in await user.say("72.5")


async def test_underweight_adult_cannot_choose_weight_loss(user: UserSession) -> None:
    await fill_until(user, "height")
    await user.say("55")  # 178 cm, 55 kg: BMI 17.4
    await user.press("🌱 Начинающий")
    answer = await user.press("📉 Похудение")
    assert "худеть сейчас небезопасно" in answer and "Какая у тебя цель" in answer
    assert "целевой вес" in await user.press("📈 Набор массы")


async def test_maintenance_target_must_stay_within_three_percent(user: UserSession) -> None:
    await fill_until(user, "level")
    await user.press("⚖️ Поддержание формы")
    assert "±3%" in await user.say("90")
    assert "раз в неделю" in await user.say("81")


BACK_CHAIN = [
    # (step on screen, question expected after «Назад»)
    ("gender", "Привет"),
    ("age", "Укажи пол"),
    ("height", "Сколько тебе лет"),
    ("weight", "рост в сантиметрах"),
    ("level", "Сколько ты сейчас весишь"),
    ("goal", "опыт"),
    ("target_weight", "Какая у тебя цель"),
    ("frequency", "целевой вес"),
    ("equipment", "раз в неделю"),
]
ANSWERED = {
    "gender": "begin",
    "age": "gender",
    "height": "age",
    "weight": "height",
    "level": "weight",
    "goal": "level",
    "target_weight": "goal",
    "frequency": "target_weight",
    "equipment": "frequency",
}


@pytest.mark.parametrize(("step", "previous_question"), BACK_CHAIN)
async def test_back_returns_to_the_previous_step(
    user: UserSession, step: str, previous_question: str
) -> None:
    await fill_until(user, ANSWERED[step])
    assert "Назад" in " ".join(user.buttons())
    assert previous_question in await user.press("◀️ Назад")


async def test_back_keeps_earlier_answers(user: UserSession) -> None:
    await fill_until(user, "equipment")
    for _ in range(3):
        await user.press("◀️ Назад")
    await user.say("76")  # target weight again
    await user.press("3 раза")
    summary = await user.press("🏋️ Зал")
    assert "82,5 кг" in summary and "1–3 года" in summary


async def test_one_answer_is_changed_from_the_summary(
    user: UserSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await fill_until(user)
    assert "Сколько тебе лет" in await user.press("✏️ Возраст")
    summary = await user.say("35")
    assert "Проверь анкету" in summary and "35" in summary and "82,5 кг" in summary
    # Changing the goal makes the target weight wrong: the wizard asks for it, then returns.
    answer = await user.press("✏️ Цель")
    answer = await user.press("📈 Набор массы")
    assert "больше текущего" in answer and "целевой вес" in answer
    summary = await user.say("88")
    assert "Проверь анкету" in summary and "Набор массы" in summary and "88 кг" in summary
    # «Назад» while changing an answer returns to the summary unchanged.
    await user.press("✏️ Рост")
    assert "Проверь анкету" in await user.press("◀️ Назад")
    await user.press("✅ Всё верно")
    row = await saved_user(session_factory)
    assert row is not None and (row.age, row.goal, row.target_weight_kg) == (35, "mass_gain", 88)


async def test_start_in_the_middle_resumes_the_wizard(user: UserSession) -> None:
    await fill_until(user, "height")
    answer = await user.say("/start")
    assert "Сколько ты сейчас весишь" in answer
    assert any("Продолжим анкету" in t for t in user.harness.bot.sent_texts())
    await user.say("82,5")
    await user.press("💪 1–3 года")
    await user.press("📉 Похудение")
    await user.say("76")
    await user.press("3 раза")
    assert "178 см" in await user.press("🏋️ Зал")


async def test_cancel_mid_wizard_returns_to_the_greeting(user: UserSession) -> None:
    await fill_until(user, "age")
    assert "Привет" in await user.say("/cancel")
    assert any("Анкету отменил" in text for text in user.harness.bot.sent_texts())
    assert "Укажи пол" in await user.press("🚀 Начать")


async def test_old_confirm_button_after_saving_opens_the_menu(
    user: UserSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await fill_until(user)
    summary_message = user.screen()
    await user.press("✅ Всё верно")
    answer = await user.press("✅ Всё верно", message=summary_message)
    assert "главное меню" in answer
    async with session_factory() as session:
        count = await session.scalar(select(func.count()).select_from(User))
    assert count == 1


async def test_old_button_inside_the_wizard_changes_nothing(user: UserSession) -> None:
    await fill_until(user, "begin")
    gender_message = user.screen()
    await user.press("👩 Женский")
    await user.say("30")
    # The gender window is gone; its button must not move the wizard or crash.
    await user.press("👨 Мужской", message=gender_message)
    assert "Сколько ты сейчас весишь" in user.text() or "рост" in user.text()


@pytest.mark.smoke
async def test_registered_user_gets_the_menu_on_start_and_profile(user: UserSession) -> None:
    await fill_until(user)
    await user.press("✅ Всё верно")
    assert "главное меню" in await user.say("/start")
    profile = await user.say("/profile")
    assert "Твой профиль" in profile and "82,5 кг" in profile
    summary = await user.press("✏️ Изменить анкету")
    assert "Проверь анкету" in summary and "178 см" in summary


async def test_help_lists_the_commands(user: UserSession) -> None:
    await user.client.send("/help")
    assert any("/profile" in text for text in user.harness.bot.sent_texts())


async def test_double_tap_on_a_button_that_opens_a_dialog_keeps_progress(
    user: UserSession,
) -> None:
    await user.say("/start")
    greeting = user.screen()
    await user.press("🚀 Начать")
    await user.press("👨 Мужской")
    # The second tap lands on a dialog that is below the wizard in the stack.
    await user.press("🚀 Начать", message=greeting)
    assert "Сколько тебе лет" in user.text()
    answers = [call.text or "" for call in user.harness.bot.calls_of(AnswerCallbackQuery)]
    assert any("уже обновился" in text for text in answers), answers
    assert not any("пошло не так" in text for text in answers)


async def test_first_starts_racing_to_store_the_video_note_all_get_the_greeting(
    harness: DialogHarness, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    users = [UserSession(harness, 7000 + n) for n in range(3)]
    await asyncio.gather(*(user.client.send("/start") for user in users))
    for user in users:
        assert "AI-тренер" in user.text()
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(TelegramFile)) == 1
