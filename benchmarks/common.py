"""Shared pieces of the benchmarks: services, fake Telegram, simulated users, statistics.

Telegram is faked at the bot session level: updates go in with `Dispatcher.feed_update`,
API calls come back from `CannedBot.__call__` with canned results, and aiogram-dialog's
message manager is replaced by `ScreenRecorder`, which keeps only the last screen of each
chat (what a simulated user needs to press the next button) and nothing else, so memory
does not grow with the number of updates.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import logging
import math
import os
import re
import sys
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import asyncpg
from aiogram import Bot, Dispatcher
from aiogram.methods import (
    EditMessageText,
    SendMessage,
    SendVideoNote,
    TelegramMethod,
)
from aiogram.types import Chat, InlineKeyboardMarkup, Message, Update, VideoNote
from aiogram_dialog import ShowMode
from aiogram_dialog.api.entities import NewMessage, OldMessage
from aiogram_dialog.api.protocols import MessageManagerProtocol, MessageNotModified
from redis.asyncio import Redis
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from dialogs.profile_text import EQUIPMENT, FREQUENCIES, GENDERS, GOALS, LEVELS
from trainer_bot.app import (
    StateBackend,
    create_dispatcher,
    create_state_backend,
    freeze_startup,
)
from trainer_bot.catalogue import default_catalogue
from trainer_bot.config import Settings
from trainer_bot.db.engine import create_engine, create_session_factory
from trainer_bot.db.enums import EquipmentType, FitnessLevel, Gender, Goal
from trainer_bot.db.migrations import upgrade_to_head
from trainer_bot.llm import LLMWorkoutGenerator
from trainer_bot.middlewares.throttling import setup_throttling
from trainer_bot.services.catalogue_sync import sync_catalogue_file
from trainer_bot.services.workouts import WorkoutService
from trainer_bot.training.schemas import TrainingProfile

POSTGRES_ADMIN_DSN = os.environ.get("BENCH_POSTGRES_DSN") or os.environ.get(
    "TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/postgres"
)
# A Redis db index of its own (tests use 13); only keys under our prefix are ever deleted.
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")
BENCH_BOT_TOKEN = "123456789:BENCH-token-never-real-abcdefghij"
# Telegram sends unix times; a fixed one keeps updates identical from run to run.
FIXED_DATE = 1_772_442_000
FIXED_DATETIME = datetime.fromtimestamp(FIXED_DATE, UTC)


# --- configuration ------------------------------------------------------------------


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw and raw.strip() else default


@dataclass
class BenchConfig:
    users: int = 200  # table 1: users per system, each registers then takes a workout
    concurrency: int = 20  # table 1: users in flight at once (each one's updates in order)
    sequential_users: int = 20  # tables 1 and 2: users run one at a time (service time)
    warmup_users: int = 5  # per system, before anything is measured
    fallback_rounds: int = 4  # table 3: workouts in a row per profile (history grows)
    llm_users: int = 20  # table 3: workouts through the fake LLM
    llm_delay_ms: int = 300  # table 3: the fake LLM answers after this long
    memory_users: int = 1000  # table 5
    tables: tuple[int, ...] = (1, 2, 3, 4, 5)

    @classmethod
    def from_env(cls) -> BenchConfig:
        base = cls()
        return cls(
            users=_env_int("BENCH_USERS", base.users),
            concurrency=_env_int("BENCH_CONCURRENCY", base.concurrency),
            sequential_users=_env_int("BENCH_SEQUENTIAL_USERS", base.sequential_users),
            warmup_users=_env_int("BENCH_WARMUP_USERS", base.warmup_users),
            fallback_rounds=_env_int("BENCH_FALLBACK_ROUNDS", base.fallback_rounds),
            llm_users=_env_int("BENCH_LLM_USERS", base.llm_users),
            llm_delay_ms=_env_int("BENCH_LLM_DELAY_MS", base.llm_delay_ms),
            memory_users=_env_int("BENCH_MEMORY_USERS", base.memory_users),
        )

    @classmethod
    def parse(cls, argv: Sequence[str] | None = None) -> BenchConfig:
        env = cls.from_env()
        parser = argparse.ArgumentParser(
            prog="python -m benchmarks",
            description="trainer_bot benchmarks: five tables of figures next to targets "
            "(env: BENCH_USERS, BENCH_CONCURRENCY, BENCH_SEQUENTIAL_USERS, BENCH_LLM_USERS, "
            "BENCH_LLM_DELAY_MS, BENCH_MEMORY_USERS, BENCH_POSTGRES_DSN, BENCH_REDIS_URL)",
        )
        parser.add_argument("--users", type=int, default=env.users)
        parser.add_argument("--concurrency", type=int, default=env.concurrency)
        parser.add_argument("--sequential-users", type=int, default=env.sequential_users)
        parser.add_argument("--warmup-users", type=int, default=env.warmup_users)
        parser.add_argument("--fallback-rounds", type=int, default=env.fallback_rounds)
        parser.add_argument("--llm-users", type=int, default=env.llm_users)
        parser.add_argument("--llm-delay-ms", type=int, default=env.llm_delay_ms)
        parser.add_argument("--memory-users", type=int, default=env.memory_users)
        parser.add_argument(
            "--only", default="1,2,3,4,5", help="comma-separated table numbers, e.g. 1,3"
        )
        args = parser.parse_args(argv)
        tables = tuple(sorted({int(part) for part in args.only.split(",") if part.strip()}))
        return cls(
            users=args.users,
            concurrency=max(1, args.concurrency),
            sequential_users=args.sequential_users,
            warmup_users=args.warmup_users,
            fallback_rounds=max(1, args.fallback_rounds),
            llm_users=args.llm_users,
            llm_delay_ms=args.llm_delay_ms,
            memory_users=args.memory_users,
            tables=tables,
        )


# --- services: our own Postgres database and Redis key prefix -----------------------


class ServiceUnavailableError(RuntimeError):
    pass


@dataclass
class BenchEnv:
    database_url: str
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    redis: Redis
    prefix: str

    def state(self, name: str, *, shared_locks: bool) -> StateBackend:
        """RedisStorage under `<prefix>:<name>`, as the bot builds it; per-user locks in Redis
        (`shared_locks`, webhook replicas) or in the process (polling)."""
        return create_state_backend(
            self.redis, shared_locks=shared_locks, key_prefix=f"{self.prefix}:{name}"
        )


async def _admin() -> asyncpg.Connection:
    try:
        return await asyncpg.connect(POSTGRES_ADMIN_DSN, timeout=5)
    except (OSError, asyncpg.PostgresError) as error:
        raise ServiceUnavailableError(
            f"PostgreSQL is not reachable at {POSTGRES_ADMIN_DSN} (BENCH_POSTGRES_DSN): {error}"
        ) from None


async def _migrate_in_subprocess(url: str) -> None:
    """`upgrade_to_head` in a child process: Alembic (~11 MiB) never enters this one,
    as it never enters the running bot's."""
    code = (
        "import asyncio, sys\n"
        "from trainer_bot.db.migrations import upgrade_to_head\n"
        "asyncio.run(upgrade_to_head(sys.argv[1]))\n"
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", code, url, stderr=asyncio.subprocess.PIPE
    )
    _, stderr = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"migrations failed: {stderr.decode(errors='replace')[-2000:]}")


