"""workout jobs: a workout request as a durable job with an owner and a heartbeat

Revision ID: 0005_workout_jobs
Revises: 0004_progress
Create Date: 2026-12-06 05:30:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0005_workout_jobs'
down_revision: Union[str, Sequence[str], None] = '0004_progress'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('workout_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('chat_id', sa.BigInteger(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('owner', sa.String(length=128), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.SmallInteger(), nullable=False),
    sa.Column('workout_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.CheckConstraint("state IN ('running', 'saved', 'done', 'failed')", name=op.f('ck_workout_jobs_state')),
    sa.CheckConstraint('attempts >= 1', name=op.f('ck_workout_jobs_attempts_positive')),
    sa.CheckConstraint("(state IN ('running', 'saved')) = (owner IS NOT NULL)", name=op.f('ck_workout_jobs_owner_while_active')),
    sa.CheckConstraint("state <> 'saved' OR workout_id IS NOT NULL", name=op.f('ck_workout_jobs_saved_has_workout')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_workout_jobs_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workout_id'], ['workouts.id'], name=op.f('fk_workout_jobs_workout_id_workouts'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workout_jobs'))
    )
    op.create_index('ix_workout_jobs_state_heartbeat_at', 'workout_jobs', ['state', 'heartbeat_at'], unique=False)
    op.create_index(
        'uq_workout_jobs_running_user', 'workout_jobs', ['user_id'], unique=True,
        postgresql_where=sa.text("state = 'running'"), sqlite_where=sa.text("state = 'running'"),
    )
    # A reservation of the old kind has no job a sweeper could finish: release it (a
    # generation still running in an old process saves and clears it anyway).
    op.execute("UPDATE users SET workout_generation_started_at = NULL")


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index('uq_workout_jobs_running_user', table_name='workout_jobs')
    op.drop_index('ix_workout_jobs_state_heartbeat_at', table_name='workout_jobs')
    op.drop_table('workout_jobs')
