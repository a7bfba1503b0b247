"""Many mutation runs from one collected pytest session.

A pytest session per quirk paid, before its first request, for start-up, option parsing and collecting the
suite: about 1.5 CPU-seconds, most of a fast run. Instead `conduct()` forks one process, the conductor, which
collects the suite once (pytest.main with this module as a plugin). Its pytest_runtestloop forks one child per
run from that collected session. A child puts its quirk on the run's profile (the embedded server reads it when
the first test starts it), keeps the tests its run selects, runs them with pytest's own protocol and ends the
session as pytest does (the results file; no cleanup, as its embedded server ends with it). What collection built
is frozen out of the garbage collector's sight (run_plugin.pytest_collection_finish), so a child's collections
neither walk it nor copy the pages it lives on. No test ran in the conductor, so every child starts where a fresh
session stands after collection; `tests/test_mutation_score.py` compares rows with fresh processes.

The conductor reports each finished run as one JSON line on a pipe, which `conduct()` yields as a QuirkRun.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conformance import mutants, reach, run_state
from conformance.mutants import QuirkRun
from conformance.server.quirks import REGISTRY


@dataclass(frozen=True)
class Plan:
    quirks: Sequence[str]
    jobs: int
    fast: bool  # each quirk's run stops at its first failure, its own rules' tests first
    timeout: float  # seconds per run
    selective: bool  # a full run has only the tests that reach its quirk (conformance.reach)
    report_fd: int  # the pipe's write end
    also_full: Sequence[str] = ()  # with `fast`: quirks that also get a full run


# The clean run is the longest (every test): the quirks' runs yield the CPU to it, so that it does not finish last.
QUIRK_NICENESS = 10

PLAN: Plan | None = None  # set in the conductor before it starts pytest; None in every other process


# ---------------------------------------------------------------- the caller's side


def conduct(
    quirks: Sequence[str],
    jobs: int,
    fast: bool,
    timeout: float,
    hypothesis_profile: str,
    selective: bool,
    also_full: Sequence[str] = (),
) -> Iterator[QuirkRun]:
    """The clean run (quirk None) and one run per quirk, each yielded as it finishes; with `fast`, a full run of
    each quirk in `also_full` as well. Runs the conductor did not report (it crashed or was killed) come last, each
    with the conductor's last words as its problem."""
    global PLAN
    read_fd, write_fd = os.pipe()
    with tempfile.TemporaryDirectory(prefix="oss-conductor-") as scratch:
        output = Path(scratch) / "output.txt"
        args = [*mutants.suite_args(None, Path(scratch) / "unused.json", False, hypothesis_profile), "--capture=no"]
        args += ["-p", "conformance.conductor"]
        pid = os.fork()
        if pid == 0:  # the conductor: never returns
            os.close(read_fd)
            PLAN = Plan(quirks, jobs, fast, timeout, selective, write_fd, also_full if fast else ())
            in_child(lambda: int(pytest.main(args)), scratch, output)
        os.close(write_fd)
        reported: set[tuple[str | None, bool]] = set()
        with os.fdopen(read_fd, encoding="utf-8") as lines:
            for line in lines:
                run = QuirkRun(**json.loads(line))
                reported.add(run.key)
                yield run
        _, status = os.waitpid(pid, 0)
        last_words = output.read_text(errors="replace").strip()[-300:] if output.exists() else ""
    problem = f"the conductor exited {os.waitstatus_to_exitcode(status)} before this run: {last_words}"
    for quirk, quick in [key for key in mutants.run_keys(quirks, fast, also_full) if key not in reported]:
        yield QuirkRun(quirk, problem=problem, fast=quick)


def in_child(target: Callable[[], int], cwd: str, output: Path) -> None:
    """Run `target` in this forked child with its output in `output`, then exit with its status; never returns."""
    code = 3
    try:
        os.chdir(cwd)
        fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        code = target()
    except BaseException:  # the child's last words go to its output, read by the parent
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)  # skip the parent's atexit handlers and buffers


# ---------------------------------------------------------------- the conductor's side


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session: pytest.Session) -> bool | None:
    """In the conductor: the plan instead of the usual loop, then exit (nothing of its own to report)."""
    if PLAN is None:
        return None
    code = 0
    try:
        _run_plan(session, PLAN, lambda run: _send(PLAN.report_fd, run))
    except BaseException:  # the caller reads the conductor's output for its last words
        traceback.print_exc()
        code = 3
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _send(fd: int, run: QuirkRun) -> None:
    os.write(fd, (json.dumps(dataclasses.asdict(run)) + "\n").encode())


def _run_plan(session: pytest.Session, plan: Plan, report: Callable[[QuirkRun], None]) -> None:
    """The clean run with every run that does not wait for it alongside; then the selective full runs, each with the
    tests the clean run found reaching its quirk."""
    fast, full = (plan.quirks, plan.also_full) if plan.fast else ((), plan.quirks)
    waiting = full if plan.selective else ()
    alongside = [*((q, True) for q in fast), *((q, False) for q in full if not plan.selective)]
    with tempfile.TemporaryDirectory(prefix="oss-reach-") as scratch:
        reach_file = Path(scratch) / "reach.json" if waiting else None
        clean = Child(session, None, False, reach_file=reach_file)
        others = (Child(session, quirk, quick) for quirk, quick in alongside)
        _run_children(itertools.chain([clean], others), plan.jobs, plan.timeout, report)
        found = json.loads(reach_file.read_text(encoding="utf-8")) if reach_file and reach_file.exists() else None
    if not waiting:
        return
    if found is None:  # the clean run's row already went out with its own problem (or none): run whole suites
        found = {"tests": {}, "everywhere": list(waiting)}
    selected = {q: reach.tests_reaching(found, q) for q in waiting}
    for quirk in [q for q in waiting if selected[q] == []]:  # no test reaches it: no run can catch it
        report(QuirkRun(quirk, tests=clean.run.tests))
    children = (Child(session, q, False, _selection(found, q, selected[q])) for q in waiting if selected[q] != [])
    _run_children(children, plan.jobs, plan.timeout, report)


