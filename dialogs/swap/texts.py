"""How the swap screens read in Russian."""

from __future__ import annotations

from html import escape

from trainer_bot.db.enums import Equipment
from trainer_bot.formatting import format_kg
from trainer_bot.services.swaps import SwapOption, SwapOutcome

PAIN_TEXT = "🩺 Если боль острая — остановись и покажись врачу или спортивному специалисту."
EQUIPMENT_NAMES = {
    Equipment.BODYWEIGHT: "свой вес",
    Equipment.PULLUP_BAR: "турник",
    Equipment.DUMBBELL: "гантели",
    Equipment.BARBELL: "штанга",
    Equipment.KETTLEBELL: "гиря",
    Equipment.MACHINE: "тренажёр",
    Equipment.CABLE: "блок",
    Equipment.BANDS: "резинка",
    Equipment.BENCH: "скамья",
    Equipment.DIP_BARS: "брусья",
}
CLOSED_TEXTS = {
    SwapOutcome.NOT_FOUND: "Этого упражнения больше нет в тренировке.",
    SwapOutcome.CLOSED: "Эта тренировка уже завершена или заменена новой — менять в ней нечего.",
    SwapOutcome.LOGGED: "По этому упражнению уже записаны подходы — сначала отмени их "
    "(«↩️ Отменить»), потом меняй.",
    SwapOutcome.NOT_OFFERED: "Этот вариант уже неактуален — выбери из списка ниже.",
}


def option_line(number: int, option: SwapOption) -> str:
    """'1. <b>Жим гантелей лёжа</b> — 3 × 8–10, 22 кг'."""
    reps = (
        f"{option.reps_min}"
        if option.reps_min == option.reps_max
        else f"{option.reps_min}–{option.reps_max}"
    )
    unit = " с" if option.is_timed else ""
    load = f"{format_kg(option.weight_kg)} кг" if option.weight_kg else "свой вес"
    return f"{number}. <b>{escape(option.name)}</b> — {option.sets} × {reps}{unit}, {load}"
