"""The ledger of the demo village 农丰村 that `manage.py seed_demo` loads (the command lives in the
exchange, which plans the village shop's months in `exchange.demo`).

`people` invents the households (names, groups, addresses, phones) and `history` plans a year of
plausible ledger activity for them. Both are pure and deterministic — a seeded `random.Random`
and the day they are run for — and write nothing: the command replays the plan through the
ledger's services, so the demo obeys every invariant a clerk's own work does. `catalogue` keeps the
rules that plan uses — the town's template, each village's copy and its next version — through the
catalogue's services, and turns them into the plan the command replays.
"""
