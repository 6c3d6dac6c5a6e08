"""Session shape the volume search alone does not guarantee (training.md, session shape
and populations): one heavy spine-loading lift at most, what the title promises, pushing
and pulling within 1:1.5, balance and mobility drills for adults 65+."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from trainer_bot.catalogue import CatalogueExercise, Category
from trainer_bot.db.enums import Movement, Muscle
from trainer_bot.training import rules
from trainer_bot.training.fallback.choice import pick
from trainer_bot.training.fallback.context import Context, Draft, Kind
from trainer_bot.training.fallback.prescription import DRILL_SETS, set_range
from trainer_bot.training.rules_check.limits import ARM_MUSCLES, BALANCED_FOCI, TITLE_GROUPS
from trainer_bot.training.scoring import tiebreak
from trainer_bot.training.split import PatternSlot

Need = Callable[[CatalogueExercise], bool]
PUSH = frozenset({Movement.HORIZONTAL_PUSH, Movement.VERTICAL_PUSH})
PULL = frozenset({Movement.HORIZONTAL_PULL, Movement.VERTICAL_PULL})
# Most sets the balancing step moves: a bounded loop.
MAX_BALANCE_STEPS = 12
PUSH_PULL_RATIO = 1.5
DRILL_ORDER = 2000
MIN_EXERCISES, MAX_EXERCISES = rules.EXERCISES_PER_SESSION
OLDER_ADULT_DRILLS = (Category.BALANCE, Category.MOBILITY)


class SpineGuard:
    """Lets one spine-loading barbell lift into a session, then none."""

    __slots__ = ("taken",)

    def __init__(self) -> None:
        self.taken = False

    def allows(self, exercise: CatalogueExercise) -> bool:
        return not (self.taken and exercise.spine_loading)

    def take(self, exercise: CatalogueExercise) -> None:
        self.taken = self.taken or exercise.spine_loading

    def and_(self, other: Need) -> Need:
        return lambda exercise: self.allows(exercise) and other(exercise)


def _strength(exercise: CatalogueExercise) -> bool:
    return not exercise.is_drill and exercise.movement not in (
        Movement.CORE,
        Movement.CONDITIONING,
    )


def _trains(group: frozenset[Muscle]) -> Need:
    def need(exercise: CatalogueExercise) -> bool:
        if not _strength(exercise):
            return False
        hit = set(exercise.primary_muscles) | (set(exercise.secondary_muscles) & ARM_MUSCLES)
        return not group.isdisjoint(hit)

    return need


def _moves(movements: frozenset[Movement]) -> Need:
    return lambda exercise: _strength(exercise) and exercise.movement in movements


def needs(ctx: Context) -> list[Need]:
    """What today's session must contain: each muscle group its title names, and for a
    full body or upper day both a push and a pull."""
    out = [_trains(group) for group in TITLE_GROUPS.get(ctx.slot.focus, ())]
    if ctx.slot.focus in BALANCED_FOCI:
        out += [_moves(PUSH), _moves(PULL)]
    return out


def covering_drafts(
    ctx: Context, drafts: Sequence[Draft], only: Sequence[Need] | None = None
) -> list[Draft]:
    """The first draft meeting each need (blueprint slots come first in `drafts`);
    `only`: these needs, not all of today's."""
    chosen: list[Draft] = []
    for need in needs(ctx) if only is None else only:
        if any(need(d.exercise) for d in chosen):
            continue
        first = next((d for d in drafts if need(d.exercise)), None)
        if first is not None:
            chosen.append(first)
    return chosen


def coverage_extras(
    ctx: Context, drafts: Sequence[Draft], used: set[str], spine: SpineGuard, order: int
) -> list[Draft]:
    """An exercise for each need no draft meets yet (a thin home catalogue)."""
    extras: list[Draft] = []
    anything = PatternSlot(tuple(m for m in Movement if m is not Movement.CONDITIONING))
    for need in needs(ctx):
        if any(need(d.exercise) for d in [*drafts, *extras]):
            continue
        exercise = pick(ctx, anything, used, only=spine.and_(need))
        if exercise is not None:
            used.add(exercise.slug)
            spine.take(exercise)
            extras.append(Draft(exercise, 0, order + len(extras)))
    return extras


