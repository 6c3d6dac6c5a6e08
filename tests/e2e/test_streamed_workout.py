"""Over real HTTP: the LLM streams its answer, the workout grows in a Telegram draft
(sendMessageDraft) and the finished workout, a new message, replaces it (the real bot
process, fake Telegram and OpenAI servers, real Postgres/Redis)."""

from __future__ import annotations

import itertools
import re

from tests.e2e.bot_process import E2EBot, e2e_bot  # noqa: F401 - the fixture
from tests.e2e.chat import Chat
from tests.fakes.openai_server import RecordedRequest, ScriptedResponse, plan_responder

EXERCISE_LINE = re.compile(r"^\d+\. (.+?) — ", re.MULTILINE)


def slow_stream(request: RecordedRequest) -> ScriptedResponse:
    """A valid plan, streamed in 60 pieces over about three seconds."""
    response = plan_responder(request)
    response.pieces = 60
    response.first_piece_delay = 0.3
    response.piece_interval = 0.05
    return response


async def test_the_workout_grows_in_a_draft_and_the_message_replaces_it(
    e2e_bot: E2EBot,  # noqa: F811
) -> None:
    telegram = e2e_bot.telegram
    e2e_bot.llm.responder = slow_stream
    chat = Chat(e2e_bot, e2e_bot.new_user("Вера"))
    user = chat.user_id
    with e2e_bot.process.diagnosed():
        await chat.say("/start", "Привет, Вера!")
        await chat.press("🚀 Начать", "Укажи пол")
        await chat.press("👩 Женский", "Сколько тебе лет")
        await chat.say("34", "рост в сантиметрах")
        await chat.say("168", "Сколько ты сейчас весишь")
        await chat.say("64", "опыт силовых тренировок")
        await chat.press("💪 1–3 года", "Какая у тебя цель")
        await chat.press("⚖️ Поддержание формы", "целевой вес")
        await chat.press("Оставить текущий вес (64 кг)", "раз в неделю")
        await chat.press("3 раза", "Где будешь тренироваться")
        await chat.press("🏋️ Зал", "Проверь анкету")
        await chat.press("✅ Всё верно", "главное меню")

        composing = await chat.press("🏋️ Получить тренировку", "Составляю тренировку")
        final = await chat.screen("Разминка", newer_than=composing.message_id)

    drafts = telegram.drafts(user)
    assert len(drafts) >= 2, [d.text for d in drafts]
    assert len({d.draft_id for d in drafts}) == 1  # one draft, growing
    counts = [len(EXERCISE_LINE.findall(d.text)) for d in drafts]
    assert counts == sorted(counts) and counts[-1] > counts[0], counts
    # About one a second: never two close together.
    gaps = [b.at - a.at for a, b in itertools.pairwise(drafts)]
    assert min(gaps) > 0.5, gaps
    # Every exercise a draft showed is in the workout that replaced it.
    shown = {name for d in drafts for name in EXERCISE_LINE.findall(d.text)}
    assert shown <= set(EXERCISE_LINE.findall(final.text or "")), (shown, final.text)

    # The workout came as a new message after the last draft, the composing screen went,
    # and the chat shows no draft any more.
    calls = [c for c in telegram.calls if c.method in ("sendMessageDraft", "sendMessage")]
    last_draft = max(i for i, c in enumerate(calls) if c.method == "sendMessageDraft")
    workout = next(
        i
        for i, c in enumerate(calls)
        if c.method == "sendMessage" and "Разминка" in str(c.params.get("text"))
    )
    assert last_draft < workout
    assert telegram.draft(user) is None
    assert composing.message_id not in telegram.chat(user)
    assert final.buttons and final.buttons[-1].text == "◀️ В меню"
    assert "stream=on" in e2e_bot.process.log_text()
    assert not telegram.unknown_methods
