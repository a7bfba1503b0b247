"""The exit status is the gate: 0 if and only if there is no new deviation.

Most cases run a tiny synthetic test file (tests that raise the suite's own deviation types) in a subprocess,
so each case takes a fraction of a second; one case runs the real suite against a quirked server under xdist.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import run_suite

from conformance.report import expectations

SYNTHETIC = """
import pytest
from conformance.checks import ServerDeviation

@pytest.mark.rule("symlink.put.overwrite")
def test_overwrite(rule):
    raise ServerDeviation("[symlink.put.overwrite] expected 200, got 500")

@pytest.mark.rule("symlink.put.no-target-check")
def test_no_target_check(rule):
    pass
"""

# Known failures of the real suite against a server with the symlink-not-implemented quirk.
# Both answer 501 there (not-implemented), unlike the tests that need a link first (blocked by them).
REAL_SELECTION = ["-k", "test_put_symlink.py and (test_response or test_query_with_equals)"]


def entry(test_id: str, outcome: str = "fail", expires: str = "") -> str:
    extra = f"expires = {expires}\n" if expires else ""
    return (
        f'[[expect]]\nid = "{test_id}"\noutcome = "{outcome}"\nreason = "vendor bug"\n'
        f'ticket = "https://tracker.invalid/1"\n{extra}\n'
    )


def run(tmp_path: Path, *args: str, listed: str | None = None) -> subprocess.CompletedProcess:
    (tmp_path / "test_synthetic.py").write_text(SYNTHETIC)
    extra = []
    if listed is not None:
        (tmp_path / "expect.toml").write_text(listed)
        extra = ["--expectations", "expect.toml"]
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rA", "test_synthetic.py", *extra, *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=600,  # a hang check: a loaded CI machine has taken over 120 s
        check=False,
    )


def test_new_failure_exits_1(tmp_path):
    assert run(tmp_path).returncode == 1


@pytest.mark.parametrize("listed_by", ["rule", "node id", "node id with xdist"])
def test_listed_failure_is_known_and_exits_0(tmp_path, listed_by):
    test_id = "symlink.put.overwrite" if listed_by == "rule" else "test_synthetic.py::test_overwrite"
    args = ["-n", "2"] if "xdist" in listed_by else []
    result = run(tmp_path, *args, "--results", "r.json", listed=entry(test_id))
    assert result.returncode == 0, result.stdout
    assert "XFAIL" in result.stdout and "known fail: vendor bug" in result.stdout
    outcomes = {t["test"]: t["outcome"] for t in json.loads((tmp_path / "r.json").read_text())["tests"]}
    assert outcomes == {"test_synthetic.py::test_overwrite": "known", "test_synthetic.py::test_no_target_check": "pass"}


def test_listed_with_another_outcome_is_a_new_deviation(tmp_path):
    result = run(tmp_path, listed=entry("symlink.put.overwrite", outcome="not-implemented"))
    assert result.returncode == 1


def test_unexpected_pass_is_reported_and_fails_only_when_strict(tmp_path):
    listed = entry("symlink.put.overwrite") + entry("symlink.put.no-target-check")
    lenient = run(tmp_path, "--results", "r.json", listed=listed)
    assert lenient.returncode == 0, lenient.stdout
    assert "unexpected pass: symlink.put.no-target-check" in lenient.stdout
    doc = json.loads((tmp_path / "r.json").read_text())
    assert doc["expectations"]["unexpected_passes"] == ["symlink.put.no-target-check"]
    assert [t["unexpected_pass"] for t in doc["tests"] if t["rule"] == "symlink.put.no-target-check"] == [True]
    strict = run(tmp_path, "--strict-expectations", listed=listed)
    assert strict.returncode == 1
    assert "unexpected pass: symlink.put.no-target-check" in strict.stdout


def test_expired_entry_is_reported(tmp_path):
    result = run(tmp_path, listed=entry("symlink.put.overwrite", expires="2020-01-31"))
    assert result.returncode == 0
    assert "expired expectation: symlink.put.overwrite expired on 2020-01-31" in result.stdout
    assert (
        run(tmp_path, "--strict-expectations", listed=entry("symlink.put.overwrite", expires="2020-01-31")).returncode
        == 1
    )


@pytest.mark.parametrize(
    ("listed", "says"),
    [
        (entry("symlink.put.no-such-rule"), "unknown id 'symlink.put.no-such-rule'"),
        (entry("test_synthetic.py::test_gone"), "unknown id 'test_synthetic.py::test_gone'"),
        (entry("symlink.put.overwrite", outcome="flaky"), "outcome 'flaky' is not accepted"),
        ('[[expect]]\nid = "symlink.put.overwrite"\noutcome = "fail"\n', "field 'reason' is missing"),
        ("[[expect]\n", "not valid TOML"),
    ],
)
def test_bad_file_is_a_one_line_usage_error(tmp_path, listed, says):
    result = run(tmp_path, listed=listed)
    assert result.returncode == 4  # pytest's usage error
    error_lines = [line for line in result.stderr.splitlines() if line.startswith("ERROR:")]
    assert len(error_lines) == 1 and says in error_lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_update_writes_then_gates(tmp_path):
    first = run(tmp_path, "--update-expectations", listed="")
    assert first.returncode == 1  # the run that records still reports the new deviation
    written = (tmp_path / "expect.toml").read_text()
    # the rule's only test deviates: one entry for the rule, with status and Code as the reason
    assert 'id = "symlink.put.overwrite"' in written and 'outcome = "fail"' in written
    assert 'reason = "got 500"' in written and 'ticket = ""' in written
    assert "test_no_target_check" not in written and "no-target-check" not in written
    again = run(tmp_path, "--expectations", "expect.toml")
    assert again.returncode == 0, again.stdout
    assert "expectation without a ticket: symlink.put.overwrite (fail: got 500)" in again.stdout


def test_update_keeps_reasons_and_drops_fixed_entries(tmp_path):
    listed = entry("symlink.put.overwrite") + entry("symlink.put.no-target-check")
    run(tmp_path, "--update-expectations", listed=listed)
    kept = expectations.load(tmp_path / "expect.toml", tmp_path)
    assert list(kept.entries) == ["symlink.put.overwrite"]
    assert kept.entries["symlink.put.overwrite"].ticket == "https://tracker.invalid/1"


def test_no_executed_test_fails_the_run(tmp_path):
    (tmp_path / "test_none.py").write_text(
        textwrap.dedent("""
        import pytest

        @pytest.mark.skip(reason="not-applicable: synthetic")
        def test_skipped():
            pass
    """)
    )
    result = subprocess.run(  # --results makes it a conformance run (the plugin leaves other runs alone)
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "test_none.py", "--results", "r.json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=600,  # a hang check, as above
        check=False,
    )
    assert result.returncode == 5
    assert "no test was executed" in result.stdout


def test_real_suite_known_failures_under_xdist(tmp_path):
    """Record the quirked server's failures, then gate on them: 0; the fixed server then passes unexpectedly."""
    listed = tmp_path / "vendor.toml"
    quirk = ["--quirk", "symlink-not-implemented", *REAL_SELECTION]
    first = run_suite(*quirk, "--expectations", str(listed), "--update-expectations")
    assert first.returncode == 1 and listed.exists(), first.stdout[-3000:]
    gated = run_suite(*quirk, "-n", "2", "--expectations", str(listed), "--results", str(tmp_path / "r.json"))
    assert gated.returncode == 0, gated.stdout[-3000:]
    doc = json.loads((tmp_path / "r.json").read_text())
    assert doc["summary"].get("known", 0) > 0 and set(doc["summary"]) == {"known"}
    fixed = run_suite(*REAL_SELECTION, "--expectations", str(listed), "--strict-expectations")
    assert fixed.returncode == 1
    assert "unexpected pass: symlink.put." in fixed.stdout


def test_recording_twice_gives_the_same_file(tmp_path):
    """Per-rule entries where a rule's tests agree, stable reasons, sorted: byte-identical re-records, whether
    the tests ran in two xdist workers or in one process."""
    quirk = ["--quirk", "symlink-not-implemented", "-k", "test_put_symlink or test_get_symlink"]
    files = [tmp_path / "first.toml", tmp_path / "second.toml"]
    for listed, workers in zip(files, ("2", "0"), strict=True):
        run_suite(*quirk, "-n", workers, "--expectations", str(listed), "--update-expectations")
    first = files[0].read_bytes()
    assert first == files[1].read_bytes()
    again = run_suite(*quirk, "-n", "0", "--expectations", str(files[0]), "--update-expectations")
    assert again.returncode == 0, again.stdout[-3000:]
    assert files[0].read_bytes() == first
    entries = expectations.load(files[0], tmp_path).entries
    per_rule = [i for i in entries if "::" not in i]
    print(f"\n{len(entries)} entries ({len(per_rule)} per rule), {len(first)} bytes")
    assert per_rule and list(entries) == sorted(entries)
    assert all(e.reason.startswith("got ") for e in entries.values())
    assert "127.0.0.1" not in first.decode() and "request id" not in first.decode()
