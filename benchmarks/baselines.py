"""The two baselines of table 1, driven by the same simulated users as the bot.

(a) bare aiogram: one message handler and one callback handler on RedisStorage +
    RedisEventIsolation; each reads the FSM data, writes it back (one `get_data`, one
    `set_data`) and answers: a message with `message.answer`, a button with
    `callback.answer()` and `edit_text`. No dialogs, no database.
(b) bare aiogram-dialog: the same windows the user walks through (greeting, nine
    questions, summary, menu; workout, exercise, workout, done) with the same kinds of
    widgets (Select groups, TextInput + MessageInput, Back), on RedisStorage +
    RedisEventIsolation, `setup_dialogs` as the bot calls it. No database, no middlewares.
"""

from __future__ import annotations

from operator import itemgetter
from typing import Any

from aiogram import Dispatcher, Router
from aiogram.enums import ContentType
from aiogram.filters import CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram_dialog import Dialog, DialogManager, ShowMode, StartMode, Window, setup_dialogs
from aiogram_dialog.widgets.input import ManagedTextInput, MessageInput, TextInput
from aiogram_dialog.widgets.kbd import Back, Button, Column, Group, Next, Select, SwitchTo
from aiogram_dialog.widgets.text import Const, Format

from benchmarks.fake_telegram import ScreenRecorder, canned_bot
from dialogs.profile_text import EQUIPMENT, FREQUENCIES, GENDERS, GOALS, LEVELS
from tests.fakes.recording_bot import RecordingBot
from trainer_bot.app import StateBackend

# --- (a) bare aiogram --------------------------------------------------------------------

NEXT_KEYBOARD = InlineKeyboardMarkup(
    inline_keyboard=[[InlineKeyboardButton(text="Далее", callback_data="next")]]
)


async def _bare_message(message: Message, state: FSMContext) -> None:
    step = int((await state.get_data()).get("step", 0)) + 1
    await state.set_data({"step": step, "last": message.text})
    await message.answer(f"Шаг {step}: ответ принят.", reply_markup=NEXT_KEYBOARD)


async def _bare_callback(callback: CallbackQuery, state: FSMContext) -> None:
    step = int((await state.get_data()).get("step", 0)) + 1
    await state.set_data({"step": step, "last": callback.data})
    await callback.answer()
    assert isinstance(callback.message, Message)
    await callback.message.edit_text(f"Шаг {step}: выбор принят.", reply_markup=NEXT_KEYBOARD)


def build_bare_aiogram(state: StateBackend) -> tuple[Dispatcher, RecordingBot, ScreenRecorder]:
    dp = Dispatcher(storage=state.storage, events_isolation=state.events_isolation)
    router = Router(name="bare")
    router.message.register(_bare_message)
    router.callback_query.register(_bare_callback)
    dp.include_router(router)
    screens = ScreenRecorder()
    return dp, canned_bot(screens), screens


# --- (b) bare aiogram-dialog ---------------------------------------------------------------


class BStartSG(StatesGroup):
    greeting = State()


class BRegSG(StatesGroup):
    gender = State()
    age = State()
    height = State()
    weight = State()
    level = State()
    goal = State()
    target_weight = State()
    frequency = State()
    equipment = State()
    home_equipment = State()
    summary = State()


class BMenuSG(StatesGroup):
    main = State()


class BWorkoutSG(StatesGroup):
    view = State()
    exercise = State()
    done = State()


def _number(text: str) -> float:
    return float(text.replace(",", "."))


async def _on_select(
    callback: CallbackQuery, widget: Select[str], manager: DialogManager, item_id: str
) -> None:
    manager.dialog_data[widget.widget_id] = item_id
    if widget.widget_id == "equipment" and item_id != "bodyweight":
        await manager.switch_to(BRegSG.summary)  # only «Свой вес» is asked what is at home
        return
    await manager.next()


async def _on_home_item(
    callback: CallbackQuery, widget: Select[str], manager: DialogManager, item_id: str
) -> None:
    """The same two updates our bot's home question costs: a tick, then «Готово»."""
    manager.dialog_data.setdefault("home", []).append(item_id)


async def _on_text(
    message: Message, widget: ManagedTextInput[float], manager: DialogManager, value: float
) -> None:
    manager.dialog_data[widget.widget_id] = value
    await manager.next()


async def _on_error(
    message: Message, widget: ManagedTextInput[float], manager: DialogManager, error: ValueError
) -> None:
    manager.dialog_data["error"] = str(error)


async def _on_other(message: Message, widget: MessageInput, manager: DialogManager) -> None:
    manager.dialog_data["error"] = "Выбери вариант кнопкой"


