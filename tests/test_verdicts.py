"""The verdicts a vendor reads: one deviation turns red only the rules it breaks; what depends on them is
blocked, naming the prerequisite."""

from __future__ import annotations

import re

from conftest import run_suite


def test_server_without_symlinks_reads_as_missing_operations_not_a_cascade():
    result = run_suite("-q", "-n", "2", "-m", "not stateful", "--quirk", "symlink-not-implemented")
    out = result.stdout
    assert result.returncode == 1, out[-3000:]
    missing = re.search(r"^not-implemented: \d+ rules: (.*)$", out, re.MULTILINE)
    assert missing and "symlink.put.response" in missing.group(1) and "symlink.put.query-with-equals" in out
    blocked = re.search(r"^blocked: (\d+) tests of \d+ rules, by (.*)$", out, re.MULTILINE)
    assert blocked and int(blocked.group(1)) > 50
    assert blocked.group(2) == f"symlink.put.response ({blocked.group(1)})"  # one cause, named
    assert not re.search(r"^fail: ", out, re.MULTILINE), "no rule fails: the server only lacks two operations"


def test_a_server_that_decodes_targets_plainly_declares_it(tmp_path):
    """Where the SDKs disagree ('+' in a symlink target), the profile says which decoding the server chose: the
    form-decoding rule fails on such a server by default and is not applicable once the profile declares it."""
    tests = "test_target_plus_is_space or test_encoded_target_round_trips"  # the second passes on both servers
    assert run_suite("-k", tests, "--quirk", "target-plain-decoded").returncode == 1
    profile = tmp_path / "plain.toml"
    profile.write_text('quirks = ["target-plain-decoded"]\n[capabilities]\nplus-as-space = false\n')
    declared = run_suite("-k", tests, "--profile", str(profile), "-rs")
    assert declared.returncode == 0, declared.stdout[-2000:]
    assert "not-applicable" in declared.stdout and "plus-as-space" in declared.stdout, declared.stdout[-2000:]
