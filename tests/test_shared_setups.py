"""Setups shared by several conformance tests (conformance/suite/shared.py), and the polling that lets restores
share one wait (conformance/suite/polling.py): made once, shown in every consumer's transcript, the quirks reached
in making them counted for every consumer while reach is recorded (else the mutation table would skip one), polled
only while not done."""

from __future__ import annotations

import json

import pytest
from conftest import run_suite

from conformance.client import Redactor, Reply, Transcript
from conformance.suite import polling, shared


def reply(status: int) -> Reply:
    return Reply(status=status, headers={}, body=b"", error=None, exchange=None)  # type: ignore[arg-type]


@pytest.fixture
def fresh_setups():
    yield
    shared.SHARED.clear()
    shared.STARTED.clear()


def _names(transcript: Transcript) -> list[str]:
    return [e.url.rsplit("/", 1)[1] for e in transcript.exchanges]


def _setup(transcript: Transcript, made: list[str]):
    """(start, finish) of a setup whose steps each record one exchange and note themselves in `made`."""

    def step(name: str, value: str) -> str:
        made.append(name)
        transcript.record("PUT", f"http://127.0.0.1/b/{name}", {}, b"", 200)
        return value

    return (lambda: step("start", "started")), (lambda started: step("finish", started + ", finished"))


def test_once_makes_once_and_hands_the_exchanges_to_later_consumers(fresh_setups):
    first, later = Transcript(Redactor()), Transcript(Redactor())
    made: list[str] = []
    start, finish = _setup(first, made)
    assert shared.once("setup", start, finish, first) == "started, finished"
    later.record("GET", "http://127.0.0.1/b/own", {}, b"", 200)
    assert shared.once("setup", start, finish, later) == "started, finished"
    assert made == ["start", "finish"]
    assert _names(later) == ["start", "finish", "own"]


def test_a_head_start_is_finished_by_the_first_consumer_and_shown_in_its_transcript(fresh_setups):
    transcript = Transcript(Redactor())  # one per run, emptied for each test, as the harness's
    made: list[str] = []
    start, finish = _setup(transcript, made)
    transcript.record("GET", "http://127.0.0.1/b/first-test", {}, b"", 200)
    shared.head_start("setup", start, transcript)
    assert made == ["start"] and _names(transcript) == ["first-test"]  # kept apart from the test it ran in
    transcript.clear()
    transcript.record("GET", "http://127.0.0.1/b/own", {}, b"", 200)
    assert shared.once("setup", start, finish, transcript) == "started, finished"
    assert made == ["start", "finish"]  # not started twice
    assert _names(transcript) == ["own", "start", "finish"]


def test_a_failed_head_start_is_forgotten_and_the_consumer_starts_over(fresh_setups):
    transcript = Transcript(Redactor())
    made: list[str] = []
    start, finish = _setup(transcript, made)

    def broken() -> str:
        transcript.record("PUT", "http://127.0.0.1/b/broken", {}, b"", None, failure="connection reset")
        raise ConnectionError("connection reset")

    shared.head_start("setup", broken, transcript)
    assert transcript.exchanges == [] and shared.STARTED == {}
    assert shared.once("setup", start, finish, transcript) == "started, finished"


def test_poll_each_stops_reading_what_is_done(monkeypatch):
    monkeypatch.setattr(polling.time, "sleep", lambda seconds: None)
    reads = {"fast": 0, "slow": 0}

    def read(name: str, ready_after: int):
        def go() -> Reply:
            reads[name] += 1
            return reply(200 if reads[name] >= ready_after else 409)

        return go, lambda r: r.status == 200

    polled = polling.poll_each({"fast": read("fast", 1), "slow": read("slow", 3)}, seconds=60)
    assert reads == {"fast": 1, "slow": 3}
    assert {name: (r.status, done) for name, (r, done) in polled.items()} == {"fast": (200, True), "slow": (200, True)}


def test_poll_each_gives_up_after_the_wait():
    polled = polling.poll_each({"never": (lambda: reply(409), lambda r: r.status == 200)}, seconds=0)
    assert polled["never"][0].status == 409 and polled["never"][1] is False


def test_every_consumer_of_a_shared_setup_records_its_reach(tmp_path):
    """The restores are made in the first consumer's test; the others send no RestoreObject of their own (the
    x-oss-restore test only reads the HEAD the poll ended with). Their records must still hold the quirks of
    RestoreObject, or a mutation run of those quirks would leave them out."""
    out = tmp_path / "reach.json"
    chosen = "restore_of_restored or header_done or restored_target_readable"
    run = run_suite("-n", "0", "-q", "-p", "conformance.reach", "-k", chosen, env={"OSS_CONFORMANCE_REACH": str(out)})
    assert run.returncode == 0, run.stdout[-2000:]
    tests = json.loads(out.read_text(encoding="utf-8"))["tests"]
    assert len(tests) == 3, sorted(tests)
    for test, reached in tests.items():
        assert {"restore-never-completes", "restore-instant"} <= set(reached), test


WAITING = (  # the tests that ask for a waiting setup (fixtures tick_apart and restored)
    "test_last_modified_is_the_later",
    "test_time_conditionals",
    "test_last_modified_kept",
    "test_restored_target_readable",
    "test_restore_of_restored",
    "test_header_done",
)


def _waiting_in_order(*args: str) -> list[bool]:
    run = run_suite("--collect-only", "-q", *args)
    assert run.returncode == 0, run.stdout[-2000:]
    return [any(f"::{name}" in line for name in WAITING) for line in run.stdout.splitlines() if "::" in line]


def test_tests_that_wait_run_last_where_the_waits_start_ahead():
    """A serial run starts the waiting setups before its first test, so their consumers go last; with -x the run
    may stop first, so nothing starts ahead and the files' order stands."""
    serial = _waiting_in_order()
    waiting = sum(serial)
    assert waiting >= len(WAITING) and serial == [False] * (len(serial) - waiting) + [True] * waiting
    assert _waiting_in_order("-x") != serial


WATCHER = """
import json, os
from conformance.suite import shared

def pytest_runtest_teardown(item):
    with open(os.environ["STARTED_FILE"], "a") as out:
        out.write(json.dumps([item.name, sorted(shared.STARTED), sorted(shared.SHARED)]) + "\\n")
"""


def test_the_waiting_setups_start_before_the_first_test_and_finish_in_their_consumer(tmp_path):
    """Notes, after each test, which shared setups were started ahead and which were made: the restores are
    started in the first test's setup (a test that does not use them) and finished by their first consumer."""
    (tmp_path / "started_watcher.py").write_text(WATCHER, encoding="utf-8")
    out = tmp_path / "started.jsonl"
    chosen = "test_first_restore_accepted or test_header_done"
    env = {"PYTHONPATH": str(tmp_path), "STARTED_FILE": str(out)}
    run = run_suite("-n", "0", "-q", "-p", "started_watcher", "-k", chosen, env=env)
    assert run.returncode == 0, run.stdout[-2000:]
    seen = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert seen == [["test_first_restore_accepted", ["restores"], []], ["test_header_done", [], ["restores"]]]
