"""The demo village's shop that `manage.py seed_demo` opens, beside the ledger's demo in `credits.demo`.

`plan` plans the shop's goods and months in memory, pure and deterministic, and writes nothing;
`replay` opens the shop and writes that plan, merged by day with the ledger's year, through the
shop's services, so the demo shop obeys every invariant the counter's own work does.
"""