async def _progress(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    state = dialog_manager.current_context().state
    states = BRegSG.__all_states__
    number = states.index(state) + 1 if state in states else 9
    return {
        "progress": f"Шаг {min(number, 9)} из 9",
        "error": dialog_manager.dialog_data.get("error"),
    }


async def _summary(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    data = dialog_manager.dialog_data
    return {"answers": "\n".join(f"{key}: <b>{value}</b>" for key, value in data.items())}


def _choice(question: str, widget_id: str, items: list[tuple[str, str]], state: State) -> Window:
    return Window(
        Format("<i>{progress}</i>\n"),
        Format("⚠️ {error}\n", when="error"),
        Const(question),
        Group(
            Select(
                Format("{item[1]}"),
                id=widget_id,
                item_id_getter=itemgetter(0),
                items=items,
                on_click=_on_select,
            ),
            width=2,
        ),
        Back(Const("◀️ Назад")),
        MessageInput(_on_other, content_types=ContentType.ANY),
        state=state,
    )


def _text(question: str, widget_id: str, state: State) -> Window:
    return Window(
        Format("<i>{progress}</i>\n"),
        Format("⚠️ {error}\n", when="error"),
        Const(question),
        TextInput(widget_id, type_factory=_number, on_success=_on_text, on_error=_on_error),
        MessageInput(_on_other, content_types=ContentType.ANY),
        Back(Const("◀️ Назад")),
        state=state,
    )


async def _on_begin(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    await manager.start(BRegSG.gender)


async def _on_confirm(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    await callback.answer("Анкета сохранена ✅")
    await manager.start(BMenuSG.main, mode=StartMode.RESET_STACK)


async def _on_get_workout(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    await manager.start(BWorkoutSG.view, data={"workout_id": 1})


async def _on_exercise(
    callback: CallbackQuery, widget: Select[int], manager: DialogManager, position: int
) -> None:
    manager.dialog_data["position"] = position
    await manager.switch_to(BWorkoutSG.exercise)


async def _on_complete(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    await callback.answer("Тренировка выполнена 💪")
    await manager.switch_to(BWorkoutSG.done)


WORKOUT_LINES = "\n".join(
    f"{n}. <b>Упражнение {n}</b> — 3 × 8–12, 40 кг, отдых 90 с" for n in range(1, 6)
)


async def _workout(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    return {
        "title": "Верх тела",
        "lines": WORKOUT_LINES,
        "exercises": [(n, f"{n}. Упражнение {n}") for n in range(1, 6)],
    }


async def _exercise(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    position = int(dialog_manager.dialog_data.get("position", 1))
    return {"name": f"Упражнение {position}", "counter": f"{position} из 5"}


def _dialogs() -> list[Dialog]:
    start = Dialog(
        Window(
            Format("Привет, {event.from_user.first_name}! 👋"),
            Const("\nЯ твой AI-тренер. Сначала пара вопросов о тебе."),
            Button(Const("🚀 Начать"), id="begin", on_click=_on_begin),
            state=BStartSG.greeting,
        )
    )
    registration = Dialog(
        _choice("Укажи пол:", "gender", GENDERS, BRegSG.gender),
        _text("Сколько тебе лет?", "age", BRegSG.age),
        _text("Какой у тебя рост в сантиметрах?", "height", BRegSG.height),
        _text("Сколько ты сейчас весишь?", "weight", BRegSG.weight),
        _choice("Какой у тебя опыт?", "level", LEVELS, BRegSG.level),
        _choice("Какая у тебя цель?", "goal", GOALS, BRegSG.goal),
        _text("Какой целевой вес?", "target_weight", BRegSG.target_weight),
        _choice("Сколько раз в неделю?", "frequency", FREQUENCIES, BRegSG.frequency),
        _choice("Где будешь тренироваться?", "equipment", EQUIPMENT, BRegSG.equipment),
        Window(
            Const("Что есть у тебя дома?"),
            Select(
                Format("{item[1]}"),
                id="home",
                item_id_getter=itemgetter(0),
                items=[("bar", "Турник"), ("dumbbells", "Гантели")],
                on_click=_on_home_item,
            ),
            Next(Const("Готово")),
            Back(Const("◀️ Назад")),
            state=BRegSG.home_equipment,
        ),
        Window(
            Const("<b>Проверь анкету</b>\n"),
            Format("{answers}"),
            Button(Const("✅ Всё верно"), id="confirm", on_click=_on_confirm),
            Back(Const("◀️ Назад")),
            state=BRegSG.summary,
            getter=_summary,
        ),
        getter=_progress,
    )
    menu = Dialog(
        Window(
            Format("<b>{event.from_user.first_name}</b>, это главное меню."),
            Button(Const("🏋️ Получить тренировку"), id="get", on_click=_on_get_workout),
            state=BMenuSG.main,
        )
    )
    workout = Dialog(
        Window(
            Format("🏋️ <b>{title}</b>\n"),
            Format("{lines}"),
            Column(
                Select(
                    Format("{item[1]}"),
                    id="exercise",
                    item_id_getter=itemgetter(0),
                    items="exercises",
                    type_factory=int,
                    on_click=_on_exercise,
                )
            ),
            Button(Const("✅ Завершить тренировку"), id="complete", on_click=_on_complete),
            state=BWorkoutSG.view,
            getter=_workout,
        ),
        Window(
            Format("<b>{name}</b> · {counter}"),
            SwitchTo(Const("◀️ К тренировке"), id="to_workout", state=BWorkoutSG.view),
            state=BWorkoutSG.exercise,
            getter=_exercise,
        ),
        Window(Const("🎉 <b>Отличная работа!</b>"), state=BWorkoutSG.done),
    )
    return [start, registration, menu, workout]


async def _cmd_start(message: Message, dialog_manager: DialogManager) -> None:
    await dialog_manager.start(
        BStartSG.greeting, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND
    )


def build_bare_dialog(state: StateBackend) -> tuple[Dispatcher, RecordingBot, ScreenRecorder]:
    dp = Dispatcher(storage=state.storage, events_isolation=state.events_isolation)
    router = Router(name="bare_dialog")
    router.message.register(_cmd_start, CommandStart())
    router.include_routers(*_dialogs())
    dp.include_router(router)
    screens = ScreenRecorder()
    setup_dialogs(dp, message_manager=screens, events_isolation=state.events_isolation)
    return dp, canned_bot(), screens
