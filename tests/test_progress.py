"""Long phases of the project's own tests show progress (issue 13): a test that runs long is named on the
terminal while it runs, also under xdist, where a worker's own output never reaches the screen."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import ROOT

SLOW = "import time\n\n\ndef test_slow():\n    time.sleep(2.5)\n"


def test_a_long_test_is_named_while_it_runs(tmp_path):
    (tmp_path / "test_slow.py").write_text(SLOW, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "tests"), "OSS_TESTS_HEARTBEAT_SECONDS": "1"}
    env.pop("PYTEST_XDIST_WORKER", None)
    command = [sys.executable, "-m", "pytest", "-p", "heartbeat", "-n", "2", "-q", "-p", "no:cacheprovider"]
    done = subprocess.run([*command, str(tmp_path)], capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)
    beats = [line for line in done.stderr.splitlines() if "still running after" in line]  # the terminal's stderr
    assert done.returncode == 0, done.stdout + done.stderr
    assert beats and all(line.endswith("test_slow.py::test_slow") for line in beats), done.stderr
    assert beats[0].startswith("[gw"), beats  # from the xdist worker itself
