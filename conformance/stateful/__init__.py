"""Stateful conformance: a Hypothesis state machine over objects, links and their operations, checked against
an independent model of OSS semantics (model.py) and, in differential mode, against a second server."""
