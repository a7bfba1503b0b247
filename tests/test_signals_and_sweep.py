"""Nothing left behind: SIGTERM (what a CI cancel sends) cleans up like Ctrl-C, in the controller and every
xdist worker; after SIGKILL, `oss-conformance sweep --journal` removes exactly the run's keys."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest
from conftest import ROOT

from conformance.server.server import ReferenceServer

CREDENTIALS = {"OSS_ACCESS_KEY_ID": "signal-id", "OSS_ACCESS_KEY_SECRET": "signal-secret"}
PREFIX = "oss-conformance/"


@pytest.fixture
def server():
    with ReferenceServer(
        bucket="b",
        access_key_id=CREDENTIALS["OSS_ACCESS_KEY_ID"],
        access_key_secret=CREDENTIALS["OSS_ACCESS_KEY_SECRET"],
    ) as running:
        yield running


def keys_under_prefix(server: ReferenceServer) -> list[str]:
    """Keys (any version) the suite left in the buckets cleanup may empty (WORM keys stay by design)."""
    store = server.context.store
    return [key for bucket in ("b", "b-versioned") for key, _ in store.snapshot(bucket) if PREFIX in key]


def start_run(server: ReferenceServer, journal_dir, *args: str) -> subprocess.Popen:
    env = {**os.environ, **CREDENTIALS}
    env.pop("PYTEST_XDIST_WORKER", None)
    command = [sys.executable, "-m", "pytest", "--pyargs", "conformance", "-p", "no:cacheprovider", "-q"]
    command += ["--endpoint", server.url, "--bucket", "b", "--journal-dir", str(journal_dir), *args]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )


def wait_for_keys(server: ReferenceServer, process: subprocess.Popen, at_least: int = 5) -> None:
    deadline = time.monotonic() + 60
    while len(keys_under_prefix(server)) < at_least:
        assert process.poll() is None, "the run ended before it wrote anything"
        assert time.monotonic() < deadline, "the run wrote nothing within 60 s"
        time.sleep(0.05)


def test_sigterm_to_the_process_group_cleans_up(server, tmp_path):
    process = start_run(server, tmp_path, "-n", "2")
    wait_for_keys(server, process)
    os.killpg(process.pid, signal.SIGTERM)
    output = process.communicate(timeout=60)[0].decode("utf-8", "replace")
    print(f"\nSIGTERM: exit {process.returncode}, {len(keys_under_prefix(server))} keys left")
    assert keys_under_prefix(server) == [], output[-3000:]
    assert "0 keys left behind in total" in output, output[-3000:]
    assert "Traceback" not in output


def test_keys_held_by_worm_are_told_apart_in_the_total(server, tmp_path):
    """The WORM test leaves one key its retention policy holds: cleanup says so, the total says so too (not "1
    left behind"), and the journal stays, for a sweep once the retention period is over."""
    process = start_run(server, tmp_path, "-n", "0", "-k", "worm")
    output = process.communicate(timeout=120)[0].decode("utf-8", "replace")
    assert process.returncode == 0, output[-3000:]
    assert re.search(r"0 keys left behind in total \(\+1 held by a WORM retention policy until it expires\)", output)
    assert list(tmp_path.iterdir()), "the journal of the held key was removed"


def test_sigkill_then_sweep_by_journal_leaves_nothing(server, tmp_path):
    process = start_run(server, tmp_path, "-n", "0")
    wait_for_keys(server, process)
    os.killpg(process.pid, signal.SIGKILL)
    process.communicate(timeout=30)
    left = keys_under_prefix(server)
    assert left, "SIGKILL came too late to leave anything: the test proves nothing"
    (run_dir,) = list(tmp_path.iterdir())
    env = {**os.environ, **CREDENTIALS}
    sweep = [sys.executable, "-m", "conformance.cli", "sweep", "--endpoint", server.url, "--bucket", "b"]
    result = subprocess.run([*sweep, "--journal", str(run_dir)], env=env, capture_output=True, text=True, timeout=60)
    print(f"\nSIGKILL: {len(left)} keys left, then sweep: {result.stdout.strip().splitlines()[-1]}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert keys_under_prefix(server) == []
    assert not run_dir.exists()  # a journal whose keys are all gone is removed


def test_sweep_by_age_deletes_only_old_runs_under_the_prefix(server):
    store = server.context.store
    from conformance.server.model import ObjectVersion

    old, new = (
        "oss-conformance/20200101T000000Z-abcdef/gw0/k",
        f"oss-conformance/{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-abcdef/main/k",
    )
    # a raw listing holding the form feed does not parse; encoded, '+' and '%41' must come back as themselves
    old_odd = "oss-conformance/20200101T000000Z-abcdef/gw0/form\x0cfeed a+b%41"
    for key in (old, old_odd, new, "precious/k", "oss-conformance/not-a-run/k"):
        store.write("b", ObjectVersion(key))
    env = {**os.environ, **CREDENTIALS}
    sweep = [sys.executable, "-m", "conformance.cli", "sweep", "--endpoint", server.url, "--bucket", "b"]
    dry = subprocess.run([*sweep, "--dry-run"], env=env, capture_output=True, text=True, timeout=60)
    assert dry.returncode == 0 and f"would delete b/{old}" in dry.stdout and store.current("b", old)
    result = subprocess.run(sweep, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert store.current("b", old) is None and store.current("b", old_odd) is None
    assert all(store.current("b", k) for k in (new, "precious/k", "oss-conformance/not-a-run/k"))


# Characters str.splitlines() ends a line at, but json.dumps(ensure_ascii=False) writes raw (the others it
# escapes): a generated key holding one made the journal unreadable, and a SIGTERM run then reported one key left.
LINE_ENDS_IN_KEYS = ["\x85", "\u2028", "\u2029", "\x1c", "\r\n", "\v\f"]


@pytest.mark.parametrize("end", LINE_ENDS_IN_KEYS, ids=[f"U+{ord(c[0]):04X}" for c in LINE_ENDS_IN_KEYS])
def test_journal_reads_keys_holding_line_ends(tmp_path, end):
    from conformance import journal

    log = journal.Journal(tmp_path / "gw0.jsonl")
    kept, deleted = f"run/gw0/a{end}b", f"run/gw0/c{end}"
    for op, key in (("put", kept), ("put", deleted), ("del", deleted)):
        log(op, "b", key)
    log.close()
    with open(tmp_path / "gw0.jsonl", "a", encoding="utf-8") as cut:  # a last line cut short by SIGKILL
        cut.write('{"op": "put", "bucket": "b", "key": "run/gw0/never-sent')
    assert journal.pending(tmp_path) == [("b", kept)]


def test_journal_counts_the_controllers_deletes_after_the_workers_writes(tmp_path):
    """A worker interrupted before its cleanup leaves its writes to the xdist controller, which deletes them and
    journals that in its own file. Read in name order, "controller" came before "gw1" and its deletes were undone
    by the writes they followed (a run reported 3 keys left behind with none left)."""
    from conformance import journal

    worker, controller = journal.Journal(tmp_path / "gw1.jsonl"), journal.Journal(tmp_path / journal.CONTROLLER_FILE)
    for key in ("run/gw1/a", "run/gw1/b"):
        worker("put", "b", key)
    controller("del", "b", "run/gw1/a")
    worker.close()
    controller.close()
    assert journal.pending(tmp_path) == [("b", "run/gw1/b")]
