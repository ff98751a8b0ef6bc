"""Stateful, model-based testing: the phase's driver, above the rule catalog.

`machine` drives a hypothesis state machine through the public API; `runner` is the phase the
engine calls; `script` and `images` feed and replay it. What a collection must contain is
evidence (`conformance.evidence.writes`) and the checks are rules (`conformance.rules.stateful`),
so a live run, a shrunk replay and a cassette are all judged by the same code.
"""
