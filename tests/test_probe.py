"""The start-up probe against the reference server: a wrong environment is one line and its own exit status,
before any test runs; a missing extra bucket makes its capability not-applicable with one warning line."""

from __future__ import annotations

import json

import pytest
from conftest import run_suite

from conformance.server.server import ReferenceServer

AK, SK = "probe-id", "probe-secret"


@pytest.fixture(scope="module")
def server():
    with ReferenceServer(bucket="b", access_key_id=AK, access_key_secret=SK) as running:
        yield running


@pytest.mark.parametrize(
    ("bucket", "secret", "status", "text"),
    [
        ("no-such-bucket", SK, 6, "the bucket 'no-such-bucket' does not exist"),
        ("b", "wrong-secret", 7, "refused the credentials (403 SignatureDoesNotMatch)"),
    ],
    ids=["missing bucket", "wrong secret"],
)
def test_wrong_environment_is_one_line_and_no_test_runs(server, bucket, secret, status, text, tmp_path):
    env = {"OSS_ACCESS_KEY_ID": AK, "OSS_ACCESS_KEY_SECRET": secret}
    results = tmp_path / "r.json"
    result = run_suite("-q", "--endpoint", server.url, "--bucket", bucket, "--results", str(results), env=env)
    output = (result.stdout + result.stderr).strip()
    assert result.returncode == status, output
    assert output.splitlines() == [output] and text in output
    assert not results.exists()  # no test ran, so there is nothing to record


def test_missing_versioned_bucket_makes_versioning_not_applicable(server, tmp_path):
    profile = tmp_path / "p.toml"
    profile.write_text(f'endpoint = "{server.url}"\nbucket = "b"\nversioned_bucket = "gone"\n')
    results = tmp_path / "r.json"
    env = {"OSS_ACCESS_KEY_ID": AK, "OSS_ACCESS_KEY_SECRET": SK}
    result = run_suite("-q", "--profile", str(profile), "-k", "versio", "--results", str(results), env=env)
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    assert warnings == [
        "oss-conformance: warning: bucket 'gone' (profile field versioned_bucket) does not exist: versioning tests "
        "are not-applicable. Fix: create it, or set versioned_bucket in the profile"
    ]
    tests = json.loads(results.read_text())["tests"]
    versioned = [t for t in tests if "versioning" in (t["message"] or "")]
    assert versioned and all(t["outcome"] == "not-applicable" for t in versioned)
    assert not [t for t in tests if t["outcome"] == "fail"]
