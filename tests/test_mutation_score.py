"""The suite can fail: against every quirk of the reference server at least one conformance test fails, and
against the clean server none does. Fast mode: each quirk's run stops at its first failure, the quirk's own
rules run first, runs go in parallel, each forked from one session that collected the suite once
(conformance.conductor). The full table (every catching rule, blocked rules, collateral) is reports/mutants.md."""

from __future__ import annotations

import dataclasses
import json
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
from conftest import once_per_run, run_suite

from conformance import mutants, reach
from conformance.server.quirks import REGISTRY

JOBS = mutants.JOBS
TIMEOUT = 600.0  # per run: a loaded machine (six engineers on two cores) stretches the clean run past 150 s
COMPARED = ("symlink-not-implemented", "error-body-not-xml", "objectmeta-not-implemented")
pytestmark = pytest.mark.long_pole  # the fixture `runs` takes a minute on two idle CPUs
# Their full runs, only the tests that reach them, against the whole suite, one per way a quirk is reached:
# conditionals-ignored is asked only where a condition fails (a quirk asked where it matters must be reached wherever
# it changes a verdict); head-drops-user-meta changes only headers, so only tests that read one reach it
# (client.session.ReadHeaders), and it fails two rules and blocks four, and two stateful shards, which replay only
# their examples that reached it (reach.examples_reaching); list-etag-unquoted is reached by ~200 symlink
# tests only through the listing in their `names` proof, which its run skips once the proof held (reach.proof_only;
# skipping with the wrong teardown turned five passing rules red).
REACHED = ("list-etag-unquoted", "conditionals-ignored", "head-drops-user-meta")
FRESH = [*((quirk, True) for quirk in COMPARED), *((quirk, False) for quirk in REACHED)]  # run the slow way too


@dataclass(frozen=True)
class Runs:
    clean: mutants.QuirkRun  # it recorded which tests reach which quirk
    fast: dict[str, mutants.QuirkRun]  # every quirk's run, each stopped at its first failure
    reached: dict[str, mutants.QuirkRun]  # REACHED's full runs, only the tests that reach each
    fresh: dict[tuple[str, bool], mutants.QuirkRun]  # the runs of FRESH, each in a fresh process of its own


@pytest.fixture(scope="session")
def runs(request, terminal_line) -> Runs:
    """Every quirk's fast run and REACHED's selective full runs, forked from one session after one clean run, with
    the runs of FRESH beside them; once for all xdist workers (the tests below only read it)."""

    def make(_shared) -> dict[str, list[dict]]:
        started = time.monotonic()
        progress = mutants.Progress("mutation score (fast)", terminal_line)
        with ThreadPoolExecutor(max_workers=len(FRESH)) as pool:
            fresh = [pool.submit(mutants.run_one, quirk, fast, TIMEOUT) for quirk, fast in FRESH]
            clean, forked = mutants.run_all(
                sorted(REGISTRY), JOBS, fast=True, timeout=TIMEOUT, progress=progress, also_full=list(REACHED)
            )
            done = {"forked": [clean, *forked], "fresh": [future.result() for future in fresh]}
        print(f"\nmutation score (fast, forked, {JOBS} jobs): {time.monotonic() - started:.0f}s")  # a benchmark
        return {name: [dataclasses.asdict(run) for run in group] for name, group in done.items()}

    done = {
        name: [mutants.QuirkRun(**run) for run in group]
        for name, group in once_per_run(request, "mutants", make).items()
    }
    clean, *forked = done["forked"]
    fast, full = forked[: -len(REACHED)], forked[-len(REACHED) :]
    return Runs(
        clean,
        {run.quirk: run for run in fast},
        {run.quirk: run for run in full},
        {run.key: run for run in done["fresh"]},
    )


def test_every_quirk_is_caught_and_the_clean_server_passes(runs):
    summary = mutants.summarize(runs.clean, list(runs.fast.values()), fast=True)
    print(mutants.render_text(summary))
    assert summary["clean_failures"] == 0, (runs.clean.problem, runs.clean.failures)
    assert summary["clean_blocked"] == 0, runs.clean.blocked
    holes = {row["quirk"]: row["problem"] or "no test failed" for row in summary["rows"] if not row["caught"]}
    assert holes == {}, "quirks no test catches: close each hole with a test, never weaken the quirk"


def test_a_fresh_process_per_quirk_gives_the_same_table(runs):
    """The slow way (one `python -m pytest` per quirk) and the forked way agree, row for row."""
    for quirk in COMPARED:
        isolated, forked = runs.fresh[quirk, True], runs.fast[quirk]
        assert not isolated.problem, isolated.problem
        assert (isolated.caught_by, sorted(isolated.blocked)) == (forked.caught_by, sorted(forked.blocked)), quirk


def test_a_run_past_its_deadline_is_killed_and_named():
    """The conductor kills a run at its deadline and says so; a clean run that recorded no reach makes the quirk's
    run the whole suite (it is killed too)."""
    clean, runs = mutants.run_all(["delete-returns-200"], 2, fast=False, timeout=1.0)
    assert (clean.problem, runs[0].problem) == ("timed out", "timed out")


def _record(test: str, rule: str, outcome: str, message: str = "") -> dict:
    return {"test": test, "rule": rule, "outcome": outcome, "message": message}


