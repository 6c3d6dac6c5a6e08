"""The start-up check "is the schema current?": Alembic's heads against `alembic_version`.

The heads come from Alembic's `ScriptDirectory`; importing the bot still does not import
Alembic (the check imports it when it runs).
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory

from tests.support.databases import empty_database_url as empty_database_url
from trainer_bot.config import PROJECT_ROOT
from trainer_bot.db.engine import create_engine
from trainer_bot.db.migrations import (
    MigrationFileError,
    alembic_config,
    head_revisions,
    pending_migrations,
    upgrade_to_head,
)


def test_heads_match_alembic() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite+aiosqlite://"))
    assert head_revisions() == set(script.get_heads())


async def test_pending_until_the_database_reaches_the_head(empty_database_url: str) -> None:
    url = empty_database_url
    script = ScriptDirectory.from_config(alembic_config(url))
    first = list(script.walk_revisions())[-1].revision
    engine = create_engine(url)
    try:
        assert await pending_migrations(engine)  # never migrated: no alembic_version table
        await asyncio.to_thread(command.upgrade, alembic_config(url), first)
        assert await pending_migrations(engine) == (first not in script.get_heads())
        await upgrade_to_head(url)
        assert not await pending_migrations(engine)
        await asyncio.to_thread(command.downgrade, alembic_config(url), "base")
        assert await pending_migrations(engine)  # the table is there, empty
    finally:
        await engine.dispose()


def write_revision(directory: Path, name: str, revision: str, down: str) -> None:
    (directory / f"{name}.py").write_text(
        textwrap.dedent(
            f'''
            """{name}"""
            from typing import Sequence, Union

            revision: str = {revision}
            down_revision: Union[str, Sequence[str], None] = {down}
            branch_labels = None


            def upgrade() -> None:
                pass
            '''
        ),
        encoding="utf-8",
    )


def test_heads_of_branches_and_merges(tmp_path: Path) -> None:
    write_revision(tmp_path, "a", "'a'", "None")
    write_revision(tmp_path, "b", "'b'", "'a'")
    write_revision(tmp_path, "c", "'c'", "'a'")
    assert head_revisions(tmp_path) == {"b", "c"}  # two branches: two heads
    write_revision(tmp_path, "d", "'d'", "('b', 'c')")
    assert head_revisions(tmp_path) == {"d"}  # merged


@pytest.mark.parametrize(
    ("revision", "down", "problem"),
    [("make_id()", "None", "NameError: name 'make_id'"), ("None", "None", "TypeError")],
)
def test_unreadable_revision_ids_are_refused(
    tmp_path: Path, revision: str, down: str, problem: str
) -> None:
    write_revision(tmp_path, "x", revision, down)
    with pytest.raises(MigrationFileError, match=f"cannot read the migrations in .*{problem}"):
        head_revisions(tmp_path)


def test_no_migrations_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(MigrationFileError, match="no migrations"):
        head_revisions(tmp_path)


def test_the_running_bot_does_not_import_alembic() -> None:
    """Alembic costs ~8-11 MiB of resident memory: only the migration check loads it."""
    code = (
        "import sys, trainer_bot.app, trainer_bot.runners.webhook, trainer_bot.health\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'alembic')\n"
        "assert not loaded, loaded\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
