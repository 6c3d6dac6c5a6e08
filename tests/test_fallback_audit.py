"""The fallback against the production rules check: 810 profiles x 4 weeks (see
`tests/fallback_audit.py`), counts by kind printed with `-s`.

Every rule holds for every profile except the weekly hard-set range, where a known gap
remains: it may only shrink, never grow, and it may only be weight loss at 1-3+ years
(the table fixes 3 sets an exercise there). Measured: 621 -> 350 -> 122 (the week plan:
past sets counted from the saved plans, the 7 days closed after the search with one or
two changes, two sessions built ahead). 114 of the 122 are advanced weight loss on 2 full
body days (90 at home, 24 in the gym), 8 advanced weight loss on 3 home days at BMI
42 and 55.

Why 2 days cannot always work: an advanced user needs 11+ sets (12 minus the check's
margin) for each of six groups from at most 14 exercises x 3 sets. The lower body takes
6 of them (a lunge gives quads 1 + hamstrings 0.5 a set, a hinge the reverse or none of
the quads: 5 exercises reach at best 12 and 10.5); the upper body 8 (4 chest and 4 back
exercises give the shoulders their 12 by halves). That is all 14 places, and the «плечи»
title of day B needs a shoulder exercise on top: at home with nothing there is no
arrangement. In the gym a lopsided week fits (A = 3 chest, 2 rows, a lunge, a deadlift;
B = 1 chest, 1 row, a rear-delt fly, 3 lunges, a deadlift: the deadlift's half set for
the back closes it), but sessions built one at a time, each making up for the days
before and looking two ahead, do not find it. Closing the rest takes a search over the
whole week, or a decision on the rules for 2 days a week (the lead's, not the
generator's: the checker stays as it is).
"""

from __future__ import annotations

from tests.fallback_audit import all_profiles, audit

# The weekly_volume count measured when the gap was left; lower it when it shrinks.
KNOWN_WEEKLY_VOLUME_GAP = 122


def test_the_fallback_meets_every_rule_for_every_profile() -> None:
    profiles = all_profiles()
    assert len(profiles) == 810
    result = audit(profiles, examples=20)
    print(f"\n{result.plans} plans in {result.seconds:.1f} s: {dict(result.counts)}")
    others = {k: n for k, n in result.counts.items() if k != "weekly_volume"}
    assert others == {}, "\n".join(result.examples)
    assert result.counts.get("weekly_volume", 0) <= KNOWN_WEEKLY_VOLUME_GAP
    # Where sets per exercise may vary (every goal but weight loss at 1-3+ years, and
    # beginners everywhere), the weekly range holds without exception.
    flexible = [
        line
        for line in result.by_profile
        if "weekly_volume" in line and not ("weight_loss" in line and "beginner" not in line)
    ]
    assert flexible == []
