"""A run that survives the server under test (issue 13): for each hostile server, the run ends before a
generous ceiling, with the exit status that names the problem, in a few dozen lines, in bounded memory.

Limits chosen (a hang check, not a speed target): every run here uses a 1 MiB reply cap, a 1 s request
deadline, a 4 s test deadline and a 5 s cleanup budget; the ceiling is 90 s of wall time, 80 output lines
(about 4 per test without an answer, 5 such tests per process before the breaker stops the run) and 400 MB
peak resident memory of the pytest process. The measured figures are printed (-s shows them).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time

import pytest
from conftest import ROOT
from hostile_servers import hostile_server

from conformance.server.server import ReferenceServer

CEILING_SECONDS = 90
MAX_LINES = 80
MAX_RSS_MB = 400
LIMITS = ["--reply-cap", str(1 << 20), "--request-deadline", "1", "--test-deadline", "4", "--cleanup-budget", "5"]
CREDENTIALS = {"OSS_ACCESS_KEY_ID": "test-id", "OSS_ACCESS_KEY_SECRET": "test-secret-not-real"}


def run_measured(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, float, float]:
    """(exit status, stdout+stderr, seconds, peak RSS in MB) of `pytest --pyargs conformance ARGS`."""
    full_env = {**os.environ, **CREDENTIALS, **(env or {})}
    full_env.pop("PYTEST_XDIST_WORKER", None)
    command = [sys.executable, "-m", "pytest", "--pyargs", "conformance", "-p", "no:cacheprovider", *args]
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=ROOT, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        output, _ = process.communicate(timeout=CEILING_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail(f"the run did not end within {CEILING_SECONDS} s: a hang")
    seconds = time.monotonic() - started
    rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the largest child so far
    return process.returncode, output.decode("utf-8", "replace"), seconds, rss_mb


# mode, answers before misbehaving (from the reference server behind it), extra options, exit status, text
CASES = [
    ("huge-fast", 1, ["-n", "0"], 3, "reply body over the cap"),
    ("huge-trickled", 1, ["-n", "0"], 3, "within the deadline"),
    ("hang", 3, ["-n", "2"], 3, "tests in a row got no answer"),
    ("die", 60, ["-n", "0"], 3, "oss-conformance sweep --endpoint"),
    ("error-500", 0, ["-n", "2"], 3, "gives no usable answer (500 InternalError"),
    ("refuse-credentials", 0, ["-n", "2"], 7, "refused the credentials (403 InvalidAccessKeyId)"),
    ("no-bucket", 0, ["-n", "2"], 6, "does not exist"),
]


@pytest.mark.parametrize(("mode", "honest", "options", "status", "text"), CASES, ids=[c[0] for c in CASES])
def test_run_survives_hostile_server(mode, honest, options, status, text, tmp_path):
    reference = ReferenceServer(
        bucket="b",
        access_key_id=CREDENTIALS["OSS_ACCESS_KEY_ID"],
        access_key_secret=CREDENTIALS["OSS_ACCESS_KEY_SECRET"],
    )
    with reference, hostile_server(mode, honest, reference.url) as url:
        code, output, seconds, rss = run_measured(
            "-q", *options, *LIMITS, "--endpoint", url, "--bucket", "b", "--journal-dir", str(tmp_path)
        )
    lines = output.strip().splitlines()
    print(f"\n{mode}: exit {code}, {seconds:.1f} s, {len(lines)} lines, peak RSS {rss:.0f} MB")
    assert code == status, output[-3000:]
    assert text in output, output[-3000:]
    assert len(lines) <= MAX_LINES, output[-3000:]
    assert "Traceback" not in output and "INTERNALERROR" not in output
    assert rss < MAX_RSS_MB
