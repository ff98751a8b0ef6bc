"""Stateful, model-based testing: a collection that changes under the suite's feet.

`model` rebuilds what a collection must look like from the successful writes of an exchange log;
`machine` drives a hypothesis state machine through the public API; `runner` is the phase the
engine calls. The checks themselves live in `conformance.rules.stateful`, so a live run, a
shrunk replay and a cassette are all judged by the same code.
"""
