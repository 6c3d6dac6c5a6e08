"""What each logging tap on the exercise screen changed, so «↩️ Отменить» puts it back.

Undo is exact: a typed line that replaced three sets gets those three sets back, a skip of
a logged exercise gets its sets back. The screen remembers, per exercise position, the
state before and after each tap that changed something (a short stack in the workout
dialog's data, newest last). The undo button carries the newest entry's token
(`e<number>`), so the second tap of a double tap matches nothing and undoes nothing.

An exercise with no remembered tap (logged on an earlier screen, or «Остальное — как
написано») gets a button carrying its top set (`t<set>`, `t0` for a skip): undo then
removes the sets its last tap wrote, the rule `Results.undo` applies.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dialogs.workout.keys import UNDO, UNDO_SEQ
from trainer_bot.services.views import ExerciseView, LoggedSet, LogState

MAX_ENTRIES = 10  # taps remembered per exercise
ENTRY_PREFIX = "e"
TOP_SET_PREFIX = "t"


def _encode(state: LogState) -> list[Any]:
    return [
        state.skipped,
        [
            [s.set_number, s.reps, s.weight_kg, s.logged_at.isoformat() if s.logged_at else None]
            for s in state.logged
        ],
    ]


def _decode(raw: Any) -> LogState | None:
    """The stored state, or None when the data is not what `_encode` wrote."""
    try:
        skipped, sets = raw
        logged = tuple(
            LoggedSet(
                int(number),
                int(reps),
                float(weight) if weight is not None else None,
                datetime.fromisoformat(stamp) if stamp else None,
            )
            for number, reps, weight, stamp in sets
        )
    except (TypeError, ValueError):
        return None
    return LogState(logged, bool(skipped))


def _stack(data: dict[str, Any], position: int) -> list[Any]:
    stacks = data.get(UNDO)
    if not isinstance(stacks, dict):
        stacks = data[UNDO] = {}
    stack = stacks.get(str(position))
    if not isinstance(stack, list):
        stack = stacks[str(position)] = []
    return stack


def record(data: dict[str, Any], position: int, before: LogState, after: LogState) -> None:
    """Remember a tap that turned `before` into `after` (nothing when it changed nothing)."""
    if before.same_as(after):
        return
    number = data.get(UNDO_SEQ)
    number = number + 1 if isinstance(number, int) else 1
    data[UNDO_SEQ] = number
    stack = _stack(data, position)
    stack.append([f"{ENTRY_PREFIX}{number}", _encode(before), _encode(after)])
    del stack[:-MAX_ENTRIES]


def button_token(data: dict[str, Any], item: ExerciseView) -> str:
    """What the undo button of this exercise carries."""
    stacks = data.get(UNDO)
    stack = stacks.get(str(item.position)) if isinstance(stacks, dict) else None
    if isinstance(stack, list) and stack and isinstance(stack[-1], list):
        return str(stack[-1][0])
    top = max((s.set_number for s in item.logged), default=0)
    return f"{TOP_SET_PREFIX}{top}"


def take(data: dict[str, Any], position: int, token: str) -> tuple[LogState, LogState] | None:
    """The (before, after) of the newest remembered tap if the button named it; removed
    from the stack. None: the button carried a top set, or it is stale (a double tap)."""
    if not token.startswith(ENTRY_PREFIX):
        return None
    stack = _stack(data, position)
    if not stack or not isinstance(stack[-1], list) or stack[-1][0] != token:
        return None
    _, before, after = stack.pop()
    states = _decode(before), _decode(after)
    if states[0] is None or states[1] is None:
        return None
    return states[0], states[1]


def top_set_of(token: str) -> int | None:
    """The top set a `t<set>` button carries (None for any other token)."""
    if not token.startswith(TOP_SET_PREFIX):
        return None
    digits = token[len(TOP_SET_PREFIX) :]
    return int(digits) if digits.isdigit() and len(digits) <= 2 else None


def forget(data: dict[str, Any], position: int) -> None:
    """The exercise changed in a way the stack cannot follow: no exact undo for it."""
    stacks = data.get(UNDO)
    if isinstance(stacks, dict):
        stacks.pop(str(position), None)
