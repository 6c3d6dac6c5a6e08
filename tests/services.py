"""Where the test session finds PostgreSQL and Redis.

The configured services are used when they answer: TEST_POSTGRES_DSN (an admin DSN; the
tests create and drop their own databases) and TEST_REDIS_URL (a db index of the tests'
own). One that does not answer (nothing listening, or no answer within PROBE_TIMEOUT) is
replaced for the session by an embedded server (tests/embedded.py); TEST_EMBEDDED=1 takes
the embedded ones even when the system ones answer. A service that answers but refuses
(a wrong password, say) is kept, and the fixtures report its error as before: a
misconfigured server must not hide behind a silent substitute.

`resolve_services()` runs once, in pytest_configure, before any test module is imported.
It publishes what it chose in os.environ, so the modules that read their own variable at
import (TEST_WEBHOOK_REDIS_URL, ...) and the bot subprocesses of tests/e2e see the same
servers.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
from collections.abc import Callable, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from types import FrameType
from urllib.parse import urlsplit

import asyncpg
import redis
import redis.exceptions

from tests.embedded import (
    EmbeddedPostgres,
    EmbeddedRedis,
    EmbeddedServer,
    EmbeddedServerError,
    remove_stale_directories,
)

DEFAULT_POSTGRES_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"
# Redis URLs that other test modules read at import, with their defaults there (each keeps
# a db index of its own). Unset, or naming the configured server, they follow the server
# the session uses.
OTHER_REDIS_URLS = {
    "TEST_WEBHOOK_REDIS_URL": "redis://127.0.0.1:6379/12",  # test_webhook, e2e replicas
    "TEST_CHECK_REDIS_URL": "redis://127.0.0.1:6379/12",  # test_check_command
    "TEST_E2E_REDIS_URL": "redis://127.0.0.1:6379/14",  # tests/e2e/bot_process
}
PROBE_TIMEOUT = 2.0
FORCE_VARIABLE = "TEST_EMBEDDED"


@dataclass
class TestServices:
    """The addresses the session uses, and the embedded servers it started for them."""

    __test__ = False  # not a test class, despite its name

    postgres_admin_dsn: str
    redis_url: str
    # Each embedded server with the reason it runs.
    embedded: list[tuple[EmbeddedServer, str]] = field(default_factory=list)

    def summary(self) -> str | None:
        """One line naming the embedded servers and why they run, or None if there are none."""
        if not self.embedded:
            return None
        servers = "; ".join(
            f"{server.name} {server.version} on {server.address} ({reason})"
            for server, reason in self.embedded
        )
        return f"Embedded services for this run, removed at its end: {servers}"

    def stop(self) -> None:
        for server, _ in self.embedded:
            server.stop()

    def stop_on_sigterm(self) -> None:
        """SIGTERM (a CI time limit, `timeout`) ends Python without atexit: stop the
        servers first, then die of the signal as before."""
        previous = signal.getsignal(signal.SIGTERM)
        if previous is signal.SIG_IGN:
            return

        def handler(signum: int, frame: FrameType | None) -> None:
            self.stop()
            if callable(previous):
                previous(signum, frame)
            else:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                os.kill(os.getpid(), signal.SIGTERM)

        signal.signal(signal.SIGTERM, handler)


def resolve_services(environ: MutableMapping[str, str] = os.environ) -> TestServices:
    """Probe the configured services, start embedded ones where needed, publish the result
    in `environ`. Raises EmbeddedServerError (nothing left running) when a service is
    neither reachable nor startable."""
    postgres_dsn = environ.get("TEST_POSTGRES_DSN", DEFAULT_POSTGRES_DSN)
    redis_url = environ.get("TEST_REDIS_URL", DEFAULT_REDIS_URL)
    forced = environ.get(FORCE_VARIABLE, "").strip().lower() in {"1", "true", "yes", "on"}
    services = TestServices(postgres_dsn, redis_url)
    try:
        remove_stale_directories()
        reason = f"{FORCE_VARIABLE}=1" if forced else postgres_silence(postgres_dsn)
        if reason is not None:
            postgres_server = EmbeddedPostgres()
            services.embedded.append((postgres_server, reason))
            services.postgres_admin_dsn = _start(postgres_server.start, postgres_server, reason)
        reason = f"{FORCE_VARIABLE}=1" if forced else redis_silence(redis_url)
        if reason is not None:
            redis_server = EmbeddedRedis()
            services.embedded.append((redis_server, reason))
            db = _db_index(redis_url)
            services.redis_url = _start(lambda: redis_server.start(db), redis_server, reason)
    except BaseException:
        services.stop()
        raise
    environ["TEST_POSTGRES_DSN"] = services.postgres_admin_dsn
    environ["TEST_REDIS_URL"] = services.redis_url
    _follow(environ, redis_url, services.redis_url)
    return services


def _start(start: Callable[[], str], server: EmbeddedServer, reason: str) -> str:
    try:
        return start()
    except (EmbeddedServerError, OSError, subprocess.SubprocessError) as error:
        raise EmbeddedServerError(
            f"{reason}, and the embedded {server.name} could not start: {error}"
        ) from error


def postgres_silence(dsn: str) -> str | None:
    """Why PostgreSQL at `dsn` does not answer, or None when it does."""

    async def connect() -> None:
        connection = await asyncpg.connect(dsn, timeout=PROBE_TIMEOUT)
        await connection.close()

    try:
        # A loop of its own in a thread of its own: callable from inside a running loop,
        # and the caller's current loop stays set.
        with ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, connect()).result()
    except OSError as error:  # refused, unreachable, timed out (TimeoutError is an OSError)
        return f"{_hide_password(dsn)} did not answer: {type(error).__name__}"
    except (asyncpg.PostgresError, asyncpg.InterfaceError):
        return None  # it answered, with an error the fixtures will report
    return None


def redis_silence(url: str) -> str | None:
    """Why Redis at `url` does not answer, or None when it does."""
    client = redis.Redis.from_url(
        url, socket_connect_timeout=PROBE_TIMEOUT, socket_timeout=PROBE_TIMEOUT
    )
    try:
        client.ping()
    except redis.exceptions.AuthenticationError:
        return None  # it answered
    except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError) as error:
        return f"{_hide_password(url)} did not answer: {type(error).__name__}"
    except redis.exceptions.RedisError:
        return None
    finally:
        client.close()
    return None


def _follow(environ: MutableMapping[str, str], configured: str, resolved: str) -> None:
    """Point the other Redis URLs at the server the session uses, each keeping its own db
    index: those left unset, and those naming the configured server."""
    resolved_server = urlsplit(resolved).netloc
    for name, default in OTHER_REDIS_URLS.items():
        url = environ.get(name)
        if url is None or _server(url) == _server(configured):
            environ[name] = urlsplit(url or default)._replace(netloc=resolved_server).geturl()


def _server(url: str) -> tuple[str | None, int]:
    parts = urlsplit(url)
    return parts.hostname, parts.port or 6379


def _db_index(url: str) -> int:
    path = urlsplit(url).path.strip("/")
    return int(path) if path.isdigit() else 0


def _hide_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return parts._replace(netloc=netloc).geturl()


__all__ = ["EmbeddedServerError", "TestServices", "resolve_services"]