@dataclass(frozen=True)
class Selection:
    """What a run keeps of the suite: the tests (reach ids; None: all), of which those in `proof_only` run only
    while one of their proofs has not held (reach.proof_only), and the stateful shards in `examples` replay those
    examples instead of generating them (reach.examples_reaching)."""

    tests: Sequence[str] | None = None
    proof_only: Mapping[str, list[str]] = field(default_factory=dict)
    examples: Mapping[str, list] = field(default_factory=dict)


def _selection(found: dict, quirk: str, tests: list[str] | None) -> Selection:
    return Selection(tests, reach.proof_only(found, quirk), reach.examples_reaching(found, quirk))


class Child:
    """One run, forked from the conductor's collected session, of the tests `selection` keeps; `reach_file` makes
    it the recording clean run."""

    def __init__(
        self,
        session: pytest.Session,
        quirk: str | None,
        fast: bool,
        selection: Selection = Selection(),
        reach_file: Path | None = None,
    ) -> None:
        self.run = QuirkRun(quirk, fast=fast)
        self.scratch = tempfile.TemporaryDirectory(prefix="oss-mutant-")
        self.results = Path(self.scratch.name) / "results.json"
        self.output = Path(self.scratch.name) / "output.txt"
        self.started = time.monotonic()
        self.pid = os.fork()
        if self.pid == 0:
            if quirk is not None:
                os.nice(QUIRK_NICENESS)
            run = lambda: run_session(session, quirk, fast, self.results, selection, reach_file)  # noqa: E731
            in_child(run, self.scratch.name, self.output)

    def poll(self, deadline: float) -> QuirkRun | None:
        """The finished run, or None while it is still running within its deadline (then it is killed)."""
        pid, status = os.waitpid(self.pid, os.WNOHANG)
        if pid == 0 and time.monotonic() < self.started + deadline:
            return None
        if pid == 0:
            os.kill(self.pid, 9)
            os.waitpid(self.pid, 0)
            exit_status = None
        else:
            exit_status = os.waitstatus_to_exitcode(status)
        output = self.output.read_text(errors="replace") if self.output.exists() else ""
        mutants.finish_run(self.run, self.results, exit_status, output)
        self.run.seconds = time.monotonic() - self.started
        self.scratch.cleanup()
        return self.run


def _run_children(children: Iterable[Child], jobs: int, timeout: float, report: Callable[[QuirkRun], None]) -> None:
    """Start the children lazily, at most `jobs` at a time, and report each run as it finishes."""
    pending, running = iter(children), []
    more = True
    while more or running:
        while more and len(running) < max(1, jobs):
            child = next(pending, None)
            more = child is not None
            running += [child] if child is not None else []
        for child in list(running):
            run = child.poll(timeout)
            if run is not None:
                running.remove(child)
                report(run)
        time.sleep(0.02)


# ---------------------------------------------------------------- one child


def run_session(
    session: pytest.Session,
    quirk: str | None,
    fast: bool,
    results: Path,
    selection: Selection,
    reach_file: Path | None,
) -> int:
    """The rest of a pytest session after collection, as one quirk's run: its exit status."""
    config = session.config
    state = run_state.of(config)
    state.profile = dataclasses.replace(state.profile, quirks=(quirk,) if quirk else ())
    state.ephemeral = True  # this child's embedded server ends with it: deleting what it stored is wasted
    state.start_clock()
    config.option.oss_results = str(results)
    state.replay_examples = dict(selection.examples)
    items = session.items if selection.tests is None else _selected(session.items, selection.tests)
    if fast and quirk is not None:
        config.option.maxfail = 1  # -x
        items = mutants.first(items, REGISTRY[quirk].breaks)
    if reach_file is not None:
        os.environ[reach.REACH_ENV] = str(reach_file)
        config.pluginmanager.register(reach, "oss-conformance-reach")
    session.items = items
    promised = None  # the `nextitem` the last test was torn down for
    for i, item in enumerate(items):
        needs = selection.proof_only.get(reach.node_id(item))
        if needs is not None and reach.proofs_held(needs):
            continue  # it sends nothing that reaches the quirk, and its proofs held: it passes as on the clean server
        if promised is not None and promised is not item:
            session._setupstate.teardown_exact(item)  # a skipped test was promised: leave only what this one shares
        promised = items[i + 1] if i + 1 < len(items) else None
        config.hook.pytest_runtest_protocol(item=item, nextitem=promised)
        if session.shouldfail or session.shouldstop:
            break
    session.exitstatus = pytest.ExitCode.TESTS_FAILED if session.testsfailed else pytest.ExitCode.OK
    config.hook.pytest_sessionfinish(session=session, exitstatus=session.exitstatus)
    return int(session.exitstatus)


def _selected(items: list[pytest.Item], tests: Sequence[str]) -> list[pytest.Item]:
    wanted = set(tests)
    return [item for item in items if reach.node_id(item) in wanted]
