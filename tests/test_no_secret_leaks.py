"""No secret reaches any output: terminal, JSON results, JUnit, HTML, Markdown.

A reference server runs with a sentinel secret; the suite reaches it through --endpoint with the secret in the
environment, as a vendor would run it. A quirk makes tests fail, so exchanges and curl lines are written too.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest
from conftest import run_suite

from conformance.report.build import build
from conformance.server import ReferenceServer

SECRET = f"SENTINEL-{secrets.token_hex(12)}"
TOKEN = f"SENTINEL-TOKEN-{secrets.token_hex(8)}"
KEY_ID = "leak-check-key-id"


@pytest.fixture
def server() -> Iterator[ReferenceServer]:
    server = ReferenceServer(
        "127.0.0.1",
        0,
        bucket="leak-check",
        access_key_id=KEY_ID,
        access_key_secret=SECRET,
        region="cn-hangzhou",
        quirks=("symlink-not-implemented",),
    )
    server.start()
    yield server
    server.stop()


def _run_and_collect(tmp_path, server, *args: str) -> dict[str, str]:
    """Every output of a run that fails tests (the quirk): terminal, results, JUnit, HTML and Markdown."""
    results, junit = tmp_path / "results.json", tmp_path / "junit.xml"
    env = {"OSS_ACCESS_KEY_ID": KEY_ID, "OSS_ACCESS_KEY_SECRET": SECRET}
    # not-implemented (test_response), blocked (the other two) and passing (auth) tests alike
    selection = (
        "test_put_symlink.py and (test_response or test_overwrite_replaces or test_link_target_is_accepted) or auth"
    )
    run = run_suite(
        *("--endpoint", server.url, "--bucket", "leak-check", "-rA", "-k", selection),
        *("--results", str(results), "--junitxml", str(junit), *args),
        env=env,
    )
    assert run.returncode == 1, run.stdout[-3000:]  # the quirk fails tests: exchanges are written
    assert " passed" in run.stdout.splitlines()[-1]  # the secret signs requests that the server accepts
    build([results], tmp_path / "matrix.html", tmp_path / "matrix.md")
    files = (results, junit, tmp_path / "matrix.html", tmp_path / "matrix.md")
    outputs = {"stdout": run.stdout, "stderr": run.stderr, **{p.name: p.read_text(encoding="utf-8") for p in files}}
    assert "Authorization" in outputs["results.json"] and "curl " in outputs["matrix.html"]
    return outputs


@pytest.mark.parametrize(("signature", "workers"), [("v4", "2"), ("v1", "0")])
def test_sentinel_secret_appears_in_no_output(tmp_path, server, signature, workers):
    outputs = _run_and_collect(tmp_path, server, "--signature-version", signature, "-n", workers)
    for name, text in outputs.items():
        assert SECRET not in text, f"the secret leaked into {name}"
        assert SECRET[:20] not in text, f"part of the secret leaked into {name}"


def test_the_scan_sees_what_a_run_without_workers_writes(tmp_path, server):
    """The control: a run without xdist given the secret's first 20 characters where they are no secret (in the
    key prefix) shows them in every output the scan reads, so the scan above would see a leak there."""
    outputs = _run_and_collect(tmp_path, server, "-n", "0", "--key-prefix", f"{SECRET[:20]}-prefix")
    assert [name for name, text in outputs.items() if SECRET[:20] not in text] in ([], ["stderr"])


def test_session_token_is_redacted(tmp_path, server):
    """A security token is sent on the wire (as a header); it must be redacted wherever it is recorded."""
    results = tmp_path / "results.json"
    env = {"OSS_ACCESS_KEY_ID": KEY_ID, "OSS_ACCESS_KEY_SECRET": SECRET, "OSS_SESSION_TOKEN": TOKEN}
    run = run_suite(
        "--endpoint",
        server.url,
        "--bucket",
        "leak-check",
        "-k",
        "test_overwrite_replaces",
        "-rA",
        "--results",
        str(results),
        env=env,
    )
    assert '"x-oss-security-token": "<redacted>"' in results.read_text(), run.stdout[-3000:]  # it was sent
    for name, text in {"stdout": run.stdout, "results": results.read_text()}.items():
        assert TOKEN not in text and SECRET not in text, f"a secret leaked into {name}"
