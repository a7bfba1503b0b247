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
