"""The matrix as a person sees it: scores, rows by operation, changes between runs, anchors that land on the
failing exchange, and a page that real headless Chromium renders (skipped only where Chromium is absent)."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from conftest import ROOT

from conformance import rules
from conformance.cli import main as cli_main
from conformance.report import html, markdown, results
from conformance.report.matrix import Matrix, anchor

RULES = ["symlink.put.overwrite", "symlink.put.no-target-check", "symlink.put.storage-class"]
EXCHANGE = {
    "method": "PUT",
    "url": "http://127.0.0.1:1/b/k?symlink",
    "request_headers": {"Authorization": "OSS4-HMAC-SHA256 Credential=id/x,Signature=<redacted>"},
    "request_body": "",
    "status": 501,
    "response_headers": {},
    "response_body": "<Error><Code>NotImplemented</Code></Error>",
    "failure": "",
    "curl": "curl -sS -i -X PUT 'http://127.0.0.1:1/b/k?symlink'",
}


def doc(server: str, started: str, outcomes: dict[str, str]) -> dict:
    tests = []
    for rule_id, outcome in outcomes.items():
        failing = outcome not in ("pass", "not-applicable")
        tests.append(
            {
                "test": f"conformance/suite/test_x.py::test_{rule_id.replace('.', '_')}",
                "rule": rule_id,
                "level": rules.get(rule_id).level,
                "outcome": outcome,
                "duration": 0.01,
                "message": f"[{rule_id}] expected 200, got 501" if failing else "",
                "exchanges": [EXCHANGE] if failing else [],
                "curl": EXCHANGE["curl"] if failing else "",
            }
        )
    run = {"server": server, "started": started, "signature_version": "v4", "registry_hash": "abc", "exit_status": 1}
    return {"format": results.FORMAT, "run": run, "tests": tests, "rules": results.rules_section()}


def sample() -> Matrix:
    return Matrix(
        [
            doc(
                "vendor",
                "2026-01-01T00:00:00+00:00",
                dict(zip(RULES, ["pass", "fail", "not-implemented"], strict=True)),
            ),
            doc(
                "vendor",
                "2026-02-01T00:00:00+00:00",
                dict(zip(RULES, ["fail", "pass", "not-implemented"], strict=True)),
            ),
            doc("reference", "2026-01-01T00:00:00+00:00", dict.fromkeys(RULES, "pass")),
        ]
    )


def test_model_scores_cells_and_changes():
    m = sample()
    assert [r.label for r in m.runs] == ["vendor", "reference", "vendor #2"]
    assert m.scores(1)["MUST"].conforming == m.scores(1)["MUST"].applicable == 3
    cell = m.cell("symlink.put.overwrite", 2)
    assert cell.outcome == "fail" and cell.passed == 0 and cell.executed == 1
    assert cell.anchor == anchor(2, "conformance/suite/test_x.py::test_symlink_put_overwrite")
    [change] = m.changes()
    assert change.before == "vendor" and change.after == "vendor #2"
    assert [t for t, _, _ in change.new_failures] == ["conformance/suite/test_x.py::test_symlink_put_overwrite"]
    assert [t for t, _, _ in change.new_passes] == ["conformance/suite/test_x.py::test_symlink_put_no-target-check"]


def test_markdown_matrix():
    text = markdown.render(sample())
    assert "| Server | MUST rules | SHOULD rules | MAY rules | Tests |" in text
    assert "### PutSymlink" in text and "| reference | 3/3 (100%)" in text
    assert "[`symlink.put.overwrite`](https://" in text
    assert "**New failures** (1)" in text and "**New passes** (1)" in text


def test_html_links_land_on_details_and_fetch_nothing():
    page = html.render(sample())
    ids = set(re.findall(r'id="([^"]+)"', page))
    local = re.findall(r'href="#([^"]+)"', page)
    assert local and all(target in ids for target in local)
    assert "curl -sS -i -X PUT" in page and "Signature=&lt;redacted&gt;" in page
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*\b(src|href)=", page)  # self-contained


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium(*args: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
def test_chromium_renders_the_page(tmp_path):
    page = tmp_path / "matrix.html"
    page.write_text(html.render(sample()), encoding="utf-8")
    dom = chromium("--enable-logging=stderr", "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "Uncaught" not in dom.stderr  # no script errors
    table = re.search(r'<table class="matrix" id="matrix-table">(.*?)</table>', dom.stdout, re.S)
    assert table, "the matrix table is missing from the rendered DOM"
    rule_rows = re.findall(r'<td class="rule">', table.group(1))
    assert len(rule_rows) == len(RULES)
    assert len(re.findall(r'<td class="c fail">', table.group(1))) == 2  # one per vendor run
    assert 'id="details"' in dom.stdout and "<article" in dom.stdout
    shot = tmp_path / "matrix.png"
    taken = chromium("--window-size=1280,900", f"--screenshot={shot}", page.as_uri())
    assert taken.returncode == 0 and shot.exists()
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000  # not a blank page


def test_committed_matrix_is_built_from_committed_results(tmp_path, capsys):
    committed = ROOT / "reports"
    files = sorted(str(p) for p in (committed / "results").glob("*.json"))
    assert len(files) == 4, "reports/results must hold the four runs of `oss-conformance matrix`"
    assert cli_main(["report", *files, "--markdown", str(tmp_path / "matrix.md")]) == 0
    assert (tmp_path / "matrix.md").read_text() == (committed / "matrix.md").read_text()
    assert "reference" in capsys.readouterr().out


def test_report_command_refuses_a_file_that_is_not_results(tmp_path, capsys):
    bad = tmp_path / "x.json"
    bad.write_text("{}")
    assert cli_main(["report", str(bad), "--markdown", str(tmp_path / "m.md")]) == 2
    assert "not an oss-conformance results file" in capsys.readouterr().err


def test_reports_readme_names_the_regeneration_command():
    assert "oss-conformance matrix" in (Path(ROOT) / "reports" / "README.md").read_text()


def test_html_escapes_every_control_character():
    """A server's raw bytes (NUL, ESC, C1) show as \\xNN: the page stays text that grep and browsers read."""
    noisy = doc("vendor", "2026-01-01T00:00:00+00:00", {RULES[1]: "fail"})
    record = noisy["tests"][0]
    record["message"] = "got \x00\x1b[31m\x9f"
    record["exchanges"] = [{**EXCHANGE, "response_body": "".join(map(chr, range(0x20))) + "\x7f"}]
    page = html.render(Matrix([noisy]))
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", page)
    assert "got \\x00\\x1b[31m\\x9f" in page


def test_committed_reports_match_the_current_registry():
    """Drift: a rule added, removed or changed since `oss-conformance matrix` last ran fails here."""
    for path in sorted((ROOT / "reports" / "results").glob("*.json")):
        run = results.load(path)
        assert run["run"]["registry_hash"] == rules.registry_hash(), f"{path.name}: re-run `oss-conformance matrix`"
        assert set(run["rules"]) == set(rules.registry()), f"{path.name}: re-run `oss-conformance matrix`"
