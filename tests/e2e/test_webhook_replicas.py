"""Two real bot processes in webhook mode sharing Postgres and Redis.

Both replicas (`python -m trainer_bot run`, BOT_MODE=webhook, each on its own port) call
the fake Telegram server and the fake LLM server, keep users in the Postgres test database
and dialog state in one Redis db index. The test plays Telegram: a user action at the fake
server makes the Update JSON (message ids, callback query ids and the chat the way Telegram
would have them), and the test POSTs it, with the secret-token header, to a replica of its
choice: alternately, and the same button tapped twice at once on both replicas.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from sqlalchemy import delete, func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tests.e2e.bot_process import (
    FAKE_PROXY_API_KEY,
    START_TIMEOUT,
    BotProcess,
    bot_env,
    delete_fsm_keys,
    fsm_keys,
)
from tests.fakes.openai_server import FakeOpenAIServer, plan_responder
from tests.fakes.telegram_server import ChatMessage, FakeTelegramServer
from tests.support.databases import PER_TEST_TABLES
from trainer_bot.db.engine import create_session_factory
from trainer_bot.db.models import TelegramFile, User, Workout
from trainer_bot.services.welcome import WELCOME_FILE_KEY

# A Redis db index of its own (the bot's key prefix is always "fsm"); only the keys of the
# users made here are deleted afterwards.
REDIS_URL = os.environ.get("TEST_WEBHOOK_REDIS_URL", "redis://127.0.0.1:6379/12")
WEBHOOK_PATH = "/telegram/webhook"
WEBHOOK_URL = "https://bot.example.com/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
STEP_TIMEOUT = 8.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def latest_update(telegram: FakeTelegramServer) -> dict[str, Any]:
    """The update the fake server just made for a user action (it queues updates for
    getUpdates, which nobody calls in webhook mode: the test delivers them instead)."""
    return max(telegram.pending_updates, key=lambda update: update["update_id"])


@dataclass
class Replica:
    process: BotProcess
    port: int

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Cluster:
    replicas: list[Replica]
    telegram: FakeTelegramServer
    llm: FakeOpenAIServer
    secret: str
    http: httpx.AsyncClient
    user_ids: set[int] = field(default_factory=set)
    delivered: list[int] = field(default_factory=list)  # replica index per update

    def new_user(self, first_name: str) -> int:
        user_id = secrets.randbelow(1_000_000_000) + 7_000_000_000
        self.user_ids.add(user_id)
        self.telegram.add_user(user_id, first_name=first_name)
        return user_id

    async def deliver(self, update: dict[str, Any], replica: int) -> None:
        """POST the update to one replica as Telegram would; it must be accepted."""
        target = self.replicas[replica]
        response = await self.http.post(
            f"{target.base_url}{WEBHOOK_PATH}",
            json=update,
            headers={SECRET_HEADER: self.secret},
        )
        assert response.status_code == 200, f"replica {replica}: {response.status_code}"
        self.delivered.append(replica)

    def check_alive(self) -> None:
        for index, replica in enumerate(self.replicas):
            if replica.process.returncode is not None:
                raise AssertionError(f"replica {index} exited\n{self.diagnostics()}")

    def diagnostics(self) -> str:
        return "\n".join(replica.process.diagnostics() for replica in self.replicas)


class Chat:
    """One user's chat, each action delivered to the replica the test picks."""

    def __init__(self, cluster: Cluster, first_name: str) -> None:
        self.cluster = cluster
        self.telegram = cluster.telegram
        self.user_id = cluster.new_user(first_name)
        self.turn = 0

    def next_replica(self) -> int:
        self.turn += 1
        return self.turn % len(self.cluster.replicas)

    async def screen(self, expected: str, *, newer_than: int = 0) -> ChatMessage:
        deadline = time.monotonic() + STEP_TIMEOUT
        while True:
            message = self.telegram.last_message(self.user_id)
            if message and message.message_id > newer_than and expected in (message.text or ""):
                return message
            self.cluster.check_alive()
            if time.monotonic() > deadline:
                shown = message.text if message is not None else None
                recent = "\n  ".join(call.short() for call in self.telegram.bot_calls[-8:])
                raise AssertionError(
                    f"{expected!r} is not on screen after {STEP_TIMEOUT:.0f}s; the newest bot "
                    f"message: {shown!r}; recent calls:\n  {recent}"
                )
            await asyncio.sleep(0.02)

    async def say(self, text: str, expected: str) -> ChatMessage:
        if text.startswith("/"):
            sent = await self.telegram.send_command(self.user_id, text)
        else:
            sent = await self.telegram.send_text(self.user_id, text)
        await self.cluster.deliver(latest_update(self.telegram), self.next_replica())
        return await self.screen(expected, newer_than=sent)

    async def tap(self, label: str, replicas: Sequence[int] | None = None) -> list[str]:
        """Tap the inline button `label` once per replica in `replicas` (default: the next
        replica), all taps made before any is delivered and delivered at once."""
        targets = list(replicas) if replicas is not None else [self.next_replica()]
        updates, query_ids = [], []
        for _ in targets:
            query_ids.append(await self.telegram.click_button(self.user_id, label))
            updates.append(latest_update(self.telegram))
        await asyncio.gather(
            *(
                self.cluster.deliver(update, replica)
                for update, replica in zip(updates, targets, strict=True)
            )
        )
        return query_ids

    async def press(self, label: str, expected: str) -> ChatMessage:
        await self.tap(label)
        return await self.screen(expected)

    async def double_tap(self, label: str, expected: str) -> ChatMessage:
        """The same button tapped twice at once, one tap per replica; then the screen must
        show `expected` once both taps were handled."""
        await self.tap(label, replicas=[0, 1])
        await self.telegram.wait_idle(quiet=0.4, timeout=STEP_TIMEOUT)
        return await self.screen(expected)


