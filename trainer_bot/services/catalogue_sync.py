"""Sync the exercise catalogue file into the `exercises` table, matched by slug.

Idempotent and cheap: one SELECT loads every row; only rows whose values differ are
updated, so an unchanged row keeps its `updated_at`. A slug that left the file is deleted
unless a workout references it, in which case it is only retired (`is_active=False`) and
comes back to life if the slug returns. Nothing is committed here: the caller commits.
Concurrent syncs (replicas starting together) take turns on a Postgres advisory lock held
until that commit.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from trainer_bot.catalogue import CatalogueExercise, load_catalogue
from trainer_bot.db.engine import create_session_factory
from trainer_bot.queries import exercises as exercise_queries

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What one sync did; a returning slug counts as reactivated, not updated."""

    inserted: int = 0
    updated: int = 0
    reactivated: int = 0
    deactivated: int = 0
    deleted: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return any((self.inserted, self.updated, self.reactivated, self.deactivated, self.deleted))


def catalogue_row_values(entry: CatalogueExercise) -> dict[str, Any]:
    """Column values of the `exercises` row for one catalogue entry (without is_active)."""
    return {
        "slug": entry.slug,
        "name": entry.name,
        "description": entry.description,
        "instructions": entry.instructions_text,
        "primary_muscles": [muscle.value for muscle in entry.primary_muscles],
        "secondary_muscles": [muscle.value for muscle in entry.secondary_muscles],
        "equipment": entry.equipment.value,
        "level": entry.level.value,
        "movement": entry.movement.value,
        "is_compound": entry.is_compound,
        "is_timed": entry.is_timed,
        "is_high_impact": entry.is_high_impact,
        "video_url": str(entry.video_url),
        "image_url": str(entry.image_url) if entry.image_url is not None else None,
    }


async def sync_catalogue(
    session: AsyncSession, catalogue: Sequence[CatalogueExercise] | None = None
) -> SyncReport:
    """Make the `exercises` table match `catalogue` (default: the catalogue file)."""
    entries = load_catalogue() if catalogue is None else list(catalogue)
    wanted = {entry.slug: entry for entry in entries}
    if len(wanted) != len(entries):
        raise ValueError("the catalogue has duplicate slugs")

    await exercise_queries.lock_for_sync(session)
    existing = await exercise_queries.get_all_by_slug(session)

    new_rows: list[dict[str, Any]] = []
    updated = reactivated = unchanged = 0
    for slug, entry in wanted.items():
        values = catalogue_row_values(entry)
        row = existing.get(slug)
        if row is None:
            new_rows.append({**values, "is_active": True})
            continue
        changes = {
            column: value for column, value in values.items() if getattr(row, column) != value
        }
        if not row.is_active:
            changes["is_active"] = True
            reactivated += 1
        elif changes:
            updated += 1
        else:
            unchanged += 1
        if changes:
            exercise_queries.update_exercise(row, changes)

    removed = [row for slug, row in existing.items() if slug not in wanted]
    referenced = await exercise_queries.referenced_exercise_ids(
        session, among=[row.id for row in removed]
    )
    to_delete = [row.id for row in removed if row.id not in referenced]
    to_retire = [row for row in removed if row.id in referenced and row.is_active]
    for row in to_retire:
        exercise_queries.update_exercise(row, {"is_active": False})
    await exercise_queries.delete_exercises(session, to_delete)
    if new_rows:
        await exercise_queries.add_exercises(session, new_rows)
    await session.flush()

    report = SyncReport(
        inserted=len(new_rows),
        updated=updated,
        reactivated=reactivated,
        deactivated=len(to_retire),
        deleted=len(to_delete),
        unchanged=unchanged,
    )
    logger.info(
        "Exercise catalogue synced: %d inserted, %d updated, %d reactivated, "
        "%d deactivated, %d deleted, %d unchanged",
        report.inserted,
        report.updated,
        report.reactivated,
        report.deactivated,
        report.deleted,
        report.unchanged,
    )
    return report


async def sync_catalogue_file(engine: AsyncEngine) -> SyncReport:
    """Sync the catalogue file in a transaction of its own and commit it (start-up,
    `make migrate`, fresh test databases)."""
    async with create_session_factory(engine)() as session:
        report = await sync_catalogue(session)
        await session.commit()
    return report
