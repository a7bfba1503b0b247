"""--results writes one JSON record per test (the controller only, also under xdist); JUnit carries the rule."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ElementTree

from conftest import run_suite

from conformance import rules

# One synthetic test per outcome; the profile declares "versioning" absent, so that rule is not-applicable.
EVERY_OUTCOME = """
import pytest
from conformance.checks import NotImplementedByServer, ServerDeviation
from conformance.client import NoUsableAnswer
from conformance.outcomes import Blocked

@pytest.mark.rule("symlink.put.no-target-check")
def test_pass(rule):
    pass

@pytest.mark.rule("symlink.put.overwrite")
def test_fail(rule):
    raise ServerDeviation("[symlink.put.overwrite] expected 200, got 500")

@pytest.mark.rule("symlink.put.storage-class")
def test_not_implemented(rule):
    raise NotImplementedByServer("[symlink.put.storage-class] 501 NotImplemented")

@pytest.mark.rule("symlink.put.meta-roundtrip")
def test_error(rule):
    raise NoUsableAnswer("connection reset")

@pytest.mark.rule("{versioning_rule}")
def test_not_applicable(rule):
    pass

@pytest.mark.rule("symlink.put.response")
def test_known(rule):
    raise ServerDeviation("[symlink.put.response] listed")

@pytest.mark.rule("symlink.get.target")
def test_blocked(rule):
    raise Blocked("object.put.response", "PutObject answered 500")
"""

KNOWN = '[[expect]]\nid = "symlink.put.response"\noutcome = "fail"\nreason = "r"\nticket = ""\n'


def test_every_outcome_is_classified(tmp_path):
    versioning_rule = next(r.id for r in rules.registry().values() if "versioning" in r.capabilities)
    (tmp_path / "test_outcomes.py").write_text(EVERY_OUTCOME.replace("{versioning_rule}", versioning_rule))
    (tmp_path / "profile.toml").write_text("[capabilities]\nversioning = false\n")
    (tmp_path / "expect.toml").write_text(KNOWN)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-q",
            "test_outcomes.py",
            "-n",
            "2",
            "--profile",
            "profile.toml",
            "--expectations",
            "expect.toml",
            "--results",
            "out/r.json",
            "--junitxml",
            "junit.xml",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1, result.stdout
    doc = json.loads((tmp_path / "out/r.json").read_text())
    outcomes = {t["test"].split("::")[1]: t["outcome"] for t in doc["tests"]}
    assert outcomes == {
        "test_pass": "pass",
        "test_fail": "fail",
        "test_not_implemented": "not-implemented",
        "test_error": "error",
        "test_not_applicable": "not-applicable",
        "test_known": "known",
        "test_blocked": "blocked",
    }
    failed = next(t for t in doc["tests"] if t["outcome"] == "fail")
    assert failed["message"] == "[symlink.put.overwrite] expected 200, got 500"
    assert failed["rule"] == "symlink.put.overwrite" and failed["level"] == "MUST"
    # JUnit: every test case carries its rule id as a property
    cases = ElementTree.parse(tmp_path / "junit.xml").getroot().iter("testcase")
    rule_of = {c.get("name"): {p.get("name"): p.get("value") for p in c.iter("property")}.get("rule") for c in cases}
    assert rule_of["test_fail"] == "symlink.put.overwrite" and rule_of["test_known"] == "symlink.put.response"
    assert None not in rule_of.values()
    # JUnit: the element says how pytest counts it, its type says which outcome it is
    cases = ElementTree.parse(tmp_path / "junit.xml").getroot().iter("testcase")
    shown = {
        c.get("name"): [(e.tag, e.get("type")) for e in c if e.tag in ("failure", "skipped", "error")] for c in cases
    }
    assert shown == {
        "test_pass": [],
        "test_fail": [("failure", "fail")],
        "test_not_implemented": [("failure", "not-implemented")],
        "test_error": [("failure", "error")],
        "test_not_applicable": [("skipped", "not-applicable")],
        "test_known": [("skipped", "known")],
        "test_blocked": [("skipped", "blocked")],
    }
    known = next(
        c for c in ElementTree.parse(tmp_path / "junit.xml").getroot().iter("testcase") if c.get("name") == "test_known"
    )
    assert known.find("skipped").get("message") == "known fail: r"


def test_real_run_writes_run_info_and_failing_exchanges(tmp_path):
    out = tmp_path / "results.json"
    result = run_suite(
        "--quirk",
        "symlink-not-implemented",
        "-n",
        "2",
        "-k",
        "test_put_symlink.py and (test_response or test_overwrite_replaces)",
        "--results",
        str(out),
        "--server-label",
        "quirked",
    )
    assert result.returncode == 1
    doc = json.loads(out.read_text())
    run = doc["run"]
    assert run["server"] == "quirked" and run["quirks"] == ["symlink-not-implemented"]
    assert run["registry_hash"] == rules.registry_hash() and run["endpoint_host"] == "127.0.0.1"
    assert run["signature_version"] == "v4" and run["started"] <= run["finished"] and run["exit_status"] == 1
    assert {"suite_version", "profile", "run_id"} <= set(run)
    assert doc["tests"] and all(t["test"].startswith("conformance/suite/test_put_symlink.py::") for t in doc["tests"])
    outcomes = {}
    for record in doc["tests"]:
        outcomes[record["test"].split("::")[1].split("[")[0]] = record["outcome"]
        assert record["rule"] and record["duration"] > 0
        assert record["exchanges"] and record["curl"].startswith("curl ")
        assert record["exchanges"][-1]["status"] == 501
        authorization = record["exchanges"][-1]["request_headers"]["Authorization"]
        assert authorization.endswith("Signature=<redacted>")
        if record["outcome"] == "blocked":  # overwriting a link needs a link: blocked by the rule that makes one
            assert record["message"].startswith("blocked by symlink.put.response: PUT "), record["message"]
    assert outcomes == {"test_response": "not-implemented", "test_overwrite_replaces": "blocked"}
    assert doc["summary"] == {"blocked": len(doc["tests"]) - 1, "not-implemented": 1}
