"""The registration wizard answered like a typical user, and where each question sits."""

from __future__ import annotations

from tests.support.dialogs import UserSession


async def fill_until(user: UserSession, last_step: str | None = None) -> None:
    """Answer the wizard like a typical user, stopping after `last_step` (None: all); each
    answer must bring exactly the one next screen."""
    steps = [
        ("start", user.start),
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


STEP_BEFORE = {"age": "gender", "height": "age", "weight": "height", "target_weight": "goal"}
QUESTION = {
    "age": "Сколько тебе лет",
    "height": "рост в сантиметрах",
    "weight": "Сколько ты сейчас весишь",
    "target_weight": "целевой вес",
}


async def register_as(
    user: UserSession,
    *,
    age: str,
    height: str,
    weight: str,
    target: str,
    level: str = "🌱 Начинающий",
    goal: str = "⚖️ Поддержание формы",
    frequency: str = "3 раза",
    home: tuple[str, ...] | None = None,
) -> None:
    """Register a profile of a kind (answers as typed and pressed): `home=None` trains in
    the gym, else «Свой вес» with these home items (() for none)."""
    await user.start()
    await user.press("🚀 Начать")
    await user.press("👨 Мужской")
    for answer in (age, height, weight):
        await user.say(answer)
    await user.press(level)
    await user.press(goal)
    await user.say(target)
    await user.press(frequency)
    if home is None:
        await user.press("🏋️ Зал")
    else:
        await user.press("🤸 Свой вес")
        for item in home or ("Ничего нет",):
            await user.press(item)
        await user.press("Готово")
    await user.press("✅ Всё верно")
