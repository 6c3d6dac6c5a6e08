"""The fallback against the production rules check: 810 profiles x 4 weeks (see
`tests/fallback_audit.py`), counts by kind printed with `-s`.

Every rule holds for every profile except the weekly hard-set range, where a known gap
remains: it may only shrink, never grow. Measured: 621 -> 350 -> 184 (the week plan:
past sets counted from the saved plans, the 7 days closed after the search, two sessions
built ahead). 170 of the 184 are weight loss at 1-3+ years, where the table fixes 3 sets
an exercise. On 2 full body days an advanced user needs 11+ sets for each of six groups
from at most 14 exercises x 3 sets: the lower body alone takes 6 of them (a lunge gives
quads 1 + hamstrings 0.5 a set, a hinge the reverse), the upper body 8 plus the shoulder
exercise the «плечи» title needs. By hand one week fits in the gym, and only lopsided:
A = 3 chest, 2 rows, a lunge, a deadlift; B = 1 chest, 1 row, a rear-delt fly, 3 lunges,
a deadlift (1:1.5 balance kept on both days). Sessions built one at a time, each making
up for the days before, do not find it; home catalogues (push-ups and bodyweight rows
all load the shoulders by half) meet the same wall between the chest minimum and the
shoulder ceiling. Closing it needs a search over the whole week's exercise choice.
"""

from __future__ import annotations

from tests.fallback_audit import all_profiles, audit

# The weekly_volume count measured when the gap was left; lower it when it shrinks.
KNOWN_WEEKLY_VOLUME_GAP = 126


def test_the_fallback_meets_every_rule_for_every_profile() -> None:
    profiles = all_profiles()
    assert len(profiles) == 810
    result = audit(profiles, examples=20)
    print(f"\n{result.plans} plans in {result.seconds:.1f} s: {dict(result.counts)}")
    others = {k: n for k, n in result.counts.items() if k != "weekly_volume"}
    assert others == {}, "\n".join(result.examples)
    assert result.counts.get("weekly_volume", 0) <= KNOWN_WEEKLY_VOLUME_GAP
