"""Sample data for the storyboard, keyed by state: realistic cases and the edge ones.

A window's own `preview_data` is its everyday sample; what is here overrides it for one
scene: the longest workout a plan can describe, an exercise message close to Telegram's
4,096-character limit, a step after a wrong answer, and the texts of two toasts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainer_bot.catalogue import CatalogueExercise, default_catalogue
from trainer_bot.middlewares.throttling import THROTTLED_TEXT
from trainer_bot.services.profile_rules import parse_age
from trainer_bot.training.population import HIGH_BMI_NOTE, SENIOR_NOTE, VOLUME_CAP_NOTES

Sample = dict[str, Any]

REGISTRATION_STEPS = 9
CURRENT_WEIGHT = "82,5"

# Toasts (callback answers): the rate limit, and a pressed exercise the workout lacks.
TOO_FAST_TOAST = THROTTLED_TEXT
NO_SUCH_EXERCISE_TOAST = "Такого упражнения нет в этой тренировке."
WRONG_AGE = "abc"


def validation_error(parse: Callable[[str], object], answer: str) -> str:
    """The error line the bot shows for `answer`, from the same rule the step uses."""
    try:
        parse(answer)
    except ValueError as error:
        return str(error)
    raise ValueError(f"{answer!r} is a valid answer, not an error sample")


def registration_step(number: int, error: str | None = None) -> Sample:
    # The home equipment question after «Свой вес» is still step 9.
    return {
        "progress": f"Шаг {min(number, REGISTRATION_STEPS)} из {REGISTRATION_STEPS}",
        "error": error,
        "current_weight": CURRENT_WEIGHT,
    }


AGE_ERROR = registration_step(2, validation_error(parse_age, WRONG_AGE))
# Maintenance: the target weight step offers the current weight as a button.
MAINTENANCE_TARGET: Sample = {**registration_step(7), "is_maintenance": True}
# A step while a saved profile is edited: «Отмена» next to «Назад».
EDITING_STEP: Sample = {**registration_step(2), "editing_saved": True}

PROFILE_ANSWERS = (
    "Пол: <b>Женский</b>\nВозраст: <b>31</b>\nРост: <b>165 см</b>\nВес: <b>62 кг</b>\n"
    "Опыт: <b>Начинающий</b>\nЦель: <b>Поддержание формы</b>\nЦелевой вес: <b>62 кг</b>\n"
    "Тренировок в неделю: <b>3 раза</b>\nГде тренируешься: <b>Свой вес</b>\n"
)
# Registered with «Свой вес» before the bot asked about home equipment.
PROFILE_HOME_UNKNOWN: Sample = {
    "profile_notice": None,
    "home_unknown": True,
    "profile": PROFILE_ANSWERS + "Дома: <b>не указано</b> — укажи, чтобы тренировки были точнее",
}
# Back on the profile after «Отмена» (or «Назад» from the summary) in an edit.
PROFILE_UNSAVED: Sample = {
    "profile_notice": "Изменения не сохранены — в профиле прежние ответы.",
    "home_unknown": False,
    "profile": PROFILE_ANSWERS + "Дома: <b>турник, гантели</b>",
}
# The workout of a 70-year-old: one line about a doctor.
WORKOUT_SENIOR: Sample = {"population_note": SENIOR_NOTE}
# Advanced weight loss on 2 days at BMI 42: the doctor, then the week too short.
WORKOUT_SHORT_WEEK: Sample = {"population_note": f"{HIGH_BMI_NOTE}\n{VOLUME_CAP_NOTES[2]}"}

MENU_JUST_REGISTERED: Sample = {
    "name": "Анна",
    "just_registered": True,
    "notice": None,
    "planned_workout_id": None,
}
# The composing screen after ~10 s (the job runner sets the flag in dialog_data).
COMPOSING_SLOW: Sample = {"dialog_data": {"slow": True}}
MENU_WITH_WORKOUT: Sample = {
    "name": "Анна",
    "just_registered": False,
    "notice": None,
    "planned_workout_id": 7,
}
MENU_REBUILD_OFFER: Sample = {
    "name": "Анна",
    "just_registered": True,
    "notice": None,
    "planned_workout_id": 7,
    "rebuild_offer": True,
}
REBUILD_AFTER_EDIT: Sample = {"profile_changed": True}
REBUILD_LIMIT: Sample = {
    "can_rebuild": False,
    "next_text": "",
    "error": "Пересобрать можно не больше 2 раз до следующей тренировки, лимит исчерпан. "
    "Дождись новой тренировки — она будет через 9 ч 5 мин, в 21:40 по Москве.",
}
SWAPPABLE_EXERCISE: Sample = {
    "why": "Первый раз — начни с этого веса и запиши, как пошло.",
    "last_text": "",
    "result_text": "",
    "undo_items": [],
    "add_set_items": [(1, "➕ Подход 1: 60 кг × 8")],
    "can_swap": True,
    "swapped_from": "",
    "rest_line": "",
    "can_rest": False,
}
SWAPPED_EXERCISE: Sample = {
    "name": "Жим гантелей лёжа",
    "scheme": "3 × 8–10 · 22 кг · отдых 2 мин",
    "why": "Первый раз — начни с этого веса и запиши, как пошло.",
    "last_text": "",
    "result_text": "",
    "undo_items": [],
    "add_set_items": [(1, "➕ Подход 1: 22 кг × 8")],
    "can_swap": True,
    "swapped_from": "Жим штанги лёжа",
    "rest_line": "",
    "can_rest": False,
}
SWAP_BUSY: Sample = {"pain_note": False}
SWAP_NOTHING: Sample = {"pain_note": False, "has_options": False, "lines": "", "options": []}

# The longest workout a plan can describe: title, rationale and warm-up near their
# limits in the plan model (128, 500 and 800 characters), ten exercises (the most a plan
# has) with the longest names in the catalogue.
LONG_TITLE = (
    "Всё тело с акцентом на спину и ягодицы: тяги, подтягивания, выпады и жимы — "
    "третья тренировка недели"
)
LONG_RATIONALE = (
    "Третья тренировка недели: в понедельник был верх тела, в среду — ноги, поэтому "
    "сегодня всё тело, но с меньшим объёмом на квадрицепсы. Вес в базовых упражнениях на "
    "2,5 кг больше прошлого раза: все подходы ты сделал с запасом в два повтора. Отдых в "
    "тягах — до двух с половиной минут, в изолирующих упражнениях — минута, чтобы уложиться "
    "в 70 минут. Если к концу техника начнёт плыть, последние два упражнения сократи до "
    "двух подходов."
)
LONG_WARMUP = (
    "8–10 минут лёгкого кардио на эллипсе или велотренажёре: пульс около 110–120, дыхание "
    "ровное, можно разговаривать. Затем суставная разминка сверху вниз: по 10 кругов "
    "головой, плечами, локтями и кистями, наклоны корпуса в стороны, круги тазом, по 10 "
    "махов каждой ногой вперёд-назад и в сторону, круги коленями и голеностопами. Добавь "
    "динамическую растяжку: 10 выпадов с поворотом корпуса, 10 наклонов без веса, "
    "10 отжиманий от скамьи. Перед первым базовым упражнением сделай два разминочных "
    "подхода: 10 повторов с пустым грифом и 6 повторов с половиной рабочего веса, отдых "
    "между ними минута. Если где-то тянет или щёлкает — напиши, заменю упражнение."
)
LONG_WORKOUT_SIZE = 10
LOADS = {
    "barbell": "62,5 кг",
    "dumbbell": "17,5 кг",
    "kettlebell": "16 кг",
    "machine": "47,5 кг",
    "cable": "27,5 кг",
}


def _exercise_line(number: int, exercise: CatalogueExercise) -> str:
    reps = "3 × 40–60 с" if exercise.is_timed else "4 × 10–12"
    load = LOADS.get(str(exercise.equipment), "свой вес")
    rest = "60 с" if exercise.is_timed else "2,5 мин"
    return f"{number}. <b>{exercise.name}</b> — {reps}, {load}, отдых {rest}"


def longest_workout() -> Sample:
    exercises = sorted(default_catalogue(), key=lambda item: len(item.name), reverse=True)
    chosen = exercises[:LONG_WORKOUT_SIZE]
    return {
        "found": True,
        "title": LONG_TITLE,
        "rationale": LONG_RATIONALE,
        "warmup": LONG_WARMUP,
        "status_line": "",
        "source_note": "Составлено AI-тренером под твой профиль.",
        "lines": "\n".join(_exercise_line(n, item) for n, item in enumerate(chosen, 1)),
        "exercises": [(n, f"{n}. {item.name}") for n, item in enumerate(chosen, 1)],
        "planned": True,
        "population_note": None,
    }


# An exercise message close to the limit: the longest name in the catalogue, the longest
# note a plan may give (300 characters), and detailed technique in ten steps.
LONG_EXERCISE_NOTE = (
    "Прошлый раз ты сделал 3 подхода по 12 с запасом в 3 повтора, поэтому сегодня ноги выше "
    "и пауза в верхней точке 2 секунды. Если на последних повторах техника ломается — опусти "
    "ноги на пол и закончи подход без паузы. Все подходы по 12 чисто — в следующий раз "
    "добавим четвёртый подход."
)
LONG_EXERCISE_DESCRIPTION = (
    "Горизонтальная тяга собственного веса: развивает широчайшие, ромбовидные и среднюю "
    "часть трапеций, укрепляет задние дельты и бицепс. Поднятые ноги увеличивают угол "
    "наклона, поэтому нагрузка ближе к классическим подтягиваниям, а спина остаётся под "
    "контролем. Подходит тем, кто пока не подтягивается на перекладине 8–10 раз, и тем, "
    "кто хочет добавить тяговых движений без нагрузки на поясницу. Хорошо сочетается с "
    "жимами в одной тренировке: тяга уравновешивает нагрузку на плечевой сустав и помогает "
    "держать осанку, а регулировка высоты грифа позволяет точно подобрать сложность."
)
# Longer than a message can carry: the window's getter cuts the instructions so the
# message fits, and the scene does the same (see Scene.shorten).
LONG_EXERCISE_STEPS = (
    "Установи гриф в машине Смита или на стойках примерно на уровне пояса и поставь рядом "
    "скамью такой высоты, чтобы в нижней точке тело было параллельно полу. Проверь, что гриф "
    "надёжно зафиксирован, а скамья не скользит. Если скамьи нет, подойдёт устойчивая "
    "тумба или степ-платформа в два-три уровня. Вокруг должно быть свободно: при "
    "опускании ты не должен задевать ногами или локтями соседние тренажёры.",
    "Ляг под гриф, возьмись за него прямым хватом чуть шире плеч и положи пятки на скамью. "
    "Ноги прямые, ягодицы и пресс напряжены: от пяток до макушки тело образует одну прямую "
    "линию, как в планке. Гриф в начале движения находится над нижней частью груди, а не "
    "над лицом или животом. Если гриф скользкий, используй мел или перчатки, но не "
    "ремни: хват тоже должен тренироваться.",
    "Перед началом движения опусти плечи от ушей и слегка сведи лопатки. Шея продолжает "
    "линию позвоночника, взгляд направлен на гриф. Сделай вдох и на задержке дыхания "
    "напряги корпус сильнее. Это положение — точка отсчёта для каждого повтора, "
    "возвращайся в него после каждого опускания. Первые подходы делай перед зеркалом или "
    "под присмотром тренера зала, пока положение не станет привычным.",
    "На выдохе тяни грудь к грифу, ведя локти вниз и назад под углом около 45 градусов к "
    "корпусу. Думай о том, что тянешь гриф лопатками, а не руками: так работает спина, а "
    "бицепс только помогает. Кисти остаются прямыми, запястья не заламываются, хват "
    "плотный, но без лишнего напряжения в предплечьях.",
    "В верхней точке гриф касается нижней части груди или проходит в паре сантиметров от "
    "неё. Задержись на секунду и сожми лопатки, не поднимая плечи к ушам и не выводя "
    "подбородок вперёд. Если до грифа не хватает нескольких сантиметров, подними его на "
    "одно деление выше, а не дотягивайся головой.",
    "На вдохе опускайся под контролем за две-три секунды до полностью прямых рук. Не падай "
    "вниз и не расслабляй плечи в нижней точке: лопатки собраны, тело прямое, как доска. "
    "Медленное опускание даёт спине столько же работы, сколько подъём, так что не экономь "
    "на этой фазе движения.",
    "Следи за тазом весь подход: он не должен провисать к полу или подниматься вверх. Если "
    "таз начал опускаться, устал корпус — сделай ещё один-два повтора с идеальной техникой "
    "и заканчивай подход. Лучше на два повтора меньше с прямой спиной, чем на два больше "
    "с провисшей поясницей.",
    "Чтобы упростить упражнение, поставь ноги на пол или подними гриф выше: чем вертикальнее "
    "корпус, тем меньше нагрузка. Чтобы усложнить, подними скамью, добавь паузу наверху на "
    "три секунды или надень жилет с утяжелением. Меняй что-то одно за раз и записывай, "
    "что изменил, чтобы видеть прогресс.",
    "Типичные ошибки: рывки корпусом, неполная амплитуда, локти, разведённые в стороны под "
    "прямым углом, и голова, тянущаяся к грифу. Каждая из них снимает нагрузку со спины и "
    "перегружает плечи и шею. Попроси кого-нибудь снять подход на телефон сбоку: так "
    "ошибки видны лучше, чем изнутри.",
    "После подхода не вскакивай резко: опусти ноги на пол, сядь и отдохни указанное время. "
    "Если в локтях или плечах появилась острая боль, прекрати упражнение и напиши мне — "
    "подберу замену с той же нагрузкой на спину. Лёгкая усталость в мышцах спины на "
    "следующий день — нормальная реакция на новую нагрузку.",
)


def longest_exercise() -> Sample:
    name = max((item.name for item in default_catalogue()), key=len)
    return {
        "found": True,
        "name": name,
        "counter": f"10 из {LONG_WORKOUT_SIZE}",
        "scheme": "4 × 10–12 · свой вес · отдых 2,5 мин",
        "notes": LONG_EXERCISE_NOTE,
        "description": LONG_EXERCISE_DESCRIPTION,
        "instructions": "\n".join(f"{n}. {step}" for n, step in enumerate(LONG_EXERCISE_STEPS, 1)),
        "primary": "спина",
        "secondary": "бицепс, плечи, предплечья, мышцы кора",
        "video_url": "https://www.youtube.com/results?search_query=австралийские+подтягивания",
        "image_url": None,
        "has_previous": True,
        "has_next": False,
        "rest_line": "",  # nothing logged yet: no rest to show
        "can_rest": False,
    }


# Results and progress (issue 12).
TYPED_LOG_ERROR: Sample = {
    "error": "Я понимаю только цифры подходов и вес. Например: <code>8 8 7</code>, "
    "<code>60 8 8 7</code>, <code>60кг 3х10</code> или <code>60x8</code>.",
    "result_text": "",
    "undo_items": [],
    "add_set_items": [(1, "➕ Подход 1: 62,5 кг × 8")],
}
DONE_ANSWERED: Sample = {
    "ask_effort": False,
    "offer_rest": False,
    "rest_text": "✅ Записал: остальные упражнения — как написано.",
    "effort_text": "Понял: было легко. В следующий раз добавлю нагрузки.",
}
PROGRESS_EMPTY: Sample = {
    "has_records": False,
    "records": "",
    "week_text": "🗓 Эта неделя: 0 из 3 тренировок",
}

# «⏱ Отдых» pressed: the screen names when the rest ends, once (no ticking edits).
EXERCISE_RESTING: Sample = {
    "rest_line": "⏱ Отдыхай до 14:32 по Москве — напишу, когда пора делать подход 2 из 3.",
}
# Reminders: switched off; the hour step before any mistake; the zone asked first.
REMINDERS_OFF: Sample = {
    "notice": None,
    "status": "🔕 Сейчас напоминания выключены.",
    "enabled": False,
    "zone": "Москва",
}
REMINDER_HOUR: Sample = {"error": None}
ZONE_ASKED_FIRST: Sample = {"zone_current": "Сейчас: <b>Москва</b> (по умолчанию)."}
ZONE_OFFSET_TYPED = "+25"
# Messages sent outside any window: the reminder (dialogs/reminders/prompt.py) and the
# rest timer's ring (dialogs/workout/rest.py).
REMINDER_DAYS = "🔔 Сегодня день тренировки! Жми — открою её или соберу новую."
REMINDER_BUTTONS = ("🏋️ К тренировке", "🔕 Выключить напоминания")
REST_RING = "⏱ Время следующего подхода: жим штанги лёжа, подход 2 из 3."
