"""Progress for the project's own long phases (issue 13): while one test has run for HEARTBEAT_SECONDS, a line
on the terminal names it and how long it has run, and long loops inside a test (the mutation runs) can write
their own progress lines. Under pytest-xdist a worker's output is captured and only dots reach the screen, so
lines go to the terminal's own descriptor, duplicated once while capture was off. tests/conftest.py loads it;
elsewhere `-p heartbeat` with tests/ on the path."""

from __future__ import annotations

import os
import threading
import time

import pytest

HEARTBEAT_SECONDS = float(os.environ.get("OSS_TESTS_HEARTBEAT_SECONDS", "60"))


class Heartbeat:
    def __init__(self, config: pytest.Config) -> None:
        capture = config.pluginmanager.getplugin("capturemanager")
        with capture.global_and_fixture_disabled():
            self.fd = os.dup(2)
        self.worker = os.environ.get("PYTEST_XDIST_WORKER", "main")

    def line(self, text: str) -> None:
        """One line on the terminal, whatever capture is doing."""
        os.write(self.fd, f"\n[{self.worker}] {text}\n".encode())

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item):
        done = threading.Event()
        beat = threading.Thread(target=self._beat, args=(item.nodeid, done), daemon=True)
        beat.start()
        yield
        done.set()

    def _beat(self, nodeid: str, done: threading.Event) -> None:
        started = time.monotonic()
        while not done.wait(HEARTBEAT_SECONDS):
            self.line(f"still running after {time.monotonic() - started:.0f} s: {nodeid}")


HEARTBEAT_KEY = pytest.StashKey[Heartbeat]()


def pytest_configure(config: pytest.Config) -> None:
    config.stash[HEARTBEAT_KEY] = heartbeat = Heartbeat(config)
    config.pluginmanager.register(heartbeat, "oss-tests-heartbeat")


@pytest.fixture(scope="session")
def terminal_line(pytestconfig: pytest.Config):
    """line(text): one line on the terminal now, even under xdist (a long loop's progress)."""
    return pytestconfig.stash[HEARTBEAT_KEY].line
