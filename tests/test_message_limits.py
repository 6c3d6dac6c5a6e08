"""Every message fits Telegram: at most 4,096 characters (1,024 for a caption), and the HTML
is well-formed enough for `parse_mode=HTML` (user and LLM text arrives escaped).

The worst case is built in the database: 7 of the catalogue's longest exercises (by
description + instructions), notes of 300 characters, a 500-character rationale and an
800-character warm-up (the WorkoutPlan schema limits), and rendered through the real
dialogs by pressing the buttons.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from html import escape

import pytest
from aiogram.types import Message
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialogs.workout.texts import TELEGRAM_TEXT_LIMIT
from tests.support.dialogs import UserSession
from tests.support.harness import DialogHarness
from tests.support.registration import fill_until
from trainer_bot.catalogue import CatalogueExercise, default_catalogue
from trainer_bot.db.enums import Muscle
from trainer_bot.db.models import Exercise, User, Workout, WorkoutExercise
from trainer_bot.training.plan import NOTES_LIMIT, TEXT_LIMITS, PlannedExercise, WorkoutPlan

SessionFactory = async_sessionmaker[AsyncSession]
USER_ID = 626262
CAPTION_LIMIT = 1024
CATALOGUE = default_catalogue()
LONGEST = sorted(
    CATALOGUE, key=lambda e: (len(e.description) + len(e.instructions_text), e.slug), reverse=True
)[:7]

RATIONALE_LIMIT = WorkoutPlan.model_fields["rationale"].metadata[0].max_length
WARMUP_LIMIT = WorkoutPlan.model_fields["warmup"].metadata[0].max_length
TITLE_LIMIT = WorkoutPlan.model_fields["title"].metadata[0].max_length
PLAN_NOTES_LIMIT = PlannedExercise.model_fields["notes"].metadata[0].max_length

FILLER = (
    "Держи спину ровной, дыши ровно и следи за техникой в каждом повторе; "
    "если вес идёт тяжело — сбрось 10% и доделай подходы чисто. "
)


def filled(head: str, length: int) -> str:
    """`head` then Russian filler, exactly `length` characters."""
    text = head
    while len(text) < length:
        text += FILLER
    return text[:length]


TITLE = filled("Ноги & спина <тяжёлый день> — ", TITLE_LIMIT)
RATIONALE = filled("Почему так: <script>alert(1)</script> и a < b, но b > c & d. ", RATIONALE_LIMIT)
WARMUP = filled(
    "Разминка: <script>x()</script>, темп a < b, затем <b>жим</b> & тяга. ", WARMUP_LIMIT
)


def notes_for(position: int) -> str:
    return filled(f"Заметка {position}: вес <= 80% & RIR 2 <i>без отказа</i>. ", PLAN_NOTES_LIMIT)


# --- a checker for Telegram's HTML ---------------------------------------------------------

TELEGRAM_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "a",
        "code",
        "pre",
        "tg-spoiler",
        "span",
        "blockquote",
        "tg-emoji",
    }
)
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z-]*)((?:\s+[a-z-]+=\"[^\"<>]*\")*)\s*>")
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


def parse_telegram_html(text: str) -> tuple[list[str], str]:
    """(problems, visible text) the way Telegram reads `parse_mode=HTML`: only its tags,
    properly nested; every other `<`, `>` and `&` must be an entity."""
    problems: list[str] = []
    visible: list[str] = []
    stack: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "<":
            match = _TAG.match(text, index)
            if match is None or match.group(2).lower() not in TELEGRAM_TAGS:
                problems.append(f"unescaped '<' at {index}: {text[index : index + 24]!r}")
                index += 1
                continue
            name = match.group(2).lower()
            if match.group(1):
                if not stack or stack.pop() != name:
                    problems.append(f"misnested </{name}> at {index}")
            else:
                stack.append(name)
            index = match.end()
            continue
        if char == "&":
            match = _ENTITY.match(text, index)
            if match is None:
                problems.append(f"unescaped '&' at {index}: {text[index : index + 24]!r}")
                visible.append(char)
                index += 1
                continue
            visible.append(html.unescape(match.group()))
            index = match.end()
            continue
        if char == ">":
            problems.append(f"unescaped '>' at {index}: {text[max(0, index - 24) : index + 1]!r}")
        visible.append(char)
        index += 1
    if stack:
        problems.append(f"unclosed tags: {stack}")
    return problems, "".join(visible)


def utf16_length(text: str) -> int:
    """Telegram counts message length in UTF-16 code units (an emoji may count as 2)."""
    return len(text.encode("utf-16-le")) // 2


def test_the_html_checker_itself() -> None:
    assert parse_telegram_html("<b>a</b> &lt;x&gt; &amp;")[0] == []
    assert parse_telegram_html("<b>a</b> &lt;x&gt; &amp;")[1] == "a <x> &"
    assert parse_telegram_html("a < b")[0]
    assert parse_telegram_html("<script>x</script>")[0]
    assert parse_telegram_html("<b>x")[0]
    assert parse_telegram_html("<b><i>x</b></i>")[0]
    assert parse_telegram_html("Q&A")[0]
    assert parse_telegram_html("b > c")[0]


def message_text(message: Message) -> tuple[str, int]:
    """The text of a recorded message and its limit (a caption is shorter)."""
    if message.caption is not None:
        return message.caption, CAPTION_LIMIT
    return message.text or "", TELEGRAM_TEXT_LIMIT


def check_every_message(harness: DialogHarness, *, raw_limit: bool = True) -> list[str]:
    """Limits and HTML of everything the dialogs and handlers sent; returns the texts.

    Telegram counts the text after entity parsing (`&lt;` is one character), in UTF-16
    units; `raw_limit` also holds the HTML source itself to the limit, which any
    realistic text must meet with room to spare."""
    texts = []
    recorded = [message_text(m) for m in harness.messages.sent_messages]
    recorded += [(text, TELEGRAM_TEXT_LIMIT) for text in harness.bot.sent_texts()]
    assert recorded, "nothing was shown"
    for text, limit in recorded:
        if not text:
            continue  # keyboard removals carry no text
        problems, visible = parse_telegram_html(text)
        assert problems == [], (problems, text[:300])
        if raw_limit:
            assert len(text) <= limit, (len(text), text[:200])
        assert utf16_length(visible) <= limit, (utf16_length(visible), text[:200])
        texts.append(text)
    return texts


# --- the worst-case workout ----------------------------------------------------------------


@pytest.fixture
async def user(harness: DialogHarness) -> UserSession:
    session = UserSession(harness, USER_ID, first_name="Длинный & <Имя>")
    await fill_until(session)
    await session.press("✅ Всё верно")
    return session


async def create_longest_workout(harness: DialogHarness, session_factory: SessionFactory) -> int:
    async with session_factory() as session:
        user_id = await session.scalar(select(User.id).where(User.telegram_id == USER_ID))
        assert user_id is not None
        rows = await session.execute(
            select(Exercise.slug, Exercise.id).where(Exercise.slug.in_([e.slug for e in LONGEST]))
        )
        ids = {slug: exercise_id for slug, exercise_id in rows}
        workout = Workout(
            user_id=user_id,
            planned_date=harness.clock().date(),
            status="planned",
            source="llm",
            focus="full_body_a",
            title=TITLE,
            rationale=RATIONALE,
            warmup=WARMUP,
            created_at=harness.clock(),
            exercises=[
                WorkoutExercise(
                    exercise_id=ids[exercise.slug],
                    position=position,
                    sets=10,
                    reps_min=100,
                    reps_max=300,
                    weight_kg=None if exercise.equipment.value == "bodyweight" else 487.5,
                    rest_seconds=595,
                    notes=notes_for(position),
                )
                for position, exercise in enumerate(LONGEST, start=1)
            ],
        )
        session.add(workout)
        await session.commit()
        return workout.id


def test_the_worst_case_uses_the_schema_limits() -> None:
    assert (len(TITLE), len(RATIONALE), len(WARMUP)) == (128, 500, 800)
    assert len(notes_for(7)) == 300
    # The LLM validation caps texts at the same limits (or lower), so nothing longer is saved.
    assert TEXT_LIMITS["title"] <= TITLE_LIMIT and TEXT_LIMITS["rationale"] <= RATIONALE_LIMIT
    assert TEXT_LIMITS["warmup"] <= WARMUP_LIMIT and NOTES_LIMIT <= PLAN_NOTES_LIMIT
    assert len(LONGEST) == 7 and len({e.slug for e in LONGEST}) == 7


def _button(label: str) -> str:
    return re.escape(label)


async def open_my_workout(user: UserSession) -> str:
    await user.say("/start")  # the menu, now with «Моя тренировка»
    assert "📋 Моя тренировка" in user.buttons()
    return await user.press("📋 Моя тренировка")


def exercise_buttons(user: UserSession) -> list[str]:
    return [b for b in user.buttons() if b[:1].isdigit()]


async def test_longest_workout_and_exercises_fit(
    user: UserSession, harness: DialogHarness, session_factory: SessionFactory
) -> None:
    await create_longest_workout(harness, session_factory)
    view = await open_my_workout(user)

    # Texts from the LLM arrive whole and escaped.
    assert escape(TITLE) in view and escape(RATIONALE) in view and escape(WARMUP) in view
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in view and "a &lt; b" in view
    assert "<script>" not in view and "a < b" not in view
    buttons = exercise_buttons(user)
    assert buttons == [f"{n}. {e.name}" for n, e in enumerate(LONGEST, start=1)]

    shown: list[str] = []
    for position, label in enumerate(buttons, start=1):
        exercise = LONGEST[position - 1]
        detail = await user.press(_button(label))
        assert f"{position} из 7" in detail
        assert escape(notes_for(position)) in detail, "the notes must not be cut"
        assert escape(exercise.instructions_text) in detail, "the steps must not be cut"
        assert "&lt;i&gt;без отказа&lt;/i&gt;" in detail and "<i>без отказа</i>" not in detail
        shown.append(detail)
        assert "Разминка" in await user.press(_button("◀️ К тренировке"))
    # «➡️» walks the same screens.
    await user.press(_button(buttons[0]))
    for position in range(2, 8):
        assert f"{position} из 7" in await user.press("➡️")

    texts = check_every_message(harness)
    assert len(texts) >= 1 + 2 * len(buttons)
    longest = max(len(t) for t in texts)
    assert longest <= TELEGRAM_TEXT_LIMIT


async def test_exercise_with_an_image_shows_it_as_a_preview_within_the_text_limit(
    user: UserSession, harness: DialogHarness, session_factory: SessionFactory
) -> None:
    """A catalogue entry may carry `image_url`. A photo caption would be capped at 1,024
    characters, so the image is shown as a link preview above a text of up to 4,096."""
    slug = LONGEST[0].slug
    async with session_factory() as session:
        await session.execute(
            update(Exercise)
            .where(Exercise.slug == slug)
            .values(image_url="https://example.com/squat.jpg")
        )
        await session.commit()
    try:
        await create_longest_workout(harness, session_factory)
        await open_my_workout(user)
        await user.press(_button(exercise_buttons(user)[0]))
        screen = user.screen()
        # MockMessageManager does not record link previews; the point is: not a photo.
        assert not screen.photo and screen.text
        problems, visible = parse_telegram_html(screen.text or "")
        assert problems == []
        assert utf16_length(visible) <= TELEGRAM_TEXT_LIMIT, utf16_length(visible)
    finally:
        async with session_factory() as session:
            await session.execute(
                update(Exercise).where(Exercise.slug == slug).values(image_url=None)
            )
            await session.commit()


# --- the registration summary --------------------------------------------------------------

SUMMARY_ANSWERS = {
    # An adult with every remark: see a doctor (BMI >= 40), low impact (BMI >= 35), pace.
    "adult": ("👨 Мужской", "35", "160", "160", "🌱 Начинающий", "📉 Похудение", "60"),
    # A child: the age remark and the growing-body pace remark.
    "child": ("👩 Женский", "12", "150", "70", "🌱 Начинающий", "📉 Похудение", "60"),
}


def _registration_steps(user: UserSession, answers: tuple[str, ...]) -> Iterator:
    gender, age, height, weight, level, goal, target = answers
    yield user.start()
    yield user.press("🚀 Начать")
    yield user.press(gender)
    yield user.say(age)
    yield user.say(height)
    yield user.say(weight)
    yield user.press(level)
    yield user.press(goal)
    yield user.say(target)
    yield user.press("5 раз")
    yield user.press("🏋️ Зал")


@pytest.mark.parametrize("who", sorted(SUMMARY_ANSWERS))
async def test_registration_summary_with_all_notes_fits(harness: DialogHarness, who: str) -> None:
    user = UserSession(harness, USER_ID + 1, first_name="<b>Хакер</b> & Ко")
    for step in _registration_steps(user, SUMMARY_ANSWERS[who]):
        await step
    summary = user.text()
    assert "Проверь анкету" in summary, summary
    expected_notes = 3 if who == "adult" else 2
    assert summary.count("💡") == expected_notes, summary
    if who == "adult":
        assert "врачу" in summary and "без прыжков" in summary
    await user.press("✅ Всё верно")
    menu = user.text()
    assert "&lt;b&gt;Хакер&lt;/b&gt; &amp; Ко" in menu and "<b>Хакер</b>" not in menu
    check_every_message(harness)


# --- beyond the current catalogue: the longest entry its schema allows ---------------------

SYNTHETIC_SLUG = "zz_test_longest_possible_exercise"


@pytest.mark.parametrize(
    "markup",
    [
        pytest.param("", id="plain"),
        pytest.param(" <медленно> & ", id="html-heavy"),
    ],
)
async def test_longest_possible_catalogue_entry_is_shortened_to_fit(
    user: UserSession, harness: DialogHarness, session_factory: SessionFactory, markup: str
) -> None:
    """CatalogueExercise allows a 128-character name, a 600-character description and up to
    10 instruction steps of any length: the exercise screen must still fit. Plain text is
    the tightest case (nothing shrinks when Telegram parses entities)."""
    fields = CatalogueExercise.model_fields
    name = filled(f"Жим узким хватом{markup} ", fields["name"].metadata[-1].max_length)
    description = filled(f"Описание{markup} ", fields["description"].metadata[-1].max_length)
    steps = [filled(f"Шаг {n}{markup} ", 450) for n in range(1, 11)]
    notes = filled(f"Заметка{markup} ", PLAN_NOTES_LIMIT)
    instructions = "\n".join(f"{n}. {step}" for n, step in enumerate(steps, 1))
    muscles = [m.value for m in Muscle]
    async with session_factory() as session:
        exercise = Exercise(
            slug=SYNTHETIC_SLUG,
            name=name,
            description=description,
            instructions=instructions,
            primary_muscles=muscles[:6],
            secondary_muscles=muscles[6:],
            equipment="barbell",
            level="beginner",
            movement="horizontal_push",
            is_compound=True,
            video_url="https://www.youtube.com/results?search_query=x",
        )
        session.add(exercise)
        await session.commit()
    try:
        user_id = None
        async with session_factory() as session:
            user_id = await session.scalar(select(User.id).where(User.telegram_id == USER_ID))
            session.add(
                Workout(
                    user_id=user_id,
                    planned_date=harness.clock().date(),
                    status="planned",
                    source="llm",
                    focus="full_body_a",
                    title=TITLE,
                    rationale=RATIONALE,
                    warmup=WARMUP,
                    created_at=harness.clock(),
                    exercises=[
                        WorkoutExercise(
                            exercise_id=exercise.id,
                            position=position,
                            sets=10,
                            reps_min=100,
                            reps_max=300,
                            weight_kg=487.5,
                            rest_seconds=595,
                            notes=notes,
                        )
                        for position in range(1, 8)
                    ],
                )
            )
            await session.commit()
        await open_my_workout(user)
        await user.press(_button(exercise_buttons(user)[0]))
        detail = user.text()
        assert "1 из 7" in detail and escape(notes) in detail
        assert "…" in detail, "the instructions are shortened, not sent whole"
        for position in range(2, 8):
            assert f"{position} из 7" in await user.press("➡️")
        check_every_message(harness, raw_limit=False)
    finally:
        async with session_factory() as session:
            if user_id is not None:
                await session.execute(delete(Workout).where(Workout.user_id == user_id))
            await session.execute(delete(Exercise).where(Exercise.slug == SYNTHETIC_SLUG))
            await session.commit()
