"""Shared helpers for the project's own tests: run the suite in a subprocess, and stand-in servers."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from heartbeat import pytest_configure, terminal_line  # noqa: F401  (a hook and a fixture, shared)

from conformance import strategies

# The plugin leaves other runs alone (this one included): the project's own property tests choose their budget.
strategies.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent

# Every Python these tests start (suite runs, the CLI: hundreds of processes) reuses compiled and
# assertion-rewritten modules from one cache outside the checkout. Where the machine sets PYTHONDONTWRITEBYTECODE,
# each process compiled and rewrote some 200 modules again: seconds of CPU apiece.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
os.environ["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / f"oss-conformance-pycache-{os.getuid()}")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The long pole first: under xdist the first tests in the order start at once, so the longest task overlaps
    the rest of the run instead of starting wherever its file falls alphabetically and finishing alone."""
    items.sort(key=lambda item: item.get_closest_marker("long_pole") is None)


def run_suite(*args: str, env: dict[str, str] | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    """`python -m pytest --pyargs conformance ARGS` in a subprocess; output captured as text."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("PYTEST_XDIST_WORKER", None)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "--pyargs", "conformance", "-p", "no:cacheprovider", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=full_env,
        cwd=ROOT,
        check=False,
    )


def once_per_run(request: pytest.FixtureRequest, name: str, make: Callable[[Path], object]) -> object:
    """`make(directory)` once for this pytest run, across xdist workers (the first to take the lock makes it, the
    others wait for it); every caller gets its result, which must be JSON. `directory` is shared by the workers."""
    shared = request.getfixturevalue("tmp_path_factory").getbasetemp()
    if hasattr(request.config, "workerinput"):
        shared = shared.parent  # this run's directory, common to its workers
    saved = shared / f"{name}.out.json"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not saved.exists():
            saved.write_text(json.dumps(make(shared)))
    return json.loads(saved.read_text())


@dataclass(frozen=True)
class CleanRun:
    returncode: int
    stdout: str
    results: Path


@pytest.fixture(scope="session")
def clean_run(request: pytest.FixtureRequest) -> CleanRun:
    """`pytest --pyargs conformance -q -n 2 --results FILE` against the embedded server, run once for the tests
    that only read what it gives."""

    def make(shared: Path) -> dict:
        results = shared / "clean-run.json"
        run = run_suite("-q", "-n", "2", "--results", str(results))
        return {"returncode": run.returncode, "stdout": run.stdout, "results": str(results)}

    done = once_per_run(request, "clean-run", make)
    return CleanRun(done["returncode"], done["stdout"], Path(done["results"]))


class AlwaysOk(BaseHTTPRequestHandler):
    """A server that checks nothing: 200 and an empty body to every request."""

    protocol_version = "HTTP/1.1"

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _answer

    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass


@pytest.fixture
def always_ok_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), AlwaysOk)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def fake_credentials() -> dict[str, str]:
    return {"OSS_ACCESS_KEY_ID": "test-id", "OSS_ACCESS_KEY_SECRET": "test-secret-not-real"}
