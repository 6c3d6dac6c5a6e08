"""Apply Alembic migrations and check the schema is current, from code.

The running bot only checks (`pending_migrations`, at start-up); it does that without
importing Alembic (about 11 MiB of resident memory): the revision ids are read from the
migration files with `ast`, and the database's from the `alembic_version` table that
Alembic keeps. Applying migrations (`upgrade_to_head`, `make migrate`) uses Alembic itself.
"""

from __future__ import annotations

import ast
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
    """A migration file whose revision ids cannot be read without running it."""


def _revision_ids(path: Path) -> tuple[str, tuple[str, ...]]:
    """`revision` and `down_revision` of one migration file: module-level literals, as
    Alembic writes them (`revision: str = '0002'`, `down_revision = ('a', 'b')` for a merge)."""
    found: dict[str, object] = {}
    targets: list[ast.expr]
    for node in ast.parse(path.read_text(encoding="utf-8"), filename=str(path)).body:
        if isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        elif isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        else:
            continue
        for target in targets:
            if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
                try:
                    found[target.id] = ast.literal_eval(value)
                except ValueError:
                    raise MigrationFileError(f"{path.name}: {target.id} is not a literal") from None
    revision, down = found.get("revision"), found.get("down_revision")
    if not isinstance(revision, str):
        raise MigrationFileError(f"{path.name}: no revision id")
    if down is None:
        return revision, ()
    if isinstance(down, str):
        return revision, (down,)
    if isinstance(down, tuple | list) and all(isinstance(item, str) for item in down):
        return revision, tuple(down)
    raise MigrationFileError(f"{path.name}: down_revision is {down!r}")


def head_revisions(versions_dir: Path = VERSIONS_DIR) -> set[str]:
    """The newest revision(s): those no other migration revises (Alembic's "heads")."""
    revisions: dict[str, tuple[str, ...]] = {}
    for path in sorted(versions_dir.glob("*.py")):
        revision, downs = _revision_ids(path)
        revisions[revision] = downs
    if not revisions:
        raise MigrationFileError(f"no migrations in {versions_dir}")
    revised = {down for downs in revisions.values() for down in downs}
    return set(revisions) - revised


def _current_revisions(connection: Connection) -> set[str]:
    if not inspect(connection).has_table(VERSION_TABLE):
        return set()
    rows = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))
    return {str(version) for (version,) in rows}


async def pending_migrations(engine: AsyncEngine) -> bool:
    """True when the database is not at the newest migration (behind, or never migrated)."""
    heads = head_revisions()
    async with engine.connect() as connection:
        current = await connection.run_sync(_current_revisions)
    return current != heads
