"""Async Alembic environment.

The URL is taken, in order, from `config.attributes["connection"]` (tests and start-up
pass an open connection), `sqlalchemy.url` set programmatically, or DATABASE_URL.
"""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy.engine import Connection

from trainer_bot.config import DEFAULT_SQLITE_PATH, normalize_database_url
from trainer_bot.db.base import UTCDateTime
from trainer_bot.db.engine import create_engine
from trainer_bot.db.models import Base

config = context.config
target_metadata = Base.metadata


def _database_url() -> str:
    url = config.get_main_option("sqlalchemy.url") or os.environ.get("DATABASE_URL")
    return normalize_database_url(url or f"sqlite+aiosqlite:///{DEFAULT_SQLITE_PATH}")


def _render_item(type_: str, obj: object, autogen_context: object) -> str | bool:
    # Migrations must not import application types: render our UTC type as plain SQL.
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _configure(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # Batch mode rebuilds a table (create a copy, DROP the old one, rename): with
        # foreign keys on, SQLite refuses to drop a table other rows reference. They are
        # off for the migration (the pragma is a no-op inside a transaction, hence before
        # it) and checked after it.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=sqlite,
        compare_type=True,
        compare_server_default=False,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()
    if sqlite:
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()
        if broken:
            raise RuntimeError(f"the migration left rows with broken foreign keys: {broken[:5]}")


async def _run_async() -> None:
    engine = create_engine(_database_url())
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_configure)
    finally:
        await engine.dispose()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
    else:
        asyncio.run(_run_async())


if context.is_offline_mode():
    context.configure(url=_database_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
