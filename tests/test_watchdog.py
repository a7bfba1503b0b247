"""The test deadline stops code that sends no request (conformance.watchdog): a spinning test, plain or inside
a Hypothesis search, ends as one line of error soon after the deadline, and the run goes on to the next test."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

from conftest import ROOT

from conformance import watchdog

SPINNING = """
import pytest
from hypothesis import given, strategies as st


@pytest.mark.rule("object.put.response")
def test_spins(oss):
    while True:
        pass


@pytest.mark.rule("object.get.body")
@given(n=st.integers())
def test_spins_in_hypothesis(oss, n):
    while True:
        pass


@pytest.mark.rule("object.head.response")
def test_after_them(oss, new_key):
    assert oss.put_object(new_key("after"), b"x").status == 200
"""
CEILING_SECONDS = 60  # a hang check: two spinning tests of 1 s + grace each, and start-up


def test_spinning_tests_end_at_their_deadline(tmp_path):
    (tmp_path / "test_spinning.py").write_text(SPINNING, encoding="utf-8")
    command = [sys.executable, "-m", "pytest", str(tmp_path), "--test-deadline", "1", "-q", "-p", "no:cacheprovider"]
    started = time.monotonic()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=CEILING_SECONDS)
    seconds = time.monotonic() - started
    print(f"\ntwo spinning tests and one normal one: exit {done.returncode}, {seconds:.1f} s")
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    one_line = "the test's deadline (1 s) passed while it ran code between requests"
    assert [line for line in output.splitlines() if line.startswith("the test's")] == [one_line] * 2, output
    assert "tests: 2 error, 1 pass" in output, output
    assert "Traceback" not in output and "Falsifying example" not in output, output  # not shrunk, not replayed


def test_the_timer_is_left_as_it_was():
    before = watchdog.signal.getsignal(watchdog.signal.SIGALRM)
    with watchdog.armed(time.monotonic() + 60, 60):
        assert watchdog.signal.getitimer(watchdog.signal.ITIMER_REAL)[0] > 0
    assert watchdog.signal.getitimer(watchdog.signal.ITIMER_REAL) == (0.0, 0.0)
    assert watchdog.signal.getsignal(watchdog.signal.SIGALRM) == before


def test_no_timer_outside_the_main_thread():
    armed = []

    def worker() -> None:
        with watchdog.armed(time.monotonic(), 1):
            armed.append(watchdog.signal.getitimer(watchdog.signal.ITIMER_REAL)[0])

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert armed == [0.0]
