"""Sizes of what a run leaves behind, printed (not timed): results JSON, terminal output and the HTML page, for a
clean run (two xdist workers) and a run with over a hundred failures (one process, against a server that answers 200
to everything)."""

from __future__ import annotations

import json
import re

from conftest import run_suite

from conformance.cli import main as cli_main

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _measure(tmp_path, name: str, results, stdout: str) -> dict:
    page = tmp_path / f"{name}.html"
    assert cli_main(["report", str(results), "--html", str(page)]) == 0
    doc = json.loads(results.read_text())
    not_passing = sum(n for outcome, n in doc["summary"].items() if outcome != "pass")
    sizes = {
        "tests": len(doc["tests"]),
        "not passing": not_passing,
        "json": results.stat().st_size,
        "terminal": len(stdout.encode()),
        "html": page.stat().st_size,
    }
    print(f"\n{name}: " + ", ".join(f"{k} {v}" for k, v in sizes.items()))
    assert not CONTROL.search(page.read_text(encoding="utf-8"))
    return sizes


def test_results_stay_small(tmp_path, clean_run, always_ok_server, fake_credentials):
    clean = _measure(tmp_path, "clean", clean_run.results, clean_run.stdout)
    failing_results = tmp_path / "failing.json"
    run = run_suite(
        *("-q", "--results", str(failing_results), "--endpoint", always_ok_server, "--bucket", "b"),
        env=fake_credentials,
    )
    failing = _measure(tmp_path, "failing", failing_results, run.stdout)
    assert clean["not passing"] <= 2 and failing["not passing"] >= 100
    # exchanges are kept only for tests that did not pass: a clean run's file is the registry plus one line a test
    assert clean["json"] / clean["tests"] < 1_000, clean  # the registry and one line a test: no exchanges
    assert failing["json"] / failing["not passing"] < 20_000, failing