def test_attribution_failing_blocked_and_collateral(tmp_path):
    results = tmp_path / "results.json"
    records = [
        _record("t1", "symlink.put.response", "not-implemented"),
        _record("t2", "symlink.get.target", "blocked", "blocked by symlink.put.response: PUT answered 501"),
        _record("t3", "error.body-xml", "fail"),  # not declared by the quirk: collateral
        _record("t4", "stateful.model-agreement", "fail", "[symlink.get.target] step 2, get_symlink(key=0): ..."),
        _record("t5", "symlink.read.range", "pass"),
    ]
    results.write_text(json.dumps({"tests": records}))
    run = mutants.QuirkRun("symlink-not-implemented")
    run.tests, run.failures, run.blocked = mutants.parse_results(results)
    assert run.tests == 5 and run.blocked == {"symlink.get.target": ["t2"]}
    assert run.caught_by == ["error.body-xml", "symlink.get.target", "symlink.put.response"]  # stateful: its own
    summary = mutants.summarize(mutants.QuirkRun(None), [run], fast=False)
    assert summary["rows"][0]["collateral"] == ["error.body-xml"]
    assert summary["totals"] == {"failing": 3, "blocked": 1, "collateral": 1}
    assert "3 failing, 1 blocked, 1 collateral" in mutants.render_text(summary)


def _row(quirk: str, caught_by: list[str]) -> dict:
    return {
        "quirk": quirk,
        "breaks": ["stale"],
        "caught": bool(caught_by),
        "caught_by": caught_by,
        "blocked": [],
        "collateral": [],
    }


def test_an_update_replaces_only_the_rows_it_ran():
    first, second = sorted(REGISTRY)[:2]
    old = {"mode": "full", "rows": [_row(first, ["x.rule"]), _row(second, ["y.rule"]), _row("gone-quirk", [])]}
    new = {"mode": "full", "clean_tests": 7, "rows": [_row(second, [])]}
    merged = mutants.merge(old, new)
    assert [row["quirk"] for row in merged["rows"]] == [first, second]  # an unregistered quirk's row is dropped
    assert merged["rows"][1]["caught_by"] == [] and merged["clean_tests"] == 7  # the new run's
    assert merged["rows"][0]["breaks"] == list(REGISTRY[first].breaks)  # the registry's breaks, not the stale ones
    assert merged["rows"][0]["collateral"] == ["x.rule"]
    assert (merged["caught"], merged["totals"]["collateral"]) == (1, 1)
    with pytest.raises(ValueError, match="fast mode"):
        mutants.merge({"mode": "fast", "rows": []}, new)


def test_only_the_tests_that_reach_a_quirk_give_the_whole_suites_row(runs):
    """conformance.reach: re-running only the tests that reach a quirk gives the row the whole suite gives (run
    the slow way, in a fresh process: the clean run's verdicts serve both rows)."""
    assert runs.clean.failed == 0 and not runs.clean.problem, runs.clean.problem
    for quirk in REACHED:
        selected, whole = runs.reached[quirk], runs.fresh[quirk, False]
        assert not whole.problem and selected.tests < whole.tests, (quirk, whole.problem, selected.tests, whole.tests)
        rows = [mutants.table(mutants.summarize(runs.clean, [run], fast=False)) for run in (selected, whole)]
        assert rows[0] == rows[1], quirk
        assert (selected.failures, selected.blocked) == (whole.failures, whole.blocked), quirk  # test by test
        assert rows[0][0][1], f"{quirk} was caught"


def test_a_test_that_reaches_a_quirk_only_through_a_proof_is_told_apart():
    found = {
        "tests": {"a": ["q"], "b": [], "c": ["r"]},
        "everywhere": [],
        "uses": {"a": ["names"], "b": ["names", "links"], "c": []},
        "proofs": {"names": ["q", "r"], "links": []},
    }
    assert reach.tests_reaching(found, "q") == ["a", "b"]
    assert reach.proof_only(found, "q") == {"b": ["names", "links"]}  # a reaches q itself: it always runs
    assert reach.tests_reaching(found, "r") == ["c", "a", "b"]
    assert reach.proof_only(found, "s") == {} and reach.tests_reaching(found, "s") == []


def test_a_stateful_shard_replays_only_its_examples_that_reach_the_quirk():
    first, second, third = [["put_object", {"key": 0}]], [["get_object", {"key": 1}]], [["head_object", {"key": 2}]]
    found = {"tests": {"s1": ["q", "r"], "s2": ["r"]}, "everywhere": []}
    found["examples"] = {"s1": [[first, ["q"]], [second, []], [third, ["q", "r"]]], "s2": [[second, ["r"]]]}
    assert reach.examples_reaching(found, "q") == {"s1": [first, third], "s2": []}  # in order; s2 replays none
    assert reach.examples_reaching(found, "r") == {"s1": [third], "s2": [second]}


def test_the_recording_keeps_each_stateful_example_with_the_quirks_it_reached(tmp_path):
    """What examples_reaching replays comes from here: every shard's examples, each with its steps, reaching fewer
    quirks than the shard as a whole (else a quirk's run would replay them all)."""
    found_file = tmp_path / "reach.json"
    args = ("-m", "stateful", "-n", "0", "-p", "conformance.reach")
    run = run_suite(*args, env={reach.REACH_ENV: str(found_file)})
    assert run.returncode == 0, run.stdout[-3000:]
    found = json.loads(found_file.read_text())
    shards = [test for test in found["tests"] if "test_objects_and_links" in test]
    assert shards and sorted(found["examples"]) == sorted(shards)
    narrower = 0
    for shard in shards:
        examples = found["examples"][shard]
        assert examples and any(steps for steps, _ in examples), shard  # an example may draw no step
        assert set().union(*(quirks for _, quirks in examples)) <= set(found["tests"][shard])
        counts = [sum(quirk in quirks for _, quirks in examples) for quirk in found["tests"][shard]]
        narrower += sum(0 < count < len(examples) for count in counts)
    assert narrower, "no quirk was reached by only some of a shard's examples"