@asynccontextmanager
async def bench_env(*, migrate_in_subprocess: bool = False) -> AsyncIterator[BenchEnv]:
    """A fresh migrated database with the catalogue, and a Redis key prefix; both removed.
    `migrate_in_subprocess`: keep Alembic out of this process (the memory benchmark)."""
    redis = Redis.from_url(REDIS_URL)
    try:
        await redis.ping()
    except Exception as error:
        await redis.aclose()
        raise ServiceUnavailableError(
            f"Redis is not reachable at {REDIS_URL} (BENCH_REDIS_URL): {error}"
        ) from None
    name = f"trainer_bot_bench_{uuid.uuid4().hex[:10]}"
    admin = await _admin()
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    base = POSTGRES_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    url = f"{base}/{name}"
    prefix = f"trainer_bot_bench:{uuid.uuid4().hex[:12]}"
    engine: AsyncEngine | None = None
    try:
        if migrate_in_subprocess:
            await _migrate_in_subprocess(url)
        else:
            await upgrade_to_head(url)
        engine = create_engine(url)
        await sync_catalogue_file(engine)
        session_factory = create_session_factory(engine)
        yield BenchEnv(url, engine, session_factory, redis, prefix)
    finally:
        keys = [key async for key in redis.scan_iter(match=f"{prefix}:*", count=1000)]
        for start in range(0, len(keys), 1000):
            await redis.delete(*keys[start : start + 1000])
        await redis.aclose()
        if engine is not None:
            await engine.dispose()
        admin = await _admin()
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


