"""set logs, session effort, body weight history, progression notes

Revision ID: 0004_progress
Revises: 0003_home_equipment
Create Date: 2026-12-06 05:35:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0004_progress'
down_revision: Union[str, Sequence[str], None] = '0003_home_equipment'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        'set_logs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('workout_exercise_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('exercise_id', sa.Integer(), nullable=False),
        sa.Column('set_number', sa.SmallInteger(), nullable=False),
        sa.Column('reps', sa.SmallInteger(), nullable=False),
        sa.Column('weight_kg', sa.Float(), nullable=True),
        sa.Column('logged_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('set_number BETWEEN 1 AND 10', name=op.f('ck_set_logs_set_number_range')),
        sa.CheckConstraint('reps BETWEEN 0 AND 300', name=op.f('ck_set_logs_reps_range')),
        sa.CheckConstraint(
            'weight_kg IS NULL OR weight_kg BETWEEN 0 AND 500', name=op.f('ck_set_logs_weight_range')
        ),
        sa.ForeignKeyConstraint(
            ['exercise_id'], ['exercises.id'],
            name=op.f('fk_set_logs_exercise_id_exercises'), ondelete='RESTRICT',
        ),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_set_logs_user_id_users'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(
            ['workout_exercise_id'], ['workout_exercises.id'],
            name=op.f('fk_set_logs_workout_exercise_id_workout_exercises'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_set_logs')),
        sa.UniqueConstraint('workout_exercise_id', 'set_number', name='uq_set_logs_set'),
    )
    op.create_index(
        'ix_set_logs_user_exercise_logged_at',
        'set_logs',
        ['user_id', 'exercise_id', 'logged_at'],
        unique=False,
    )
    op.create_index('ix_set_logs_user_logged_at', 'set_logs', ['user_id', 'logged_at'], unique=False)
    op.create_table(
        'body_weights',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('measured_on', sa.Date(), nullable=False),
        sa.Column('weight_kg', sa.Float(), nullable=False),
        sa.Column('logged_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            'weight_kg BETWEEN 30 AND 300', name=op.f('ck_body_weights_weight_range')
        ),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_body_weights_user_id_users'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_body_weights')),
        sa.UniqueConstraint('user_id', 'measured_on', name='uq_body_weights_day'),
    )
    with op.batch_alter_table('workouts') as batch:
        batch.add_column(sa.Column('effort', sa.String(length=16), nullable=True))
        batch.create_check_constraint(
            'effort', "effort IS NULL OR effort IN ('hard', 'normal', 'easy')"
        )
    with op.batch_alter_table('workout_exercises') as batch:
        batch.add_column(
            sa.Column('skipped', sa.Boolean(), server_default=sa.text('false'), nullable=False)
        )
        batch.add_column(sa.Column('progression_note', sa.Text(), nullable=True))
        batch.add_column(sa.Column('previous_sets', sa.JSON(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('workout_exercises') as batch:
        batch.drop_column('previous_sets')
        batch.drop_column('progression_note')
        batch.drop_column('skipped')
    with op.batch_alter_table('workouts') as batch:
        batch.drop_constraint(op.f('ck_workouts_effort'), type_='check')
        batch.drop_column('effort')
    op.drop_table('body_weights')
    op.drop_index('ix_set_logs_user_logged_at', table_name='set_logs')
    op.drop_index('ix_set_logs_user_exercise_logged_at', table_name='set_logs')
    op.drop_table('set_logs')
