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
