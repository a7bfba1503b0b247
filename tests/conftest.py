"""Shared helpers for the project's own tests: run the suite in a subprocess, and stand-in servers."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
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


@dataclass(frozen=True)
class CleanRun:
    returncode: int
    stdout: str
    results: Path


@pytest.fixture(scope="session")
def clean_run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> CleanRun:
    """`pytest --pyargs conformance -q -n 2 --results FILE` against the embedded server, run once for the tests
    that only read what it gives; under xdist, once for all workers (the first takes a lock and runs it)."""
    shared = tmp_path_factory.getbasetemp()
    if hasattr(request.config, "workerinput"):
        shared = shared.parent  # this run's directory, common to its workers
    results, saved = shared / "clean-run.json", shared / "clean-run.out.json"
    with open(shared / "clean-run.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not saved.exists():
            run = run_suite("-q", "-n", "2", "--results", str(results))
            saved.write_text(json.dumps({"returncode": run.returncode, "stdout": run.stdout}))
    done = json.loads(saved.read_text())
    return CleanRun(done["returncode"], done["stdout"], results)


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
