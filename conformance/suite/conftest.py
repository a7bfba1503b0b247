"""Fixtures of the conformance suite: proofs a test needs before its own step, made once per worker, and the
setups several tests share because they wait (conformance/suite/shared.py), started ahead where a run allows.

A proof is a precondition that many tests share (plain PutSymlink and GetSymlink work at all). It is tried once;
when it does not hold, every test that needs it ends *blocked* by the rule that covers it, with the same
message, instead of each reporting the same deviation as a failure of its own rule.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance import reach
from conformance.checks import Blocked, require, require_equal
from conformance.client import Transcript
from conformance.run_plugin import not_applicable
from conformance.suite import preconditions as pre
from conformance.suite import restoring, ticks

Proof = Callable[[], object]
# proof name -> None when it held, else (what blocked it, the exchanges that showed it). One per process (xdist
# worker).
PROOFS: dict[str, tuple[Blocked, list] | None] = {}


@pytest.fixture(scope="session")
def _proofs() -> dict[str, tuple[Blocked, list] | None]:
    return PROOFS


def _proven(proofs: dict, name: str, proof: Proof, transcript: Transcript) -> None:
    reach.stands_on(name)
    if name not in proofs:
        try:
            with reach.proof_made(name):
                proof()
            proofs[name] = None
        except Blocked as blocked:
            proofs[name] = (blocked, list(transcript.exchanges))
    if proofs[name] is not None:
        blocked, exchanges = proofs[name]
        transcript.exchanges[:] = exchanges  # each blocked test shows the exchange that blocked it
        raise Blocked(blocked.prerequisite, f"{blocked.what} (tried once per worker)")


@pytest.fixture
def names_kept(oss, new_key, oss_harness, _proofs) -> None:
    """A key with '/' is stored under that very name (its listing shows it): a link names its target by key,
    so a server that stores other names than it was given cannot have its links judged."""
    if oss_harness.profile.supports("list"):
        make = lambda: pre.listed(oss, pre.put_key(oss, new_key("proof-dir") + "/leaf"))  # noqa: E731
        _proven(_proofs, "names", make, oss.transcript)


@pytest.fixture
def links_made(oss, new_key, names_kept, _proofs) -> None:
    """Plain PutSymlink to an existing object answers 200 and GetSymlink gives the target back."""
    _proven(_proofs, "links", lambda: pre.link_to_object(oss, new_key), oss.transcript)


@pytest.fixture
def links_work(oss, new_key, links_made, _proofs) -> None:
    """And a link to a missing target is made too (most tests link to names they never create): tests of
    PutSymlink's options and of reads through a link stand on this."""

    def make() -> None:
        link, target = new_key("proof-link"), new_key("proof-absent")
        require(oss.put_symlink(link, target), NO_TARGET_CHECK)
        pre.is_link(oss, link, target)

    _proven(_proofs, "links-to-absent", make, oss.transcript)


NO_TARGET_CHECK = "symlink.put.no-target-check"  # PutSymlink does not check that the target exists


@pytest.fixture
def reads_through(oss, new_key, links_work, _proofs) -> None:
    """GetObject on a link to an object reads the object: the rules about what a read through a link reports
    (ranges, conditionals, headers, permissions) stand on this."""

    def make() -> None:
        link, target = pre.link_to_object(oss, new_key, b"read through")
        pre.reads_back(oss, target, b"read through")
        got = require(oss.get_object(link), pre.READ_THROUGH)
        require_equal(pre.READ_THROUGH, got, "body read through the link", got.body, b"read through")

    _proven(_proofs, "reads", make, oss.transcript)


# ---------------------------------------------------------------- shared setups that wait (conformance/suite/shared.py)


@pytest.fixture
def tick_apart(oss, new_key) -> Callable[[str], object]:
    """which -> ticks.a_tick_apart(which): writes a clock tick apart, made once per process."""
    return lambda which: ticks.a_tick_apart(oss, new_key, which)


@pytest.fixture
def restored(oss, new_key, restore_wait) -> Callable[[str], restoring.Restored]:
    """which -> restoring.shared_restore(which): an object whose restore completed, all restored together once
    per process."""
    return lambda which: restoring.shared_restore(oss, new_key, restore_wait, which)


HEAD_STARTS = {"tick_apart": ticks.head_start, "restored": restoring.head_start}  # fixture -> how its setup starts


def _starts_ahead(config: pytest.Config) -> bool:
    """Whether this process starts the waiting setups before its first test: not in an xdist worker, which cannot
    know which tests it will be given (its wait overlaps the other workers' tests anyway), nor with -x or
    --maxfail, whose run may stop before any consumer."""
    return not hasattr(config, "workerinput") and not config.option.maxfail


def _waits(item: pytest.Item) -> bool:
    return not HEAD_STARTS.keys().isdisjoint(getattr(item, "fixturenames", ()))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Where the waiting setups start ahead, their consumers run last (a stable sort): the wait passes while every
    other test runs."""
    if _starts_ahead(config):
        items.sort(key=_waits)


@pytest.fixture(scope="session", autouse=True)
def _head_starts(request: pytest.FixtureRequest, oss_harness) -> None:
    """Starts the shared setups that wait (a clock tick, a restore) before the first test, when a test this process
    runs asks for one: the wait then passes while the other tests run (a serial run at the ci budget saves 2 s;
    against OSS, whose restores take a minute, most of that minute)."""
    if not _starts_ahead(request.config):
        return
    runs = [item for item in request.session.items if _waits(item) and not_applicable(item) is None]
    asked = {name for item in runs for name in item.fixturenames}
    oss, new_key = oss_harness.client("plain"), oss_harness.namespace.key
    for fixture in sorted(asked.intersection(HEAD_STARTS)):
        HEAD_STARTS[fixture](oss, new_key)
