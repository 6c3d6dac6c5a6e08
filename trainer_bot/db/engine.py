"""Engine and session factory; one engine per process, created at start-up."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

# asyncpg waits 60 s by default for a host that accepts the TCP connection but never
# answers (a hung server, a firewall dropping packets after the handshake).
CONNECT_TIMEOUT_SECONDS = 5.0


def create_engine(database_url: str, **kwargs: Any) -> AsyncEngine:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 10)
    connect_args = dict(kwargs.pop("connect_args", None) or {})
    connect_args.setdefault("timeout", CONNECT_TIMEOUT_SECONDS)
    engine = create_async_engine(url, connect_args=connect_args, **kwargs)
    if not kwargs.get("pool_pre_ping"):
        event.listen(engine.sync_engine, "checkout", _replace_closed_connection)
    return engine


def _replace_closed_connection(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """Connections that died while Postgres restarted are replaced before use.

    A restarting (or terminating) server closes every connection, and asyncpg marks it
    closed as soon as the event loop reads the end of the stream; raising DisconnectionError
    here makes the pool drop it and hand out a fresh one. SQLAlchemy's `pool_pre_ping` does
    the same with a ping, which on asyncpg is BEGIN, a query and ROLLBACK: three round trips
    on every checkout. A connection lost without the server closing it (a network cut)
    fails its first statement instead; SQLAlchemy then invalidates the whole pool.
    """
    if dbapi_connection.driver_connection.is_closed():
        raise DisconnectionError("the server closed this pooled connection")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")  # SQLite ignores foreign keys without it
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
