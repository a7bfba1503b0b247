"""The suite as a user runs it: embedded default, a server that checks nothing, a dead endpoint, bad input."""

from __future__ import annotations

import re
import socket

from conftest import run_suite

FAST = ["-q", "-k", "test_put_symlink or test_read_through_link or test_get_symlink"]


def _summary(output: str) -> str:
    return output.strip().splitlines()[-1]


def test_embedded_server_passes_with_xdist(clean_run):
    assert clean_run.returncode == 0, clean_run.stdout[-4000:]
    assert re.search(r"\d+ passed", _summary(clean_run.stdout))
    assert "0 keys left behind in total" in clean_run.stdout


def test_server_that_checks_nothing_fails_loudly_and_leaves_nothing(always_ok_server, fake_credentials):
    result = run_suite(*FAST, "--endpoint", always_ok_server, "--bucket", "b", env=fake_credentials)
    assert result.returncode == 1
    assert re.search(r"\d+ failed", _summary(result.stdout))
    # a vendor reads which rule, what was expected, what came back, and the exchange
    assert "[symlink.get.target]" in result.stdout
    assert "x-oss-symlink-target (percent-decoded): got None" in result.stdout
    # and that the options of PutSymlink were not judged while links cannot be made: blocked, not failed
    assert re.search(r"^blocked: \d+ tests of \d+ rules, by ", result.stdout, re.MULTILINE)
    assert "OSS exchanges (redacted)" in result.stdout and "# reproduce: curl" in result.stdout
    assert "0 keys left behind in total" in result.stdout
    # only the rule, the request, what came back and what was expected: no fixture reprs, no Hypothesis advice
    for noise in ("object at 0x", "Rule(", "reproduce_failure", "Traceback", "conftest"):
        assert noise not in result.stdout, noise


def _dead_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_endpoint_says_so_once(fake_credentials):
    result = run_suite("-q", "--endpoint", f"http://127.0.0.1:{_dead_port()}", env=fake_credentials)
    output = result.stdout + result.stderr
    assert result.returncode == 3
    assert output.count("does not answer") == 1
    assert "Traceback" not in output


def test_bad_profile_is_one_clear_line(tmp_path):
    profile = tmp_path / "vendor.toml"
    profile.write_text('addressing = "sideways"\n')
    result = run_suite("-q", "--profile", str(profile))
    assert result.returncode == 4
    assert f"{profile}: field 'addressing': 'sideways' is not accepted. Fix: use one of path, virtual-host" in (
        result.stderr
    )
    assert "Traceback" not in result.stdout + result.stderr


def test_missing_credentials_name_the_variables(always_ok_server):
    result = run_suite("-q", "--endpoint", always_ok_server, env={"OSS_ACCESS_KEY_ID": "", "OSS_ACCESS_KEY_SECRET": ""})
    assert result.returncode == 4
    assert "OSS_ACCESS_KEY_ID, OSS_ACCESS_KEY_SECRET not set" in result.stderr
