import pytest
from aiogram import Router, F
from aiogram.types import Message
from aiogram_dialog import DialogManager, StartMode, ShowMode
from dialogs.states import MenuSG, StartSG
from trainer_bot.services.users import get_user
from tests.resilience import test_redis_lost as m

async def on_unexpected_message(message: Message, dialog_manager: DialogManager, session) -> None:
    if dialog_manager.has_context():
        await message.answer("Я отвечаю на кнопки под сообщением 👇")
        await dialog_manager.show(ShowMode.SEND)
        return
    registered = await get_user(session, message.chat.id) is not None
    await message.answer("Этот разговор я потерял — открыл актуальный экран 👇")
    await dialog_manager.start(MenuSG.main if registered else StartSG.greeting, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)

@pytest.mark.parametrize("registered", [False, True])
async def test_fix(res_harness, redis, redis_prefix, registered):
    r = Router(); r.message.register(on_unexpected_message)
    res_harness.dp.include_router(r)
    await m.test_text_after_state_loss_gets_an_answer.__wrapped__(res_harness, redis, redis_prefix, registered) if hasattr(m.test_text_after_state_loss_gets_an_answer, "__wrapped__") else await m.test_text_after_state_loss_gets_an_answer(res_harness, redis, redis_prefix, registered)
    print(res_harness.bot.sent_texts()[-1])