def make_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {"bot_token": BENCH_BOT_TOKEN, "log_file": None, **overrides}
    return Settings(_env_file=None, **values)


# --- fake Telegram --------------------------------------------------------------------


@dataclass(slots=True)
class Screen:
    message_id: int
    text: str
    markup: InlineKeyboardMarkup | None
    shown_at: float  # time.perf_counter()


class ScreenRecorder(MessageManagerProtocol):
    """aiogram-dialog's message manager, cheap: the last screen of each chat, nothing more."""

    def __init__(self) -> None:
        self.screens: dict[int, Screen] = {}
        self._message_ids = itertools.count(1)
        self.shown = 0
        self.answered_callbacks = 0

    async def remove_kbd(
        self, bot: Bot, show_mode: ShowMode, old_message: OldMessage | None
    ) -> Message | None:
        return None

    async def answer_callback(self, bot: Bot, callback_query: Any) -> None:
        self.answered_callbacks += 1

    async def show_message(
        self, bot: Bot, new_message: NewMessage, old_message: OldMessage | None
    ) -> OldMessage:
        if new_message.show_mode is ShowMode.NO_UPDATE:
            raise MessageNotModified
        message_id = next(self._message_ids)
        markup = new_message.reply_markup
        self.record(
            new_message.chat.id,
            message_id,
            new_message.text or "",
            markup if isinstance(markup, InlineKeyboardMarkup) else None,
        )
        media = new_message.media
        return OldMessage(
            message_id=message_id,
            chat=new_message.chat,
            text=new_message.text,
            media_id=f"bench-media-{message_id}" if media else None,
            media_uniq_id=f"bench-media-{message_id}" if media else None,
            has_reply_keyboard=False,
        )

    def record(
        self, chat_id: int, message_id: int, text: str, markup: InlineKeyboardMarkup | None
    ) -> None:
        self.shown += 1
        self.screens[chat_id] = Screen(message_id, text, markup, time.perf_counter())

    def forget(self, chat_id: int) -> None:
        self.screens.pop(chat_id, None)


class CannedBot(Bot):
    """A Bot whose API calls never leave the process: canned results, calls only counted.

    With `screens`, messages the handlers send or edit themselves (bare aiogram) are
    recorded as the chat's screen too.
    """

    def __init__(self, screens: ScreenRecorder | None = None) -> None:
        super().__init__(BENCH_BOT_TOKEN)
        self.calls: Counter[str] = Counter()
        self._message_ids = itertools.count(1_000_000)
        self._screens = screens

    async def __call__(
        self, method: TelegramMethod[Any], request_timeout: int | None = None
    ) -> Any:
        self.calls[type(method).__name__] += 1
        if isinstance(method, (SendMessage, EditMessageText)):
            chat_id = int(method.chat_id or 0)
            message_id = (
                method.message_id
                if isinstance(method, EditMessageText) and method.message_id
                else next(self._message_ids)
            )
            markup = method.reply_markup
            markup = markup if isinstance(markup, InlineKeyboardMarkup) else None
            if self._screens is not None:
                self._screens.record(chat_id, message_id, method.text or "", markup)
            return Message(
                message_id=message_id,
                date=FIXED_DATETIME,
                chat=Chat(id=chat_id, type="private"),
                text=method.text,
                reply_markup=markup,
            )
        if isinstance(method, SendVideoNote):
            file_id = method.video_note if isinstance(method.video_note, str) else "bench-note"
            return Message(
                message_id=next(self._message_ids),
                date=FIXED_DATETIME,
                chat=Chat(id=int(method.chat_id), type="private"),
                video_note=VideoNote(
                    file_id=file_id, file_unique_id=file_id, length=384, duration=7
                ),
            )
        return True


