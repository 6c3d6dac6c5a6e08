"""Dialog intent ids that do not collide within a user's stack.

aiogram-dialog 2.6 makes an intent id from the current second plus `randint(0, 99)`
(`aiogram_dialog.api.entities.stack.new_int_id`). Two dialogs started in the same
second share an id one time in a hundred; when the dialog a button starts gets the id
of the dialog it was pressed in, the library takes it for "no switch", renders the new
window twice and lets both contexts share one storage key.

We keep the library's shape (the second, plus a spread factor) but take the spread from
a per-process counter that starts at a random point: within one process two ids repeat
only after `_SPREAD` dialogs in one second, and two replicas starting dialogs in the
same second collide one time in `_SPREAD`. The id stays short (7 base-62 characters
instead of 6) because it travels in every button's 64-byte callback data.
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Callable

from aiogram_dialog.api.entities import stack as dialog_stack

_SECONDS_MODULUS = 100_000_000  # the library's: the second wraps every ~3 years
_SPREAD = 10_000


def counter_intent_ids(
    clock: Callable[[], float] = time.time, start: int | None = None
) -> Callable[[], int]:
    """A `new_int_id` replacement: the second plus a rolling counter, never random alone."""
    counter = itertools.count(random.randrange(_SPREAD) if start is None else start)

    def new_int_id() -> int:
        return int(clock()) % _SECONDS_MODULUS + (next(counter) % _SPREAD) * _SECONDS_MODULUS

    return new_int_id


def install_collision_free_intent_ids() -> None:
    """Replace aiogram-dialog's id source for this process (idempotent).

    `Stack` and `Stack.push` look `new_int_id` up in the module at call time, so
    replacing the module attribute reaches every new stack and intent.
    """
    if not getattr(dialog_stack.new_int_id, "_trainer_bot", False):
        generator = counter_intent_ids()
        generator._trainer_bot = True  # type: ignore[attr-defined]
        dialog_stack.new_int_id = generator
