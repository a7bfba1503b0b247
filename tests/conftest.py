"""Shared helpers for the project's own tests: run the suite in a subprocess, and stand-in servers."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from heartbeat import pytest_configure, terminal_line  # noqa: F401  (a hook and a fixture, shared)

from conformance import strategies

# The plugin leaves other runs alone (this one included): the project's own property tests choose their budget.
strategies.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent


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
