"""A workout draft from a streamed answer: what may be shown while the model writes.

`PlanDrafter` reads the answer's pieces (it is the client's stream sink), follows the
JSON (`stream.PartialPlan`) and hands its listener a `DraftPlan` whenever something new
may be shown: the title, the rationale, and each closed exercise object once it has
passed the per-exercise rules check (`training.exercise_gate`), repaired as the gate
repairs it. Nothing unchecked ever reaches the listener. When what was shown becomes
void (the stream was cut and is retried, the whole-plan check refused the answer, the
fallback answers instead) the draft becomes «rebuilding» with no exercise on it.

A failure in here never costs the user the workout: drafting stops, with one log line,
and the answer is read to the end as if nobody watched.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Protocol

from pydantic import ValidationError

from trainer_bot.catalogue import CatalogueExercise
from trainer_bot.llm.answer import AnswerExercise
from trainer_bot.llm.stream import PartialPlan
from trainer_bot.llm.validation import repair_entry
from trainer_bot.training.exercise_gate import ExerciseGate
from trainer_bot.training.plan import PlannedExercise

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DraftExercise:
    name: str
    sets: int
    reps_min: int
    reps_max: int
    weight_kg: float | None
    rest_seconds: int
    is_timed: bool


@dataclass(frozen=True, slots=True)
class DraftPlan:
    """What a draft may show: checked exercises only."""

    title: str | None = None
    rationale: str | None = None
    exercises: tuple[DraftExercise, ...] = ()
    # What was shown is void and the coach writes again (or the fallback answers).
    rebuilding: bool = False


class DraftListener(Protocol):
    def update(self, draft: DraftPlan) -> None:
        """A new draft; must not block (the stream is read meanwhile)."""


class PlanDrafter:
    """The stream sink of one generation (`client.StreamSink`)."""

    def __init__(
        self,
        listener: DraftListener,
        allowed: Mapping[str, CatalogueExercise],
        new_gate: Callable[[], ExerciseGate],
        *,
        min_reps: int,
    ) -> None:
        self._listener = listener
        self._allowed = allowed
        self._new_gate = new_gate
        self._min_reps = min_reps
        self._stopped = False
        self._rebuilding = False
        self._shown = DraftPlan()
        self._start()

    def _start(self) -> None:
        self._partial = PartialPlan()
        self._gate = self._new_gate()
        self._read = 0  # closed exercise objects looked at
        self._draft = DraftPlan(rebuilding=self._rebuilding)

    @property
    def shown(self) -> DraftPlan:
        """The last draft handed to the listener."""
        return self._shown

    def feed(self, text: str) -> None:
        if self._stopped:
            return
        try:
            if self._partial.feed(text):
                self._advance()
        except Exception:
            self._stop()

    def restart(self) -> None:
        """The pieces so far are void (a retried stream)."""
        self.reject()

    def reject(self) -> None:
        """What was shown may not stay: «rebuilding», until a new answer brings more."""
        if self._stopped:
            return
        try:
            self._rebuilding = self._rebuilding or self._shown != DraftPlan()
            self._start()
            self._publish()
        except Exception:
            self._stop()

    def _advance(self) -> None:
        texts = self._partial.texts
        draft = self._draft
        title = texts.get("title")
        if draft.title is None and title is not None and self._gate.text_fits(title):
            draft = replace(draft, title=title.strip())
        rationale = texts.get("rationale")
        if draft.rationale is None and rationale is not None and self._gate.text_fits(rationale):
            draft = replace(draft, rationale=rationale.strip())
        closed = self._partial.exercises
        added = []
        for raw in closed[self._read :]:
            shown = self._admit(raw)
            if shown is not None:
                added.append(shown)
        self._read = len(closed)
        if added:
            draft = replace(draft, exercises=(*draft.exercises, *added))
        self._draft = draft
        self._publish()

    def _admit(self, raw: Any) -> DraftExercise | None:
        try:
            entry = AnswerExercise.model_validate(raw).model_dump()
        except ValidationError:
            return None
        exercise = self._allowed.get(entry["slug"])
        if exercise is None:
            return None  # not on the list the prompt showed
        repaired = repair_entry(entry, exercise, self._min_reps, [])
        repaired.pop("position")
        try:
            planned = PlannedExercise.model_validate(repaired)
        except ValidationError:
            return None
        admitted = self._gate.admit(planned)
        if admitted is None:
            return None
        item, checked = admitted
        return DraftExercise(
            name=checked.name,
            sets=item.sets,
            reps_min=item.reps_min,
            reps_max=item.reps_max,
            weight_kg=item.weight_kg,
            rest_seconds=item.rest_seconds,
            is_timed=checked.is_timed,
        )

    def _publish(self) -> None:
        if self._draft == self._shown:
            return
        self._shown = self._draft
        self._listener.update(self._draft)

    def _stop(self) -> None:
        self._stopped = True
        logger.warning("Workout draft stopped: the streamed answer is read on", exc_info=True)
