"""The storyboard: every screen in the order a user meets it, with Russian captions."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiogram.fsm.state import State

from dialogs.states import (
    MenuSG,
    ProgressSG,
    RegistrationSG,
    RemindersSG,
    StartSG,
    SwapSG,
    TimezoneSG,
    WorkoutSG,
)
from trainer_bot.preview.samples import (
    AGE_ERROR,
    COMPOSING_SLOW,
    DONE_ANSWERED,
    EDITING_STEP,
    EXERCISE_RESTING,
    MAINTENANCE_TARGET,
    MENU_JUST_REGISTERED,
    MENU_REBUILD_OFFER,
    MENU_WITH_WORKOUT,
    NO_SUCH_EXERCISE_TOAST,
    PROFILE_HOME_UNKNOWN,
    PROFILE_UNSAVED,
    PROGRESS_EMPTY,
    REBUILD_AFTER_EDIT,
    REBUILD_LIMIT,
    REMINDER_BUTTONS,
    REMINDER_DAYS,
    REMINDER_HOUR,
    REMINDERS_OFF,
    REST_RING,
    SWAP_BUSY,
    SWAP_NOTHING,
    SWAPPABLE_EXERCISE,
    SWAPPED_EXERCISE,
    TOO_FAST_TOAST,
    TYPED_LOG_ERROR,
    WORKOUT_SENIOR,
    WORKOUT_SHORT_WEEK,
    WRONG_AGE,
    ZONE_ASKED_FIRST,
    ZONE_OFFSET_TYPED,
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
    RegistrationSG.home_equipment: "Регистрация · Шаг 9 из 9: что есть дома (после «Свой вес»)",
    RegistrationSG.summary: "Регистрация · проверка анкеты",
    MenuSG.main: "Главное меню",
    MenuSG.profile: "Профиль",
    WorkoutSG.composing: "Тренировка · составляю",
    WorkoutSG.view: "Тренировка · план занятия",
    WorkoutSG.exercise: "Упражнение · техника",
    WorkoutSG.done: "Тренировка выполнена",
    WorkoutSG.cooldown: "Перерыв · новая тренировка пока недоступна",
    WorkoutSG.rebuild: "Тренировка · собрать заново",
    SwapSG.reason: "Упражнение · замена: почему",
    SwapSG.choice: "Упражнение · замена: на что",
    ProgressSG.main: "Прогресс · рекорды и серия",
    ProgressSG.workouts: "Прогресс · список тренировок",
    ProgressSG.workout: "Прогресс · что записано в тренировке",
    ProgressSG.weight: "Прогресс · записать вес",
    ProgressSG.chart: "Прогресс · график (фото PNG с подписью)",
    TimezoneSG.choose: "Часовой пояс · город",
    TimezoneSG.offset: "Часовой пояс · другой (смещение от UTC)",
    RemindersSG.zone: "Напоминания · сначала часовой пояс (один раз)",
    RemindersSG.zone_offset: "Напоминания · часовой пояс: другой",
    RemindersSG.main: "Напоминания · настройки",
    RemindersSG.days: "Напоминания · дни недели",
    RemindersSG.hour: "Напоминания · час",
}


@dataclass(frozen=True)
class BotMessage:
    """A message the bot sends outside any window (a reminder, a rest timer's ring): its
    text (plain) and its buttons, one to a row."""

    text: str
    buttons: tuple[str, ...] = ()


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
    before: BotMessage | None = None  # a bot message above the scene (a reminder)
    after: BotMessage | None = None  # a bot message below the window (the rest is over)

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
    scenes = [
        Scene(state, sample=registration_step(number), user_text=typed.get(state))
        for number, state in enumerate(steps, 1)
    ]
    target = steps.index(RegistrationSG.target_weight) + 1
    scenes.insert(
        target,
        Scene(
            RegistrationSG.target_weight,
            "Цель — поддержание формы: текущий вес одной кнопкой (или ввести свой).",
            MAINTENANCE_TARGET,
        ),
    )
    return [
        *scenes,
        Scene(
            RegistrationSG.summary,
            note="Свой вес: строка «Дома». Кнопки правки — не больше двух в ряд.",
        ),
    ]


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
                Scene(
                    MenuSG.profile,
                    "Свой вес, а инвентарь не указан (анкета старше этого вопроса).",
                    PROFILE_HOME_UNKNOWN,
                ),
            ],
        ),
        Section(
            "profile-edit",
            "Изменение анкеты",
            "«✏️ Изменить анкету» открывает проверку анкеты; на каждом шаге есть «Отмена», "
            "«Назад» с проверки возвращает в профиль. Без «Всё верно» ничего не сохраняется.",
            [
                Scene(RegistrationSG.age, "Правка одного ответа.", EDITING_STEP),
                Scene(MenuSG.profile, "После «Отмена»: изменения не сохранены.", PROFILE_UNSAVED),
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
                Scene(
                    WorkoutSG.view,
                    "Пользователю 65+ (или при ИМТ < 16 и ≥ 40, или 10–13 лет): одна строка "
                    "о враче или о взрослом рядом.",
                    WORKOUT_SENIOR,
                ),
                Scene(
                    WorkoutSG.view,
                    "Опытному (1–3 года и больше) на двух тренировках в неделю, на похудении "
                    "после 3 лет и на трёх: строка о том, что подходов меньше нужного; "
                    "здесь вместе со строкой о враче (ИМТ 42).",
                    WORKOUT_SHORT_WEEK,
                ),
                Scene(
                    WorkoutSG.rebuild,
                    "«🔁 Собрать заново» (пока ни один подход не записан): не больше двух раз "
                    "до следующей тренировки; старая отмечается пропущенной.",
                ),
                Scene(
                    MenuSG.main,
                    "После изменения анкеты (инвентарь, цель, опыт, частота) меню предлагает "
                    "пересобрать текущую тренировку.",
                    MENU_REBUILD_OFFER,
                ),
                Scene(WorkoutSG.rebuild, "Из меню после изменения анкеты.", REBUILD_AFTER_EDIT),
                Scene(WorkoutSG.rebuild, "Третья пересборка: отказ.", REBUILD_LIMIT),
            ],
        ),
        Section(
            "exercise",
            "Упражнение",
            "Техника одного упражнения; стрелки листают упражнения тренировки.",
            [
                Scene(WorkoutSG.exercise, "Обычное упражнение: цель, откуда она и что записано."),
                Scene(
                    WorkoutSG.exercise,
                    "Первый раз: ещё ничего не записано — упражнение можно заменить.",
                    SWAPPABLE_EXERCISE,
                ),
                Scene(SwapSG.reason, "«🔄 Заменить»: сначала причина."),
                Scene(
                    SwapSG.choice,
                    "«Не нравится / болит»: 2–4 замены на те же мышцы и строка о боли.",
                ),
                Scene(SwapSG.choice, "«Занят тренажёр»: сначала другое оборудование.", SWAP_BUSY),
                Scene(
                    SwapSG.choice,
                    "Замены с инвентарём пользователя нет: подсказка про «Пропустить».",
                    SWAP_NOTHING,
                ),
                Scene(
                    WorkoutSG.exercise,
                    "После замены: подходы и повторы слота те же, вес — из журнала или "
                    "стартовый; видно, что было в плане.",
                    SWAPPED_EXERCISE,
                ),
                Scene(
                    WorkoutSG.exercise,
                    "Нажат «⏱ Отдых»: экран один раз говорит, до скольких отдыхать; когда "
                    "отдых кончится, приходит одно сообщение.",
                    EXERCISE_RESTING,
                    after=BotMessage(REST_RING),
                ),
                Scene(
                    WorkoutSG.exercise,
                    "Запись текстом, которую я не понял: ничего не сохранено.",
                    TYPED_LOG_ERROR,
                    user_text="восемь",
                ),
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
            [
                Scene(WorkoutSG.done, "Сразу после «Завершить»: «Как прошло?»."),
                Scene(WorkoutSG.done, "Ответ на «Как прошло?» получен.", DONE_ANSWERED),
                Scene(WorkoutSG.cooldown),
            ],
        ),
        Section(
            "progress",
            "Прогресс",
            "Из меню «📈 Прогресс» или /progress: рекорды за год, серия недель, история "
            "тренировок с записанными подходами, журнал веса и график.",
            [
                Scene(ProgressSG.main),
                Scene(ProgressSG.main, "Ещё ничего не записано.", PROGRESS_EMPTY),
                Scene(ProgressSG.workouts),
                Scene(ProgressSG.workout),
                Scene(ProgressSG.weight),
                Scene(
                    ProgressSG.chart,
                    "Фото: вес к цели (пунктир) и оценка 1ПМ одного упражнения; числа — в подписи.",
                ),
            ],
        ),
        Section(
            "reminders",
            "Часовой пояс и напоминания",
            "Из профиля: «🕐 Часовой пояс» и «🔔 Напоминания». Всё время в боте — по поясу "
            "пользователя («в 21:40 по Москве»). Напоминание приходит отдельным сообщением "
            "в выбранный час: «🔔 Сегодня день тренировки! Жми — открою её или соберу новую.» "
            "с кнопками «🏋️ К тренировке» и «🔕 Выключить напоминания» (выключает одним "
            "нажатием, сообщение меняется на «🔕 Напоминания выключены…»).",
            [
                Scene(TimezoneSG.choose),
                Scene(TimezoneSG.offset, "Смещение, которого нет.", user_text=ZONE_OFFSET_TYPED),
                Scene(
                    RemindersSG.zone,
                    "Первая настройка напоминаний: пояс спрашивается один раз.",
                    ZONE_ASKED_FIRST,
                ),
                Scene(RemindersSG.zone_offset),
                Scene(RemindersSG.main, "Напоминания выключены.", REMINDERS_OFF),
                Scene(RemindersSG.days),
                Scene(RemindersSG.hour, "Выбор часа.", REMINDER_HOUR),
                Scene(RemindersSG.hour, "Написан час ночью: отказ, шаг тот же.", user_text="23"),
                Scene(RemindersSG.main, "Сохранено."),
                Scene(
                    WorkoutSG.composing,
                    "Напоминание в выбранный час и нажатие «🏋️ К тренировке»: тренировка "
                    "собирается, как по «Получить тренировку».",
                    before=BotMessage(REMINDER_DAYS, REMINDER_BUTTONS),
                ),
            ],
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
