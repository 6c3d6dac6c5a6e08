"""The rules check for a plan that arrives one exercise at a time (a streamed answer).

Before a streamed exercise may be shown, it is repaired the way the whole-plan gate
repairs it (`plan_repair.repair_exercise`: replaced when the person may not do it,
sets, reps and rest clamped, the load capped) and then passes the part of the rules
check one exercise answers for alone (`rules_check.check_exercise`: allowed for the
profile, equipment at hand, the table's ranges, load limits). The finished plan still
passes `gate.gate`: this only decides what may be on screen in the meantime.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from trainer_bot.catalogue import CatalogueExercise
from trainer_bot.training.fallback.context import Context
from trainer_bot.training.gate import context_for_focus
from trainer_bot.training.plan import PlannedExercise
from trainer_bot.training.plan_repair import repair_exercise, unsafe_text
from trainer_bot.training.rules_check import check_exercise
from trainer_bot.training.rules_check.session import is_placeholder
from trainer_bot.training.schemas import PastWorkout, TrainingProfile


class ExerciseGate:
    """Admits a plan's exercises one by one, in the order they arrive."""

    def __init__(
        self,
        profile: TrainingProfile,
        history: Sequence[PastWorkout],
        catalogue: Sequence[CatalogueExercise],
        *,
        focus: str | None,
        today: date,
    ) -> None:
        self._profile = profile
        self._history = tuple(history)
        self._catalogue = tuple(catalogue)
        self._by_slug = {e.slug: e for e in catalogue}
        self._focus = focus
        self._today = today
        self._ctx: Context | None = None  # built at the first exercise (about a millisecond)
        self._taken: set[str] = set()  # admitted, after replacements
        self._used: set[str] = set()  # named by the answer or taken by a replacement
        self._spine_taken = False
        self.admitted = 0

    def _context(self) -> Context:
        if self._ctx is None:
            # No focus given: today's session of the split, as the gate would shape it.
            self._ctx = context_for_focus(
                self._focus or "", self._profile, self._history, self._catalogue, self._today
            )
        return self._ctx

    def admit(self, planned: PlannedExercise) -> tuple[PlannedExercise, CatalogueExercise] | None:
        """The exercise as it may be shown (repaired), or None when it may not be."""
        ctx = self._context()
        self._used.add(planned.slug)
        repaired = repair_exercise(
            planned,
            self.admitted,
            ctx,
            self._by_slug,
            taken=self._taken,
            used=self._used,
            spine_taken=self._spine_taken,
        )
        if repaired is None:
            return None
        item, exercise = repaired
        if check_exercise(item, exercise, self._profile, ctx.slot.focus):
            return None
        self._taken.add(item.slug)
        self._spine_taken = self._spine_taken or exercise.spine_loading
        self.admitted += 1
        return item, exercise

    def text_fits(self, text: str) -> bool:
        """A plan text (title, rationale) that may be shown as it is."""
        return not is_placeholder(text) and not unsafe_text(text, self._profile)
