"""Two real webhook replicas deliver one due reminder to each of 200 users.

Both replicas (`python -m trainer_bot run`, BOT_MODE=webhook) share Postgres and a Redis
db index (the shared send pace); the fake Telegram server refuses more than 30 sends in
any second with 429 retry_after, as Telegram does. The users and their reminders are
written straight into the database once both replicas serve, due a minute ago, at a
daytime hour of each user's own zone. Each user must get exactly one reminder; with one
replica SIGKILLed mid-run (while it waits out a 429, holding the row of the reminder it
could not send; the pause is shared, so both replicas wait) every reminder still arrives
exactly once. The throughput (reminders a
second at the fake Telegram, 429s honoured) is printed.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.e2e.bot_process import START_TIMEOUT, BotProcess, bot_env
from tests.fakes.telegram_server import FakeTelegramServer
from tests.support.databases import PER_TEST_TABLES
from trainer_bot.db.engine import create_session_factory
from trainer_bot.db.models import Reminder, User
from trainer_bot.time_zones import format_offset

REDIS_URL = os.environ.get("TEST_REMINDERS_REDIS_URL", "redis://127.0.0.1:6379/13")
WEBHOOK_PATH = "/telegram/webhook"
WEBHOOK_URL = "https://bot.example.com/telegram/webhook"
USERS = 200
TELEGRAM_FLOOD_LIMIT = 30  # sends a second, like Telegram's per-bot limit
REMINDER_TEXT = "🔔 Сегодня день тренировки"
DELIVERY_TIMEOUT = 90.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Replicas:
    processes: list[BotProcess]
    telegram: FakeTelegramServer
    http: httpx.AsyncClient
    ports: list[int]

    def diagnostics(self) -> str:
        return "\n".join(process.diagnostics() for process in self.processes)

    def reminders_by_user(self) -> Counter[int]:
        """Reminders Telegram accepted, per chat."""
        return Counter(
            int(call.params["chat_id"])
            for call in self.telegram.calls_of("sendMessage")
            if call.ok and str(call.params.get("text", "")).startswith(REMINDER_TEXT)
        )

    def accepted_times(self) -> list[float]:
        return sorted(
            call.at
            for call in self.telegram.calls_of("sendMessage")
            if call.ok and str(call.params.get("text", "")).startswith(REMINDER_TEXT)
        )


async def _clear_pace(redis_url: str) -> None:
    client = Redis.from_url(redis_url)
    try:
        keys = [key async for key in client.scan_iter(match="reminders:pace*")]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()


@pytest.fixture
async def replicas(
    request: pytest.FixtureRequest,
    database_url: str,
    engine: AsyncEngine,
    catalogue_synced: None,
    tmp_path: Path,
) -> AsyncIterator[Replicas]:
    """Two webhook replicas; the fake Telegram's flood limit (sends a second) is the
    test's parameter, TELEGRAM_FLOOD_LIMIT when it has none."""
    await _clear_pace(REDIS_URL)
    telegram = await FakeTelegramServer().start()
    telegram.flood_limit = getattr(request, "param", TELEGRAM_FLOOD_LIMIT)
    secret = secrets.token_hex(24)
    processes, ports = [], []
    for index in range(2):
        port = free_port()
        env = bot_env(
            bot_token=telegram.token,
            database_url=database_url,
            redis_url=REDIS_URL,
            telegram_api_url=telegram.url,
            bot_mode="webhook",
            webhook_url=WEBHOOK_URL,
            webhook_secret=secret,
            webhook_host="127.0.0.1",
            webhook_port=str(port),
            webhook_path=WEBHOOK_PATH,
            log_file=tmp_path / f"replica{index}.log",
            log_level="INFO",
            reminder_sweep_seconds="1",
        )
        processes.append(BotProcess.start(env, tmp_path / f"replica{index}"))
        ports.append(port)
    http = httpx.AsyncClient(timeout=5.0, trust_env=False)
    started = Replicas(processes, telegram, http, ports)
    try:
        await _wait_until_serving(started)
        yield started
    finally:
        await asyncio.gather(*(process.stop() for process in processes))
        await http.aclose()
        async with engine.begin() as connection:
            await connection.execute(text(f"TRUNCATE {', '.join(PER_TEST_TABLES)} CASCADE"))
        await telegram.stop()
        await _clear_pace(REDIS_URL)
    assert not telegram.internal_errors, "\n".join(telegram.internal_errors)


