"""The test session's services: configured ones kept when they answer, embedded ones
started in their place when they do not, and nothing left behind once stopped."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import asyncpg
from redis.asyncio import Redis

from tests.embedded import DIRECTORY_PREFIX, OWNER_FILE, free_port, remove_stale_directories
from tests.services import postgres_silence, redis_silence, resolve_services
from tests.support.databases import postgres_admin_dsn, redis_url

# Resolved by conftest before test modules are imported.
POSTGRES_ADMIN_DSN = postgres_admin_dsn()
REDIS_URL = redis_url()


def test_answering_services_are_used_as_they_are() -> None:
    environ = {"TEST_POSTGRES_DSN": POSTGRES_ADMIN_DSN, "TEST_REDIS_URL": REDIS_URL}
    services = resolve_services(environ)
    assert services.embedded == []
    assert services.summary() is None
    assert (services.postgres_admin_dsn, services.redis_url) == (POSTGRES_ADMIN_DSN, REDIS_URL)
    server = REDIS_URL.removeprefix("redis://").partition("/")[0]
    assert environ["TEST_E2E_REDIS_URL"] == f"redis://{server}/14"


def test_a_server_that_refuses_the_login_still_answers() -> None:
    """A wrong user is a configuration error to report, not a reason to swap the server."""
    wrong_user = POSTGRES_ADMIN_DSN.replace("postgres@", "no_such_role_here@", 1)
    assert wrong_user != POSTGRES_ADMIN_DSN
    assert postgres_silence(wrong_user) is None


def test_closed_ports_are_silent_and_the_reason_hides_the_password() -> None:
    port = free_port()
    reason = postgres_silence(f"postgresql://u:secret-pw@127.0.0.1:{port}/x")
    assert reason == f"postgresql://u:***@127.0.0.1:{port}/x did not answer: ConnectionRefusedError"
    reason = redis_silence(f"redis://127.0.0.1:{port}/0")
    assert reason is not None and reason.startswith(f"redis://127.0.0.1:{port}/0 did not answer")


async def test_silent_services_are_replaced_by_embedded_ones_that_leave_nothing() -> None:
    port = free_port()
    environ = {
        "TEST_POSTGRES_DSN": f"postgresql://postgres@127.0.0.1:{port}/postgres",
        "TEST_REDIS_URL": f"redis://127.0.0.1:{port}/13",
        "TEST_CHECK_REDIS_URL": "redis://elsewhere.invalid:6379/3",  # another server: kept
    }
    services = resolve_services(environ)
    try:
        assert [server.name for server, _ in services.embedded] == ["PostgreSQL", "Redis"]
        postgres, redis_server = (server for server, _ in services.embedded)
        assert environ["TEST_POSTGRES_DSN"] == services.postgres_admin_dsn
        assert services.postgres_admin_dsn == f"postgresql://postgres@{postgres.address}/postgres"
        assert environ["TEST_REDIS_URL"] == f"redis://{redis_server.address}/13"
        assert environ["TEST_E2E_REDIS_URL"] == f"redis://{redis_server.address}/14"
        assert environ["TEST_WEBHOOK_REDIS_URL"] == f"redis://{redis_server.address}/12"
        assert environ["TEST_CHECK_REDIS_URL"] == "redis://elsewhere.invalid:6379/3"
        assert f"127.0.0.1:{port}/postgres did not answer" in (services.summary() or "")

        connection = await asyncpg.connect(services.postgres_admin_dsn, timeout=10)
        try:
            assert await connection.fetchval("SELECT current_setting('fsync')") == "off"
        finally:
            await connection.close()
        client = Redis.from_url(services.redis_url)
        try:
            assert await client.ping()
        finally:
            await client.aclose()
        pids = [server.pid for server, _ in services.embedded]
        directories = [server.directory for server, _ in services.embedded]
        assert len(pids) == 2 and all(path.is_dir() for path in directories)
    finally:
        services.stop()
    for pid in pids:
        assert not _alive(pid), pid
    assert not any(path.exists() for path in directories)
    services.stop()  # twice is harmless


def test_directories_of_dead_runs_are_swept() -> None:
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    temp = Path(tempfile.gettempdir())
    stale, live = (temp / f"{DIRECTORY_PREFIX}sweep_{name}" for name in ("stale", "live"))
    for directory, owner in ((stale, finished.stdout.strip()), (live, str(os.getpid()))):
        directory.mkdir()
        (directory / OWNER_FILE).write_text(owner)
    try:
        remove_stale_directories()
        assert not stale.exists()
        assert live.exists()
    finally:
        for directory in (stale, live):
            shutil.rmtree(directory, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
