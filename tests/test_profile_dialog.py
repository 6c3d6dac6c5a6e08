"""Home equipment, the maintenance shortcut, the summary layout and the exits of a profile
edit, through the real Dispatcher on Postgres and Redis."""

from __future__ import annotations

import re
from typing import Any

import pytest
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import SendVideoNote, TelegramMethod
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialogs.common import UNSAVED_TEXT
from tests.fakes.recording_bot import RecordingBot
from tests.support.dialogs import UserSession
from tests.support.harness import DialogHarness
from tests.support.registration import fill_until
from trainer_bot.catalogue import HomeItem
from trainer_bot.db.models import User, WelcomeVideoNote
from trainer_bot.services.training_profile import profile_of

USER_ID = 626262
NOTHING = "Ничего нет"
BAR = "Турник"
DUMBBELLS = "Гантели"
BANDS = "Резинки (эспандеры)"
BENCH = "Скамья или крепкий стул"
HOME_QUESTION = "Что есть у тебя дома"


@pytest.fixture
def user(harness: DialogHarness) -> UserSession:
    return UserSession(harness, USER_ID, first_name="Ольга")


async def press(user: UserSession, label: str) -> str:
    """Press a button by its exact text; a multi-select item whether checked or not."""
    return await user.press(f"(✅ )?{re.escape(label)}")


def checked(user: UserSession) -> set[str]:
    return {label.removeprefix("✅ ") for label in user.buttons() if label.startswith("✅ ")}


async def until_home_question(user: UserSession) -> str:
    await fill_until(user, "frequency")
    return await user.press("🤸 Свой вес")


async def register_at_home(user: UserSession, *items: str) -> str:
    """A «Свой вес» registration with `items` at home; returns the menu after saving."""
    await until_home_question(user)
    for item in items:
        await press(user, item)
    await user.press("Готово")
    return await user.press("✅ Всё верно")


async def row_of(session_factory: async_sessionmaker[AsyncSession]) -> User:
    async with session_factory() as session:
        row = (await session.execute(select(User).where(User.telegram_id == USER_ID))).scalar_one()
        session.expunge(row)
        return row


# Home equipment