async def _wait_until_serving(replicas: Replicas) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        healthy = 0
        for port in replicas.ports:
            try:
                response = await replicas.http.get(f"http://127.0.0.1:{port}/healthz")
            except httpx.TransportError:
                continue
            healthy += response.status_code == 200
        if healthy == len(replicas.ports):
            return
        for process in replicas.processes:
            if process.returncode is not None:
                raise AssertionError(f"a replica exited\n{replicas.diagnostics()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"replicas not serving\n{replicas.diagnostics()}")
        await asyncio.sleep(0.2)


async def seed_due_reminders(engine: AsyncEngine, telegram: FakeTelegramServer) -> list[int]:
    """USERS registered users, each with a reminder due a minute ago at a daytime hour of
    their own zone (a fixed offset that makes it about noon there now)."""
    now = datetime.now(UTC)
    due = now - timedelta(minutes=1)
    offset = timedelta(hours=12 - due.hour)
    hour = (due + offset).hour
    first = secrets.randbelow(1_000_000_000) + 8_000_000_000
    telegram_ids = [first + index for index in range(USERS)]
    async with create_session_factory(engine)() as session:
        users = [
            User(
                telegram_id=telegram_id,
                first_name="Тест",
                gender="male",
                age=30,
                height_cm=180,
                current_weight_kg=80,
                fitness_level="beginner",
                goal="maintenance",
                target_weight_kg=80,
                workout_frequency=3,
                equipment_type="gym",
                timezone=format_offset(offset),
            )
            for telegram_id in telegram_ids
        ]
        session.add_all(users)
        await session.flush()
        for telegram_id in telegram_ids:
            telegram.open_chat(telegram_id)
        session.add_all(
            Reminder(user_id=user.id, mode="days", days=127, hour=hour, enabled=True, next_at=due)
            for user in users
        )
        await session.commit()
    return telegram_ids


async def wait_for_all(replicas: Replicas, telegram_ids: list[int]) -> None:
    """Until every user has a reminder, then a quiet second (a duplicate would show)."""
    deadline = time.monotonic() + DELIVERY_TIMEOUT
    while len(set(replicas.reminders_by_user()) & set(telegram_ids)) < len(telegram_ids):
        if time.monotonic() > deadline:
            got = len(replicas.reminders_by_user())
            raise AssertionError(
                f"{got} of {len(telegram_ids)} users reminded\n{replicas.diagnostics()}"
            )
        await asyncio.sleep(0.1)
    await asyncio.sleep(2 * 1.0)  # two sweeps: anything sent twice would arrive by now


def report(label: str, replicas: Replicas) -> None:
    times = replicas.accepted_times()
    span = times[-1] - times[0]
    rate = (len(times) - 1) / span if span > 0 else float("inf")
    print(
        f"\n{label}: {len(times)} reminders in {span:.2f} s = {rate:.1f} reminders/s "
        f"(fake Telegram refused {replicas.telegram.flood_refusals} sends with 429)"
    )


# 30: Telegram's limit, above the bots' pace (25 a second); 15: a Telegram that pushes
# back harder than the pace allows, so the replicas must honour its 429 retry_after.
@pytest.mark.parametrize("replicas", [TELEGRAM_FLOOD_LIMIT, 15], indirect=True)
async def test_two_replicas_send_each_due_reminder_once(
    replicas: Replicas, engine: AsyncEngine
) -> None:
    telegram_ids = await seed_due_reminders(engine, replicas.telegram)
    await wait_for_all(replicas, telegram_ids)
    counts = replicas.reminders_by_user()
    assert {user: counts[user] for user in telegram_ids} == dict.fromkeys(telegram_ids, 1)
    logs = [process.log_text() for process in replicas.processes]
    assert all("Reminders: " in log for log in logs), "both replicas must have sent some"
    if replicas.telegram.flood_limit is not None and replicas.telegram.flood_limit < 25:
        assert replicas.telegram.flood_refusals > 0, "the fake never pushed back"
    report(f"two replicas, Telegram limit {replicas.telegram.flood_limit}/s", replicas)


async def test_a_replica_killed_mid_run_loses_and_repeats_nothing(
    replicas: Replicas, engine: AsyncEngine
) -> None:
    telegram_ids = await seed_due_reminders(engine, replicas.telegram)
    deadline = time.monotonic() + DELIVERY_TIMEOUT
    while len(replicas.reminders_by_user()) < USERS // 4:
        assert time.monotonic() < deadline, replicas.diagnostics()
        await asyncio.sleep(0.02)
    # The next send is refused with a long retry_after: the replica that got it waits
    # (and makes the other wait), the reminder's row locked in its open transaction, and
    # is killed while it waits.
    replicas.telegram.fail_next("sendMessage", retry_after=4)
    victim = None
    while victim is None:
        assert time.monotonic() < deadline, replicas.diagnostics()
        for process in replicas.processes:
            if "Telegram flood control on reminders: pausing 4 s" in process.log_text():
                victim = process
        await asyncio.sleep(0.02)
    victim.popen.kill()
    assert await victim.wait_exit(10) is not None
    sent_before_kill = len(replicas.reminders_by_user())
    await wait_for_all(replicas, telegram_ids)
    counts = replicas.reminders_by_user()
    assert sent_before_kill < USERS, "the kill came after the run"
    assert {user: counts[user] for user in telegram_ids} == dict.fromkeys(telegram_ids, 1)
    report("one replica killed mid-run (one 429 retry_after=4 injected)", replicas)