def balance_push_pull(ctx: Context, drafts: list[Draft], used: set[str], spine: SpineGuard) -> None:
    """Pushing and pulling sets within 1:1.5: a set more on the smaller side, else a set
    less on the larger one, within each exercise's set range; when the ranges do not
    reach, one exercise of the larger side gives its place to one of the smaller."""
    if ctx.slot.focus not in BALANCED_FOCI:
        return
    for _ in range(MAX_BALANCE_STEPS):
        push = [d for d in drafts if _moves(PUSH)(d.exercise)]
        pull = [d for d in drafts if _moves(PULL)(d.exercise)]
        push_sets, pull_sets = sum(d.sets for d in push), sum(d.sets for d in pull)
        if not push_sets or not pull_sets:
            return
        if max(push_sets, pull_sets) <= PUSH_PULL_RATIO * min(push_sets, pull_sets):
            return
        small, large = (push, pull) if push_sets < pull_sets else (pull, push)
        grow = next((d for d in small if d.sets < set_range(ctx, d)[1]), None)
        if grow is not None:
            grow.sets += 1
            continue
        shrink = next((d for d in reversed(large) if d.sets > set_range(ctx, d)[0]), None)
        if shrink is not None:
            shrink.sets -= 1
            continue
        if not _add_or_swap(ctx, drafts, large, small is push, used, spine):
            return


def _add_or_swap(
    ctx: Context,
    drafts: list[Draft],
    large: list[Draft],
    want_push: bool,
    used: set[str],
    spine: SpineGuard,
) -> bool:
    """With set ranges too narrow to balance (3 x 3 sets vs 1 x 3), change the count of
    exercises: one more on the smaller side while the session has room, else one fewer
    on the larger side, else a swap."""
    limit = MAX_EXERCISES - (len(OLDER_ADULT_DRILLS) if ctx.profile.is_older_adult else 0)
    room = len(drafts) < limit
    if room:
        movements = PUSH if want_push else PULL
        wanted = PatternSlot(tuple(m for m in Movement if m in movements), compound=True)
        exercise = pick(ctx, wanted, used, only=spine.allows)
        if exercise is not None:
            used.add(exercise.slug)
            spine.take(exercise)
            drafts.append(Draft(exercise, set_range(ctx, large[0])[0], large[-1].order))
            return True
    if len(drafts) > MIN_EXERCISES:
        for leaving in reversed(large):
            if _replaceable(ctx, drafts, leaving):
                drafts.remove(leaving)
                return True
    return _swap_side(ctx, drafts, large, want_push, used, spine)


def _replaceable(ctx: Context, drafts: list[Draft], leaving: Draft) -> bool:
    """No need of the session depends on `leaving` alone."""
    rest = [d.exercise for d in drafts if d is not leaving]
    return all(any(need(e) for e in rest) for need in needs(ctx) if need(leaving.exercise))


def _swap_side(
    ctx: Context,
    drafts: list[Draft],
    large: list[Draft],
    want_push: bool,
    used: set[str],
    spine: SpineGuard,
) -> bool:
    """Replace the last exercise of the larger side that no need depends on."""
    movements = PUSH if want_push else PULL
    wanted = PatternSlot(tuple(m for m in Movement if m in movements), compound=True)
    for leaving in reversed(large):
        if not _replaceable(ctx, drafts, leaving):
            continue
        exercise = pick(ctx, wanted, used, only=spine.allows)
        if exercise is None:
            return False
        used.add(exercise.slug)
        spine.take(exercise)
        drafts[drafts.index(leaving)] = Draft(exercise, leaving.sets, leaving.order)
        return True
    return False


def older_adult_drills(ctx: Context, used: set[str]) -> list[Draft]:
    """Adults 65+: a balance and a mobility drill in every session (least recently
    done first)."""
    if not ctx.profile.is_older_adult:
        return []
    drafts = []
    for position, category in enumerate(OLDER_ADULT_DRILLS):
        candidates = [e for e in ctx.allowed if e.category is category and e.slug not in used]
        if not candidates:
            continue
        best = min(candidates, key=lambda e: (ctx.recency.get(e.slug, 0.0), tiebreak(e.slug)))
        used.add(best.slug)
        draft = Draft(best, DRILL_SETS, DRILL_ORDER + position)
        assert draft.kind is Kind.DRILL
        drafts.append(draft)
    return drafts