async def test_bodyweight_user_picks_home_equipment_and_it_is_saved_and_shown(
    user: UserSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    text = await until_home_question(user)
    assert HOME_QUESTION in text and "Шаг 9 из 9" in text
    assert {NOTHING, BAR, DUMBBELLS, BANDS, BENCH, "Готово"} <= set(user.buttons())
    assert checked(user) == set()
    await press(user, BAR)
    await press(user, DUMBBELLS)
    assert checked(user) == {BAR, DUMBBELLS}
    summary = await user.press("Готово")
    assert "Проверь анкету" in summary and "Дома: <b>турник, гантели</b>" in summary
    assert "Анкета сохранена" in await user.press("✅ Всё верно")

    row = await row_of(session_factory)
    assert row.equipment_type == "bodyweight" and row.home_equipment == 0b0011
    # What the workout generators get.
    assert profile_of(row).home_equipment == {HomeItem.PULLUP_BAR, HomeItem.DUMBBELLS}
    profile = await user.say("/profile")
    assert "Дома: <b>турник, гантели</b>" in profile
    assert "укажи" not in profile


async def test_nothing_is_exclusive_both_ways(
    user: UserSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await until_home_question(user)
    await press(user, BAR)
    await press(user, BANDS)
    await press(user, NOTHING)
    assert checked(user) == {NOTHING}
    await press(user, BENCH)
    assert checked(user) == {BENCH}
    await press(user, NOTHING)
    assert checked(user) == {NOTHING}
    assert "Дома: <b>без инвентаря</b>" in await user.press("Готово")
    await user.press("✅ Всё верно")
    row = await row_of(session_factory)
    assert row.home_equipment == 0 and profile_of(row).home_equipment == frozenset()


async def test_every_item_can_be_saved(
    user: UserSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await register_at_home(user, BAR, DUMBBELLS, BANDS, BENCH)
    row = await row_of(session_factory)
    assert row.home_equipment == 0b1111
    assert profile_of(row).home_equipment == {
        HomeItem.PULLUP_BAR,
        HomeItem.DUMBBELLS,
        HomeItem.BANDS,
        HomeItem.BENCH,
    }
    assert "турник, гантели, резинки, скамья или стул" in await user.say("/profile")


async def test_done_with_nothing_checked_means_nothing(
    user: UserSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await until_home_question(user)
    await press(user, DUMBBELLS)
    await press(user, DUMBBELLS)  # unchecked again
    assert "Дома: <b>без инвентаря</b>" in await user.press("Готово")
    await user.press("✅ Всё верно")
    assert (await row_of(session_factory)).home_equipment == 0


async def test_typing_on_the_home_question_asks_for_buttons(user: UserSession) -> None:
    await until_home_question(user)
    answer = await user.say("гантели")
    assert "кнопкой" in answer and HOME_QUESTION in answer


async def test_back_from_the_home_question_and_from_the_summary(user: UserSession) -> None:
    await until_home_question(user)
    await press(user, BAR)
    assert "турник" in await user.press("Готово")
    assert HOME_QUESTION in await user.press("◀️ Назад")
    assert checked(user) == {BAR}  # the answer is kept
    await press(user, DUMBBELLS)  # not confirmed with «Готово»: dropped by «Назад»
    assert "Где будешь тренироваться" in await user.press("◀️ Назад")
    assert HOME_QUESTION in await user.press("🤸 Свой вес")
    assert checked(user) == {BAR}


async def test_gym_user_is_not_asked_and_back_skips_the_question(
    user: UserSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await fill_until(user)  # ends with «🏋️ Зал»
    summary = user.text()
    assert "Проверь анкету" in summary and "Дома" not in summary
    assert "✏️ Инвентарь" not in user.buttons()
    assert "Где будешь тренироваться" in await user.press("◀️ Назад")
    assert "Проверь анкету" in await user.press("🏋️ Зал")
    await user.press("✅ Всё верно")
    row = await row_of(session_factory)
    assert row.home_equipment is None and profile_of(row).home_equipment == frozenset()
    assert "Дома" not in await user.say("/profile")


async def test_home_equipment_is_edited_from_the_profile(
    user: UserSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await register_at_home(user, BAR)
    await user.say("/profile")
    await user.press("✏️ Изменить анкету")
    assert HOME_QUESTION in await user.press("✏️ Инвентарь")
    assert checked(user) == {BAR}  # the saved answer
    await press(user, DUMBBELLS)
    summary = await user.press("Готово")
    assert "Проверь анкету" in summary and "Дома: <b>турник, гантели</b>" in summary
    await user.press("✅ Всё верно")
    assert (await row_of(session_factory)).home_equipment == 0b0011


async def test_switching_a_gym_profile_to_bodyweight_asks_the_home_question(
    user: UserSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await fill_until(user)
    await user.press("✅ Всё верно")
    await user.say("/profile")
    await user.press("✏️ Изменить анкету")
    await user.press("✏️ Зал или дом")
    assert HOME_QUESTION in await user.press("🤸 Свой вес")
    await press(user, BANDS)
    assert "Дома: <b>резинки</b>" in await user.press("Готово")
    await user.press("✅ Всё верно")
    row = await row_of(session_factory)
    assert (row.equipment_type, row.home_equipment) == ("bodyweight", 0b0100)
    # And back to the gym: the home answer is dropped, a gym user has none.
    await user.say("/profile")
    await user.press("✏️ Изменить анкету")
    await user.press("✏️ Зал или дом")
    assert "Проверь анкету" in await user.press("🏋️ Зал")
    await user.press("✅ Всё верно")
    row = await row_of(session_factory)
    assert (row.equipment_type, row.home_equipment) == ("gym", None)


async def test_existing_bodyweight_user_who_never_answered(
    user: UserSession,
    harness: DialogHarness,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    """Registered before the question existed: not stopped on the way to a workout; the
    profile asks for the answer, and plans treat it as "nothing"."""
    async with session_factory() as session:
        session.add(
            User(
                telegram_id=USER_ID,
                first_name="Ольга",
                gender="female",
                age=31,
                height_cm=165,
                current_weight_kg=62,
                fitness_level="beginner",
                goal="maintenance",
                target_weight_kg=62,
                workout_frequency=3,
                equipment_type="bodyweight",
            )
        )
        await session.commit()
    row = await row_of(session_factory)
    assert row.home_equipment is None and profile_of(row).home_equipment == frozenset()

    assert "главное меню" in await user.say("/start")
    assert "Составляю тренировку" in await user.press("🏋️ Получить тренировку")
    await harness.workout_service.wait_background()
    assert "Разминка" in user.text()

    profile = await user.say("/profile")
    assert "Дома: <b>не указано</b> — укажи, чтобы тренировки были точнее" in profile
    text = await user.press("🏠 Указать, что есть дома")
    assert HOME_QUESTION in text and checked(user) == set()
    await press(user, DUMBBELLS)
    summary = await user.press("Готово")
    assert "Проверь анкету" in summary and "Дома: <b>гантели</b>" in summary
    await user.press("✅ Всё верно")
    assert (await row_of(session_factory)).home_equipment == 0b0010
    profile = await user.say("/profile")
    assert "укажи" not in profile and "🏠 Указать, что есть дома" not in user.buttons()


# Maintenance and the summary layout


async def test_maintenance_keeps_the_current_weight_in_one_tap(
    user: UserSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await fill_until(user, "level")
    text = await user.press("⚖️ Поддержание формы")
    assert "82,5 кг" in text
    button = "Оставить текущий вес (82,5 кг)"
    assert button in user.buttons()
    assert "раз в неделю" in await press(user, button)
    await user.press("3 раза")
    summary = await user.press("🏋️ Зал")
    assert "Целевой вес: <b>82,5 кг</b>" in summary
    await user.press("✅ Всё верно")
    row = await row_of(session_factory)
    assert row.target_weight_kg == row.current_weight_kg == 82.5


async def test_other_goals_have_no_keep_weight_button(user: UserSession) -> None:
    await fill_until(user, "goal")  # weight loss
    assert not any("Оставить текущий вес" in label for label in user.buttons())


async def test_old_keep_weight_button_after_the_goal_changed_does_nothing(
    user: UserSession,
) -> None:
    await fill_until(user, "level")
    await user.press("⚖️ Поддержание формы")
    maintenance_screen = user.screen()
    await user.press("◀️ Назад")
    await user.press("📈 Набор массы")
    # The old message's button: the wizard stays on the target weight of a mass gain.
    await user.press(re.escape("Оставить текущий вес (82,5 кг)"), message=maintenance_screen)
    assert "Какой вес ты хочешь видеть на весах?" in user.text()
    assert "Оставить текущий вес (82,5 кг)" not in user.buttons()


@pytest.mark.parametrize("equipment", ["🏋️ Зал", "🤸 Свой вес"])
async def test_summary_buttons_fit_a_phone(user: UserSession, equipment: str) -> None:
    await fill_until(user, "frequency")
    await user.press(equipment)
    if equipment == "🤸 Свой вес":
        await user.press("Готово")
    markup = user.screen().reply_markup
    assert markup is not None and "Проверь анкету" in user.text()
    for row in markup.inline_keyboard:
        assert len(row) <= 2, [button.text for button in row]
        if len(row) == 2:
            for button in row:
                assert len(button.text) <= 16, button.text


# Profile edit exits


async def registered(user: UserSession) -> None:
    await register_at_home(user, BAR)


EDIT_FIELDS = [
    "✏️ Пол",
    "✏️ Возраст",
    "✏️ Рост",
    "✏️ Вес",
    "✏️ Опыт",
    "✏️ Цель",
    "✏️ Целевой вес",
    "✏️ Раз в неделю",
    "✏️ Зал или дом",
    "✏️ Инвентарь",
]


@pytest.mark.parametrize("field", EDIT_FIELDS)
async def test_every_editing_step_has_cancel_and_it_keeps_the_saved_profile(
    user: UserSession, session_factory: async_sessionmaker[AsyncSession], field: str
) -> None:
    await registered(user)
    before = await row_of(session_factory)
    await user.say("/profile")
    await user.press("✏️ Изменить анкету")
    await user.press("✏️ Возраст")
    assert "Проверь анкету" in await user.say("35")  # a change not saved yet
    await press(user, field)
    assert "✖️ Отмена" in user.buttons()
    text = await user.press("✖️ Отмена")
    assert "Твой профиль" in text and UNSAVED_TEXT in text
    assert "Возраст: <b>27</b>" in text
    after = await row_of(session_factory)
    assert (after.age, after.home_equipment, after.updated_at) == (
        before.age,
        before.home_equipment,
        before.updated_at,
    )
    # The notice is said once: the next visit of the profile does not repeat it.
    await user.press("◀️ В меню")
    assert UNSAVED_TEXT not in await user.press("👤 Мой профиль")


async def test_a_first_registration_has_no_cancel(user: UserSession) -> None:
    await fill_until(user, "begin")
    assert "✖️ Отмена" not in user.buttons()
    await until_home_question_after_gender(user)
    assert "✖️ Отмена" not in user.buttons()


async def until_home_question_after_gender(user: UserSession) -> None:
    await user.press("👨 Мужской")
    for answer in ("27", "178", "82,5"):
        await user.say(answer)
    await user.press("💪 1–3 года")
    await user.press("📉 Похудение")
    await user.say("76")
    await user.press("3 раза")
    await user.press("🤸 Свой вес")


async def test_back_from_the_summary_returns_to_the_profile_when_editing(
    user: UserSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await registered(user)
    await user.say("/profile")
    await user.press("✏️ Изменить анкету")
    await user.press("✏️ Возраст")
    await user.say("40")
    text = await user.press("◀️ Назад")
    assert "Твой профиль" in text and UNSAVED_TEXT in text and "Возраст: <b>27</b>" in text
    assert (await row_of(session_factory)).age == 27
    # Never the newcomer greeting, however often «Назад» is pressed.
    await user.press("✏️ Изменить анкету")
    await user.press("✏️ Пол")
    assert "Проверь анкету" in await user.press("◀️ Назад")
    assert "Твой профиль" in await user.press("◀️ Назад")
    assert not any("Начать" in label for label in user.buttons())


@pytest.mark.parametrize("command", ["/start", "/profile", "/workout", "/cancel"])
async def test_leaving_an_edit_by_command_says_unsaved_once(
    user: UserSession,
    harness: DialogHarness,
    session_factory: async_sessionmaker[AsyncSession],
    command: str,
) -> None:
    await registered(user)
    await user.say("/profile")
    await user.press("✏️ Изменить анкету")
    await user.press("✏️ Возраст")
    await user.say("40")
    await user.say_expecting(2, command)  # the unsaved-changes line, then the screen
    await harness.workout_service.wait_background()
    assert harness.bot.sent_texts().count(UNSAVED_TEXT) == 1
    assert "Привет" not in user.text()
    assert (await row_of(session_factory)).age == 27
    await user.say("/start")
    assert harness.bot.sent_texts().count(UNSAVED_TEXT) == 1
    assert "главное меню" in user.text()


async def test_saving_an_edit_says_nothing_about_unsaved_changes(
    user: UserSession, harness: DialogHarness, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await registered(user)
    await user.say("/profile")
    await user.press("✏️ Изменить анкету")
    await user.press("✏️ Возраст")
    await user.say("40")
    assert "Анкета сохранена" in await user.press("✅ Всё верно")
    await user.say("/start")
    assert UNSAVED_TEXT not in harness.bot.sent_texts()
    assert (await row_of(session_factory)).age == 40


# The welcome video note


async def test_registered_user_start_shows_the_menu_without_greeting_or_video_note(
    user: UserSession, harness: DialogHarness
) -> None:
    await registered(user)
    assert len(harness.bot.calls_of(SendVideoNote)) == 1  # the first /start
    text = await user.say("/start")
    assert "главное меню" in text and "Привет" not in text
    assert not any("Начать" in label for label in user.buttons())
    assert len(harness.bot.calls_of(SendVideoNote)) == 1


async def test_video_note_is_sent_once_per_user_across_two_starts(
    harness: DialogHarness, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    first, second = UserSession(harness, 9001), UserSession(harness, 9002)
    assert "AI-тренер" in await first.start()  # video note and greeting
    assert "AI-тренер" in await first.say("/start")  # the greeting alone
    assert "AI-тренер" in await second.start()
    notes = harness.bot.calls_of(SendVideoNote)
    assert [note.chat_id for note in notes] == [9001, 9002]
    async with session_factory() as session:
        stored = await session.scalar(select(func.count()).select_from(WelcomeVideoNote))
    assert stored == 2


class FirstVideoNoteFails(RecordingBot):
    """Telegram unreachable for the first video note only."""

    failed = False

    async def __call__(
        self, method: TelegramMethod[Any], request_timeout: int | None = None
    ) -> Any:
        if isinstance(method, SendVideoNote) and not self.failed:
            self.failed = True
            self.calls.append(method)
            raise TelegramNetworkError(method=method, message="connection reset")
        return await super().__call__(method, request_timeout)


async def test_a_video_note_that_failed_is_sent_at_the_next_start(
    harness: DialogHarness, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    harness.bot = FirstVideoNoteFails()
    newcomer = UserSession(harness, 9003)
    # The failed attempt, then the greeting anyway; the retried note; the greeting alone.
    assert "AI-тренер" in (await newcomer.say_expecting(2, "/start")).window_text()
    assert "AI-тренер" in (await newcomer.say_expecting(2, "/start")).window_text()
    assert "AI-тренер" in await newcomer.say("/start")
    assert len(harness.bot.calls_of(SendVideoNote)) == 2  # failed, then sent once
    async with session_factory() as session:
        assert await session.get(WelcomeVideoNote, 9003) is not None


async def test_a_forged_home_item_is_not_saved(
    user: UserSession, harness: DialogHarness, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await until_home_question(user)
    await press(user, BAR)
    markup = user.screen().reply_markup
    assert markup is not None
    bar_data = next(
        b.callback_data for row in markup.inline_keyboard for b in row if "Турник" in b.text
    )
    assert bar_data is not None
    forged = bar_data.replace("pullup_bar", "barbell")
    await harness.dp.feed_update(harness.bot, _callback(user, forged))
    await user.press("Готово")
    await user.press("✅ Всё верно")
    assert (await row_of(session_factory)).home_equipment == 0b0001


def _callback(user: UserSession, data: str) -> Any:
    from aiogram.types import CallbackQuery, Update

    message = user.screen()
    query = CallbackQuery(
        id="forged-1", from_user=user.client.user, chat_instance="1", message=message, data=data
    )
    return Update(update_id=987_654_321, callback_query=query)