# --- SQL statements per update ---------------------------------------------------------


@dataclass(slots=True)
class SqlCell:
    statements: int = 0
    checkouts: int = 0  # connection checkouts: each costs a pre-ping round trip
    redis: int = 0  # Redis commands (FSM storage, dialog stack and context, locks)
    texts: list[str] | None = None  # the statements themselves, when asked for


_SQL_CELL: ContextVar[SqlCell | None] = ContextVar("bench_sql_cell", default=None)


class SqlCounter:
    """Counts statements (`before_cursor_execute`), pool checkouts and, when given the
    client, Redis commands per labelled step.

    The label lives in a context variable: SQLAlchemy's greenlets inherit the asyncio
    task's context, so concurrent users never mix their counts.
    """

    def __init__(self, engine: AsyncEngine, *, keep_texts: bool = False) -> None:
        self._engine = engine.sync_engine
        self.samples: dict[str, list[SqlCell]] = defaultdict(list)
        self.unattributed = SqlCell()
        self.keep_texts = keep_texts
        self._redis: Redis | None = None

    def install(self, redis: Redis | None = None) -> None:
        event.listen(self._engine, "before_cursor_execute", self._on_execute)
        event.listen(self._engine, "checkout", self._on_checkout)
        if redis is not None:
            inner = redis.execute_command

            async def counted(*args: Any, **options: Any) -> Any:
                cell = _SQL_CELL.get() or self.unattributed
                cell.redis += 1
                if cell.texts is not None:
                    cell.texts.append(f"redis {args[0]}")
                return await inner(*args, **options)  # type: ignore[no-untyped-call]

            redis.execute_command = counted  # type: ignore[method-assign]
            self._redis = redis

    def remove(self) -> None:
        event.remove(self._engine, "before_cursor_execute", self._on_execute)
        event.remove(self._engine, "checkout", self._on_checkout)
        if self._redis is not None:
            del self._redis.execute_command  # the class's method again
            self._redis = None

    def _on_execute(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        cell = _SQL_CELL.get() or self.unattributed
        cell.statements += 1
        if cell.texts is not None:
            cell.texts.append(" ".join(statement.split())[:160])

    def _on_checkout(self, *_: Any) -> None:
        (_SQL_CELL.get() or self.unattributed).checkouts += 1

    @contextmanager
    def step(self, label: str) -> Iterator[SqlCell]:
        cell = SqlCell(texts=[] if self.keep_texts else None)
        token = _SQL_CELL.set(cell)
        try:
            yield cell
        finally:
            _SQL_CELL.reset(token)
            self.samples[label].append(cell)


class _LabelledBgManager:
    """A BgManager whose `fg()` block (where the workout screen is rendered after the
    background generation) counts its SQL under its own label."""

    def __init__(self, inner: Any, counter: SqlCounter, label: str) -> None:
        self._inner = inner
        self._counter = counter
        self._label = label

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    @asynccontextmanager
    async def fg(self) -> AsyncIterator[Any]:
        with self._counter.step(self._label):
            async with self._inner.fg() as manager:
                yield manager


def label_background_screens(dp: Dispatcher, counter: SqlCounter, label: str) -> None:
    """Count the SQL of `fg()` blocks (the workout screen shown after the background
    generation) under `label`: wraps the bg manager factory that aiogram-dialog's
    middlewares hand to handlers."""
    for observer in dp.observers.values():
        for middleware in list(observer.outer_middleware):
            factory = getattr(middleware, "bg_manager_factory", None)
            if factory is not None:
                inner = factory.bg

                def labelled(*args: Any, _inner: Any = inner, **kwargs: Any) -> Any:
                    return _LabelledBgManager(_inner(*args, **kwargs), counter, label)

                factory.bg = labelled
                return
    raise RuntimeError("aiogram-dialog's bg manager factory was not found")


# --- the bot under test -----------------------------------------------------------------

BG_GENERATE = "bg: generate + save"
BG_SHOW = "bg: show workout"


class TrackedWorkoutService(WorkoutService):
    """The real service; it also lets a simulated user wait for its own background
    generation, times it, and labels its SQL."""

    def __init__(self, *args: Any, sql: SqlCounter | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sql = sql
        self._waiters: dict[str, asyncio.Future[float]] = {}
        self.generation_seconds: list[float] = []

    def expect(self, telegram_id: int) -> asyncio.Future[float]:
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._waiters[f"workout-for-{telegram_id}"] = future
        return future

    def spawn(self, coroutine: Any, name: str) -> None:
        super().spawn(self._tracked(coroutine, name), name)

    async def _tracked(self, coroutine: Any, name: str) -> None:
        started = time.perf_counter()
        try:
            if self.sql is not None:
                with self.sql.step(BG_GENERATE):
                    await coroutine
            else:
                await coroutine
        finally:
            ended = time.perf_counter()
            self.generation_seconds.append(ended - started)
            waiter = self._waiters.pop(name, None)
            if waiter is not None and not waiter.done():
                waiter.set_result(ended)


@dataclass
class BotUnderTest:
    dp: Dispatcher
    bot: CannedBot
    screens: ScreenRecorder
    service: TrackedWorkoutService


def build_bot_under_test(
    env: BenchEnv,
    state_name: str,
    *,
    settings: Settings | None = None,
    llm: LLMWorkoutGenerator | None = None,
    sql: SqlCounter | None = None,
    shared_locks: bool = False,
) -> BotUnderTest:
    """Our Dispatcher exactly as `create_dispatcher` builds it, on Postgres and Redis; by
    default with the in-process per-user locks of the polling bot (`shared_locks=True`: the
    Redis locks of webhook mode)."""
    settings = settings or make_settings()
    service = TrackedWorkoutService(
        settings=settings,
        session_factory=env.session_factory,
        catalogue=default_catalogue(),
        llm=llm,
        sql=sql,
    )
    screens = ScreenRecorder()
    dp = create_dispatcher(
        session_factory=env.session_factory,
        state=env.state(state_name, shared_locks=shared_locks),
        settings=settings,
        message_manager=screens,
        workout_service=service,
    )
    # The running bot's rate limiter (build_application): in the process when polling, in
    # Redis for webhook replicas; a burst no simulated user reaches, so only its cost counts.
    setup_throttling(dp, env.redis if shared_locks else None, burst=1_000_000)
    if sql is not None:
        label_background_screens(dp, sql, BG_SHOW)
    bot = CannedBot()
    freeze_like_the_bot()  # start-up is done, as in run_application
    return BotUnderTest(dp, bot, screens, service)


# --- simulated users ----------------------------------------------------------------------

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
        Action("equipment", "press", _label(EQUIPMENT[(index // 27) % 2][1])),
        Action("confirm", "press", _label("✅ Всё верно")),
    ]


REGISTRATION_STEPS = [action.step for action in registration_script(0)]
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


# --- statistics and printing --------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of `values`; nan when empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else math.nan


def ms(seconds: float) -> str:
    if math.isnan(seconds):
        return "-"
    value = seconds * 1000
    return f"{value:.2f}" if value < 10 else f"{value:.1f}" if value < 100 else f"{value:.0f}"


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def print_table(
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    notes: Sequence[str] = (),
) -> None:
    cells = [[str(c) for c in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        parts = [
            row[i].ljust(widths[i]) if i == 0 else row[i].rjust(widths[i]) for i in range(len(row))
        ]
        return "  ".join(parts).rstrip()

    rule = "-" * len(line(cells[0]))
    print(f"\n{title}\n{'=' * len(title)}")
    print(line(cells[0]))
    print(rule)
    for row in cells[1:]:
        print(line(row))
    for note in notes:
        print(f"  {note}")
    print(flush=True)


class GcPauses:
    """Garbage collector pauses while active (`with GcPauses() as pauses:`), by generation:
    a full (generation 2) collection walks every tracked object, and aiogram's imported
    models alone are hundreds of thousands of them."""

    def __init__(self) -> None:
        self.pauses: dict[int, list[float]] = {0: [], 1: [], 2: []}
        self._started = 0.0

    def __enter__(self) -> GcPauses:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *_: object) -> None:
        gc.callbacks.remove(self._callback)

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.pauses[info["generation"]].append(time.perf_counter() - self._started)

    def summary(self) -> str:
        parts = []
        for generation in (2, 1, 0):
            values = self.pauses[generation]
            if values:
                parts.append(
                    f"gen{generation} {len(values)}x (max {ms(max(values))} ms, "
                    f"total {ms(sum(values))} ms)"
                )
        return ", ".join(parts) or "none"


class LogProblems(logging.Handler):
    """Counts warnings and errors logged during a run (a flow that silently failed shows
    up here: the bot's error handlers log, then answer the user)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0
        self.first: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        if len(self.first) < 5:
            self.first.append(f"{record.levelname} {record.name}: {record.getMessage()[:200]}")


def freeze_like_the_bot() -> None:
    """What the bot does once start-up is built (`trainer_bot.app.freeze_startup`): a full
    collection, then `gc.freeze()`, so the long-lived objects (~270k from the imports,
    mostly aiogram's models, then the Dispatcher and dialogs) are no longer walked by every
    full collection. Called at start and by `build_bot_under_test`."""
    freeze_startup()


def setup_bench_logging() -> LogProblems:
    """The root logger at WARNING (the bot's INFO lines are not written anywhere), with a
    counter of warnings and errors."""
    root = logging.getLogger()
    root.setLevel(logging.WARNING)
    problems = LogProblems()
    root.addHandler(problems)
    return problems


def read_rss_kib() -> tuple[int, int]:
    """(VmRSS, VmHWM) of this process in KiB, from /proc/self/status."""
    values = {"VmRSS": 0, "VmHWM": 0}
    with open("/proc/self/status", encoding="ascii") as status:
        for raw in status:
            key, _, rest = raw.partition(":")
            if key in values:
                values[key] = int(rest.split()[0])
    return values["VmRSS"], values["VmHWM"]


# --- training profiles ------------------------------------------------------------------------


def profile_grid() -> list[TrainingProfile]:
    """Every combination of the registration's button answers, at three ages (a teen, an
    adult, an older adult) with a plausible height, weight and target for each."""
    profiles = []
    for gender, level, goal, frequency, equipment, age in itertools.product(
        Gender, FitnessLevel, Goal, (2, 3, 5), EquipmentType, (16, 30, 58)
    ):
        height = 180 if gender is Gender.MALE else 166
        weight = round(24.0 * (height / 100) ** 2, 1)
        target = {Goal.WEIGHT_LOSS: weight - 6, Goal.MASS_GAIN: weight + 4}.get(goal, weight)
        profiles.append(
            TrainingProfile(
                gender=gender,
                age=age,
                height_cm=height,
                weight_kg=weight,
                level=level,
                goal=goal,
                target_weight_kg=target,
                workouts_per_week=frequency,
                equipment=equipment,
            )
        )
    return profiles
