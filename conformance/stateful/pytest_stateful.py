"""pytest wiring of the stateful tests: differential mode, replay, and the machine's context (the options are
conformance.options).

--compare-endpoint URL     a second server (same bucket name and credential variables as the first)
--compare-profile FILE     a second server described by its own profile
--compare-quirk NAME       a second embedded reference server with a deliberate deviation (repeatable)
--replay JSON|@FILE        run the steps a failure printed, without Hypothesis
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import pytest
from hypothesis import core as hypothesis_core
from hypothesis import settings as hypothesis_settings

from .. import reach, run_state
from ..client import Transcript, new_run_id
from ..harness import Harness
from ..outcomes import NotApplicable
from ..profile import Profile, ProfileError, load
from ..strategies import stateful_shards
from . import steps
from .machine import MachineContext, Shard, Side


def compare_profile(option: Any, primary: Profile) -> Profile | None:
    """The second server's profile, or None outside differential mode."""
    given = [
        name
        for name, value in (
            ("--compare-endpoint", option.compare_endpoint),
            ("--compare-profile", option.compare_profile),
            ("--compare-quirk", option.compare_quirks),
        )
        if value
    ]
    if len(given) > 1:
        raise ProfileError(f"{' and '.join(given)}: give only one way to name the second server")
    base = dataclasses.replace(primary, quirks=())
    if option.compare_profile:
        found = load(option.compare_profile)
    elif option.compare_endpoint:
        found = base.with_overrides(endpoint=option.compare_endpoint)
    elif option.compare_quirks:
        found = dataclasses.replace(base, endpoint="").with_overrides(quirks=option.compare_quirks)
    else:
        return None
    if found.endpoint and (found.endpoint, found.bucket) == (primary.endpoint, primary.bucket):
        raise ProfileError(f"{found.endpoint} bucket {found.bucket}: the second server is the first one")
    return found


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    try:
        state = run_state.of(config)
        state.compare = compare_profile(config.option, state.profile)
        if config.option.stateful_replay:
            steps.parse_replay(config.option.stateful_replay)
    except (ProfileError, ValueError, OSError) as exc:
        raise pytest.UsageError(f"stateful: {exc}") from None


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test asking for `stateful_shard` runs once per shard of the budget (xdist spreads them). One item when
    replaying (the steps are given) or when the differential test is not applicable."""
    if "stateful_shard" not in metafunc.fixturenames:
        return
    config = metafunc.config
    single = config.option.stateful_replay or (
        "stateful_pair" in metafunc.fixturenames and run_state.of(config).compare is None
    )
    parts = [sum(stateful_shards())] if single else stateful_shards()
    base = shard_seed_base(run_state.of(config).run_id)
    shards = [Shard(i, len(parts), examples, base + i) for i, examples in enumerate(parts)]
    metafunc.parametrize("stateful_shard", shards, ids=[s.label for s in shards])


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """pytest-xdist, in the controller: tell each worker how tests will be handed out (a worker's own options
    say --dist no)."""
    option = node.config.option
    node.workerinput["oss_conformance_schedule"] = [option.dist, option.maxschedchunk]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On xdist workers under `--dist load`: the shards, the run's longest items, go first, one at the head of each
    worker's first batch, so they start together at the beginning rather than forming the run's tail. Each worker
    orders its collection the same way, as xdist requires."""
    given = getattr(config, "workerinput", {})
    dist, max_chunk = given.get("oss_conformance_schedule", ["no", None])
    if dist != "load":
        return
    shards = [item for item in items if _is_shard(item)]
    items[:] = at_batch_heads(items, shards, first_batch(len(items), given["workercount"], max_chunk))


