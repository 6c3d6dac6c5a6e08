"""The fallback against the production rules check: 810 profiles x 4 weeks (see
`tests/fallback_audit.py`), counts by kind printed with `-s`.

Every rule holds for every profile except the weekly hard-set range, where a known gap
remains: it may only shrink, never grow. Measured: 621 -> 350 -> 210 (the week plan:
past sets counted from the saved plans, the 7 days closed after the search, one session
looked ahead). What is left is weight loss at 1-3+ years, where the table fixes 3 sets an
exercise: on 2 full body days a week an advanced user needs 11+ sets for each of six
groups from at most 14 exercises x 3 sets, and with this catalogue the lower body alone
takes 6 of them (a lunge gives quads 1 + hamstrings 0.5 a set, a hinge the reverse), the
upper body 8 (chest, back, and shoulders from their halves) plus the shoulder exercise
the «плечи» title needs; the 1:1.5 push/pull balance then leaves no arrangement. Home
catalogues (push-ups and bodyweight rows all load the shoulders by half) hit the same
wall between the chest minimum and the shoulder ceiling.
"""

from __future__ import annotations

from tests.fallback_audit import all_profiles, audit

# The weekly_volume count measured when the gap was left; lower it when it shrinks.
KNOWN_WEEKLY_VOLUME_GAP = 210


def test_the_fallback_meets_every_rule_for_every_profile() -> None:
    profiles = all_profiles()
    assert len(profiles) == 810
    result = audit(profiles, examples=20)
    print(f"\n{result.plans} plans in {result.seconds:.1f} s: {dict(result.counts)}")
    others = {k: n for k, n in result.counts.items() if k != "weekly_volume"}
    assert others == {}, "\n".join(result.examples)
    assert result.counts.get("weekly_volume", 0) <= KNOWN_WEEKLY_VOLUME_GAP
