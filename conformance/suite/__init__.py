"""The packaged conformance suite: `pytest --pyargs conformance.suite [--su-...]`.

One pytest test per catalog rule, judged from a single gate run per session (the plugin's
`searchusers_run`), so pytest's own reporting, selection (-k) and xdist work on the gate.
"""
