"""With the package installed, pytest in an unrelated project behaves exactly as if it were not: same Hypothesis
settings, same exit codes, same terminal output and JUnit XML. "Not installed" is `-p no:oss_conformance`, which
keeps pytest from loading the entry point (and with it everything the plugin loads)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

PRINT_SETTINGS = (
    "print('SETTINGS', settings.default.max_examples, settings.default.deadline, settings.default.print_blob)"
)
FOREIGN = """
import pytest
from hypothesis import given, settings, strategies as st

CALLS = []


def test_hypothesis_settings_are_untouched():
    PRINT_SETTINGS


@given(st.integers())
def test_counts_examples(n):
    CALLS.append(n)


def test_examples_run():
    print("EXAMPLES", len(CALLS))


@pytest.mark.rule("not.ours")
def test_skipped_with_a_marker_named_rule():
    pytest.skip("foreign reason")


def test_skipped_plain():
    pytest.skip("another foreign reason")


def test_fails_when_asked(request):
    if request.config.getoption("-k") == "fails_when_asked":
        assert 1 == 2
""".replace("PRINT_SETTINGS", PRINT_SETTINGS)

RUNS = {
    "everything": ["-s"],
    "all skipped": ["-k", "skipped"],
    "a failure": ["-k", "fails_when_asked"],
    "nothing collected": ["-k", "no_such_test"],
    "with xdist": ["-n", "2", "-k", "skipped or untouched"],
}
# pytest's header lists installed plugins (as it does for xdist and hypothesis): that line is pytest's, not ours
HYPOTHESIS_STATISTICS = re.compile(r'<property name="hypothesis-statistics[^>]*/>')  # run timings
TESTCASE = re.compile(r"<testcase[^>]*/>|<testcase.*?</testcase>", re.S)
PROGRESS = re.compile(r"(?m)^[.sFEx]+ *(?=\[|$)")
NOISE = re.compile(
    r"(?m)^plugins: .*$|={2,}|\d+\.\d+s|time=\"[^\"]*\"|timestamp=\"[^\"]*\"|hostname=\"[^\"]*\"|\[gw\d\]|\bgw\d\b"
)


def _pytest(project: Path, args: list[str], installed: bool) -> tuple[int, str, str]:
    junit = project / "junit.xml"
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rA", "--junitxml=junit.xml", *args]
    if not installed:
        command += ["-p", "no:oss_conformance"]
    done = subprocess.run(command, cwd=project, capture_output=True, text=True, timeout=300, check=False)
    # strip only the plugin list, timings, host names and xdist worker names
    xml = HYPOTHESIS_STATISTICS.sub("", junit.read_text())
    junit.unlink()
    output = NOISE.sub("", PROGRESS.sub(_sorted, done.stdout))
    xml = NOISE.sub("", xml)
    if "-n" in args:  # xdist workers finish in any order: compare the lines and test cases, not their order
        output = "\n".join(sorted(output.splitlines()))
        cases = TESTCASE.findall(xml)
        xml = TESTCASE.sub("", xml) + "".join(sorted(cases))
    return done.returncode, output, xml


def _sorted(line: re.Match) -> str:
    return "".join(sorted(line.group(0).strip()))  # xdist workers finish in any order


@pytest.mark.parametrize("run", RUNS)
def test_foreign_project_sees_no_difference(tmp_path, run):
    (tmp_path / "test_foreign.py").write_text(FOREIGN)
    args = RUNS[run]
    without = _pytest(tmp_path, args, installed=False)
    with_package = _pytest(tmp_path, args, installed=True)
    assert with_package[0] == without[0], f"exit status differs: {with_package[0]} with, {without[0]} without"
    assert with_package[1] == without[1], "terminal output differs"
    assert with_package[2] == without[2], "JUnit XML differs"
    if run == "everything":  # the foreign tests did run, with Hypothesis' own defaults (which CI variables change)
        assert _bare_hypothesis_settings(tmp_path) in with_package[1] and "EXAMPLES " in with_package[1]


def _bare_hypothesis_settings(cwd: Path) -> str:
    """What the foreign test prints, printed by a Python that imports Hypothesis and nothing of ours."""
    script = "from hypothesis import settings\n" + PRINT_SETTINGS
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=cwd, capture_output=True, text=True, timeout=60, check=True
    )
    return done.stdout.strip()
