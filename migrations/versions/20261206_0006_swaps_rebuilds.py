"""swaps and rebuilds: exercise_swaps, the slot's original exercise, the rebuild count

Revision ID: 0006_swaps_rebuilds
Revises: 0005_workout_jobs
Create Date: 2026-12-06 07:40:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0006_swaps_rebuilds'
down_revision: Union[str, Sequence[str], None] = '0005_workout_jobs'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        'exercise_swaps',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('workout_exercise_id', sa.Integer(), nullable=False),
        sa.Column('from_exercise_id', sa.Integer(), nullable=False),
        sa.Column('to_exercise_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.String(length=16), nullable=False),
        sa.Column('swapped_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("reason IN ('busy', 'dislike')", name=op.f('ck_exercise_swaps_reason')),
        sa.ForeignKeyConstraint(
            ['from_exercise_id'], ['exercises.id'],
            name=op.f('fk_exercise_swaps_from_exercise_id_exercises'), ondelete='RESTRICT',
        ),
        sa.ForeignKeyConstraint(
            ['to_exercise_id'], ['exercises.id'],
            name=op.f('fk_exercise_swaps_to_exercise_id_exercises'), ondelete='RESTRICT',
        ),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_exercise_swaps_user_id_users'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['workout_exercise_id'], ['workout_exercises.id'],
            name=op.f('fk_exercise_swaps_workout_exercise_id_workout_exercises'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_exercise_swaps')),
    )
    op.create_index(
        'ix_exercise_swaps_user_from', 'exercise_swaps', ['user_id', 'from_exercise_id'],
        unique=False,
    )
    op.create_index(
        op.f('ix_exercise_swaps_workout_exercise_id'), 'exercise_swaps', ['workout_exercise_id'],
        unique=False,
    )
    with op.batch_alter_table('workout_exercises') as batch:
        batch.add_column(sa.Column('original_exercise_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f('fk_workout_exercises_original_exercise_id_exercises'),
            'exercises', ['original_exercise_id'], ['id'], ondelete='RESTRICT',
        )
    with op.batch_alter_table('users') as batch:
        batch.add_column(
            sa.Column('rebuild_count', sa.SmallInteger(), server_default=sa.text('0'), nullable=False)
        )
        batch.add_column(sa.Column('rebuild_period_at', sa.DateTime(timezone=True), nullable=True))
        batch.create_check_constraint('rebuild_count_range', 'rebuild_count BETWEEN 0 AND 2')
    with op.batch_alter_table('workout_jobs') as batch:
        batch.add_column(
            sa.Column('rebuild', sa.Boolean(), server_default=sa.text('false'), nullable=False)
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('workout_jobs') as batch:
        batch.drop_column('rebuild')
    with op.batch_alter_table('users') as batch:
        batch.drop_constraint(op.f('ck_users_rebuild_count_range'), type_='check')
        batch.drop_column('rebuild_period_at')
        batch.drop_column('rebuild_count')
    with op.batch_alter_table('workout_exercises') as batch:
        batch.drop_constraint(
            op.f('fk_workout_exercises_original_exercise_id_exercises'), type_='foreignkey'
        )
        batch.drop_column('original_exercise_id')
    op.drop_index(op.f('ix_exercise_swaps_workout_exercise_id'), table_name='exercise_swaps')
    op.drop_index('ix_exercise_swaps_user_from', table_name='exercise_swaps')
    op.drop_table('exercise_swaps')
