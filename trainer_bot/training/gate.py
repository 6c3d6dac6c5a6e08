"""Every plan passes the rules check before it is saved or shown, whoever wrote it.

`gate` checks a plan and repairs what is mechanical (`plan_repair`); what remains is the
caller's to handle (the LLM path re-asks once, then falls back). `gate_fallback` is the
rule-based plan's pass: a violation there is a bug (logged at ERROR), still repaired
before anyone sees it. Each plan gets one log line:
`plan_check user=... source=llm violations=reps_range,load_limit action=repaired`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from trainer_bot.catalogue import CatalogueExercise
from trainer_bot.training import rules
from trainer_bot.training.fallback import fallback_context
from trainer_bot.training.fallback.context import Context, Draft
from trainer_bot.training.fallback.texts import warmup_text
from trainer_bot.training.plan import TEXT_LIMITS, WorkoutPlan
from trainer_bot.training.plan_repair import REPAIRABLE, repair_plan
from trainer_bot.training.rules import FOCUS_MUSCLES
from trainer_bot.training.rules_check import Violation, check
from trainer_bot.training.schemas import PastWorkout, TrainingProfile
from trainer_bot.training.split import BLUEPRINTS, TITLES

logger = logging.getLogger(__name__)
LOG_FORMAT = "plan_check user=%s source=%s violations=%s action=%s"


@dataclass(frozen=True, slots=True)
class GateResult:
    plan: WorkoutPlan
    found: tuple[Violation, ...]  # before any repair
    remaining: tuple[Violation, ...]  # after the repairs
    repairs: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.remaining


def gate(
    plan: WorkoutPlan,
    profile: TrainingProfile,
    history: Sequence[PastWorkout],
    catalogue: Sequence[CatalogueExercise],
    *,
    today: date,
) -> GateResult:
    found = tuple(check(plan, profile, history, catalogue=catalogue, today=today))
    if not found:
        return GateResult(plan, (), (), ())
    if not any(v.kind in REPAIRABLE for v in found):
        return GateResult(plan, found, found, ())
    ctx = _context_for(plan, profile, history, catalogue, today)
    repaired, done = repair_plan(plan, found, ctx, catalogue)
    remaining = tuple(check(repaired, profile, history, catalogue=catalogue, today=today))
    return GateResult(repaired, found, remaining, done)


def _context_for(
    plan: WorkoutPlan,
    profile: TrainingProfile,
    history: Sequence[PastWorkout],
    catalogue: Sequence[CatalogueExercise],
    today: date,
) -> Context:
    return context_for_focus(plan.focus, profile, history, catalogue, today)


def context_for_focus(
    focus: str,
    profile: TrainingProfile,
    history: Sequence[PastWorkout],
    catalogue: Sequence[CatalogueExercise],
    today: date,
) -> Context:
    """The fallback's context for today, shaped by `focus` (the plan's own)."""
    ctx = fallback_context(profile, history, catalogue, today=today)
    if ctx.slot.focus != focus and focus in BLUEPRINTS:
        # Shape the repairs by the plan's own focus (the service passes the split's).
        ctx.slot = replace(
            ctx.slot,
            focus=focus,
            title=TITLES[focus],
            patterns=BLUEPRINTS[focus],
            muscles=FOCUS_MUSCLES[focus],
        )
    return ctx


def warmup_for(
    plan: WorkoutPlan,
    profile: TrainingProfile,
    history: Sequence[PastWorkout],
    catalogue: Sequence[CatalogueExercise],
    *,
    today: date,
) -> str:
    """The bot's warm-up for the plan as it now is (its first lift and working weight),
    written the way the fallback writes it."""
    ctx = _context_for(plan, profile, history, catalogue, today)
    by_slug = {exercise.slug: exercise for exercise in catalogue}
    drafts = []
    for order, item in enumerate(plan.exercises):
        draft = Draft(by_slug[item.slug], item.sets, order)
        draft.heavy = order == 0 and item.reps_max <= rules.HEAVY_REPS[1]
        drafts.append(draft)
    return warmup_text(ctx, drafts, plan.exercises)[: TEXT_LIMITS["warmup"]]


def kinds_text(violations: Iterable[Violation]) -> str:
    """ "reps_range,load_limit" (first seen first), or "-"."""
    kinds = dict.fromkeys(v.kind.value for v in violations)
    return ",".join(kinds) or "-"


def log_plan_check(
    user_id: int,
    source: str,
    violations: Iterable[Violation],
    action: str,
    *,
    level: int = logging.INFO,
) -> None:
    logger.log(level, LOG_FORMAT, user_id, source, kinds_text(violations), action)


def gate_fallback(
    plan: WorkoutPlan,
    profile: TrainingProfile,
    history: Sequence[PastWorkout],
    catalogue: Sequence[CatalogueExercise],
    *,
    today: date,
    user_id: int,
) -> WorkoutPlan:
    """The rule-based plan through the gate: it should never need it."""
    try:
        result = gate(plan, profile, history, catalogue, today=today)
    except Exception:
        # A bug in the check or a repair must not cost the user the workout: the
        # fallback plan is built by the same rules.
        logger.exception("plan_check user=%s source=fallback crashed", user_id)
        return plan
    if not result.found:
        log_plan_check(user_id, "fallback", (), "none")
        return plan
    action = "repaired" if result.passed else "repaired_partly"
    log_plan_check(user_id, "fallback", result.found, action, level=logging.ERROR)
    if result.remaining:
        logger.error(
            "plan_check user=%s fallback still violates: %s",
            user_id,
            "; ".join(str(v) for v in result.remaining),
        )
    return result.plan
