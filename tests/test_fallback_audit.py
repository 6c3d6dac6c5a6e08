"""The fallback against the production rules check: 810 profiles x 4 weeks (see
`tests/fallback_audit.py`), counts by kind printed with `-s`.

Every rule holds for every profile except the weekly hard-set range, where a known gap
remains: it may only shrink, never grow. Measured: 621 -> 350. What is left is mostly
weight loss at 1-3+ years (the table fixes 3 sets an exercise): advanced on 2-3 full
body days cannot fit 11+ sets for each of six groups into 7 exercises once the title's
groups and the 1:1.5 balance are in; intermediate on 5 days pass the shoulder ceiling
(every press and row adds half a set) or miss chest.
"""

from __future__ import annotations

from tests.fallback_audit import all_profiles, audit

# The weekly_volume count measured when the gap was left; lower it when it shrinks.
KNOWN_WEEKLY_VOLUME_GAP = 350


def test_the_fallback_meets_every_rule_for_every_profile() -> None:
    profiles = all_profiles()
    assert len(profiles) == 810
    result = audit(profiles, examples=20)
    print(f"\n{result.plans} plans in {result.seconds:.1f} s: {dict(result.counts)}")
    others = {k: n for k, n in result.counts.items() if k != "weekly_volume"}
    assert others == {}, "\n".join(result.examples)
    assert result.counts.get("weekly_volume", 0) <= KNOWN_WEEKLY_VOLUME_GAP
