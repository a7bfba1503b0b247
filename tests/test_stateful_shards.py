"""The state machine's budget is split into shards, one pytest item each (so xdist spreads them), and the
shards together run exactly what strategies.STATEFUL promises: examples add up, steps per example stay."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from conftest import run_suite
from hypothesis import settings

from conformance import strategies
from conformance.stateful import pytest_stateful
from conformance.stateful.machine import Shard
from conformance.stateful.pytest_stateful import at_batch_heads, first_batch, shard_seed_base


@pytest.mark.parametrize("budget", strategies.PROFILES)
def test_shards_add_up_to_the_promised_budget(budget):
    examples, steps = strategies.STATEFUL[budget]
    parts = strategies.stateful_shards(budget)
    assert len(parts) == strategies.STATEFUL_SHARDS[budget] and sum(parts) == examples
    assert max(parts) - min(parts) <= 1
    strategies.load_profile(budget)
    try:
        shards = [Shard(i, len(parts), n, 100 + i) for i, n in enumerate(parts)]
        configured = [s.settings() for s in shards]
    finally:
        strategies.load_profile("ci")
    assert sum(c.max_examples for c in configured) == examples
    assert {c.stateful_step_count for c in configured} == {steps}


@pytest.fixture(params=[False, True], ids=["random", "derandomized"])
def derandomize(request):
    """Hypothesis' own "ci" profile (loaded where a CI variable is set) derandomizes; test both ways."""
    settings.register_profile("shards-test", parent=settings.default, derandomize=request.param)
    settings.load_profile("shards-test")
    yield request.param
    strategies.load_profile("ci")


def test_seeds_are_shared_by_workers_and_distinct_between_random_runs(derandomize):
    assert shard_seed_base("run-a") == shard_seed_base("run-a")  # every worker of a run computes the same base
    if derandomize:  # the same seeds every run: a CI failure reproduces on the next run
        assert shard_seed_base("run-a") == shard_seed_base("run-b") == 0
    else:
        assert shard_seed_base("run-a") != shard_seed_base("run-b")


def _collected(*args: str) -> list[str]:
    result = run_suite("--collect-only", "-q", "-m", "stateful", *args)
    assert "error" not in result.stdout.lower(), result.stdout + result.stderr  # (exit status: collected, not run)
    return re.findall(r"test_stateful\.py::(\S+)", result.stdout)


def test_each_shard_is_an_item_and_replay_is_one():
    collected = _collected("--hypothesis-profile-name", "default")
    shards = [t for t in collected if t.startswith("test_objects_and_links[")]
    assert shards == [f"test_objects_and_links[shard{i}of16]" for i in range(1, 17)]
    assert collected.count("test_two_servers_agree[shard1of1]") == 1  # not applicable: one item, not 16
    replayed = _collected("--replay", "[]")
    assert "test_objects_and_links[shard1of1]" in replayed and len(replayed) == 2


def test_each_shard_heads_a_batch_and_nothing_is_lost():
    items = [f"t{i}" for i in range(20)]
    firsts = items[15::2]  # the same objects: items are told apart by identity
    ordered = at_batch_heads(items, firsts, 4)
    assert ordered[0:12:4] == firsts and sorted(ordered) == sorted(items)
    assert [t for t in ordered if t not in firsts] == [t for t in items if t not in firsts]  # the rest keep order
    assert first_batch(447, 8, None) == 13 and first_batch(447, 8, 1) == 2 and first_batch(10, 8, None) == 2


def _worker_items(schedule: list | None) -> list:
    """A worker's collection hook run on five plain items and three shards, under the controller's `schedule`."""
    shards = [Shard(i, 3, 2, i) for i in range(3)]
    items = [SimpleNamespace(name=f"plain{i}") for i in range(5)]
    items += [SimpleNamespace(name=s.label, callspec=SimpleNamespace(params={"stateful_shard": s})) for s in shards]
    given = {"workercount": 2} | ({"oss_conformance_schedule": schedule} if schedule else {})
    pytest_stateful.pytest_collection_modifyitems(SimpleNamespace(workerinput=given), items)
    return [item.name for item in items]


def test_workers_under_load_distribution_start_with_the_shards():
    """The controller tells each worker its --dist (a worker's own options say "no"); only `load` reorders."""
    node = SimpleNamespace(
        config=SimpleNamespace(option=SimpleNamespace(dist="load", maxschedchunk=None)), workerinput={}
    )
    pytest_stateful.pytest_configure_node(node)
    assert node.workerinput["oss_conformance_schedule"] == ["load", None]
    assert _worker_items(node.workerinput["oss_conformance_schedule"])[0:6:2] == ["shard1of3", "shard2of3", "shard3of3"]
    unchanged = [f"plain{i}" for i in range(5)] + ["shard1of3", "shard2of3", "shard3of3"]
    assert _worker_items(["worksteal", None]) == _worker_items(None) == unchanged
