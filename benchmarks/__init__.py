"""Benchmarks of trainer_bot: `python -m benchmarks` (or `make bench`) prints seven tables.

1. dialog throughput and latency, with two baselines (bare aiogram, bare aiogram-dialog);
2. SQL statements per update, step by step;
3. workout generation: the rule-based fallback, and our overhead around an LLM call;
4. LLM cost: prompt size and price per workout;
5. resident memory after many simulated users (in a fresh subprocess);
6. a streamed workout: click to the first exercise and to the whole workout, drafts sent;
7. history scale: each step on an empty database and on 10,000 users with a year of history.

They use real PostgreSQL and Redis (a database of their own, dropped at the end, and their
own key prefix in Redis db 11), fake Telegram at the bot session level and print figures
next to the targets; they never fail on speed. See docs/benchmarks.md.
"""
