"""Setups that several tests read but none changes, made once per process (xdist worker) and handed to each.

A shared setup is for a wait that can be paid once instead of once per test (a clock tick, a restore). It is made
in two steps, `start` (the requests that set the wait going) and `finish` (the wait, and what follows it), so that
a run can start it before its first consumer (`head_start`) and spend the wait on other tests. Its value may hold a
Blocked per consumer, so that one failed step blocks only the tests that stand on it.
While conformance.reach records which quirks each test reaches, the quirks reached in making a setup count for
every test that uses it, as if each had made it: a quirk there can change any of their verdicts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from conformance import reach
from conformance.checks import Blocked
from conformance.client import Transcript
from conformance.server import quirks

S = TypeVar("S")
T = TypeVar("T")


@dataclass(frozen=True)
class Setup:
    value: Any
    exchanges: list  # the exchanges that made it
    reached: frozenset[str]  # the quirks reached meanwhile (recorded only while reach is)


SHARED: dict[str, Setup] = {}
STARTED: dict[str, Setup] = {}  # head starts not yet finished: value is what `start` returned


def head_start(name: str, start: Callable[[], Any], transcript: Transcript) -> None:
    """`start()` now, outside any consumer: its exchanges and quirks go to the consumers. A head start that fails
    is forgotten; the first consumer then starts over and shows the failure in its own test."""
    if name in SHARED or name in STARTED:
        return
    mark = len(transcript.exchanges)
    try:
        with reach.quirks_reached_apart(for_the_test=False) as reached:
            value = start()
        STARTED[name] = Setup(value, transcript.exchanges[mark:], frozenset(reached))
    except Exception:  # whatever it was, the first consumer meets it again in its own test
        pass
    del transcript.exchanges[mark:]


def once(name: str, start: Callable[[], S], finish: Callable[[S], T], transcript: Transcript) -> T:
    """`finish(start())` the first time `name` is asked for in this process (`start` may have run already, as a
    head start); later tests get the same value, and the exchanges that made it at the head of their transcript
    (a failure shows how its object came to be)."""
    if name in SHARED:
        setup = SHARED[name]
        transcript.exchanges[:0] = setup.exchanges
        _count(setup.reached)
        return setup.value
    mark = len(transcript.exchanges)
    started = STARTED.pop(name, None)
    if started is None:
        begun, reached = _recording_reach(start)
        started = Setup(begun, [], reached)  # its exchanges are in the transcript already
    else:
        transcript.exchanges.extend(started.exchanges)
        _count(started.reached)
    value, reached = _recording_reach(lambda: finish(started.value))
    SHARED[name] = Setup(value, transcript.exchanges[mark:], started.reached | reached)
    return value


def part(name: str, start: Callable[[], S], finish: Callable[[S], dict], transcript: Transcript, which: str) -> Any:
    """`once(...)[which]`, one consumer's part of a setup made for several; its Blocked is raised here (a failed
    step blocks only the consumers whose part it was)."""
    made = once(name, start, finish, transcript)[which]
    if isinstance(made, Blocked):
        raise made
    return made


def _count(reached: frozenset[str]) -> None:
    """The quirks reached in making a setup count for the test that uses it."""
    if quirks.REACHED is not None:
        quirks.REACHED.update(reached)


def _recording_reach(make: Callable[[], T]) -> tuple[T, frozenset[str]]:
    """make(), and the quirks it reached (counted for this test too; none when reach is not being recorded)."""
    with reach.quirks_reached_apart() as reached:
        value = make()
    return value, frozenset(reached)
