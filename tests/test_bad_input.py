"""Every bad input of issue 13 point 5 ends with one line naming the input, the problem and the fix, and a
usage exit status (4 for a pytest run, 2 for an oss-conformance command), never a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT, run_suite

from conformance.cli import COMMANDS, main

USAGE_PYTEST, USAGE_COMMAND = 4, 2
LATIN1 = "name = 'caf\xe9'\n".encode("latin-1")


def _write(tmp_path, name: str, content: str | bytes):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return str(path)


# (label, files to write {name: content}, pytest arguments with {name} placeholders, text the line must hold)
SUITE_CASES = [
    ("unknown quirk", {}, ["--quirk", "no-such-quirk"], "unknown quirk(s) no-such-quirk"),
    ("timeout is a bool", {"p.toml": "[timeouts]\nconnect = true\n"}, ["--profile", "{p.toml}"], "timeouts.connect"),
    (
        "credential name a number",
        {"p.toml": "[credentials]\naccess_key_id = 5\n"},
        ["--profile", "{p.toml}"],
        "credentials.access_key_id",
    ),
    ("profile not UTF-8", {"p.toml": LATIN1}, ["--profile", "{p.toml}"], "not UTF-8"),
    ("expectations not UTF-8", {"e.toml": LATIN1}, ["--expectations", "{e.toml}"], "not UTF-8"),
    ("expect = 5", {"e.toml": "expect = 5\n"}, ["--expectations", "{e.toml}"], "'expect' must be a list"),
    ("endpoint with a path", {}, ["--endpoint", "http://127.0.0.1:9/some/path"], "has a path, query or fragment"),
    ("endpoint with a query", {}, ["--endpoint", "http://127.0.0.1:9/?x=1"], "has a path, query or fragment"),
    ("endpoint with user:pw@", {}, ["--endpoint", "http://user:hunter2@127.0.0.1:9"], "user information"),
    ("limit not positive", {}, ["--request-deadline", "0"], "limits.request_deadline"),
]


@pytest.mark.parametrize(("label", "files", "args", "text"), SUITE_CASES, ids=[c[0] for c in SUITE_CASES])
def test_bad_suite_input_is_one_line(label, files, args, text, tmp_path):
    paths = {name: _write(tmp_path, name, content) for name, content in files.items()}
    result = run_suite(*[paths.get(a.strip("{}"), a) if a.startswith("{") else a for a in args], timeout=120)
    output = (result.stdout + result.stderr).strip()
    assert result.returncode == USAGE_PYTEST, output
    assert len(output.splitlines()) == 1 and text in output, output
    assert "Fix:" in output and "hunter2" not in output


def test_report_on_results_of_the_wrong_shape_is_one_line(tmp_path):
    results = _write(tmp_path, "r.json", '{"format": "oss-conformance-results/1", "run": {}, "tests": [{"x": 1}]}')
    command = [sys.executable, "-m", "conformance.cli", "report", results, "--markdown", str(tmp_path / "m.md")]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=60)
    output = (result.stdout + result.stderr).strip()
    assert result.returncode == USAGE_COMMAND, output
    assert len(output.splitlines()) == 1 and "needs string fields 'test' and 'outcome'" in output


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (["--port", "70000"], "is not a port"),
        (["--data-dir", "{file}"], "is a file, not a directory"),
        # TEST-NET-1: no machine has it, so binding fails here without a packet leaving
        (["--host", "192.0.2.1"], "cannot listen on 192.0.2.1"),
    ],
    ids=["bad port", "data-dir is a file", "address not on this machine"],
)
def test_serve_bad_input_is_one_line(args, text, tmp_path):
    file = _write(tmp_path, "f", "x")
    command = [sys.executable, "-m", "conformance.cli", "serve", *[file if a == "{file}" else a for a in args]]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=60)
    lines = (result.stdout + result.stderr).strip().splitlines()
    assert result.returncode == USAGE_COMMAND
    assert len(lines) == 1 and text in lines[0], lines


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_an_unknown_option_is_one_line(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--no-such-option", "results.json"])  # a positional for report
    lines = capsys.readouterr().err.strip().splitlines()
    assert exit_info.value.code == USAGE_COMMAND
    assert len(lines) == 1 and "--no-such-option" in lines[0] and "--help" in lines[0], lines


def test_an_unknown_command_is_one_line(capsys):
    assert main(["srve"]) == USAGE_COMMAND
    captured = capsys.readouterr()
    assert captured.out == "" and len(captured.err.strip().splitlines()) == 1 and "'srve'" in captured.err
