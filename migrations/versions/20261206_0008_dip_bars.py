"""dip bars: an exercise equipment and a home item

Revision ID: 0008_dip_bars
Revises: 0007_timezone_reminders
Create Date: 2026-12-06 08:20:00

- exercises.equipment may also be 'dip_bars' (parallel bars or a dip station): bar dips
  were tagged 'machine' although they need no machine; the catalogue sync retags them.
- users.home_equipment gets bit 16 for dip bars at home (the registration asks).
Downgrade: dip bar exercises go back to 'machine', the bit is cleared.
"""
from typing import Sequence, Union

from alembic import op


# revision identifiers, used by Alembic.
revision: str = '0008_dip_bars'
down_revision: Union[str, Sequence[str], None] = '0007_timezone_reminders'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

OLD_EQUIPMENT = (
    "('bodyweight', 'pullup_bar', 'dumbbell', 'barbell', 'kettlebell', 'machine', 'cable', "
    "'bands', 'bench')"
)
NEW_EQUIPMENT = (
    "('bodyweight', 'pullup_bar', 'dumbbell', 'barbell', 'kettlebell', 'machine', 'cable', "
    "'bands', 'bench', 'dip_bars')"
)
OLD_HOME_BITS = 15
NEW_HOME_BITS = 31


def _checks(equipment: str, home_bits: int) -> None:
    with op.batch_alter_table('exercises') as batch:
        batch.drop_constraint(op.f('ck_exercises_equipment'), type_='check')
        batch.create_check_constraint(op.f('ck_exercises_equipment'), f"equipment IN {equipment}")
    with op.batch_alter_table('users') as batch:
        batch.drop_constraint(op.f('ck_users_home_equipment_bits'), type_='check')
        batch.create_check_constraint(
            op.f('ck_users_home_equipment_bits'), f'home_equipment BETWEEN 0 AND {home_bits}'
        )


def upgrade() -> None:
    """Upgrade schema."""
    _checks(NEW_EQUIPMENT, NEW_HOME_BITS)


def downgrade() -> None:
    """Downgrade schema."""
    op.execute("UPDATE exercises SET equipment = 'machine' WHERE equipment = 'dip_bars'")
    op.execute(f"UPDATE users SET home_equipment = home_equipment & {OLD_HOME_BITS}")
    _checks(OLD_EQUIPMENT, OLD_HOME_BITS)
