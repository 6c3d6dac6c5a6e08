"""Bad input, generated: hypothesis sends arbitrary text to every text step of the wizard.

Every answer must be either acceptance (the next question, no warning) or that step's
own error (⚠️ + a Russian message + the same question), and it must be the one the
profile rules predict for that text: the state never advances on bad input and never
stays on good input. Non-text messages of every kind are refused on every text step.

Texts are delivered as Telegram delivers them: trimmed, never empty, at most 4096
characters, and a known /command is a command, not an answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from aiogram.types import (
    Contact,
    Dice,
    Document,
    Location,
    Message,
    PhotoSize,
    Sticker,
    Update,
    VideoNote,
    Voice,
)
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.resilience.support import new_user_id, next_id
from tests.support.dialogs import UserSession
from tests.support.harness import DialogHarness
from tests.support.registration import QUESTION, STEP_BEFORE, fill_until
from trainer_bot.db.enums import Goal
from trainer_bot.services import profile_rules as rules

# fill_until answers: 27 years, 178 cm, 82,5 kg, weight loss.
AGE, HEIGHT, WEIGHT, GOAL = 27, 178, 82.5, Goal.WEIGHT_LOSS
NEXT_QUESTION = {
    "age": "рост в сантиметрах",
    "height": "Сколько ты сейчас весишь",
    "weight": "опыт силовых тренировок",
    "target_weight": "раз в неделю",
}
PROGRESS = {"age": "Шаг 2 из 9", "height": "Шаг 3 из 9", "weight": "Шаг 4 из 9"}
TEXT_STEPS = list(NEXT_QUESTION)
COMMAND = re.compile(r"^/(start|workout|profile|help|cancel)(\b|@|$)", re.IGNORECASE)
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
TELEGRAM_TEXT_LIMIT = 4096


def _weight(text: str) -> None:
    problem = rules.check_body_plausible(AGE, HEIGHT, rules.parse_weight(text))
    if problem:
        raise ValueError(problem)


def _target(text: str) -> None:
    problem = rules.check_target_weight(GOAL, AGE, HEIGHT, WEIGHT, rules.parse_weight(text))
    if problem:
        raise ValueError(problem)


ORACLE: dict[str, Callable[[str], Any]] = {
    "age": rules.parse_age,
    "height": rules.parse_height,
    "weight": _weight,
    "target_weight": _target,
}


def expected_error(step: str, text: str) -> str | None:
    """The message the step must show for `text`; None when it must accept it."""
    try:
        ORACLE[step](text)
    except ValueError as error:
        return str(error)
    return None


# --- what users type ----------------------------------------------------------------------

units = st.sampled_from(["", " ", "кг", " кг", " kg", "см", " cm", " лет", " год", "г", "%", "."])
numbers = st.one_of(
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.integers(min_value=-20, max_value=320).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),  # nan, inf, 1e+300, -0.0
    st.floats(min_value=-5, max_value=400).map(lambda x: f"{x:.2f}".replace(".", ",")),
    st.tuples(
        st.integers(-5, 400), st.integers(0, 999), st.sampled_from([".", ",", ", ", ".."])
    ).map(lambda t: f"{t[0]}{t[2]}{t[1]}"),
    st.tuples(st.integers(0, 400), units).map(lambda t: f"{t[0]}{t[1]}"),
    st.sampled_from(
        ["−70", "+80", "٢٧", "２７", "²⁷", "1⁄2", "7️⃣", "0x50", "1e2", "80 80", "1.78", "nan"]
    ),
)
emoji = st.text(
    alphabet=st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF), min_size=1, max_size=5
)
typed = st.one_of(
    numbers,
    st.text(max_size=60),
    emoji,
    st.tuples(numbers, emoji).map("".join),
    st.text(alphabet=" \t\n\u00a0\u200b0123456789.,-", max_size=20),
    st.builds(lambda c, n: c * n, st.sampled_from(["9", "я", " 1"]), st.integers(30, 5000)),
)


def telegram_delivers(text: str) -> bool:
    return bool(text.strip()) and not COMMAND.match(text.strip())


def _decimal(low: float, high: float) -> st.SearchStrategy[str]:
    return st.tuples(st.floats(min_value=low, max_value=high), st.sampled_from([",", "."])).map(
        lambda t: f"{t[0]:.1f}".replace(".", t[1])
    )


# Answers near each step's valid range, so that acceptance is exercised too.
PLAUSIBLE = {
    "age": st.tuples(st.integers(5, 105), st.sampled_from(["", " лет", " года"])).map(
        lambda t: f"{t[0]}{t[1]}"
    ),
    "height": st.one_of(st.integers(90, 260).map(str), _decimal(1.4, 2.2)),
    "weight": st.one_of(st.integers(25, 310).map(str), _decimal(25, 310)),
    "target_weight": st.one_of(st.integers(50, 90).map(str), _decimal(50, 90)),
}


def as_delivered(step: str | None = None) -> st.SearchStrategy[str]:
    # Half arbitrary, half near the valid range (one_of would dilute the latter).
    source = (
        typed
        if step is None
        else st.booleans().flatmap(lambda near: PLAUSIBLE[step] if near else typed)
    )
    return source.filter(telegram_delivers).map(lambda t: t.strip()[:TELEGRAM_TEXT_LIMIT])


@pytest.fixture
async def user_at(res_harness: DialogHarness) -> dict[str, UserSession]:
    """One user per step, created on first use and reused by every example."""
    return {}


async def _user(cache: dict[str, UserSession], harness: DialogHarness, step: str) -> UserSession:
    if step not in cache:
        user = UserSession(harness, new_user_id(), first_name="Тест")
        await fill_until(user, STEP_BEFORE[step])
        assert QUESTION[step] in user.text()
        cache[step] = user
    return cache[step]


@pytest.mark.parametrize("step", TEXT_STEPS)
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
async def test_every_answer_is_acceptance_or_the_steps_error(
    res_harness: DialogHarness, user_at: dict[str, UserSession], step: str, data: st.DataObject
) -> None:
    text = data.draw(as_delivered(step), label="text")
    user = await _user(user_at, res_harness, step)
    answer = await user.say(text)
    error = expected_error(step, text)
    event("accepted" if error is None else "refused")
    if error is None:
        assert NEXT_QUESTION[step] in answer and "⚠️" not in answer, (text, answer)
        # Back to the step for the next example («Назад» keeps the other answers).
        assert QUESTION[step] in await user.press("◀️ Назад")
        return
    assert CYRILLIC.search(error), f"the user would read a non-Russian error: {error!r}"
    assert f"⚠️ {error}" in answer, (text, answer)
    assert QUESTION[step] in answer and NEXT_QUESTION[step] not in answer
    if step in PROGRESS:
        assert PROGRESS[step] in answer


def _content(kind: str) -> dict[str, Any]:
    photo = [PhotoSize(file_id="p", file_unique_id="p", width=90, height=90)]
    return {
        "sticker": {
            "sticker": Sticker(
                file_id="s",
                file_unique_id="s",
                type="regular",
                width=512,
                height=512,
                is_animated=False,
                is_video=False,
                emoji="💪",
            )
        },
        "photo": {"photo": photo},
        "photo_with_number_caption": {"photo": photo, "caption": "27"},
        "voice": {"voice": Voice(file_id="v", file_unique_id="v", duration=2)},
        "video_note": {
            "video_note": VideoNote(file_id="n", file_unique_id="n", length=240, duration=3)
        },
        "document": {"document": Document(file_id="d", file_unique_id="d", file_name="82.txt")},
        "location": {"location": Location(latitude=55.75, longitude=37.62)},
        "contact": {"contact": Contact(phone_number="+70000000000", first_name="Иван")},
        "dice": {"dice": Dice(emoji="🎲", value=6)},
    }[kind]


NON_TEXT = [
    "sticker",
    "photo",
    "photo_with_number_caption",
    "voice",
    "video_note",
    "document",
    "location",
    "contact",
    "dice",
]


@pytest.mark.parametrize("step", TEXT_STEPS)
async def test_non_text_messages_are_refused_on_every_text_step(
    res_harness: DialogHarness, step: str
) -> None:
    user = UserSession(res_harness, new_user_id(), first_name="Тест")
    await fill_until(user, STEP_BEFORE[step])
    for kind in NON_TEXT:
        message = Message(
            message_id=next_id(),
            date=datetime.now(UTC),
            chat=user.client.chat,
            from_user=user.client.user,
            **_content(kind),
        )
        await res_harness.dp.feed_update(
            res_harness.bot, Update(update_id=next_id(), message=message)
        )
        answer = user.text()
        assert "⚠️" in answer and "числом" in answer, (kind, answer)
        assert QUESTION[step] in answer and NEXT_QUESTION[step] not in answer, kind


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=as_delivered())
async def test_text_on_a_button_step_asks_for_a_button(
    res_harness: DialogHarness, user_at: dict[str, UserSession], text: str
) -> None:
    if "gender" not in user_at:
        user = UserSession(res_harness, new_user_id(), first_name="Тест")
        await fill_until(user, "begin")
        user_at["gender"] = user
    answer = await user_at["gender"].say(text)
    assert "⚠️ Выбери вариант кнопкой" in answer and "Укажи пол" in answer
