"""The fake Bot API server, driven by a real aiogram Bot over HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.filters import CommandStart
from aiogram.types import (
    BotCommand,
    CallbackQuery,
    FSInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)

from tests.fakes.telegram_server import (
    REDACTED,
    FakeTelegramServer,
    telegram_server,  # noqa: F401 - the fixture
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
WELCOME_VIDEO = PROJECT_ROOT / "trainer_bot" / "assets" / "welcome_video_note.mp4"
USER = 7001


def make_bot(server: FakeTelegramServer, token: str | None = None) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(server.url))
    return Bot(
        token or server.token,
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )


@pytest.fixture
async def bot(telegram_server: FakeTelegramServer) -> AsyncIterator[Bot]:  # noqa: F811
    bot = make_bot(telegram_server)
    yield bot
    await bot.session.close()


def keyboard(*labels: str) -> InlineKeyboardMarkup:
    buttons = [[InlineKeyboardButton(text=label, callback_data=f"cb:{label}")] for label in labels]
    return InlineKeyboardMarkup(inline_keyboard=buttons)


async def test_get_me_and_a_wrong_token(telegram_server: FakeTelegramServer, bot: Bot) -> None:  # noqa: F811
    me = await bot.get_me()
    assert me.is_bot
    assert me.id == int(telegram_server.token.split(":")[0])
    assert me.username == "fake_trainer_bot"

    stranger = make_bot(telegram_server, token="987654321:not-the-right-token-xyz")
    try:
        with pytest.raises(TelegramUnauthorizedError):
            await stranger.get_me()
    finally:
        await stranger.session.close()

    assert [call.status for call in telegram_server.calls_of("getMe")] == [200, 401]
    secret = telegram_server.token.split(":")[1]
    for call in telegram_server.calls:
        assert call.path == f"/bot{REDACTED}/getMe"
        assert secret not in repr(call)


async def test_messages_edits_and_deletions(telegram_server: FakeTelegramServer, bot: Bot) -> None:  # noqa: F811
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(USER, "Привет")  # the user has not written to the bot yet
    user_message_id = await telegram_server.send_text(USER, "привет")

    sent = await bot.send_message(
        USER, "<b>Привет!</b> Выбери &lt;цель&gt;", reply_markup=keyboard("Масса", "Сила")
    )
    assert sent.message_id == user_message_id + 1  # ids grow per chat, both directions
    assert sent.text == "Привет! Выбери <цель>"
    assert sent.entities is not None and sent.entities[0].type == "bold"

    edited = await bot.edit_message_text(
        "Цель: <i>сила</i>", chat_id=USER, message_id=sent.message_id, reply_markup=keyboard("Ок")
    )
    assert isinstance(edited, Message) and edited.edit_date is not None
    view = telegram_server.chat(USER)[sent.message_id]
    assert (view.kind, view.text, view.edited) == ("text", "Цель: сила", True)
    assert [[b.text for b in row] for row in view.reply_markup] == [["Ок"]]
    assert view.button("Ок").callback_data == "cb:Ок"

    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            "Цель: <i>сила</i>",
            chat_id=USER,
            message_id=sent.message_id,
            reply_markup=keyboard("Ок"),
        )
    # Same text without reply_markup is a change: Telegram drops the keyboard.
    await bot.edit_message_text("Цель: <i>сила</i>", chat_id=USER, message_id=sent.message_id)
    assert telegram_server.chat(USER)[sent.message_id].reply_markup == []
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_reply_markup(chat_id=USER, message_id=sent.message_id)

    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("x", chat_id=USER, message_id=999)
    with pytest.raises(TelegramBadRequest, match="message can't be edited"):
        await bot.edit_message_text("x", chat_id=USER, message_id=user_message_id)
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(USER, "я" * 4097)
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(USER, "вес <80 кг")
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        long_data = InlineKeyboardButton(text="x", callback_data="x" * 65)
        await bot.send_message(
            USER, "x", reply_markup=InlineKeyboardMarkup(inline_keyboard=[[long_data]])
        )

    assert await bot.delete_message(USER, sent.message_id)
    assert sent.message_id not in telegram_server.chat(USER)
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(USER, sent.message_id)
    assert telegram_server.last_message(USER, sender=None).text == "привет"

    telegram_server.block(USER)
    with pytest.raises(TelegramForbiddenError, match="blocked"):
        await bot.send_message(USER, "Ты тут?")


async def test_video_note_upload_then_by_file_id(
    telegram_server: FakeTelegramServer,  # noqa: F811
    bot: Bot,
) -> None:
    assert WELCOME_VIDEO.is_file(), "run scripts/make_welcome_video.sh"
    await telegram_server.send_command(USER, "start")

    first = await bot.send_video_note(USER, FSInputFile(WELCOME_VIDEO), length=384, duration=7)
    assert first.video_note is not None
    file_id = first.video_note.file_id
    assert file_id.startswith("DQAC")
    assert first.video_note.length == 384
    assert telegram_server.file_bytes(file_id) == WELCOME_VIDEO.read_bytes()
    upload = telegram_server.calls_of("sendVideoNote")[0]
    assert upload.params["video_note"].startswith("attach://")
    assert next(iter(upload.files.values())).filename == WELCOME_VIDEO.name

    second = await bot.send_video_note(USER, file_id)
    assert second.video_note is not None and second.video_note.file_id == file_id
    assert second.message_id == first.message_id + 1
    assert [m.kind for m in telegram_server.chat(USER).values()] == [
        "text",
        "video_note",
        "video_note",
    ]

    downloaded = await bot.download(file_id)
    assert downloaded is not None and downloaded.read() == WELCOME_VIDEO.read_bytes()

    with pytest.raises(TelegramBadRequest, match="wrong file identifier"):
        await bot.send_video_note(USER, "DQACAgIAAxkBAA-no-such-file")


async def test_get_updates_long_polling_and_offsets(
    telegram_server: FakeTelegramServer,  # noqa: F811
    bot: Bot,
) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    poll = asyncio.create_task(bot.get_updates(timeout=3))
    await asyncio.sleep(0.1)
    assert not poll.done()  # long polling waits for an update
    await telegram_server.send_command(USER, "start")
    updates = await asyncio.wait_for(poll, 2)
    assert loop.time() - started < 1.5  # woke up on the push, not after the timeout
    assert len(updates) == 1
    message = updates[0].message
    assert message is not None and message.text == "/start"
    assert message.from_user is not None and message.from_user.id == USER
    assert message.chat.type == "private"

    first_id = updates[0].update_id
    # Not acknowledged yet: the same update comes again.
    again = await bot.get_updates(offset=first_id, timeout=0)
    assert [u.update_id for u in again] == [first_id]

    await telegram_server.send_text(USER, "раз")
    await telegram_server.send_text(USER, "два")
    both = await bot.get_updates(offset=first_id + 1, timeout=0)
    assert [u.message.text for u in both if u.message] == ["раз", "два"]
    last = await bot.get_updates(offset=both[1].update_id, limit=5, timeout=0)
    assert [u.update_id for u in last] == [both[1].update_id]
    assert await bot.get_updates(offset=both[1].update_id + 1, timeout=0) == []
    assert telegram_server.pending_updates == []

    # A second poller terminates the first one, as with two bot instances.
    older = asyncio.create_task(bot.get_updates(timeout=3))
    await asyncio.sleep(0.05)
    newer = asyncio.create_task(bot.get_updates(timeout=3))
    with pytest.raises(TelegramConflictError):
        await asyncio.wait_for(older, 2)
    await telegram_server.send_sticker(USER)
    sticker_updates = await asyncio.wait_for(newer, 2)
    assert sticker_updates[0].message is not None and sticker_updates[0].message.sticker


async def test_callback_queries(telegram_server: FakeTelegramServer, bot: Bot) -> None:  # noqa: F811
    await telegram_server.send_text(USER, "хочу план")
    sent = await bot.send_message(USER, "Где тренируешься?", reply_markup=keyboard("Зал", "Дом"))

    with pytest.raises(LookupError):
        await telegram_server.click(USER, sent.message_id, "cb:Улица")
    query_id = await telegram_server.click_button(USER, "Дом")
    updates = await bot.get_updates(timeout=0)
    callback = updates[-1].callback_query
    assert callback is not None and callback.id == query_id
    assert callback.data == "cb:Дом"
    assert callback.message is not None and callback.message.message_id == sent.message_id
    assert telegram_server.unanswered_callbacks == {query_id}

    assert await bot.answer_callback_query(query_id, text="Принято")
    assert telegram_server.callback_answers[query_id]["text"] == "Принято"
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(query_id)


async def test_retry_after_injection_and_commands(
    telegram_server: FakeTelegramServer,  # noqa: F811
    bot: Bot,
) -> None:
    await telegram_server.send_text(USER, "привет")
    telegram_server.fail_next("sendMessage", times=2, retry_after=3)
    for _ in range(2):
        with pytest.raises(TelegramRetryAfter) as caught:
            await bot.send_message(USER, "Привет")
        assert caught.value.retry_after == 3
    assert (await bot.send_message(USER, "Привет")).text == "Привет"
    assert [c.status for c in telegram_server.calls_of("sendMessage")] == [429, 429, 200]
    telegram_server.fail_next("getMe", drop_connection=True)
    with pytest.raises(TelegramNetworkError):
        await bot.get_me()
    telegram_server.fail_next("getMe", status=502)
    with pytest.raises(TelegramServerError, match="Bad Gateway"):
        await bot.get_me()
    assert (await bot.get_me()).is_bot

    commands = [
        BotCommand(command="start", description="Начать"),
        BotCommand(command="plan", description="План"),
    ]
    assert await bot.set_my_commands(commands)
    assert [c.command for c in await bot.get_my_commands()] == ["start", "plan"]
    assert await bot.get_my_commands(language_code="en") == []

    assert await bot.delete_webhook(drop_pending_updates=True)
    assert telegram_server.pending_updates == []
    assert await bot.send_chat_action(USER, "record_video_note")
    assert await bot.set_chat_menu_button()  # not modelled: answered true and recorded
    assert telegram_server.unknown_methods == ["setChatMenuButton"]


async def test_a_polling_dispatcher_end_to_end(
    telegram_server: FakeTelegramServer,  # noqa: F811
) -> None:
    dp = Dispatcher()

    @dp.message(CommandStart())
    async def start(message: Message) -> None:
        await message.answer(
            f"Привет, <b>{message.from_user.first_name if message.from_user else ''}</b>!",
            reply_markup=keyboard("Начать"),
        )

    @dp.callback_query()
    async def pressed(query: CallbackQuery) -> None:
        assert isinstance(query.message, Message)
        await query.message.edit_text("Поехали!")
        await query.answer()

    telegram_server.add_user(USER, first_name="Анна")
    bot = make_bot(telegram_server)
    polling = asyncio.create_task(dp.start_polling(bot, handle_signals=False, polling_timeout=2))
    try:
        await telegram_server.wait_polling(timeout=3)
        await telegram_server.send_command(USER, "start")
        call = await telegram_server.wait_for("sendMessage", timeout=3)
        assert call.params["text"] == "Привет, <b>Анна</b>!"
        greeting = telegram_server.last_message(USER)
        assert greeting is not None and greeting.text == "Привет, Анна!"

        await telegram_server.click_button(USER, "Начать")
        await telegram_server.wait_for("answerCallbackQuery", timeout=3)
        assert telegram_server.chat(USER)[greeting.message_id].text == "Поехали!"
        assert telegram_server.chat(USER)[greeting.message_id].reply_markup == []
        assert telegram_server.unanswered_callbacks == set()
    finally:
        await dp.stop_polling()
        await asyncio.wait_for(polling, 3)


async def test_message_drafts_are_replaced_by_a_message(
    telegram_server: FakeTelegramServer,  # noqa: F811
    bot: Bot,
) -> None:
    await telegram_server.send_text(USER, "привет")
    await bot.send_message_draft(USER, draft_id=7, text="<b>Жим</b> — 3 × 8")
    await bot.send_message_draft(USER, draft_id=7, text="<b>Жим</b> — 3 × 8\nТяга")
    draft = telegram_server.draft(USER)
    assert draft is not None and (draft.draft_id, draft.text) == (7, "Жим — 3 × 8\nТяга")
    assert [d.text for d in telegram_server.drafts(USER)] == ["Жим — 3 × 8", "Жим — 3 × 8\nТяга"]
    with pytest.raises(TelegramBadRequest, match="TEXTDRAFT_ID_INVALID"):
        await bot.send_message_draft(USER, draft_id=0, text="x")
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message_draft(USER + 1, draft_id=7, text="x")
    await bot.send_message(USER, "Готово")
    assert telegram_server.draft(USER) is None  # the message replaced the draft
    assert len(telegram_server.drafts(USER)) == 2
    assert "sendMessageDraft" not in telegram_server.unknown_methods