# --- the two replicas ------------------------------------------------------------------------


@pytest.fixture(scope="module")
async def cluster(
    database_url: str,
    engine: AsyncEngine,
    catalogue_synced: None,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[Cluster]:
    async with create_session_factory(engine)() as session:
        await session.execute(delete(TelegramFile).where(TelegramFile.key == WELCOME_FILE_KEY))
        await session.commit()
    tmp_path = tmp_path_factory.mktemp("webhook_replicas")
    telegram = await FakeTelegramServer().start()
    llm = await FakeOpenAIServer().start()
    llm.responder = plan_responder
    secret = secrets.token_hex(24)
    replicas = []
    for index in range(2):
        port = free_port()
        env = bot_env(
            bot_token=telegram.token,
            database_url=database_url,
            redis_url=REDIS_URL,
            telegram_api_url=telegram.url,
            proxy_api_url=llm.base_url,
            proxy_api_key=FAKE_PROXY_API_KEY,
            bot_mode="webhook",
            webhook_url=WEBHOOK_URL,
            webhook_secret=secret,
            webhook_host="127.0.0.1",
            webhook_port=str(port),
            webhook_path=WEBHOOK_PATH,
            log_file=tmp_path / f"replica{index}.log",
            log_level="DEBUG",
            workout_cooldown_hours="12",
        )
        replicas.append(Replica(BotProcess.start(env, tmp_path / f"replica{index}"), port))
    http = httpx.AsyncClient(timeout=STEP_TIMEOUT, trust_env=False)
    started = Cluster(replicas, telegram, llm, secret, http)
    try:
        await _wait_until_serving(started)
        yield started
    finally:
        stops = await asyncio.gather(*(replica.process.stop() for replica in replicas))
        await http.aclose()
        await delete_fsm_keys(REDIS_URL, started.user_ids)
        # The rows the replicas wrote; only now: TRUNCATE waits for their transactions.
        async with engine.begin() as connection:
            await connection.execute(text(f"TRUNCATE {', '.join(PER_TEST_TABLES)} CASCADE"))
        await llm.stop()
        await telegram.stop()
    for index, (code, killed) in enumerate(stops):
        process = replicas[index].process
        assert not killed, f"replica {index} ignored SIGINT\n{process.diagnostics()}"
        assert code == 0, f"replica {index} exited with {code}\n{process.diagnostics()}"
    assert not telegram.internal_errors, "\n".join(telegram.internal_errors)
    token_secret = telegram.token.partition(":")[2]
    for index, replica in enumerate(replicas):
        output = replica.process.log_text() + replica.process.stderr_text()
        assert "Serving webhook updates" in output, f"replica {index} logged nothing"
        for name, value in (("webhook secret", secret), ("bot token", token_secret)):
            assert value not in output, f"the {name} is in the output of replica {index}"


async def _wait_until_serving(cluster: Cluster) -> None:
    """Both replicas answer /healthz and both have registered the webhook."""
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        healthy = 0
        for replica in cluster.replicas:
            try:
                response = await cluster.http.get(f"{replica.base_url}/healthz")
            except httpx.TransportError:
                continue
            healthy += response.status_code == 200
        registered = [call for call in cluster.telegram.calls_of("setWebhook") if call.ok]
        if healthy == len(cluster.replicas) and len(registered) >= len(cluster.replicas):
            return
        cluster.check_alive()
        if time.monotonic() > deadline:
            raise AssertionError(
                f"{healthy} replica(s) healthy, {len(registered)} setWebhook call(s) after "
                f"{START_TIMEOUT:.0f}s\n{cluster.diagnostics()}"
            )
        await asyncio.sleep(0.1)


@pytest.fixture
def db(engine: AsyncEngine, cluster: Cluster) -> async_sessionmaker[AsyncSession]:
    """Sessions on the replicas' database. Not conftest's `session_factory`: its per-test
    TRUNCATE would run while the module's replicas are still up; `cluster` cleans up."""
    return create_session_factory(engine)


# --- the tests ---------------------------------------------------------------------------------


PROFILE = (
    "Пол: Мужской",
    "Возраст: 27",
    "Рост: 178 см",
    "Вес: 82,5 кг",
    "Опыт: 1–3 года",
    "Цель: Похудение",
    "Целевой вес: 76 кг",
    "Тренировок в неделю: 3 раза",
    "Где тренируешься: Зал",
)


async def register(chat: Chat, *, double_taps: bool) -> ChatMessage:
    """/start to the main menu with the profile in PROFILE; buttons tapped twice at once
    (one tap per replica) when `double_taps`, else every update to the next replica."""
    press = chat.double_tap if double_taps else chat.press
    await chat.say("/start", "Привет")
    await press("🚀 Начать", "Укажи пол")
    await press("👨 Мужской", "Сколько тебе лет")
    await chat.say("27", "рост в сантиметрах")
    await chat.say("178", "Сколько ты сейчас весишь")
    await chat.say("82,5", "опыт силовых тренировок")
    await press("💪 1–3 года", "Какая у тебя цель")
    await press("📉 Похудение", "целевой вес")
    await chat.say("76", "раз в неделю")
    await press("3 раза", "Где будешь тренироваться")
    summary = await press("🏋️ Зал", "Проверь анкету")
    for expected in PROFILE:
        assert expected in (summary.text or ""), f"{expected!r} not in:\n{summary.text}"
    return await press("✅ Всё верно", "главное меню")


async def stored_user(
    session_factory: async_sessionmaker[AsyncSession], telegram_id: int
) -> tuple[User | None, int]:
    async with session_factory() as session:
        user = await session.scalar(select(User).where(User.telegram_id == telegram_id))
        workouts = 0
        if user is not None:
            workouts = (
                await session.scalar(
                    select(func.count()).select_from(Workout).where(Workout.user_id == user.id)
                )
                or 0
            )
    return user, workouts


def assert_profile(user: User | None) -> None:
    assert user is not None, "the user row was not saved"
    assert (user.gender, user.age, user.height_cm) == ("male", 27, 178)
    assert (user.current_weight_kg, user.target_weight_kg) == (82.5, 76)
    assert (user.fitness_level, user.goal) == ("intermediate", "weight_loss")
    assert (user.workout_frequency, user.equipment_type) == (3, "gym")


async def test_double_taps_on_both_replicas_keep_one_consistent_state(
    cluster: Cluster, db: async_sessionmaker[AsyncSession]
) -> None:
    chat = Chat(cluster, "Иван")
    llm_calls = len(cluster.llm.requests)
    with _Diagnosed(cluster):
        await register(chat, double_taps=True)
        user, workouts = await stored_user(db, chat.user_id)
        assert_profile(user)
        assert workouts == 0
        assert set(cluster.delivered) == {0, 1}, "both replicas must have had updates"

        # «Получить тренировку» tapped twice at once, on both replicas: one workout.
        await chat.tap("🏋️ Получить тренировку", replicas=[0, 1])
        await chat.screen("Разминка")
        await cluster.telegram.wait_idle(quiet=0.5, timeout=STEP_TIMEOUT)
        user, workouts = await stored_user(db, chat.user_id)
        assert workouts == 1, f"{workouts} workouts for one double tap"
        assert user is not None and user.last_workout_at is not None
        assert len(cluster.llm.requests) == llm_calls + 1, "the workout was generated twice"
        assert await fsm_keys(REDIS_URL, {chat.user_id}), "no dialog state in Redis"


async def test_user_journey_alternating_replicas(
    cluster: Cluster, db: async_sessionmaker[AsyncSession]
) -> None:
    chat = Chat(cluster, "Мария")
    llm_calls = len(cluster.llm.requests)
    with _Diagnosed(cluster):
        menu = await register(chat, double_taps=False)
        assert "Анкета сохранена ✅" in (menu.text or "")
        workout = await chat.press("🏋️ Получить тренировку", "Разминка")
        assert "Нажми на упражнение" in (workout.text or "")
        first = next(b.text for b in workout.buttons if b.text.startswith("1. "))
        details = await chat.press(first, "Как выполнять")
        assert "1 из " in (details.text or "") and "Основные мышцы" in (details.text or "")
        await chat.press("◀️ К тренировке", "Разминка")
        await chat.press("✅ Завершить тренировку", "Отличная работа")
        await chat.press("◀️ В меню", "главное меню")
        cooldown = await chat.press("🏋️ Получить тренировку", "Новая тренировка пока недоступна")
        assert "через" in (cooldown.text or ""), cooldown.text
        await cluster.telegram.wait_idle(quiet=0.3, timeout=STEP_TIMEOUT)
        user, workouts = await stored_user(db, chat.user_id)
        assert_profile(user)
        assert workouts == 1
        assert len(cluster.llm.requests) == llm_calls + 1
        async with db() as session:
            status = await session.scalar(
                select(Workout.status).join(User).where(User.telegram_id == chat.user_id)
            )
        assert status == "completed"
        assert not cluster.telegram.unanswered_callbacks, "some button presses were not answered"
        assert cluster.delivered.count(0) > 3 and cluster.delivered.count(1) > 3


class _Diagnosed:
    """Failures inside carry both replicas' output tails."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, error: Any, tb: Any) -> None:
        if kind is not None and issubclass(kind, (AssertionError, LookupError, TimeoutError)):
            raise AssertionError(f"{error}\n{self.cluster.diagnostics()}") from error
