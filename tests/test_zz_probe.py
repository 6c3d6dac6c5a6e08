from tests.support.dialogs import UserSession
from tests.support.harness import DialogHarness


async def test_probe(harness: DialogHarness) -> None:
    user = UserSession(harness, 4242, first_name="Иван")
    steps = [
        ("say", "/start"),
        ("press", "🚀 Начать"),
        ("say", "мужской"),
        ("press", "👨 Мужской"),
        ("say", "27"),
        ("say", "178"),
        ("say", "82,5"),
        ("press", "💪 1–3 года"),
        ("press", "📉 Похудение"),
        ("say", "76"),
        ("press", "3 раза"),
        ("press", "🏋️ Зал"),
        ("press", "✏️ Возраст"),
        ("say", "35"),
        ("press", "✅ Всё верно"),
        ("say", "/profile"),
        ("press", "◀️ В меню"),
        ("press", "🏋️ Получить тренировку"),
        ("bg", ""),
        ("press", "1\\..*"),
        ("press", "➡️"),
        ("press", "◀️ К тренировке"),
        ("press", "✅ Завершить тренировку"),
        ("press", "◀️ В меню"),
        ("press", "🏋️ Получить тренировку"),
    ]
    for kind, arg in steps:
        if kind == "say":
            sent = await user.say_expecting(len([1]) if arg != "/start" else 2, arg)
        elif kind == "press":
            sent = await user.press_expecting(1, arg)
        else:
            sent = await user.background(1)
        print(f"=== {kind} {arg}")
        for t in sent.texts():
            print(repr(t))
        print("BUTTONS", user.buttons())