def first_batch(count: int, workers: int, max_chunk: int | None) -> int:
    """How many items xdist's LoadScheduling sends each worker first (its `schedule`); only speed depends on it."""
    return max(2, min(count // workers // 4, max_chunk or count))


def at_batch_heads(items: list, firsts: list, batch: int) -> list:
    """`items` reordered so that each of `firsts` heads a batch of `batch` items, in order; the rest keep theirs."""
    chosen = {id(item) for item in firsts}
    rest = [item for item in items if id(item) not in chosen]
    ordered = []
    for first in firsts:
        ordered += [first, *rest[: batch - 1]]
        del rest[: batch - 1]
    return ordered + rest


def _is_shard(item: pytest.Item) -> bool:
    shard = getattr(getattr(item, "callspec", None), "params", {}).get("stateful_shard")
    return shard is not None and shard.count > 1


def shard_seed_base(run_id: str) -> int:
    """Shard i runs from seed base + i: distinct seeds in one run, the same on every xdist worker (they share
    the run id). --hypothesis-seed fixes the base; a derandomized profile makes it 0."""
    if hypothesis_core.global_force_seed is not None:
        return int(hypothesis_core.global_force_seed)
    if hypothesis_settings.default.derandomize:
        return 0
    return int.from_bytes(hashlib.sha256(run_id.encode()).digest()[:6], "big")


@pytest.fixture(scope="session")
def stateful_compare(request: pytest.FixtureRequest, oss_harness: Harness) -> Iterator[Harness | None]:
    """The second server's harness in differential mode (same run namespace, so keys line up), else None."""
    state = run_state.of(request.config)
    profile = state.compare
    if profile is None:
        yield None
        return
    harness = Harness(profile, state.run_id, oss_harness.namespace.worker_id)
    harness.start()
    try:
        yield harness
    finally:
        report = harness.finish()
        if report.left:
            print(f"\nstateful compare server: {report.summary()}: {report.left[:5]}")


@contextmanager
def embedded(*quirk_sets: tuple[str, ...], label: str = "stateful") -> Iterator[MachineContext]:
    """One embedded server per quirk set (the first is the server under test), sharing one run namespace;
    for running the machine outside pytest (the catch table, the project's tests)."""
    run_id = new_run_id()
    with ExitStack() as stack:
        harnesses = []
        for quirks in quirk_sets:
            harness = Harness(Profile(quirks=quirks), run_id, label)
            harness.start()
            stack.callback(harness.finish)
            harnesses.append(harness)
        yield context_for(harnesses)


def context_for(harnesses: list[Harness], absent: dict[str, str] | None = None) -> MachineContext:
    """The machine's context for one server, or two in differential mode (also used without pytest); while
    conformance.reach records, it sees each example."""
    names = ["server under test", *(f"compare server ({_describe(h.profile)})" for h in harnesses[1:])]
    sides = []
    for name, harness in zip(names, harnesses, strict=True):
        transcript = Transcript(harness.transcript.redactor, limit=10_000)
        sides.append(Side(name, harness.client("plain", transcript=transcript), transcript))
    return MachineContext(
        sides=sides,
        fresh_prefix=lambda: harnesses[0].namespace.key("stateful"),
        supports=lambda capability: all(h.profile.supports(capability) for h in harnesses),
        absent={} if absent is None else absent,
        watch=reach.example_watch if reach.recording() else None,
    )


@pytest.fixture(scope="session")
def stateful_absent() -> dict[str, str]:
    """Operations the server answered 501 NotImplemented, shared by the shards of a worker: dropped once."""
    return {}


@pytest.fixture
def stateful_context(oss_harness: Harness, stateful_absent: dict[str, str]) -> MachineContext:
    """The server under test alone: its answers against the model."""
    return context_for([oss_harness], stateful_absent)


@pytest.fixture
def stateful_pair(
    oss_harness: Harness, stateful_compare: Harness | None, stateful_absent: dict[str, str]
) -> MachineContext:
    """Both servers of differential mode; outside it the differential test is not applicable."""
    if stateful_compare is None:
        raise NotApplicable("differential mode needs --compare-endpoint, --compare-profile or --compare-quirk")
    return context_for([oss_harness, stateful_compare], stateful_absent)


def _describe(profile: Profile) -> str:
    if profile.embedded:
        return "embedded" + (f", quirks {', '.join(profile.quirks)}" if profile.quirks else "")
    return profile.endpoint


@pytest.fixture
def stateful_replay(request: pytest.FixtureRequest) -> list[list[tuple[str, dict[str, Any]]]] | None:
    """The examples to run instead of generating them: --replay's one, or in a selective mutation run those of the
    shard that reached the quirk (conformance.reach); None: Hypothesis generates them."""
    value = request.config.option.stateful_replay
    if value:
        return [steps.parse_replay(value)]
    return run_state.of(request.config).replay_examples.get(reach.node_id(request.node))
