"""Setups that several tests read but none changes, made once per process (xdist worker) and handed to each.

A shared setup is for a wait that can be paid once instead of once per test (a clock tick, a restore). Its
value may hold a Blocked per consumer, so that one failed step blocks only the tests that stand on it.
While conformance.reach records which quirks each test reaches, the quirks reached in making a setup count for
every test that uses it, as if each had made it: a quirk there can change any of their verdicts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from conformance import reach
from conformance.client import Transcript
from conformance.server import quirks

T = TypeVar("T")


@dataclass(frozen=True)
class Setup:
    value: Any
    exchanges: list  # the exchanges that made it
    reached: frozenset[str]  # the quirks reached meanwhile (recorded only while reach is)


SHARED: dict[str, Setup] = {}


def once(name: str, make: Callable[[], T], transcript: Transcript) -> T:
    """`make()` the first time `name` is asked for in this process; later tests get the same value, and the
    exchanges that made it at the head of their transcript (a failure shows how its object came to be)."""
    if name not in SHARED:
        start = len(transcript.exchanges)
        value, reached = _recording_reach(make)  # counted for this test too
        SHARED[name] = Setup(value, transcript.exchanges[start:], reached)
        return value
    setup = SHARED[name]
    transcript.exchanges[:0] = setup.exchanges
    if quirks.REACHED is not None:
        quirks.REACHED.update(setup.reached)
    return setup.value


def _recording_reach(make: Callable[[], T]) -> tuple[T, frozenset[str]]:
    """make(), and the quirks it reached on its own (none when reach is not being recorded)."""
    with reach.quirks_reached_apart() as reached:
        value = make()
    return value, frozenset(reached)
