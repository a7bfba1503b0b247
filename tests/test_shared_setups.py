"""Setups shared by several conformance tests (conformance/suite/shared.py), and the polling that lets restores
share one wait (conformance/suite/polling.py): made once, shown in every consumer's transcript, re-made for each
test while reach is recorded (else the mutation table would skip a consumer), polled only while not done."""

from __future__ import annotations

import json

from conftest import run_suite

from conformance.client import Redactor, Reply, Transcript
from conformance.suite import polling, shared


def reply(status: int) -> Reply:
    return Reply(status=status, headers={}, body=b"", error=None, exchange=None)  # type: ignore[arg-type]


def test_once_makes_once_and_hands_the_exchanges_to_later_consumers():
    shared.SHARED.clear()
    first, later = Transcript(Redactor()), Transcript(Redactor())
    made = []

    def make() -> str:
        made.append(1)
        first.record("PUT", "http://127.0.0.1/b/k", {}, b"", 200)
        return "value"

    assert shared.once("setup", make, first) == "value"
    later.record("GET", "http://127.0.0.1/b/own", {}, b"", 200)
    assert shared.once("setup", make, later) == "value"
    assert made == [1]
    assert [e.url for e in later.exchanges] == ["http://127.0.0.1/b/k", "http://127.0.0.1/b/own"]
    shared.SHARED.clear()


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
