"""sync_catalogue on the real Postgres test database.

The session-scoped `catalogue_synced` fixture has already written the full catalogue.
Tests here change the `exercises` table only inside their own transaction, which is
rolled back at the end, so every other test still sees the full catalogue.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import delete, event, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tests.support.databases import create_postgres_database, drop_postgres_database
from trainer_bot.catalogue import CatalogueExercise, load_catalogue
from trainer_bot.db.engine import create_engine, create_session_factory
from trainer_bot.db.enums import Muscle
from trainer_bot.db.migrations import upgrade_to_head
from trainer_bot.db.models import Exercise, User, Workout, WorkoutExercise
from trainer_bot.services.catalogue_sync import SyncReport, sync_catalogue

CATALOGUE = tuple(load_catalogue())
TOTAL = len(CATALOGUE)


@pytest.fixture
async def tx(session_factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A session whose work is always rolled back, leaving the synced catalogue intact."""
    async with session_factory() as session:
        try:
            yield session
        finally:
            await session.rollback()


def edit(entry: CatalogueExercise, **changes: object) -> CatalogueExercise:
    """A validated copy of a catalogue entry with some fields changed."""
    return CatalogueExercise.model_validate({**entry.model_dump(), **changes})


def without(slug: str) -> list[CatalogueExercise]:
    return [e for e in CATALOGUE if e.slug != slug]


async def updated_at_by_slug(session: AsyncSession) -> dict[str, object]:
    rows = await session.execute(select(Exercise.slug, Exercise.updated_at))
    return {slug: updated_at for slug, updated_at in rows}


async def row(session: AsyncSession, slug: str) -> Exercise | None:
    session.expire_all()
    return await session.scalar(select(Exercise).where(Exercise.slug == slug))


@contextmanager
def statements(engine: AsyncEngine) -> Iterator[list[str]]:
    """Collect the SQL statements sent through `engine` inside the block."""
    sent: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        sent.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


async def add_workout_using(session: AsyncSession, exercise_id: int) -> Workout:
    user = User(
        telegram_id=900_000_001,
        gender="male",
        age=30,
        height_cm=180,
        current_weight_kg=80,
        fitness_level="beginner",
        goal="maintenance",
        target_weight_kg=80,
        workout_frequency=3,
        equipment_type="gym",
    )
    workout = Workout(
        user=user,
        planned_date=date(2026, 1, 5),
        source="fallback",
        focus="full_body",
        title="Тренировка на всё тело",
        rationale="test",
        warmup="test",
    )
    workout.exercises.append(
        WorkoutExercise(
            exercise_id=exercise_id, position=1, sets=3, reps_min=8, reps_max=12, rest_seconds=90
        )
    )
    session.add(workout)
    await session.flush()
    return workout


async def test_first_sync_inserts_every_exercise(tx: AsyncSession) -> None:
    await tx.execute(delete(Exercise))

    report = await sync_catalogue(tx, CATALOGUE)

    assert report == SyncReport(inserted=TOTAL)
    assert await tx.scalar(select(func.count()).select_from(Exercise)) == TOTAL
    entry = CATALOGUE[0]
    stored = await row(tx, entry.slug)
    assert stored is not None
    assert stored.name == entry.name
    assert stored.instructions == entry.instructions_text
    assert stored.instructions.startswith("1. ")
    assert stored.primary_muscles == [m.value for m in entry.primary_muscles]
    assert stored.equipment == entry.equipment.value
    assert stored.video_url == str(entry.video_url)
    assert stored.is_active is True


async def test_second_sync_changes_nothing(
    tx: AsyncSession, engine: AsyncEngine, caplog: pytest.LogCaptureFixture
) -> None:
    before = await updated_at_by_slug(tx)
    assert len(before) == TOTAL

    with (
        caplog.at_level(logging.INFO, "trainer_bot.services.catalogue_sync"),
        statements(engine) as sent,
    ):
        report = await sync_catalogue(tx)  # the default: the catalogue file

    assert report == SyncReport(unchanged=TOTAL)
    assert not report.changed
    # The replicas' lock, then one read of the table: a no-op sync writes nothing.
    assert len(sent) == 2 and "pg_advisory_xact_lock" in sent[0], sent
    tx.expire_all()
    assert await updated_at_by_slug(tx) == before
    assert f"{TOTAL} unchanged" in caplog.text


async def test_edited_entry_updates_its_row(tx: AsyncSession) -> None:
    original = CATALOGUE[5]
    spare = next(
        m for m in Muscle if m not in {*original.primary_muscles, *original.secondary_muscles}
    )
    edited = edit(
        original,
        name=original.name + " (правка)",
        instructions=[*original.instructions, "Новый шаг для проверки синхронизации."],
        secondary_muscles=[*original.secondary_muscles, spare],
    )
    catalogue = [edited if e.slug == original.slug else e for e in CATALOGUE]
    stored = await row(tx, original.slug)
    assert stored is not None
    before = await updated_at_by_slug(tx)

    report = await sync_catalogue(tx, catalogue)

    assert report == SyncReport(updated=1, unchanged=TOTAL - 1)
    stored = await row(tx, original.slug)
    assert stored is not None
    assert stored.name == edited.name
    assert stored.instructions == edited.instructions_text
    assert stored.instructions.endswith("Новый шаг для проверки синхронизации.")
    assert stored.secondary_muscles == [m.value for m in edited.secondary_muscles]
    after = await updated_at_by_slug(tx)
    assert after[original.slug] > before[original.slug]  # type: ignore[operator]
    del after[original.slug], before[original.slug]
    assert after == before


