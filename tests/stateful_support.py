"""Helpers for the stateful tests: embedded servers (clean or quirked) and running the machine in-process."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from hypothesis import settings

from conformance.client import new_run_id
from conformance.harness import Harness
from conformance.profile import Profile
from conformance.stateful import machine
from conformance.stateful.machine import Context
from conformance.stateful.pytest_stateful import context_for
from conformance.strategies import stateful_settings


@contextmanager
def servers(*quirk_sets: tuple[str, ...]) -> Iterator[Context]:
    """One embedded server per quirk set (the first is the server under test), sharing one run namespace."""
    run_id = new_run_id()
    with ExitStack() as stack:
        harnesses = []
        for quirks in quirk_sets:
            harness = Harness(Profile(quirks=quirks), run_id, "stateful-test")
            harness.start()
            stack.callback(harness.finish)
            harnesses.append(harness)
        yield context_for(harnesses)


def failure(context: Context, budget: str = "ci") -> str | None:
    """Run the machine at a settings profile, derandomized and without the example database (so the result
    does not depend on earlier runs); the failure message, or None."""
    try:
        machine.run(context, settings(stateful_settings(budget), database=None, derandomize=True))
    except AssertionError as exc:
        return str(exc)
    return None


def steps_in(message: str) -> int:
    return int(re.search(r"Steps of this example \((\d+)\)", message).group(1))


def rule_in(message: str) -> str:
    return re.match(r"\[([^\]]+)\]", message).group(1)


def replay_value(message: str) -> str:
    return shlex.split(re.search(r"--replay (.+)", message).group(1))[0]
