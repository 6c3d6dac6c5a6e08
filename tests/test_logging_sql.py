"""SQL per logging tap: the read the screen needs anyway, then at most two statements in
one transaction (a double tap is absorbed by the unique (workout_exercise_id, set_number))."""

from __future__ import annotations

import re

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support.dialogs import UserSession
from tests.support.exercises import open_loaded_exercise
from tests.support.harness import DialogHarness
from tests.support.registration import fill_until
from tests.support.sql import CapturedSql, captured_sql


def writes(sql: CapturedSql) -> list[str]:
    return [s for s in sql.statements if not s.startswith("SELECT")]


async def test_each_logging_tap_is_one_transaction_of_at_most_two_statements(
    harness: DialogHarness, engine: AsyncEngine
) -> None:
    user = UserSession(harness, 8_200_001, first_name="Олег")
    await fill_until(user)
    await user.press("✅ Всё верно")
    await user.press("🏋️ Получить тренировку")
    await harness.workout_service.wait_background()
    await open_loaded_exercise(user)

    with captured_sql(engine) as sql:  # a stepper changes only the dialog state
        await user.press(r"\+1")
    assert len(sql.statements) == 1 and sql.commits == 0, sql.statements

    # Each tap: the read the window renders from (it proves the workout is the user's),
    # then one write; the window is rendered from the patched view, not read again.
    add = next(b for b in user.buttons() if b.startswith("➕ Подход 1"))
    with captured_sql(engine) as sql:
        await user.press(re.escape(add))
    assert len(writes(sql)) == 1 and len(sql.statements) == 2 and sql.commits == 1, sql.statements
    assert "ON CONFLICT" in writes(sql)[0]

    harness.clock.advance(minutes=2)
    with captured_sql(engine) as sql:
        await user.press("✅ Сделал как написано")
    assert len(sql.statements) == 2 and sql.commits == 1, sql.statements

    harness.clock.advance(minutes=2)
    with captured_sql(engine) as sql:
        await user.say("60 8 8 7")
    assert len(sql.statements) == 2 and sql.commits == 1, sql.statements

    with captured_sql(engine) as sql:
        text = await user.press("↩️ Отменить")
    assert len(sql.statements) == 2 and sql.commits == 1, sql.statements
    # Undo is exact: the sets «Сделал как написано» wrote, which the line replaced, are back.
    assert "✅ Записано" in text and "8, 8, 7" not in text

    with captured_sql(engine) as sql:  # the logged sets removed with the flag: one write
        await user.press("⏭ Пропустить")
    assert len(writes(sql)) == 1 and len(sql.statements) == 2 and sql.commits == 1, sql.statements

    # Fewer sets replacing more: the extra ones go in the same statement (a CTE).
    await user.say("10 10 10")
    with captured_sql(engine) as sql:
        text = await user.say("12 12")
    assert len(writes(sql)) == 1 and len(sql.statements) == 2 and sql.commits == 1, sql.statements
    assert "× 12, 12" in text and "10" not in text.split("Записано:")[1].split("\n")[0]

    with captured_sql(engine) as sql:  # the three sets come back in one statement
        text = await user.press("↩️ Отменить")
    assert len(writes(sql)) == 1 and len(sql.statements) == 2 and sql.commits == 1, sql.statements
    assert "× 10, 10, 10" in text
