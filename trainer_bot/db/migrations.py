"""Apply Alembic migrations and check the schema is current, from code.

The running bot only checks (`pending_migrations`, at start-up): the newest revisions come
from Alembic's `ScriptDirectory`, the database's from the `alembic_version` table that
Alembic keeps. Applying migrations (`upgrade_to_head`, `make migrate`) runs Alembic's
upgrade command. Alembic is imported inside the functions that need it (see
`head_revisions`).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

from trainer_bot.config import PROJECT_ROOT

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = PROJECT_ROOT / "migrations"
VERSIONS_DIR = MIGRATIONS_DIR / "versions"
# Alembic's default; migrations/env.py does not change it.
VERSION_TABLE = "alembic_version"


def alembic_config(database_url: str) -> Config:
    from alembic.config import Config

    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


async def upgrade_to_head(database_url: str) -> None:
    from alembic import command

    # Alembic's env.py runs its own event loop: give it a thread.
    await asyncio.to_thread(command.upgrade, alembic_config(database_url), "head")


class MigrationFileError(RuntimeError):
    """The migration files cannot be read (one fails to load, or there are none)."""


def head_revisions(versions_dir: Path = VERSIONS_DIR) -> set[str]:
    """The newest revision(s): those no other migration revises (Alembic's "heads")."""
    # Imported here, not at the top: alembic.script and the migration files cost about
    # 0.2 s and 8 MiB of resident memory in the bot's process (0.36 s, 11 MiB from a
    # bare interpreter; measured with -X importtime and ru_maxrss). Only a process that
    # checks or applies migrations pays that, not every importer of trainer_bot.
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(MIGRATIONS_DIR), version_locations=[str(versions_dir)])
    try:
        heads = set(script.get_heads())
    except Exception as error:  # a migration file is Python: loading it may raise anything
        raise MigrationFileError(
            f"cannot read the migrations in {versions_dir}: {type(error).__name__}: {error}"
        ) from error
    if not heads:
        raise MigrationFileError(f"no migrations in {versions_dir}")
    return heads


def _current_revisions(connection: Connection) -> set[str]:
    if not inspect(connection).has_table(VERSION_TABLE):
        return set()
    rows = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))
    return {str(version) for (version,) in rows}


async def pending_migrations(engine: AsyncEngine) -> bool:
    """True when the database is not at the newest migration (behind, or never migrated)."""
    # Loading the migration files takes a moment: off the event loop.
    heads = await asyncio.to_thread(head_revisions)
    async with engine.connect() as connection:
        current = await connection.run_sync(_current_revisions)
    return current != heads
