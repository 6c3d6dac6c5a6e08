"""Completeness rules of the exercise catalogue file (no database needed).

Each rule is its own test and names the offending slugs, so a coach who edits
`trainer_bot/data/exercises.toml` sees exactly what to fix.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Iterable
from urllib.parse import parse_qs, urlsplit

import pytest
from pydantic import ValidationError

from trainer_bot.catalogue import (
    CATALOGUE_PATH,
    CatalogueExercise,
    Category,
    HomeItem,
    LoadUnit,
    load_catalogue,
)
from trainer_bot.db.enums import HOME_EQUIPMENT, Equipment, FitnessLevel, Movement, Muscle

MAIN_PATTERNS = (
    Movement.SQUAT,
    Movement.HINGE,
    Movement.LUNGE,
    Movement.HORIZONTAL_PUSH,
    Movement.VERTICAL_PUSH,
    Movement.HORIZONTAL_PULL,
    Movement.VERTICAL_PULL,
    Movement.CORE,
)
LEVEL_RANK = {FitnessLevel.BEGINNER: 0, FitnessLevel.INTERMEDIATE: 1, FitnessLevel.ADVANCED: 2}

# What a bodyweight-only user needs for each kind of session: every group is a set of
# alternatives, and at least one exercise must fit each group.
Groups = tuple[frozenset[Movement | Muscle], ...]
HOME_DAYS: dict[str, Groups] = {
    "full_body": (
        frozenset({Movement.SQUAT, Movement.LUNGE}),
        frozenset({Movement.HINGE}),
        frozenset({Movement.HORIZONTAL_PUSH, Movement.VERTICAL_PUSH}),
        frozenset({Movement.HORIZONTAL_PULL, Movement.VERTICAL_PULL}),
        frozenset({Movement.CORE}),
    ),
    "upper": (
        frozenset({Movement.HORIZONTAL_PUSH}),
        frozenset({Movement.VERTICAL_PUSH}),
        frozenset({Movement.HORIZONTAL_PULL}),
        frozenset({Movement.VERTICAL_PULL}),
        frozenset({Muscle.TRICEPS}),
        frozenset({Muscle.BICEPS}),
    ),
    "lower": (
        frozenset({Movement.SQUAT}),
        frozenset({Movement.HINGE}),
        frozenset({Movement.LUNGE}),
        frozenset({Muscle.CALVES}),
        frozenset({Movement.CORE}),
    ),
    "push": (
        frozenset({Movement.HORIZONTAL_PUSH}),
        frozenset({Movement.VERTICAL_PUSH}),
        frozenset({Muscle.TRICEPS}),
    ),
    "pull": (
        frozenset({Movement.HORIZONTAL_PULL}),
        frozenset({Movement.VERTICAL_PULL}),
        frozenset({Muscle.BICEPS}),
        frozenset({Movement.CORE}),
    ),
    "legs": (
        frozenset({Movement.SQUAT}),
        frozenset({Movement.HINGE}),
        frozenset({Movement.LUNGE}),
        frozenset({Muscle.HAMSTRINGS}),
        frozenset({Muscle.CALVES}),
    ),
}
HOME_MUSCLES = (
    Muscle.CHEST,
    Muscle.BACK,
    Muscle.SHOULDERS,
    Muscle.QUADS,
    Muscle.HAMSTRINGS,
    Muscle.CALVES,
    Muscle.GLUTES,
    Muscle.BICEPS,
    Muscle.TRICEPS,
    Muscle.CORE,
)
YOUTUBE_HOSTS = {"www.youtube.com", "youtube.com", "m.youtube.com"}


@pytest.fixture(scope="module")
def catalogue() -> list[CatalogueExercise]:
    return load_catalogue()


def is_home(exercise: CatalogueExercise) -> bool:
    return exercise.equipment in HOME_EQUIPMENT


def slugs(exercises: Iterable[CatalogueExercise]) -> list[str]:
    return sorted(e.slug for e in exercises)


def fits(exercise: CatalogueExercise, group: frozenset[Movement | Muscle]) -> bool:
    """An exercise fits a group by movement, or by a primary muscle."""
    return exercise.movement in group or bool(group & set(exercise.primary_muscles))


def test_every_entry_validates() -> None:
    with CATALOGUE_PATH.open("rb") as file:
        raw = tomllib.load(file)["exercise"]
    errors = {}
    for item in raw:
        try:
            CatalogueExercise.model_validate(item)
        except ValidationError as error:
            errors[item.get("slug", "<no slug>")] = error.errors()[0]["msg"]
    assert not errors, f"invalid catalogue entries: {errors}"
    load_catalogue()  # also checks duplicate slugs


def test_catalogue_is_big_enough(catalogue: list[CatalogueExercise]) -> None:
    assert len(catalogue) >= 100, f"only {len(catalogue)} exercises, want at least 100"


def test_slugs_are_unique(catalogue: list[CatalogueExercise]) -> None:
    duplicates = [slug for slug, n in Counter(e.slug for e in catalogue).items() if n > 1]
    assert not duplicates, f"duplicate slugs: {duplicates}"


def test_names_are_unique(catalogue: list[CatalogueExercise]) -> None:
    counts = Counter(e.name.casefold() for e in catalogue)
    duplicates = slugs(e for e in catalogue if counts[e.name.casefold()] > 1)
    assert not duplicates, f"exercises sharing a name: {duplicates}"


def test_enough_home_exercises(catalogue: list[CatalogueExercise]) -> None:
    home = [e for e in catalogue if is_home(e)]
    assert len(home) >= 40, f"only {len(home)} bodyweight/pull-up bar exercises, want 40"


def test_home_exercises_cover_every_muscle_group(catalogue: list[CatalogueExercise]) -> None:
    home_primary = {m for e in catalogue if is_home(e) for m in e.primary_muscles}
    missing = [m.value for m in HOME_MUSCLES if m not in home_primary]
    assert not missing, f"no home exercise has these primary muscles: {missing}"


@pytest.mark.parametrize("level", list(FitnessLevel))
@pytest.mark.parametrize("day", sorted(HOME_DAYS))
def test_bodyweight_user_can_build_every_session(
    catalogue: list[CatalogueExercise], day: str, level: FitnessLevel
) -> None:
    available = [e for e in catalogue if is_home(e) and LEVEL_RANK[e.level] <= LEVEL_RANK[level]]
    missing = [
        sorted(str(item) for item in group)
        for group in HOME_DAYS[day]
        if not any(fits(e, group) for e in available)
    ]
    assert not missing, f"a {level} home {day} day has nothing for: {missing}"


def test_light_mobility_and_conditioning_day_at_home(catalogue: list[CatalogueExercise]) -> None:
    light = [
        e
        for e in catalogue
        if is_home(e)
        and e.level == FitnessLevel.BEGINNER
        and not e.is_high_impact
        and e.movement in (Movement.CONDITIONING, Movement.CORE)
    ]
    assert len(light) >= 8, f"too few beginner low-impact home options: {slugs(light)}"


@pytest.mark.parametrize("at_home", [True, False], ids=["home", "gym"])
@pytest.mark.parametrize("movement", MAIN_PATTERNS, ids=str)
def test_beginner_options_for_each_pattern(
    catalogue: list[CatalogueExercise], movement: Movement, at_home: bool
) -> None:
    options = [
        e
        for e in catalogue
        if e.movement == movement and e.level == FitnessLevel.BEGINNER and is_home(e) == at_home
    ]
    where = "home" if at_home else "gym"
    assert len(options) >= 2, (
        f"{movement}: want 2 beginner {where} exercises, have {slugs(options)}"
    )


def test_beginner_exercises_are_safe_for_minors(catalogue: list[CatalogueExercise]) -> None:
    # Explosive loaded lifts (olympic/power) must never reach beginners and minors.
    unsafe = [
        e
        for e in catalogue
        if e.level == FitnessLevel.BEGINNER and e.is_high_impact and not is_home(e)
    ]
    assert not unsafe, f"high-impact loaded lifts marked beginner: {slugs(unsafe)}"


def test_advanced_level_is_rare(catalogue: list[CatalogueExercise]) -> None:
    advanced = [e for e in catalogue if e.level == FitnessLevel.ADVANCED]
    assert len(advanced) <= max(10, len(catalogue) // 10), (
        f"too many advanced exercises (keep it for technical lifts): {slugs(advanced)}"
    )


def test_olympic_lifts_are_a_handful(catalogue: list[CatalogueExercise]) -> None:
    explosive_loaded = [e for e in catalogue if e.is_high_impact and not is_home(e)]
    assert len(explosive_loaded) <= 5, f"too many explosive loaded lifts: {slugs(explosive_loaded)}"


def _video_problem(exercise: CatalogueExercise) -> str | None:
    url = urlsplit(str(exercise.video_url))
    if url.scheme != "https" or url.hostname not in YOUTUBE_HOSTS:
        return "not an https YouTube link"
    query = parse_qs(url.query)
    if url.path == "/watch":
        video_id = query.get("v", [""])[0]
        return None if len(video_id) == 11 else "watch link without a video id"
    if url.path != "/results":
        return "neither a search nor a watch link"
    search = " ".join(query.get("search_query", [])).casefold()
    if exercise.name.casefold() not in search:
        return f"search query {search!r} does not name the exercise"
    return None


def test_video_urls_are_youtube_searches_for_the_exercise(
    catalogue: list[CatalogueExercise],
) -> None:
    problems = {e.slug: p for e in catalogue if (p := _video_problem(e)) is not None}
    assert not problems, f"bad video_url: {problems}"


def test_urls_fit_the_database_column(catalogue: list[CatalogueExercise]) -> None:
    # exercises.video_url / image_url are VARCHAR(512); a long Cyrillic name percent-encodes
    # to about 9 characters a letter.
    too_long = {
        e.slug: len(url)
        for e in catalogue
        for url in (str(e.video_url), str(e.image_url or ""))
        if len(url) > 512
    }
    assert not too_long, f"URLs longer than 512 characters: {too_long}"


def test_image_urls_are_http(catalogue: list[CatalogueExercise]) -> None:
    bad = [
        e.slug
        for e in catalogue
        if e.image_url is not None and urlsplit(str(e.image_url)).scheme not in {"http", "https"}
    ]
    assert not bad, f"image_url must be an http(s) link or absent: {bad}"


def test_instructions_have_three_to_eight_steps(catalogue: list[CatalogueExercise]) -> None:
    bad = {e.slug: len(e.instructions) for e in catalogue if not 3 <= len(e.instructions) <= 8}
    assert not bad, f"instructions need 3-8 steps: {bad}"


def test_low_impact_conditioning_exists(catalogue: list[CatalogueExercise]) -> None:
    low_impact = [
        e for e in catalogue if e.movement == Movement.CONDITIONING and not e.is_high_impact
    ]
    home = [e for e in low_impact if is_home(e)]
    gym = [e for e in low_impact if not is_home(e)]
    assert len(home) >= 3, f"want 3 low-impact home conditioning exercises, have {slugs(home)}"
    assert len(gym) >= 2, f"want 2 low-impact gym conditioning exercises, have {slugs(gym)}"


def test_high_impact_conditioning_exists(catalogue: list[CatalogueExercise]) -> None:
    jumps = [e for e in catalogue if e.movement == Movement.CONDITIONING and e.is_high_impact]
    assert len(jumps) >= 3, f"want 3 high-impact conditioning exercises, have {slugs(jumps)}"


# --- explicit flags, categories, home needs, voice (issue 11) ----------------------------


def test_safety_flags_match_the_exercises(catalogue: list[CatalogueExercise]) -> None:
    for e in catalogue:
        words = set(e.slug.split("_"))
        name = e.name.casefold()
        jumps = "прыж" in name.replace("без прыж", "")
        if jumps or words & {"jump", "jumping"}:
            assert e.is_high_impact, e.slug
        if e.equipment is Equipment.BARBELL and e.movement in (Movement.SQUAT, Movement.HINGE):
            lifts = words & {"squat", "deadlift", "morning", "clean"}
            assert e.spine_loading is bool(lifts), e.slug
        if words & {"clean", "snatch", "jerk", "swing", "thruster"} or e.slug == "push_press":
            assert e.is_power, e.slug
        bar_work = words & {"pull", "chin", "hang", "hanging"} and "inverted" not in words
        if bar_work and e.equipment is Equipment.PULLUP_BAR:  # an inverted row: feet down
            assert e.hanging, e.slug
        if e.hanging:
            assert e.equipment is Equipment.PULLUP_BAR, e.slug
        if e.spine_loading:
            assert e.equipment is Equipment.BARBELL, e.slug
        if "push" in words and "up" in words and e.equipment is Equipment.BODYWEIGHT:
            if not words & {"incline", "wall"}:
                assert e.floor_push, e.slug
            if "incline" in words:
                assert not e.floor_push, e.slug


def test_categories_and_home_needs(catalogue: list[CatalogueExercise]) -> None:
    by_category = {c: [e for e in catalogue if e.category is c] for c in Category}
    for category in (Category.MOBILITY, Category.BALANCE, Category.COOL_DOWN):
        drills = by_category[category]
        assert len(drills) >= 3, category
        assert all(e.level is FitnessLevel.BEGINNER and not e.is_high_impact for e in drills)
        assert all(e.equipment is Equipment.BODYWEIGHT and not e.home_needs for e in drills)
    bands = [e for e in catalogue if HomeItem.BANDS in e.home_needs]
    assert {e.movement for e in bands} >= {Movement.HORIZONTAL_PULL, Movement.VERTICAL_PULL}
    # Pulling with nothing at home: no bar, no bands, no chair.
    bare_pulls = [
        e
        for e in catalogue
        if e.movement in (Movement.HORIZONTAL_PULL, Movement.VERTICAL_PULL)
        and not e.home_items
        and e.home_possible
    ]
    assert {"prone_ytw_raise", "reverse_snow_angel", "doorframe_row"} <= {
        e.slug for e in bare_pulls
    }
    for slug in ("bench_dip", "chair_squat", "bulgarian_split_squat", "step_up"):
        assert HomeItem.BENCH in next(e for e in catalogue if e.slug == slug).home_needs
    assert next(e for e in catalogue if e.slug == "inverted_row").home_items == {
        HomeItem.PULLUP_BAR
    }


def test_instructions_speak_to_the_user_as_ty(catalogue: list[CatalogueExercise]) -> None:
    vy = re.compile(r"\b(вы|вас|вам|ваш\w*)\b", re.IGNORECASE)
    plural_imperative = re.compile(r"\b\w{3,}(?:йте|ите|итесь|йтесь)\b", re.IGNORECASE)
    offenders = [
        e.slug
        for e in catalogue
        if any(vy.search(step) or plural_imperative.search(step) for step in e.instructions)
    ]
    assert offenders == [], offenders[:20]


def test_load_units_are_spelled_out(catalogue: list[CatalogueExercise]) -> None:
    for e in catalogue:
        if e.equipment in HOME_EQUIPMENT:  # bodyweight, on a bar or on dip bars
            assert e.load_unit_text == "", e.slug
        else:
            assert e.load_unit_text, e.slug
    goblet = next(e for e in catalogue if e.slug == "goblet_squat")
    assert goblet.unit is LoadUnit.ONE_IMPLEMENT and "обеими" in goblet.load_unit_text
    assert "грифом" in next(e for e in catalogue if e.slug == "barbell_bench_press").load_unit_text


def test_every_profile_has_choices_for_every_slot() -> None:
    """Each focus of each audited profile: every muscle group its title names has an
    allowed strength exercise, and at most one slot's pattern has no choice at all
    (an overhead press at BMI >= 40 with nothing at home: the shoulder slot covers it)."""
    from tests.fallback_audit import all_profiles
    from trainer_bot.training.rules_check.limits import ARM_MUSCLES, TITLE_GROUPS

    def arms(muscles: Iterable[Muscle]) -> list[Muscle]:
        return [m for m in muscles if m in ARM_MUSCLES]

    from trainer_bot.training.selection import allowed_exercises
    from trainer_bot.training.split import BLUEPRINTS, week_cycle

    catalogue = load_catalogue()
    for profile in all_profiles():
        allowed = [e for e in allowed_exercises(profile, catalogue) if not e.is_drill]
        for focus in week_cycle(profile):
            for group in TITLE_GROUPS.get(focus, ()):
                assert any(
                    not group.isdisjoint([*e.primary_muscles, *arms(e.secondary_muscles)])
                    for e in allowed
                ), (
                    profile,
                    focus,
                    group,
                )
            empty = [
                slot
                for slot in BLUEPRINTS[focus]
                if slot.muscle is None and not any(e.movement in slot.movements for e in allowed)
            ]
            assert len(empty) <= 1, (profile, focus, empty)


def test_bar_dips_need_dip_bars_not_a_machine(catalogue: list[CatalogueExercise]) -> None:
    dips = {e.slug: e for e in catalogue}
    bars = dips["parallel_bar_dips"]
    assert bars.equipment is Equipment.DIP_BARS
    assert bars.home_items == {HomeItem.DIP_BARS}
    assert bars.home_possible
    # The assisted dip is a real machine (a counterweight platform).
    assert dips["assisted_dips"].equipment is Equipment.MACHINE


def test_only_home_users_with_dip_bars_get_bar_dips(catalogue: list[CatalogueExercise]) -> None:
    from tests.fallback_audit import make_profile
    from trainer_bot.db.enums import EquipmentType, Gender, Goal
    from trainer_bot.training.selection import allowed_exercises

    def gets_dips(equipment: EquipmentType, home: frozenset[HomeItem]) -> bool:
        user = make_profile(
            Gender.MALE, 30, 180, 80.0, FitnessLevel.INTERMEDIATE, Goal.MASS_GAIN, 3,
            equipment, home,
        )  # fmt: skip
        return any(e.slug == "parallel_bar_dips" for e in allowed_exercises(user, catalogue))

    assert gets_dips(EquipmentType.GYM, frozenset())
    assert gets_dips(EquipmentType.BODYWEIGHT, frozenset({HomeItem.DIP_BARS}))
    assert not gets_dips(EquipmentType.BODYWEIGHT, frozenset({HomeItem.PULLUP_BAR}))
