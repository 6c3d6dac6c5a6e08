"""The storyboard: every screen in the order a user meets it, with Russian captions."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiogram.fsm.state import State

from dialogs.states import MenuSG, RegistrationSG, StartSG, WorkoutSG
from trainer_bot.preview.samples import (
    AGE_ERROR,
    COMPOSING_SLOW,
    MENU_JUST_REGISTERED,
    MENU_WITH_WORKOUT,
    NO_SUCH_EXERCISE_TOAST,
    TOO_FAST_TOAST,
    WRONG_AGE,
    Sample,
    longest_exercise,
    longest_workout,
    registration_step,
)

# One caption per window: what a designer calls the screen. A window missing here still
# appears on the page (under its code name, in the last section) and fails the test.
CAPTIONS: dict[State, str] = {
    StartSG.greeting: "Приветствие · после /start",
    RegistrationSG.gender: "Регистрация · Шаг 1 из 9: пол",
    RegistrationSG.age: "Регистрация · Шаг 2 из 9: возраст",
    RegistrationSG.height: "Регистрация · Шаг 3 из 9: рост",
    RegistrationSG.weight: "Регистрация · Шаг 4 из 9: вес",
    RegistrationSG.level: "Регистрация · Шаг 5 из 9: опыт",
    RegistrationSG.goal: "Регистрация · Шаг 6 из 9: цель",
    RegistrationSG.target_weight: "Регистрация · Шаг 7 из 9: целевой вес",
    RegistrationSG.frequency: "Регистрация · Шаг 8 из 9: тренировок в неделю",
    RegistrationSG.equipment: "Регистрация · Шаг 9 из 9: где тренироваться",
    RegistrationSG.summary: "Регистрация · проверка анкеты",
    MenuSG.main: "Главное меню",
    MenuSG.profile: "Профиль",
    WorkoutSG.composing: "Тренировка · составляю",
    WorkoutSG.view: "Тренировка · план занятия",
    WorkoutSG.exercise: "Упражнение · техника",
    WorkoutSG.done: "Тренировка выполнена",
    WorkoutSG.cooldown: "Перерыв · новая тренировка пока недоступна",
}


@dataclass(frozen=True)
class Scene:
    state: State
    note: str = ""  # what is special about this scene, under the caption
    sample: Sample = field(default_factory=dict)  # overrides the window's preview_data
    user_text: str | None = None  # what the user typed just before
    toast: str | None = None  # a callback answer shown over the chat
    video_note: bool = False  # the welcome video note sent before the window
    # A sample key whose text is cut ("…") until the message fits Telegram's limit, as the
    # window's getter does with an exercise's instructions.
    shorten: str | None = None

    @property
    def caption(self) -> str:
        return CAPTIONS.get(self.state, self.state.state or "")


@dataclass(frozen=True)
class Section:
    anchor: str
    title: str
    intro: str
    scenes: list[Scene]


def _registration() -> list[Scene]:
    typed = {  # the answer typed on the previous step, shown as the user's message
        RegistrationSG.height: "27",
        RegistrationSG.weight: "178",
        RegistrationSG.level: "82,5",
        RegistrationSG.frequency: "76",
    }
    steps = [state for state in RegistrationSG.__all_states__ if state != RegistrationSG.summary]
    return [
        Scene(state, sample=registration_step(number), user_text=typed.get(state))
        for number, state in enumerate(steps, 1)
    ] + [Scene(RegistrationSG.summary, note="Цель — похудение: под анкетой подсказка о темпе.")]


def storyboard() -> list[Section]:
    return [
        Section(
            "start",
            "Знакомство",
            "Новичок пишет /start: бот присылает видео-кружок и приветствие.",
            [Scene(StartSG.greeting, user_text="/start", video_note=True)],
        ),
        Section(
            "registration",
            "Регистрация",
            "Девять вопросов по одному на экран. Кнопки меняют сообщение на месте, "
            "ответ текстом — новое сообщение.",
            _registration(),
        ),
        Section(
            "menu",
            "Главное меню",
            "Корень всего: отсюда тренировка и профиль.",
            [
                Scene(MenuSG.main, "Сразу после анкеты.", MENU_JUST_REGISTERED),
                Scene(MenuSG.main, "Есть незавершённая тренировка.", MENU_WITH_WORKOUT),
                Scene(MenuSG.profile),
            ],
        ),
        Section(
            "workout",
            "Тренировка",
            "Пока план составляется, виден экран ожидания; готовый план заменяет его.",
            [
                Scene(WorkoutSG.composing),
                Scene(
                    WorkoutSG.composing,
                    "Через 10 секунд, если тренер ещё думает: можно уйти, тренировка придёт "
                    "отдельным сообщением.",
                    COMPOSING_SLOW,
                ),
                Scene(WorkoutSG.view, "Обычный план: четыре упражнения."),
                Scene(
                    WorkoutSG.view,
                    "Самый длинный план: десять упражнений с самыми длинными названиями, "
                    "заголовок, обоснование и разминка у пределов модели плана.",
                    longest_workout(),
                ),
            ],
        ),
        Section(
            "exercise",
            "Упражнение",
            "Техника одного упражнения; стрелки листают упражнения тренировки.",
            [
                Scene(WorkoutSG.exercise, "Обычное упражнение."),
                Scene(
                    WorkoutSG.exercise,
                    "У предела Telegram: длинное название, заметка тренера на 300 символов, "
                    "техника в десять шагов обрезана «…», чтобы сообщение поместилось.",
                    longest_exercise(),
                    shorten="instructions",
                ),
            ],
        ),
        Section(
            "cooldown",
            "Отдых между тренировками",
            "После тренировки и при попытке взять новую слишком рано.",
            [Scene(WorkoutSG.done), Scene(WorkoutSG.cooldown)],
        ),
        Section(
            "errors",
            "Ошибки и подсказки",
            "Неверный ответ показывается строкой над вопросом; ответы на нажатия — "
            "всплывающими подсказками поверх чата.",
            [
                Scene(
                    RegistrationSG.age,
                    f"Ответ «{WRONG_AGE}» вместо числа.",
                    AGE_ERROR,
                    user_text=WRONG_AGE,
                ),
                Scene(
                    MenuSG.main,
                    "Слишком частые нажатия.",
                    MENU_WITH_WORKOUT,
                    toast=TOO_FAST_TOAST,
                ),
                Scene(
                    WorkoutSG.view,
                    "Нажато упражнение, которого в тренировке уже нет.",
                    toast=NO_SUCH_EXERCISE_TOAST,
                ),
            ],
        ),
    ]


def with_missing(sections: list[Section], states: list[State]) -> list[Section]:
    """The storyboard plus a section for windows it does not show yet, so none is lost."""
    shown = {scene.state for section in sections for scene in section.scenes}
    missing = [Scene(state) for state in states if state not in shown]
    if not missing:
        return sections
    return [
        *sections,
        Section("other", "Без подписи", "Экраны, которых ещё нет в раскадровке.", missing),
    ]
