"""Helpers for the stateful tests: running the machine in-process and reading what a failure printed."""

from __future__ import annotations

import re
import shlex

from hypothesis import settings

from conformance.stateful import machine, steps
from conformance.stateful.machine import MachineContext
from conformance.strategies import stateful_settings


def failure(context: MachineContext, budget: str = "ci", seed: int | None = None) -> str | None:
    """Run the machine at a settings profile, from `seed` (derandomized without one) and without the example
    database (so the result does not depend on earlier runs); the failure message, or None."""
    try:
        machine.run(context, settings(stateful_settings(budget), database=None, derandomize=seed is None), seed)
    except AssertionError as exc:
        return str(exc)
    return None


def steps_in(message: str) -> int:
    return int(re.search(r"Steps of this example \((\d+)\)", message).group(1))


def rule_in(message: str) -> str:
    return steps.parse_failure(message)[0]


def replay_value(message: str) -> str:
    return shlex.split(re.search(r"--replay (.+)", message).group(1))[0]
