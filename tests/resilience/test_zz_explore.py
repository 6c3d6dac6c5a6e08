import logging
from tests.resilience.support import *
from tests.resilience.conftest import new_user_id

async def test_explore(res_harness, caplog):
    h = res_harness
    a = await register(h, new_user_id(), "Анна")
    await open_workout(a)
    m = a.screen()
    for row in m.reply_markup.inline_keyboard:
        for b in row: print(repr(b.text), repr(b.callback_data))
    intent = callback_data_of(m, "✅ Завершить тренировку").split("\x1d")[0]
    for data in [f"{intent}\x1dexercise:99", f"{intent}\x1dexercise:abc", "garbage", f"{intent}\x1dnope", f"{intent}\x1d"]:
        caplog.clear()
        n = len(h.bot.calls); k = len(h.messages.sent_messages)
        with caplog.at_level(logging.INFO):
            try:
                await h.dp.feed_update(h.bot, callback_update(a, data, message=m))
            except Exception as e:
                print("RAISED", repr(e))
        print("==", repr(data))
        print("   calls", h.bot.calls[n:])
        print("   screens", [x.text[:60] for x in h.messages.sent_messages[k:]])
        print("   answered", h.messages.answered_callbacks[-1:] )
        for r in caplog.records: print("   LOG", r.name, r.levelname, r.getMessage()[:120])
