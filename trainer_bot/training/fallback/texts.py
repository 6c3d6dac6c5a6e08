"""The plan's texts: the warm-up and the one-line rationale, in Russian."""

from __future__ import annotations

from collections.abc import Sequence

from trainer_bot.db.enums import Equipment, Goal
from trainer_bot.formatting import format_kg
from trainer_bot.training import rules
from trainer_bot.training.fallback.context import Context, Draft, Kind
from trainer_bot.training.plan import TEXT_LIMITS, PlannedExercise
from trainer_bot.training.rules_check.exercise_rules import empty_implement_kg
from trainer_bot.training.weights import warmup_weight

_GENERAL_WARMUP_GYM = (
    "5–7 минут лёгкого кардио (дорожка, велотренажёр или эллипс) в темпе, при котором "
    "можно разговаривать. Затем суставная разминка: круги плечами и тазом, наклоны, "
    "10 махов каждой ногой."
)
_GENERAL_WARMUP_HOME = (
    "5–7 минут: бодрая ходьба на месте, круги руками и плечами, наклоны и вращения "
    "тазом, 10 махов каждой ногой, 10 приседаний без веса."
)
_LIGHT_WARMUP = (
    "8–10 минут мобильности: ходьба на месте, «кошка-корова» 10 раз, круги тазом, "
    "выпад с поворотом корпуса по 5 на сторону, «червяк» 5 раз, круги руками. "
    "Всё плавно, без боли."
)
_CHILD_NOTE = "Занимайся вместе со взрослым или тренером: они подстрахуют и подскажут по технике."
CARDIO_FINISHER = (
    "В конце — 10–15 минут кардио в ровном темпе (велотренажёр, эллипс или быстрая ходьба)."
)
_HEAVY_NOTE = (
    "Первое базовое упражнение — тяжёлое, на 4–6 повторов с долгим отдыхом; "
    "остальные — в диапазоне 6–12."
)
_GOAL_NOTES = {
    Goal.MASS_GAIN: "Для роста мышц — рабочие подходы с запасом в пару повторов и полный отдых.",
    Goal.WEIGHT_LOSS: "Отдых короче обычного: пульс держится выше, а техника остаётся чистой.",
    Goal.MAINTENANCE: "Для поддержания формы — умеренный объём и чистая техника.",
}
_MINOR_GOAL_NOTES = {
    Goal.WEIGHT_LOSS: "Главное — регулярность и активность: короткий отдых держит темп.",
}
_LOW_IMPACT_NOTE = "Упражнения без прыжков — бережно для суставов."


def warmup_text(ctx: Context, drafts: Sequence[Draft], planned: Sequence[PlannedExercise]) -> str:
    if not ctx.slot.is_hard:
        text = _LIGHT_WARMUP
    else:
        general = _GENERAL_WARMUP_GYM if ctx.gym else _GENERAL_WARMUP_HOME
        text = f"{general} {_specific_warmup(drafts, planned)}"
    if rules.is_child(ctx.profile.age):
        text = f"{text} {_CHILD_NOTE}"
    return text[: TEXT_LIMITS["warmup"]]


def _specific_warmup(drafts: Sequence[Draft], planned: Sequence[PlannedExercise]) -> str:
    for draft, plan in zip(drafts, planned, strict=True):
        if draft.kind is not Kind.COMPOUND:
            continue
        name = draft.exercise.name
        if plan.weight_kg is not None:
            light = warmup_weight(draft.exercise, plan.weight_kg)
            bar = empty_implement_kg(draft.exercise)
            load = f"~50% рабочего веса, около {format_kg(light)} кг"
            if bar and light <= bar:
                # Half the working weight would be lighter than the bar itself.
                load = f"~50% рабочего веса — пустой гриф, {format_kg(bar)} кг"
            if draft.exercise.equipment is Equipment.DUMBBELL:
                load += " на гантель"
            return (
                f"Перед рабочими подходами «{name}»: 1–2 лёгких подхода по 8–10 повторов ({load})."
            )
        return (
            f"Перед рабочими подходами «{name}»: 1–2 лёгких подхода по 6–8 повторов "
            "в облегчённом варианте — примерно вполсилы (~50% усилия)."
        )
    return "Перед первым упражнением: 1–2 лёгких подхода вполсилы (~50% усилия)."


def rationale_text(ctx: Context, drafts: Sequence[Draft], extra: str | None) -> str:
    parts = [ctx.slot.rationale]
    if ctx.slot.is_hard:
        notes = _MINOR_GOAL_NOTES if ctx.profile.is_minor else _GOAL_NOTES
        heavy = any(d.heavy for d in drafts)
        parts.append(_HEAVY_NOTE if heavy else notes.get(ctx.goal, _GOAL_NOTES[ctx.goal]))
    if extra:
        parts.append(extra)
    if ctx.profile.bmi >= rules.LOW_IMPACT_BMI:
        parts.append(_LOW_IMPACT_NOTE)
    text = parts[0]
    for part in parts[1:]:
        if len(text) + 1 + len(part) <= TEXT_LIMITS["rationale"]:
            text = f"{text} {part}"
    return text