async def test_new_entry_is_inserted_and_removed_again(tx: AsyncSession) -> None:
    extra = edit(CATALOGUE[0], slug="test_only_exercise", name="Тестовое упражнение")

    assert await sync_catalogue(tx, [*CATALOGUE, extra]) == SyncReport(inserted=1, unchanged=TOTAL)
    assert (await row(tx, "test_only_exercise")) is not None

    assert await sync_catalogue(tx, CATALOGUE) == SyncReport(deleted=1, unchanged=TOTAL)
    assert (await row(tx, "test_only_exercise")) is None


async def test_removed_unreferenced_entry_is_deleted(tx: AsyncSession) -> None:
    slug = CATALOGUE[-1].slug

    report = await sync_catalogue(tx, without(slug))

    assert report == SyncReport(deleted=1, unchanged=TOTAL - 1)
    assert (await row(tx, slug)) is None
    assert await sync_catalogue(tx, CATALOGUE) == SyncReport(inserted=1, unchanged=TOTAL - 1)
    assert (await row(tx, slug)) is not None


async def test_removed_referenced_entry_is_retired_and_comes_back(tx: AsyncSession) -> None:
    slug = CATALOGUE[1].slug
    stored = await row(tx, slug)
    assert stored is not None
    exercise_id = stored.id
    workout = await add_workout_using(tx, exercise_id)

    report = await sync_catalogue(tx, without(slug))
    assert report == SyncReport(deactivated=1, unchanged=TOTAL - 1)
    retired = await row(tx, slug)
    assert retired is not None
    assert retired.id == exercise_id
    assert retired.is_active is False

    # Still gone from the file: nothing more to do.
    assert await sync_catalogue(tx, without(slug)) == SyncReport(unchanged=TOTAL - 1)

    report = await sync_catalogue(tx, CATALOGUE)
    assert report == SyncReport(reactivated=1, unchanged=TOTAL - 1)
    back = await row(tx, slug)
    assert back is not None
    assert back.id == exercise_id
    assert back.is_active is True

    # Once no workout uses a removed exercise any more, it is deleted.
    await sync_catalogue(tx, without(slug))
    await tx.delete(workout)
    await tx.flush()
    assert await sync_catalogue(tx, without(slug)) == SyncReport(deleted=1, unchanged=TOTAL - 1)
    assert (await row(tx, slug)) is None


async def test_sync_sends_few_statements(tx: AsyncSession, engine: AsyncEngine) -> None:
    # One edit, one removal and one new entry at once: no per-row SELECTs.
    edited = edit(CATALOGUE[3], description=CATALOGUE[3].description + " Ок.")
    extra = edit(CATALOGUE[0], slug="test_only_exercise", name="Тестовое упражнение")
    catalogue = [edited if e.slug == edited.slug else e for e in CATALOGUE[:-1]] + [extra]

    with statements(engine) as sent:
        report = await sync_catalogue(tx, catalogue)

    assert report == SyncReport(inserted=1, updated=1, deleted=1, unchanged=TOTAL - 2)
    work = [s for s in sent if "pg_advisory_xact_lock" not in s]
    assert len(work) == len(sent) - 1, sent
    selects = [s for s in work if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 2, selects
    assert len(work) <= 5, work


async def test_duplicate_slugs_are_refused(tx: AsyncSession) -> None:
    with pytest.raises(ValueError, match="duplicate"):
        await sync_catalogue(tx, [*CATALOGUE, CATALOGUE[0]])


async def test_replicas_syncing_an_empty_catalogue_at_once_both_succeed() -> None:
    """Two processes starting together on a new database: one writes the catalogue, the
    other waits for it and finds nothing left to do (no duplicate-slug violation)."""
    url = await create_postgres_database()
    engines = [create_engine(url), create_engine(url)]
    try:
        await upgrade_to_head(url)

        async def start_up(engine: AsyncEngine) -> SyncReport:
            async with create_session_factory(engine)() as session:
                report = await sync_catalogue(session)
                await session.commit()
                return report

        reports = await asyncio.gather(*(start_up(engine) for engine in engines))
        assert sorted(report.inserted for report in reports) == [0, TOTAL], reports
        async with create_session_factory(engines[0])() as session:
            assert await session.scalar(select(func.count(Exercise.id))) == TOTAL
    finally:
        for engine in engines:
            await engine.dispose()
        await drop_postgres_database(url)
