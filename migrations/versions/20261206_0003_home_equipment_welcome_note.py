"""home equipment on the profile, welcome video note once per user

Revision ID: 0003_home_equipment
Revises: 0002
Create Date: 2026-12-06 05:30:00

- users.home_equipment: a bit set of what a «Свой вес» user has at home (pull-up bar 1,
  dumbbells 2, bands 4, bench 8); NULL for users never asked, who count as "nothing".
- exercises.equipment may also be 'bands' or 'bench'.
- welcome_video_notes: Telegram users who got the welcome video note; users who already
  registered got it, so they are listed at once.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0003_home_equipment'
down_revision: Union[str, Sequence[str], None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

OLD_EQUIPMENT = "('bodyweight', 'pullup_bar', 'dumbbell', 'barbell', 'kettlebell', 'machine', 'cable')"
NEW_EQUIPMENT = (
    "('bodyweight', 'pullup_bar', 'dumbbell', 'barbell', 'kettlebell', 'machine', 'cable', "
    "'bands', 'bench')"
)


def _equipment_check(values: str) -> None:
    with op.batch_alter_table('exercises') as batch:
        batch.drop_constraint(op.f('ck_exercises_equipment'), type_='check')
        batch.create_check_constraint(op.f('ck_exercises_equipment'), f"equipment IN {values}")


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('home_equipment', sa.SmallInteger(), nullable=True))
        batch.create_check_constraint(
            op.f('ck_users_home_equipment_bits'), 'home_equipment BETWEEN 0 AND 15'
        )
    _equipment_check(NEW_EQUIPMENT)
    op.create_table(
        'welcome_video_notes',
        sa.Column('telegram_id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('telegram_id', name=op.f('pk_welcome_video_notes')),
    )
    op.execute(
        "INSERT INTO welcome_video_notes (telegram_id, sent_at) "
        "SELECT telegram_id, created_at FROM users"
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('welcome_video_notes')
    op.execute("DELETE FROM exercises WHERE equipment IN ('bands', 'bench')")
    _equipment_check(OLD_EQUIPMENT)
    with op.batch_alter_table('users') as batch:
        batch.drop_constraint(op.f('ck_users_home_equipment_bits'), type_='check')
        batch.drop_column('home_equipment')
