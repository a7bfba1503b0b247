"""Which quirks each test can reach, recorded once on the clean server, so a full mutation table re-runs per quirk
only the tests that reach it.

Why that gives the same table: a quirk changes the server only at its one marked place (a `quirks.has` branch or
a rewrite row). A test whose requests never reached that place on the clean server runs, with the quirk on,
exactly as it ran without it (the runs are derandomized), so its verdict is its clean one. The server asks a quirk
last, only where it would change something (`if <it would matter> and ctx.quirks.has(...)`), and a rewrite row
counts only where it would alter the request, error or reply; a reply row that would alter only headers counts only
for a test that reads one of them (conformance.client.session.ReadHeaders notes every read, "*" for iterating): the
fewer tests a quirk reaches, the fewer a full table re-runs for it. What one test leaves
behind for another cannot carry a quirk across: a shared proof is made once, and the quirks reached in making it
count for the proof, that is for every test that stands on it (such a test, if it reaches a quirk only through its
proofs, is run only until those proofs have held under it: `proof_only`), the
quirks reached in making a setup several tests share (conformance/suite/shared.py) count for each of them, and a
quirk reached while a session- or module-wide fixture was set up is marked `everywhere` (its run is the whole
suite). The stateful machine's shards are recorded per example as well (its steps and the quirks it reached): a
quirk's run replays only a shard's examples that reached it, in order, instead of generating them all (the examples
are independent: each has fresh keys and deletes them, and what Hypothesis draws never depends on a reply), so the
first of them to fail fails the shard as the whole run would. `tests/test_mutation_score.py` compares rows of both
ways.

This module is a pytest plugin (loaded with -p in the recording run); REACH_ENV names the file it writes:
{"tests": {"<path>::<name>": [quirk, ...]}, "everywhere": [quirk, ...], "uses": {"<path>::<name>": [proof, ...]},
"proofs": {proof: [quirk, ...]}, "examples": {"<path>::<name>": [[steps, [quirk, ...]], ...]}}, where steps are
[[operation, {arguments}], ...] as --replay takes them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from conformance.client import session
from conformance.server import quirks

REACH_ENV = "OSS_CONFORMANCE_REACH"
_tests: dict[str, list[str]] = {}
_everywhere: set[str] = set()
_proofs: dict[str, set[str]] = {}  # proof name -> the quirks reached while it was made
_uses: dict[str, list[str]] = {}  # test -> the proofs it stands on
_using: set[str] = set()  # the proofs of the test being recorded
_examples: dict[str, list] = {}  # stateful shard -> [[steps, quirks reached], ...] of its examples, in order
_examples_now: list = []  # those of the test being recorded


def node_id(item: pytest.Item) -> str:
    """An id that selects the same test from any directory: the file's absolute path, then the test's name."""
    return f"{item.path}::{item.nodeid.split('::', 1)[1]}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item):
    _using.clear()
    _examples_now.clear()
    quirks.REACHED, quirks.REACHED_IF_READ, session.HEADER_READS = set(), {}, set()
    try:
        yield
    finally:
        _tests[node_id(item)] = _counted(quirks.REACHED, quirks.REACHED_IF_READ)
        _uses[node_id(item)] = sorted(_using)
        if _examples_now:
            _examples[node_id(item)] = list(_examples_now)
        quirks.REACHED, quirks.REACHED_IF_READ, session.HEADER_READS = None, None, None


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef: pytest.FixtureDef):
    if fixturedef.scope == "function" or not recording():
        yield
        return
    with quirks_reached_apart() as reached:
        yield
    _everywhere.update(reached)


def recording() -> bool:
    return quirks.REACHED is not None


def _counted(reached: set[str], if_read: dict[str, set[str]]) -> list[str]:
    """The quirks reached, with those that change only headers counted where the test read one of them."""
    reads = session.HEADER_READS or set()
    return sorted(reached | {q for q, headers in if_read.items() if "*" in reads or headers & reads})


def example_watch() -> Callable[[list], None]:
    """A stateful example starts: the quirks it reaches are kept with its steps (given when it ends), and count for
    the test too. A header-only quirk counts if the test has read that header by the example's end."""
    outer, outer_if_read = quirks.REACHED, quirks.REACHED_IF_READ
    quirks.REACHED, quirks.REACHED_IF_READ = set(), {}

    def ended(steps: list) -> None:
        reached, if_read = quirks.REACHED, quirks.REACHED_IF_READ
        quirks.REACHED, quirks.REACHED_IF_READ = outer, outer_if_read
        outer.update(reached)
        for quirk, headers in if_read.items():
            outer_if_read.setdefault(quirk, set()).update(headers)
        _examples_now.append([steps, _counted(reached, if_read)])

    return ended


def stands_on(name: str) -> None:
    """The test being recorded stands on proof `name`, made now or before."""
    if recording():
        _using.add(name)


@contextmanager
def proof_made(name: str) -> Iterator[None]:
    """The quirks reached while proof `name` is made count for the proof, not for the test that made it (see
    `proof_only`)."""
    if not recording():
        yield
        return
    with quirks_reached_apart(for_the_test=False) as reached:
        yield
    _proofs.setdefault(name, set()).update(reached)


@contextmanager
def quirks_reached_apart(for_the_test: bool = True) -> Iterator[set[str]]:
    """The quirks reached within the block, header-only ones too whether read or not (what a fixture or a shared
    setup makes is used by tests the recording cannot see from here); they count for the enclosing test as well,
    unless not `for_the_test`."""
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
        if for_the_test:
            outer.update(found)


def pytest_sessionfinish(session: pytest.Session) -> None:
    path = os.environ.get(REACH_ENV)
    if path:
        found = {"tests": _tests, "everywhere": sorted(_everywhere), "uses": _uses}
        found["proofs"] = {name: sorted(reached) for name, reached in _proofs.items()}
        found["examples"] = _examples
        Path(path).write_text(json.dumps(found), encoding="utf-8")


def tests_reaching(reach: dict, quirk: str) -> list[str] | None:
    """The ids of the tests that reach `quirk`, themselves or through a proof they stand on; None when it is reached
    everywhere (run the whole suite)."""
    if quirk in reach["everywhere"]:
        return None
    direct = [test for test, reached in reach["tests"].items() if quirk in reached]
    return direct + list(proof_only(reach, quirk))


def proof_only(reach: dict, quirk: str) -> dict[str, list[str]]:
    """Test -> its proofs, for the tests that reach `quirk` only through a proof they stand on. Such a test sends
    nothing that reaches the quirk, so once every proof it stands on has held under the quirk, its verdict is its
    clean one: a mutation run skips it then (conductor.run_session); while a proof is unmade it runs and makes it."""
    through = {name for name, reached in reach.get("proofs", {}).items() if quirk in reached}
    uses = reach.get("uses", {})
    return {t: uses[t] for t, r in reach["tests"].items() if quirk not in r and through.intersection(uses.get(t, ()))}


def examples_reaching(reach: dict, quirk: str) -> dict[str, list[list]]:
    """Stateful shard -> the steps of each of its examples that reached `quirk`, in order (maybe none): what its
    run under the quirk replays."""
    shards = reach.get("examples", {})
    return {test: [steps for steps, reached in found if quirk in reached] for test, found in shards.items()}


def proofs_held(names: list[str]) -> bool:
    """Every one of these proofs has been made in this process, and held."""
    from conformance.suite import conftest

    return all(name in conftest.PROOFS and conftest.PROOFS[name] is None for name in names)
