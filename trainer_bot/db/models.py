"""Tables: users, exercises, workouts, workout_exercises, set_logs, body_weights,
workout_jobs, exercise_swaps, reminders, telegram_files, welcome_video_notes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer_bot.db.base import Base, TimestampMixin, UTCDateTime
from trainer_bot.db.enums import (
    Equipment,
    EquipmentType,
    FitnessLevel,
    Gender,
    Goal,
    Movement,
    ReminderMode,
    SessionEffort,
    SwapReason,
    WorkoutJobState,
    WorkoutSource,
    WorkoutStatus,
    sql_in,
)
from trainer_bot.db.home_equipment import HOME_EQUIPMENT_ALL

WORKOUT_FREQUENCIES = (2, 3, 5)
AGE_RANGE = (10, 100)
HEIGHT_RANGE_CM = (100, 250)
WEIGHT_RANGE_KG = (30, 300)
# «🔁 Собрать заново»: rebuilds of the current workout allowed per cooldown period.
MAX_REBUILDS = 2
# A logged set: the most sets one exercise may log, reps (seconds when timed) and load.
MAX_LOGGED_SETS = 10
LOGGED_REPS_RANGE = (0, 300)
LOGGED_WEIGHT_RANGE_KG = (0, 500)


class User(TimestampMixin, Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(sql_in("gender", Gender), name="gender"),
        CheckConstraint(f"age BETWEEN {AGE_RANGE[0]} AND {AGE_RANGE[1]}", name="age_range"),
        CheckConstraint(
            f"height_cm BETWEEN {HEIGHT_RANGE_CM[0]} AND {HEIGHT_RANGE_CM[1]}",
            name="height_range",
        ),
        CheckConstraint(
            f"current_weight_kg BETWEEN {WEIGHT_RANGE_KG[0]} AND {WEIGHT_RANGE_KG[1]}",
            name="current_weight_range",
        ),
        CheckConstraint(
            f"target_weight_kg BETWEEN {WEIGHT_RANGE_KG[0]} AND {WEIGHT_RANGE_KG[1]}",
            name="target_weight_range",
        ),
        CheckConstraint(sql_in("fitness_level", FitnessLevel), name="fitness_level"),
        CheckConstraint(sql_in("goal", Goal), name="goal"),
        CheckConstraint(sql_in("workout_frequency", WORKOUT_FREQUENCIES), name="frequency"),
        CheckConstraint(sql_in("equipment_type", EquipmentType), name="equipment_type"),
        CheckConstraint(
            f"home_equipment BETWEEN 0 AND {HOME_EQUIPMENT_ALL}", name="home_equipment_bits"
        ),
        CheckConstraint(f"rebuild_count BETWEEN 0 AND {MAX_REBUILDS}", name="rebuild_count_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, unique=True, nullable=False)
    first_name: Mapped[str | None] = mapped_column(String(128))
    gender: Mapped[str] = mapped_column(String(16), nullable=False)
    age: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    height_cm: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    current_weight_kg: Mapped[float] = mapped_column(Float, nullable=False)
    fitness_level: Mapped[str] = mapped_column(String(16), nullable=False)
    goal: Mapped[str] = mapped_column(String(16), nullable=False)
    target_weight_kg: Mapped[float] = mapped_column(Float, nullable=False)
    workout_frequency: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    equipment_type: Mapped[str] = mapped_column(String(16), nullable=False)
    # What a «Свой вес» user has at home, a bit set (trainer_bot/db/home_equipment.py);
    # NULL: never asked (counts as nothing), and always NULL for gym users.
    home_equipment: Mapped[int | None] = mapped_column(SmallInteger)
    # The 12-hour rule is enforced with one conditional UPDATE on this row, which is atomic
    # on every database and across bot processes (see queries/workouts.py).
    last_workout_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set while a workout job of this user is running (the same conditional UPDATE claims
    # it); the job row in workout_jobs says who runs it and whether they are alive.
    workout_generation_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # «🔁 Собрать заново»: how many rebuilds were taken in the cooldown period that began at
    # `rebuild_period_at` (the last_workout_at they were taken under). A rebuild is claimed
    # with the same kind of conditional UPDATE as the 12-hour rule (queries/rebuilds.py).
    rebuild_count: Mapped[int] = mapped_column(
        SmallInteger, nullable=False, default=0, server_default=text("0")
    )
    rebuild_period_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The user's own time zone (trainer_bot/time_zones.py): an offered city's IANA name or
    # a fixed offset 'UTC+5:30'; NULL: not chosen, the TIMEZONE setting applies.
    timezone: Mapped[str | None] = mapped_column(String(64))

    workouts: Mapped[list[Workout]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )


class Exercise(TimestampMixin, Base):
    __tablename__ = "exercises"
    __table_args__ = (
        CheckConstraint(sql_in("equipment", Equipment), name="equipment"),
        CheckConstraint(sql_in("level", FitnessLevel), name="level"),
        CheckConstraint(sql_in("movement", Movement), name="movement"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(128), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    instructions: Mapped[str] = mapped_column(Text, nullable=False)
    primary_muscles: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    secondary_muscles: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    equipment: Mapped[str] = mapped_column(String(16), nullable=False)
    level: Mapped[str] = mapped_column(String(16), nullable=False)
    movement: Mapped[str] = mapped_column(String(24), nullable=False)
    is_compound: Mapped[bool] = mapped_column(Boolean, nullable=False)
    # Reps of a timed exercise (a plank) are seconds.
    is_timed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # Jumps and sprints: left out for users with BMI >= 35.
    is_high_impact: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    video_url: Mapped[str] = mapped_column(String(512), nullable=False)
    image_url: Mapped[str | None] = mapped_column(String(512))
    # Exercises removed from the catalogue file stay while workouts reference them.
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)


class Workout(TimestampMixin, Base):
    """One session given to a user; `created_at` is when it was received."""

    __tablename__ = "workouts"
    __table_args__ = (
        CheckConstraint(sql_in("status", WorkoutStatus), name="status"),
        CheckConstraint(sql_in("source", WorkoutSource), name="source"),
        CheckConstraint(
            "(status = 'completed') = (completed_at IS NOT NULL)", name="completed_at_set"
        ),
        CheckConstraint(f"effort IS NULL OR {sql_in('effort', SessionEffort)}", name="effort"),
        Index("ix_workouts_user_id_created_at", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    planned_date: Mapped[date] = mapped_column(Date, nullable=False)
    status: Mapped[str] = mapped_column(
        String(16), nullable=False, default=WorkoutStatus.PLANNED.value
    )
    source: Mapped[str] = mapped_column(String(16), nullable=False)
    focus: Mapped[str] = mapped_column(String(32), nullable=False)
    title: Mapped[str] = mapped_column(String(128), nullable=False)
    rationale: Mapped[str] = mapped_column(Text, nullable=False)
    warmup: Mapped[str] = mapped_column(Text, nullable=False)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # «Как прошло?» after completion: hard, normal or easy; None until answered.
    effort: Mapped[str | None] = mapped_column(String(16))

    user: Mapped[User] = relationship(back_populates="workouts")
    exercises: Mapped[list[WorkoutExercise]] = relationship(
        back_populates="workout",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="WorkoutExercise.position",
    )


class WorkoutExercise(Base):
    __tablename__ = "workout_exercises"
    __table_args__ = (
        UniqueConstraint("workout_id", "position", name="uq_workout_exercises_position"),
        CheckConstraint("position >= 1", name="position_positive"),
        CheckConstraint("sets BETWEEN 1 AND 10", name="sets_range"),
        CheckConstraint("reps_min BETWEEN 1 AND 300", name="reps_min_range"),
        CheckConstraint("reps_max BETWEEN reps_min AND 300", name="reps_max_range"),
        CheckConstraint("rest_seconds BETWEEN 0 AND 600", name="rest_range"),
        CheckConstraint("weight_kg IS NULL OR weight_kg BETWEEN 0 AND 500", name="weight_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workout_id: Mapped[int] = mapped_column(
        ForeignKey("workouts.id", ondelete="CASCADE"), nullable=False, index=True
    )
    # RESTRICT: an exercise someone trained with is retired (is_active=False), never deleted.
    exercise_id: Mapped[int] = mapped_column(
        ForeignKey("exercises.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    position: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    sets: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    reps_min: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    reps_max: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    weight_kg: Mapped[float | None] = mapped_column(Float)
    rest_seconds: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    notes: Mapped[str | None] = mapped_column(Text)
    # «Пропустить». The result is derived, so a logging tap stays at two statements: done
    # when the exercise has set logs (they win over this flag), else skipped when this is
    # set, else unknown (never invented).
    skipped: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=text("false")
    )
    # Why the load and reps are what they are («+2,5 кг: в прошлый раз все подходы по 12»),
    # written by the progression engine; None for an exercise planned without history.
    progression_note: Mapped[str | None] = mapped_column(Text)
    # The sets of the last time the user did this exercise, [[reps, weight_kg], ...], copied
    # at generation, so the exercise screen shows «В прошлый раз» without another query.
    previous_sets: Mapped[list[list[float | None]] | None] = mapped_column(JSON)
    # «🔄 Заменить»: the exercise the plan had in this slot before the user's first swap
    # (kept through later swaps); NULL when never swapped. Every swap is in exercise_swaps.
    original_exercise_id: Mapped[int | None] = mapped_column(
        ForeignKey("exercises.id", ondelete="RESTRICT")
    )

    workout: Mapped[Workout] = relationship(back_populates="exercises")
    exercise: Mapped[Exercise] = relationship(lazy="joined", foreign_keys=[exercise_id])
    original_exercise: Mapped[Exercise | None] = relationship(
        lazy="joined", foreign_keys=[original_exercise_id]
    )
    set_logs: Mapped[list[SetLog]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="SetLog.set_number"
    )


class SetLog(Base):
    """One set the user did: written by a logging tap, read by progression and history.

    user_id and exercise_id repeat what the workout exercise says so that "the last time
    this user did this exercise" is one index range scan, however long the history is.
    """

    __tablename__ = "set_logs"
    __table_args__ = (
        UniqueConstraint("workout_exercise_id", "set_number", name="uq_set_logs_set"),
        CheckConstraint(f"set_number BETWEEN 1 AND {MAX_LOGGED_SETS}", name="set_number_range"),
        CheckConstraint(
            f"reps BETWEEN {LOGGED_REPS_RANGE[0]} AND {LOGGED_REPS_RANGE[1]}", name="reps_range"
        ),
        CheckConstraint(
            "weight_kg IS NULL OR weight_kg BETWEEN "
            f"{LOGGED_WEIGHT_RANGE_KG[0]} AND {LOGGED_WEIGHT_RANGE_KG[1]}",
            name="weight_range",
        ),
        Index("ix_set_logs_user_exercise_logged_at", "user_id", "exercise_id", "logged_at"),
        Index("ix_set_logs_user_logged_at", "user_id", "logged_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workout_exercise_id: Mapped[int] = mapped_column(
        ForeignKey("workout_exercises.id", ondelete="CASCADE"), nullable=False
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    exercise_id: Mapped[int] = mapped_column(
        ForeignKey("exercises.id", ondelete="RESTRICT"), nullable=False
    )
    set_number: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    reps: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    weight_kg: Mapped[float | None] = mapped_column(Float)
    logged_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)


class BodyWeight(Base):
    """The user's weight on a day («⚖️ Записать вес»); one entry per day, the last wins."""

    __tablename__ = "body_weights"
    __table_args__ = (
        UniqueConstraint("user_id", "measured_on", name="uq_body_weights_day"),
        CheckConstraint(
            f"weight_kg BETWEEN {WEIGHT_RANGE_KG[0]} AND {WEIGHT_RANGE_KG[1]}",
            name="weight_range",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    measured_on: Mapped[date] = mapped_column(Date, nullable=False)
    weight_kg: Mapped[float] = mapped_column(Float, nullable=False)
    logged_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)


class WorkoutJob(TimestampMixin, Base):
    """A workout request as a durable job: whoever owns it heartbeats; a job whose owner
    went silent is claimed by any process's sweeper (trainer_bot/services/workout_jobs.py).
    """

    __tablename__ = "workout_jobs"
    __table_args__ = (
        CheckConstraint(sql_in("state", WorkoutJobState), name="state"),
        CheckConstraint("attempts >= 1", name="attempts_positive"),
        CheckConstraint(
            "(state IN ('running', 'saved')) = (owner IS NOT NULL)", name="owner_while_active"
        ),
        CheckConstraint("state <> 'saved' OR workout_id IS NOT NULL", name="saved_has_workout"),
        # At most one running job per user (the users reservation already serializes them).
        Index(
            "uq_workout_jobs_running_user",
            "user_id",
            unique=True,
            postgresql_where=text("state = 'running'"),
            sqlite_where=text("state = 'running'"),
        ),
        # The sweeper's question: active jobs whose heartbeat is old.
        Index("ix_workout_jobs_state_heartbeat_at", "state", "heartbeat_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    chat_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    state: Mapped[str] = mapped_column(String(16), nullable=False)
    # hostname:pid:random of the process running it; NULL once done or failed.
    owner: Mapped[str | None] = mapped_column(String(128))
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    attempts: Mapped[int] = mapped_column(SmallInteger, nullable=False, default=1)
    workout_id: Mapped[int | None] = mapped_column(ForeignKey("workouts.id", ondelete="SET NULL"))
    # «🔁 Собрать заново»: the saved workout replaces the planned one without restarting
    # the 12-hour clock (the cooldown period and its rebuild count stay).
    rebuild: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=text("false")
    )


class ExerciseSwap(Base):
    """One «🔄 Заменить»: which exercise of a workout slot was swapped for which, and why.

    An exercise a user swapped away twice is ranked lower for them from then on (the
    fallback, the LLM shortlist and the swap list), read with one grouped index scan.
    """

    __tablename__ = "exercise_swaps"
    __table_args__ = (
        CheckConstraint(sql_in("reason", SwapReason), name="reason"),
        Index("ix_exercise_swaps_user_from", "user_id", "from_exercise_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    workout_exercise_id: Mapped[int] = mapped_column(
        ForeignKey("workout_exercises.id", ondelete="CASCADE"), nullable=False, index=True
    )
    from_exercise_id: Mapped[int] = mapped_column(
        ForeignKey("exercises.id", ondelete="RESTRICT"), nullable=False
    )
    to_exercise_id: Mapped[int] = mapped_column(
        ForeignKey("exercises.id", ondelete="RESTRICT"), nullable=False
    )
    reason: Mapped[str] = mapped_column(String(16), nullable=False)
    swapped_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)


# Reminders come at a whole local hour from 08:00 to 21:00: never at night (22:00-08:00).
REMINDER_HOURS = (8, 21)
ALL_WEEKDAYS = 0b1111111  # bit 0 Monday ... bit 6 Sunday


class Reminder(TimestampMixin, Base):
    """A user's reminder: when it comes and when it is next due (UTC).

    The sender (trainer_bot/services/reminders.py) locks due rows with `FOR UPDATE SKIP
    LOCKED`, sends, and moves `next_at` on in the same transaction, so each due reminder
    is sent by one process once.
    """

    __tablename__ = "reminders"
    __table_args__ = (
        CheckConstraint(sql_in("mode", ReminderMode), name="mode"),
        CheckConstraint(f"days BETWEEN 0 AND {ALL_WEEKDAYS}", name="days_bits"),
        CheckConstraint(
            f"hour BETWEEN {REMINDER_HOURS[0]} AND {REMINDER_HOURS[1]}", name="daytime_hour"
        ),
        CheckConstraint("mode <> 'days' OR days > 0", name="days_chosen"),
        # The sender's question: enabled, not paused reminders by due time.
        Index("ix_reminders_enabled_next_at", "enabled", "next_at"),
    )

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    mode: Mapped[str] = mapped_column(String(16), nullable=False)
    days: Mapped[int] = mapped_column(SmallInteger, nullable=False, default=0)
    hour: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    # Set when Telegram said the user blocked the bot; cleared when they come back.
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The next moment it is due; NULL: nothing due (off, or waiting for the next workout).
    next_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # "When the next workout opens": the users.last_workout_at the reminder was set for;
    # a newer workout arms it again.
    anchor_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The user's local date of the last reminder sent: at most one a day.
    last_sent_on: Mapped[date | None] = mapped_column(Date)


class TelegramFile(TimestampMixin, Base):
    """Telegram file_ids of our own assets (the welcome video note), reused after upload."""

    __tablename__ = "telegram_files"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    file_id: Mapped[str] = mapped_column(String(256), nullable=False)


class WelcomeVideoNote(Base):
    """Who got the welcome video note, so /start sends it once per Telegram user.

    Keyed by telegram_id, not users.id: newcomers get it before they have a profile.
    """

    __tablename__ = "welcome_video_notes"

    telegram_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
