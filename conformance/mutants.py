"""`oss-conformance mutants`: prove the suite can fail. The suite runs against the clean reference server and
against the server with each quirk (conformance/server/quirks.py) enabled, one pytest subprocess per run, in
parallel and bounded in time. A quirk is caught when at least one test fails; the rules of the failing tests
are what caught it. The score is caught / quirks; a clean run must have zero failures.

--fast stops each quirk's run at its first failing test (`-x`) after moving the tests of the quirk's declared
rules to the front (this module doubles as the pytest plugin that reorders them): a yes/no answer per quirk,
quick enough for CI. Without --fast every test runs and the table lists every catching rule.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from defusedxml import ElementTree
from hypothesis import Phase, settings

from conformance.server.quirks import REGISTRY

FIRST_RULES_ENV = "OSS_CONFORMANCE_RULES_FIRST"  # comma-separated rule ids whose tests run first
NO_RULE = "(no rule)"
COMMAND = "oss-conformance mutants --output-md reports/mutants.md --output-json reports/mutants.json"


@dataclass
class Run:
    """One pytest run: `quirk` None is the clean server."""

    quirk: str | None
    seconds: float = 0.0
    tests: int = 0
    failures: dict[str, list[str]] = field(default_factory=dict)  # rule id -> failing test node ids
    problem: str = ""  # a run that produced no results (timeout, crash, usage error)

    @property
    def failed(self) -> int:
        return sum(len(nodes) for nodes in self.failures.values())

    @property
    def caught_by(self) -> list[str]:
        """The rules whose tests failed; failures of no rule (internal errors) catch nothing."""
        return sorted(rule for rule in self.failures if rule != NO_RULE)


# ---------------------------------------------------------------- pytest plugin (loaded with -p in quirk runs)


@pytest.hookimpl(trylast=True)  # after the conformance plugin has loaded the run's Hypothesis profile
def pytest_configure(config: pytest.Config) -> None:
    """No shrinking and no example database: a mutant run needs a failure, not the smallest one."""
    no_shrink = (Phase.explicit, Phase.reuse, Phase.generate)
    settings.register_profile("oss-mutants", parent=settings.default, phases=no_shrink, database=None)
    settings.load_profile("oss-mutants")


def pytest_collection_modifyitems(items: list) -> None:
    """Tests of the rules named in FIRST_RULES_ENV first, the rest in their usual order (a stable sort)."""
    first = set(filter(None, os.environ.get(FIRST_RULES_ENV, "").split(",")))
    if first:
        items.sort(key=lambda item: _rule_of(item) not in first)


def _rule_of(item) -> str | None:
    marker = item.get_closest_marker("rule")
    return marker.args[0] if marker else None


# ---------------------------------------------------------------- one run


def suite_command(quirk: str | None, junit: Path, fast: bool, hypothesis_profile: str) -> list[str]:
    command = [sys.executable, "-m", "pytest", "--pyargs", "conformance", "-q", "-p", "no:cacheprovider"]
    command += ["--junitxml", str(junit), "--hypothesis-profile-name", hypothesis_profile]
    if quirk is not None:
        command += ["--quirk", quirk, "-p", "conformance.mutants"]
        if fast:
            command += ["-x"]
    return command


def parse_junit(path: Path) -> tuple[int, dict[str, list[str]]]:
    """(number of test cases, rule id -> node ids of the failed or errored ones)."""
    root = ElementTree.parse(path).getroot()
    tests, failures = 0, {}
    for case in root.iter("testcase"):
        tests += 1
        if case.find("failure") is None and case.find("error") is None:
            continue
        rule = next((p.get("value") for p in case.iter("property") if p.get("name") == "rule"), None) or NO_RULE
        node = f"{case.get('classname', '')}::{case.get('name', '')}"
        failures.setdefault(rule, []).append(node)
    return tests, failures


def run_one(quirk: str | None, fast: bool, timeout: float, hypothesis_profile: str = "ci") -> Run:
    """Run the suite in a scratch directory (its own Hypothesis database, no cache), bounded by `timeout`."""
    run = Run(quirk)
    started = time.monotonic()
    env = dict(os.environ)
    env.pop(FIRST_RULES_ENV, None)
    if quirk is not None and fast:
        env[FIRST_RULES_ENV] = ",".join(REGISTRY[quirk].breaks)
    with tempfile.TemporaryDirectory(prefix="oss-mutant-") as scratch:
        junit = Path(scratch) / "junit.xml"
        command = suite_command(quirk, junit, fast, hypothesis_profile)
        try:
            done = subprocess.run(command, cwd=scratch, env=env, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            run.problem = f"timed out after {timeout:.0f}s"
        else:
            if junit.exists():
                run.tests, run.failures = parse_junit(junit)
                if NO_RULE in run.failures:  # an internal or collection error: not a rule's catch
                    run.problem = f"pytest exited {done.returncode}: {done.stdout.strip()[-300:]}"
            else:
                run.problem = f"pytest exited {done.returncode} without results: {done.stderr.strip()[-300:]}"
    run.seconds = time.monotonic() - started
    return run


def run_all(
    quirks: Sequence[str], jobs: int, fast: bool, timeout: float, hypothesis_profile: str = "ci"
) -> tuple[Run, list[Run]]:
    """The clean run and one run per quirk, at most `jobs` at a time."""
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(run_one, q, fast, timeout, hypothesis_profile) for q in [None, *quirks]]
        runs = [future.result() for future in futures]
    return runs[0], runs[1:]


# ---------------------------------------------------------------- results


def summarize(clean: Run, runs: Sequence[Run], fast: bool) -> dict:
    rows = []
    for run in runs:
        quirk = REGISTRY[run.quirk or ""]
        rows.append(
            {
                "quirk": quirk.name,
                "mimics": quirk.mimics,
                "breaks": list(quirk.breaks),
                "caught": bool(run.caught_by),
                "caught_by": run.caught_by,
                "failed_tests": run.failed,
                "seconds": round(run.seconds, 1),
                "problem": run.problem,
            }
        )
    caught = sum(row["caught"] for row in rows)
    return {
        "quirks": len(rows),
        "caught": caught,
        "score": caught / len(rows) if rows else 1.0,
        "clean_failures": clean.failed + (1 if clean.problem else 0),
        "clean_tests": clean.tests,
        "clean_problem": clean.problem,
        "mode": "fast" if fast else "full",
        "rows": rows,
    }


def render_markdown(summary: dict) -> str:
    lines = [
        "# Mutation score: the suite against the reference server's quirks",
        "",
        f"Regenerate: `{COMMAND}`",
        "",
        f"Quirks: {summary['quirks']}, caught: {summary['caught']}, score: {summary['score']:.0%}. "
        f"Clean server: {summary['clean_tests']} tests, {summary['clean_failures']} failures. "
        f"Mode: {summary['mode']}.",
        "",
        "Each quirk is a deliberate deviation of the reference server (conformance/server/quirks.py); "
        "**caught by** lists the rules whose tests failed against it; **declared** the rules it is meant to break.",
        "",
        "| quirk | mimics | caught by | declared | failed tests |",
        "|---|---|---|---|---|",
    ]
    for row in summary["rows"]:
        caught_by = ", ".join(f"`{r}`" for r in row["caught_by"]) or f"**NOT CAUGHT** {row['problem']}".strip()
        declared = ", ".join(f"`{r}`" for r in row["breaks"])
        lines.append(f"| `{row['quirk']}` | {row['mimics']} | {caught_by} | {declared} | {row['failed_tests']} |")
    return "\n".join(lines) + "\n"


def render_text(summary: dict) -> str:
    width = max((len(row["quirk"]) for row in summary["rows"]), default=5)
    lines = [f"{'quirk':{width}}  caught by"]
    for row in summary["rows"]:
        lines.append(f"{row['quirk']:{width}}  {', '.join(row['caught_by']) or 'NOT CAUGHT ' + row['problem']}")
    lines.append(
        f"score {summary['caught']}/{summary['quirks']} = {summary['score']:.0%}; "
        f"clean server: {summary['clean_failures']} failures of {summary['clean_tests']} tests"
        + (f" ({summary['clean_problem']})" if summary["clean_problem"] else "")
    )
    return "\n".join(lines) + "\n"


def mutants_main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="oss-conformance mutants", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quirk", action="append", choices=sorted(REGISTRY), help="only these quirks")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="parallel runs (default: CPUs)")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per run")
    parser.add_argument("--fast", action="store_true", help="stop each quirk's run at its first failure")
    parser.add_argument("--hypothesis-profile", default="ci", help="Hypothesis budget of every run")
    parser.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    parser.add_argument("--output-md", help="also write the Markdown table here")
    parser.add_argument("--output-json", help="also write the JSON summary here")
    args = parser.parse_args(argv)
    quirks = args.quirk or sorted(REGISTRY)
    clean, runs = run_all(quirks, args.jobs, args.fast, args.timeout, args.hypothesis_profile)
    summary = summarize(clean, runs, args.fast)
    if args.output_md:
        Path(args.output_md).write_text(render_markdown(summary))
    if args.output_json:
        Path(args.output_json).write_text(json.dumps(summary, indent=2) + "\n")
    if args.format == "json":
        print(json.dumps(summary, indent=2))
    else:
        print(render_markdown(summary) if args.format == "markdown" else render_text(summary), end="")
    return 0 if summary["score"] == 1.0 and summary["clean_failures"] == 0 else 1
