"""What a «Свой вес» user has at home, stored in `users.home_equipment` as a small bit set.

A bit set keeps the column portable (a SMALLINT on every database) and lets the database
check it (`BETWEEN 0 AND HOME_EQUIPMENT_ALL`). NULL means the user was never asked; 0 means
they have nothing. The bits are part of the stored data: never renumber them.
"""

from __future__ import annotations

from collections.abc import Iterable

from trainer_bot.db.enums import Equipment

HOME_EQUIPMENT_BITS: dict[Equipment, int] = {
    Equipment.PULLUP_BAR: 1,
    Equipment.DUMBBELL: 2,
    Equipment.BANDS: 4,
    Equipment.BENCH: 8,
    Equipment.DIP_BARS: 16,
}
HOME_EQUIPMENT_ALL = sum(HOME_EQUIPMENT_BITS.values())


def encode_home_equipment(items: Iterable[Equipment]) -> int:
    """Raises KeyError for equipment nobody keeps at home (a barbell, a machine)."""
    bits = 0
    for item in items:
        bits |= HOME_EQUIPMENT_BITS[item]
    return bits


def decode_home_equipment(bits: int | None) -> frozenset[Equipment] | None:
    """None when the user was never asked."""
    if bits is None:
        return None
    return frozenset(item for item, bit in HOME_EQUIPMENT_BITS.items() if bits & bit)
