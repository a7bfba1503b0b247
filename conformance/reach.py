"""Which quirks each test can reach, recorded once on the clean server, so a full mutation table re-runs per quirk
only the tests that reach it.

Why that gives the same table: a quirk changes the server only at its one marked place (a `quirks.has` branch or
a rewrite row). A test whose requests never reached that place on the clean server runs, with the quirk on,
exactly as it ran without it (the runs are derandomized), so its verdict is its clean one. The server asks a quirk
last, only where it would change something (`if <it would matter> and ctx.quirks.has(...)`), and a rewrite row
counts only where it would alter the request, error or reply; a reply row that would alter only headers counts only
for a test that reads one of them (conformance.client.session.ReadHeaders notes every read, "*" for iterating): the
fewer tests a quirk reaches, the fewer a full table re-runs for it. What one test leaves
behind for another cannot carry a quirk across: shared proofs are re-made for every test while recording, the
quirks reached in making a setup several tests share (conformance/suite/shared.py) count for each of them, and a
quirk reached while a session- or module-wide fixture was set up is marked `everywhere` (its run is the whole
suite). `tests/test_mutation_score.py` compares rows of both ways.

This module is a pytest plugin (loaded with -p in the recording run); REACH_ENV names the file it writes:
{"tests": {"<path>::<name>": [quirk, ...]}, "everywhere": [quirk, ...]}.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from conformance.client import session
from conformance.server import quirks

REACH_ENV = "OSS_CONFORMANCE_REACH"
_tests: dict[str, list[str]] = {}
_everywhere: set[str] = set()


def node_id(item: pytest.Item) -> str:
    """An id that selects the same test from any directory: the file's absolute path, then the test's name."""
    return f"{item.path}::{item.nodeid.split('::', 1)[1]}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item):
    from conformance.suite import conftest  # the suite's shared proofs: re-made for every test while recording

    conftest.PROOFS.clear()
    quirks.REACHED, quirks.REACHED_IF_READ, session.HEADER_READS = set(), {}, set()
    try:
        yield
    finally:
        reads = session.HEADER_READS
        read = {q for q, headers in quirks.REACHED_IF_READ.items() if "*" in reads or headers & reads}
        _tests[node_id(item)] = sorted(quirks.REACHED | read)
        quirks.REACHED, quirks.REACHED_IF_READ, session.HEADER_READS = None, None, None


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef: pytest.FixtureDef):
    if fixturedef.scope == "function" or quirks.REACHED is None:
        yield
        return
    with quirks_reached_apart() as reached:
        yield
    _everywhere.update(reached)


@contextmanager
def quirks_reached_apart() -> Iterator[set[str]]:
    """The quirks reached within the block, header-only ones too whether read or not (what a fixture or a shared
    setup makes is used by tests the recording cannot see from here); they count for the enclosing test as well."""
    outer, outer_if_read = quirks.REACHED, quirks.REACHED_IF_READ
    found: set[str] = set()
    if outer is None:  # not recording
        yield found
        return
    quirks.REACHED, quirks.REACHED_IF_READ = set(), {}
    try:
        yield found
    finally:
        found.update(quirks.REACHED, quirks.REACHED_IF_READ)
        quirks.REACHED, quirks.REACHED_IF_READ = outer, outer_if_read
        outer.update(found)


def pytest_sessionfinish(session: pytest.Session) -> None:
    path = os.environ.get(REACH_ENV)
    if path:
        Path(path).write_text(json.dumps({"tests": _tests, "everywhere": sorted(_everywhere)}), encoding="utf-8")


def tests_reaching(reach: dict, quirk: str) -> list[str] | None:
    """The ids of the tests that reach `quirk`; None when it is reached everywhere (run the whole suite)."""
    if quirk in reach["everywhere"]:
        return None
    return [test for test, reached in reach["tests"].items() if quirk in reached]
