import logging
from tests.resilience.support import *
from tests.resilience.conftest import new_user_id
from aiogram.types import Chat, User as TgUser
async def test_explore(res_harness, caplog):
    h = res_harness
    a = UserSession(h, new_user_id(), "Анна")
    m = Message(message_id=1, date=datetime.now(UTC), chat=a.client.chat, text="x")
    for data in ["garbage", "abc\x1dcomplete"]:
        caplog.clear()
        n = len(h.bot.calls)
        with caplog.at_level(logging.INFO):
            upd = callback_update(a, data, message=m)
            await h.dp.feed_update(h.bot, upd)
        print("==", repr(data), upd.callback_query.id in h.messages.answered_callbacks)
        print("   calls", h.bot.calls[n:])
        for r in caplog.records: print("   LOG", r.name, r.levelname, r.getMessage()[:120])
