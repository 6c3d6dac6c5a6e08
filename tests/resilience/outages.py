"""Servers that go away on purpose: a Postgres whose connections are killed or refused,
and Redis behind a TCP proxy that can be cut."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import asyncpg
import pytest
from redis.asyncio import Redis

from tests.support.databases import postgres_admin_dsn, redis_url

POSTGRES_ADMIN_DSN = postgres_admin_dsn()  # resolved by conftest before test modules are imported
REDIS_URL = redis_url()


class DatabaseControl:
    """Admin actions on the suite's database (through the `postgres` maintenance db)."""

    def __init__(self, url: str) -> None:
        self.name = url.rsplit("/", 1)[1]

    async def _run(self, *statements: str) -> None:
        admin = await asyncpg.connect(POSTGRES_ADMIN_DSN, timeout=5)
        try:
            for statement in statements:
                await admin.execute(statement)
        finally:
            await admin.close()

    def _terminate(self) -> str:
        return (
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{self.name}' AND pid <> pg_backend_pid()"
        )

    async def restart(self) -> None:
        """Every open connection dies, as on a server restart; new ones are accepted."""
        await self._run(self._terminate())

    async def go_down(self) -> None:
        await self._run(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS false', self._terminate())

    async def come_back(self) -> None:
        await self._run(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS true')


@pytest.fixture
async def database(resilience_database_url: str) -> AsyncIterator[DatabaseControl]:
    control = DatabaseControl(resilience_database_url)
    try:
        yield control
    finally:
        await control.come_back()


class TcpProxy:
    """A TCP forwarder in front of Redis that can be stopped (connections die, new ones
    are refused) and started again on the same port: a Redis restart, for this test only."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = 0
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            for writer in list(self._writers):
                writer.close()
            await self._server.wait_closed()
            self._server = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self._writers.update({writer, up_writer})

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(OSError, asyncio.CancelledError):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        self._writers.difference_update({writer, up_writer})


@pytest.fixture
async def redis_behind_proxy() -> AsyncIterator[tuple[Redis, TcpProxy]]:
    host_port, _, db = REDIS_URL.removeprefix("redis://").partition("/")
    host, _, port = host_port.partition(":")
    proxy = TcpProxy(host, int(port or 6379))
    await proxy.start()
    client = Redis.from_url(
        f"redis://127.0.0.1:{proxy.port}/{db or 0}", socket_connect_timeout=1, socket_timeout=2
    )
    try:
        yield client, proxy
    finally:
        await client.aclose()
        await proxy.stop()
