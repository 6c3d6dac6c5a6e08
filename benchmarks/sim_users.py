"""Simulated users: scripts of a registration and a workout, fed as real updates."""

from __future__ import annotations

import asyncio
import itertools
import re
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.types import Update

from benchmarks.bot_under_test import (
    TrackedWorkoutService,
)
from benchmarks.fake_telegram import ScreenRecorder
from benchmarks.sql_counter import SqlCounter
from dialogs.profile_text import EQUIPMENT, FREQUENCIES, GENDERS, GOALS, LEVELS
from trainer_bot.db.enums import EquipmentType

# Telegram sends unix times; a fixed one keeps updates identical from run to run.
FIXED_DATE = 1_772_442_000

_update_ids = itertools.count(1)
_callback_ids = itertools.count(1)


@dataclass(frozen=True, slots=True)
class Action:
    step: str
    kind: str  # "say" or "press"
    arg: str | re.Pattern[str]
    wait_generation: bool = False  # wait until the background workout is on screen


def _label(text: str) -> re.Pattern[str]:
    return re.compile(re.escape(text))


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",")


def registration_script(index: int) -> list[Action]:
    """A typical adult answering every question; answers vary with `index` so profiles do."""
    male = index % 2 == 0
    height = (172 if male else 160) + index % 17
    age = 18 + index % 45
    bmi = 21.5 + index % 5
    weight = round(bmi * (height / 100) ** 2, 1)
    goal_value, goal_label = GOALS[(index // 3) % 3]
    target = {"weight_loss": weight - 5, "mass_gain": weight + 4}.get(goal_value, weight)
    equipment_value, equipment_label = EQUIPMENT[(index // 27) % 2]
    at_home = (
        [  # «Свой вес» asks what the user has at home
            Action("home_equipment", "press", _label("Турник")),
            Action("home_done", "press", _label("Готово")),
        ]
        if equipment_value == EquipmentType.BODYWEIGHT
        else []
    )
    return [
        Action("start", "say", "/start"),
        Action("begin", "press", _label("🚀 Начать")),
        Action("gender", "press", _label(GENDERS[0 if male else 1][1])),
        Action("age", "say", str(age)),
        Action("height", "say", str(height)),
        Action("weight", "say", _fmt(weight)),
        Action("level", "press", _label(LEVELS[index % 3][1])),
        Action("goal", "press", _label(goal_label)),
        Action("target_weight", "say", _fmt(round(target, 1))),
        Action("frequency", "press", _label(FREQUENCIES[(index // 9) % 3][1])),
        Action("equipment", "press", _label(equipment_label)),
        *at_home,
        Action("confirm", "press", _label("✅ Всё верно")),
    ]


# Every step, the home-equipment question included (user 27 trains with their own weight).
REGISTRATION_STEPS = [action.step for action in registration_script(27)]
REGISTRATION_DONE = "главное меню"


def workout_script() -> list[Action]:
    return [
        Action("get_workout", "press", _label("🏋️ Получить тренировку"), wait_generation=True),
        Action("view_exercise", "press", re.compile(r"1\. .+")),
        Action("back_to_workout", "press", _label("◀️ К тренировке")),
        Action("complete", "press", _label("✅ Завершить тренировку")),
    ]


WORKOUT_STEPS = [action.step for action in workout_script()]
WORKOUT_DONE = "Отличная работа"


class FlowError(AssertionError):
    pass


@dataclass
class Latencies:
    """Seconds per update, by step."""

    by_step: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))

    def add(self, step: str, seconds: float) -> None:
        self.by_step[step].append(seconds)

    def values(self, steps: Iterable[str] | None = None) -> list[float]:
        wanted = self.by_step.keys() if steps is None else steps
        return [v for step in wanted for v in self.by_step.get(step, [])]


class SimUser:
    """One Telegram user: builds real `Update`s (mounted on the bot, as polling does),
    feeds them one at a time and times each `feed_update`."""

    def __init__(
        self,
        *,
        dp: Dispatcher,
        bot: Bot,
        screens: ScreenRecorder,
        user_id: int,
        latencies: Latencies | None = None,
        sql: SqlCounter | None = None,
        service: TrackedWorkoutService | None = None,
        any_button: bool = False,
    ) -> None:
        self.dp = dp
        self.bot = bot
        self.screens = screens
        self.user_id = user_id
        self.latencies = latencies
        self.sql = sql
        self.service = service
        self.any_button = any_button  # bare aiogram: one "next" button on every answer
        self._user = {
            "id": user_id,
            "is_bot": False,
            "first_name": f"Атлет{user_id % 1000}",
            "language_code": "ru",
        }
        self._chat = {"id": user_id, "type": "private", "first_name": self._user["first_name"]}
        self._message_ids = itertools.count(1)

    def text(self) -> str:
        screen = self.screens.screens.get(self.user_id)
        return screen.text if screen is not None else ""

    def message_update(self, text: str) -> Update:
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": FIXED_DATE,
            "chat": self._chat,
            "from": self._user,
            "text": text,
        }
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return Update.model_validate(
            {"update_id": next(_update_ids), "message": message}, context={"bot": self.bot}
        )

    def callback_update(self, pattern: re.Pattern[str]) -> Update:
        screen = self.screens.screens.get(self.user_id)
        if screen is None or screen.markup is None:
            raise FlowError(f"user {self.user_id}: no buttons on screen {self.text()[:200]!r}")
        buttons = [b for row in screen.markup.inline_keyboard for b in row if b.callback_data]
        if not self.any_button:
            buttons = [b for b in buttons if pattern.fullmatch(b.text)]
        if not buttons:
            labels = [b.text for row in screen.markup.inline_keyboard for b in row]
            raise FlowError(
                f"user {self.user_id}: no button {pattern.pattern!r} among {labels} "
                f"on screen {screen.text[:200]!r}"
            )
        message = {
            "message_id": screen.message_id,
            "date": FIXED_DATE,
            "chat": self._chat,
            "from": {"id": 123456789, "is_bot": True, "first_name": "Trainer"},
            "text": screen.text,
            "reply_markup": screen.markup.model_dump(exclude_none=True),
        }
        callback = {
            "id": str(next(_callback_ids)),
            "from": self._user,
            "chat_instance": "bench",
            "data": buttons[0].callback_data,
            "message": message,
        }
        return Update.model_validate(
            {"update_id": next(_update_ids), "callback_query": callback},
            context={"bot": self.bot},
        )

    async def act(self, action: Action) -> None:
        if action.kind == "say":
            update = self.message_update(str(action.arg))
        else:
            assert isinstance(action.arg, re.Pattern)
            update = self.callback_update(action.arg)
        waiter = None
        if action.wait_generation and self.service is not None:
            waiter = self.service.expect(self.user_id)
        started = time.perf_counter()
        if self.sql is not None:
            with self.sql.step(action.step):
                await self.dp.feed_update(self.bot, update)
        else:
            await self.dp.feed_update(self.bot, update)
        if self.latencies is not None:
            self.latencies.add(action.step, time.perf_counter() - started)
        if waiter is not None:
            await asyncio.wait_for(waiter, timeout=120)

    async def run(self, script: Sequence[Action], expect: str | None = None) -> None:
        for action in script:
            await self.act(action)
        if expect is not None and expect not in self.text():
            raise FlowError(
                f"user {self.user_id}: expected {expect!r} on screen, got {self.text()[:300]!r}"
            )


async def run_pool(
    items: Sequence[int], work: Callable[[int], Awaitable[None]], concurrency: int
) -> float:
    """Run `work(item)` for every item, `concurrency` at a time; returns the wall time."""
    iterator = iter(items)

    async def worker() -> None:
        for item in iterator:
            await work(item)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(max(1, min(concurrency, len(items))))))
    return time.perf_counter() - started
