"""the user's time zone and reminders

Revision ID: 0007_timezone_reminders
Revises: 0006_swaps_rebuilds
Create Date: 2026-12-06 08:00:00

- users.timezone: an offered city's IANA name or a fixed offset 'UTC+5:30'; NULL: the
  TIMEZONE setting applies.
- reminders: one row per user who set reminders up (weekdays or "when the next workout
  opens", a daytime hour), with the next due moment the sender locks.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0007_timezone_reminders'
down_revision: Union[str, Sequence[str], None] = '0006_swaps_rebuilds'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('timezone', sa.String(length=64), nullable=True))
    op.create_table('reminders',
    sa.Column('user_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('days', sa.SmallInteger(), nullable=False),
    sa.Column('hour', sa.SmallInteger(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('paused_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('next_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('anchor_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_sent_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.CheckConstraint("mode IN ('days', 'next_workout')", name=op.f('ck_reminders_mode')),
    sa.CheckConstraint('days BETWEEN 0 AND 127', name=op.f('ck_reminders_days_bits')),
    sa.CheckConstraint('hour BETWEEN 8 AND 21', name=op.f('ck_reminders_daytime_hour')),
    sa.CheckConstraint("mode <> 'days' OR days > 0", name=op.f('ck_reminders_days_chosen')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_reminders_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_reminders'))
    )
    op.create_index('ix_reminders_enabled_next_at', 'reminders', ['enabled', 'next_at'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index('ix_reminders_enabled_next_at', table_name='reminders')
    op.drop_table('reminders')
    with op.batch_alter_table('users') as batch:
        batch.drop_column('timezone')
