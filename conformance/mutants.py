"""`oss-conformance mutants`: prove the suite can fail. The suite runs against the clean reference server and
against the server with each quirk (conformance/server/quirks.py) enabled, one run per quirk, in parallel and
bounded in time. A quirk is caught when at least one test fails; the rules of the failing tests are what caught
it. The score is caught / quirks; a clean run must have zero failures. Per quirk the table also gives the rules
blocked (a precondition another rule covers did not hold) and the collateral: failing rules that are not in the
quirk's `breaks`, which a suite that blames only the broken rule keeps at zero.

Each run is a process forked from one pytest session that collected the suite once (conformance.conductor),
so a run pays for neither start-up nor collection; `--isolated` runs one fresh `python -m pytest` per quirk
instead (the slow way; the table is the same because every run is derandomized).

--fast stops each quirk's run at its first failing test (`-x`) after moving the tests of the quirk's declared
rules to the front (this module doubles as the pytest plugin that reorders them): a yes/no answer per quirk,
quick enough for CI. Without --fast every test runs and the table lists every catching rule.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import Phase, settings

from conformance import rules
from conformance.outcomes import DEVIATIONS, Outcome
from conformance.server.quirks import REGISTRY, quirk_name
from conformance.usage import Parser

FIRST_RULES_ENV = "OSS_CONFORMANCE_RULES_FIRST"  # comma-separated rule ids whose tests run first
NO_RULE = "(no rule)"
COMMAND = "oss-conformance mutants --output-md reports/mutants.md --output-json reports/mutants.json"
# Runs spend much of their time waiting on HTTP dates' one-second resolution: more runs than CPUs pay off.
JOBS = 4 * (os.cpu_count() or 1)
FAILING = frozenset(str(o) for o in DEVIATIONS)  # fail, not-implemented, error


@dataclass
class QuirkRun:
    """One pytest run: `quirk` None is the clean server."""

    quirk: str | None
    seconds: float = 0.0
    tests: int = 0
    failures: dict[str, list[str]] = field(default_factory=dict)  # rule id -> failing test ids
    blocked: dict[str, list[str]] = field(default_factory=dict)  # rule id -> blocked test ids
    problem: str = ""  # a run that produced no results (timeout, crash, usage error)
    fast: bool = False  # stopped at its first failure

    def __post_init__(self) -> None:
        self.fast = self.fast and self.quirk is not None  # the clean run is whole: it must show zero failures

    @property
    def key(self) -> tuple[str | None, bool]:
        return self.quirk, self.fast

    @property
    def failed(self) -> int:
        return sum(len(tests) for tests in self.failures.values())

    @property
    def caught_by(self) -> list[str]:
        """The rules whose tests failed; failures of no rule (internal errors) catch nothing."""
        return sorted(rule for rule in self.failures if rule != NO_RULE)

    def collateral(self, breaks: Sequence[str]) -> list[str]:
        return sorted(set(self.caught_by) - set(breaks))


# ---------------------------------------------------------------- pytest plugin (loaded with -p in quirk runs)


@pytest.hookimpl(trylast=True)  # after the conformance plugin has loaded the run's Hypothesis profile
def pytest_configure(config: pytest.Config) -> None:
    """No shrinking and no example database: a mutant run needs a failure, not the smallest one. Derandomized,
    so a run gives the same table however (and however often) it is run."""
    no_shrink = (Phase.explicit, Phase.reuse, Phase.generate)
    settings.register_profile("oss-mutants", parent=settings.default, phases=no_shrink, database=None, derandomize=True)
    settings.load_profile("oss-mutants")


def pytest_collection_modifyitems(items: list) -> None:
    """Tests of the rules named in FIRST_RULES_ENV first, the rest in their usual order (a stable sort)."""
    items[:] = first(items, filter(None, os.environ.get(FIRST_RULES_ENV, "").split(",")))


def first(items: list, rule_ids: Iterable[str]) -> list:
    """The tests of `rule_ids` first, the rest in their usual order (a stable sort)."""
    wanted = set(rule_ids)
    return sorted(items, key=lambda item: rules.marked(item) not in wanted) if wanted else list(items)


# ---------------------------------------------------------------- one run


def suite_args(quirk: str | None, results: Path, fast: bool, hypothesis_profile: str) -> list[str]:
    """The whole suite against the embedded server with `quirk` (None: the clean server)."""
    # --assert=plain: outcomes come from the suite's own checks, and rewriting every module costs each run
    # seconds where bytecode is not cached (PYTHONDONTWRITEBYTECODE)
    args = ["--pyargs", "conformance", "-q", "-p", "no:cacheprovider", "-p", "conformance.mutants", "-n", "0"]
    # --tb=native: nobody reads a run's traceback (verdicts come from the results file), and pytest's own style
    # looks up every frame's module and source: a quarter of a quirk's fast run in cProfile
    args += ["--assert=plain", "--tb=native"]
    args += ["--results", str(results), "--hypothesis-profile-name", hypothesis_profile]
    if quirk is not None:
        args += ["--quirk", quirk] + (["-x"] if fast else [])
    return args


def failing_rule(record: dict) -> str:
    """The rule a failing record blames: the stateful machine names the rule it found broken as "[id]" at the
    head of its message (its test's own rule is only the fallback); other tests blame their own rule."""
    named = re.match(r"\[([^\]]+)\]", record.get("message") or "")
    if named and named.group(1) in rules.registry():
        return named.group(1)
    return record.get("rule") or NO_RULE


def parse_results(path: Path) -> tuple[int, dict[str, list[str]], dict[str, list[str]]]:
    """(number of tests, rule id -> failing test ids, rule id -> blocked test ids) from a results JSON."""
    records = json.loads(path.read_text(encoding="utf-8"))["tests"]
    failures: dict[str, list[str]] = {}
    blocked: dict[str, list[str]] = {}
    for record in records:
        if record["outcome"] in FAILING:
            failures.setdefault(failing_rule(record), []).append(record["test"])
        elif record["outcome"] == Outcome.BLOCKED:
            blocked.setdefault(record.get("rule") or NO_RULE, []).append(record["test"])
    return len(records), failures, blocked


def _environment(quirk: str | None, fast: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in (FIRST_RULES_ENV, "PYTEST_XDIST_WORKER")}
    if quirk is not None and fast:
        env[FIRST_RULES_ENV] = ",".join(REGISTRY[quirk].breaks)
    return env


def finish_run(run: QuirkRun, results: Path, exit_status: int | None, output: str) -> QuirkRun:
    if exit_status is None:
        run.problem = "timed out"
    elif results.exists():
        run.tests, run.failures, run.blocked = parse_results(results)
        if NO_RULE in run.failures:  # an internal or collection error: not a rule's catch
            run.problem = f"pytest exited {exit_status}: {output.strip()[-300:]}"
    else:
        run.problem = f"pytest exited {exit_status} without results: {output.strip()[-300:]}"
    return run


def run_one(quirk: str | None, fast: bool, timeout: float, hypothesis_profile: str = "ci") -> QuirkRun:
    """The slow way: a fresh `python -m pytest` in a scratch directory, bounded by `timeout`."""
    run = QuirkRun(quirk, fast=fast)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="oss-mutant-") as scratch:
        results = Path(scratch) / "results.json"
        command = [sys.executable, "-m", "pytest", *suite_args(quirk, results, fast, hypothesis_profile)]
        env = _environment(quirk, fast)
        try:
            done = subprocess.run(command, cwd=scratch, env=env, capture_output=True, text=True, timeout=timeout)
            finish_run(run, results, done.returncode, done.stdout + done.stderr)
        except subprocess.TimeoutExpired:
            finish_run(run, results, None, "")
    run.seconds = time.monotonic() - started
    return run


def run_keys(quirks: Sequence[str], fast: bool, also_full: Sequence[str] = ()) -> list[tuple[str | None, bool]]:
    """(quirk, fast) of every run: the clean run first, then the quirks' runs, then the full runs of `also_full`."""
    return [(None, False), *((q, fast) for q in quirks), *((q, False) for q in (also_full if fast else ()))]


def run_all(
    quirks: Sequence[str],
    jobs: int,
    fast: bool,
    timeout: float,
    hypothesis_profile: str = "ci",
    isolated: bool = False,
    progress: Callable[[int, int], None] = lambda done, total: None,
    selective: bool = True,
    also_full: Sequence[str] = (),
) -> tuple[QuirkRun, list[QuirkRun]]:
    """The clean run and one run per quirk, at most `jobs` at a time; `progress(done, total)` after each.
    Full runs are `selective`: a quirk's run has only the tests that reach it (conformance.reach). With `fast`, the
    quirks of `also_full` get a full run as well, from the same clean run; theirs come last. Runs fork from one
    collected session (conformance.conductor) unless `isolated`."""
    from conformance import conductor  # it imports this module

    wanted = run_keys(quirks, fast, also_full)
    done: dict[tuple[str | None, bool], QuirkRun] = {}

    def finish(run: QuirkRun) -> None:
        done[run.key] = run
        progress(len(done), len(wanted))

    if isolated:
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            list(pool.map(lambda key: finish(run_one(key[0], key[1], timeout, hypothesis_profile)), wanted))
    else:
        for run in conductor.conduct(quirks, jobs, fast, timeout, hypothesis_profile, selective, also_full):
            finish(run)
    return done[wanted[0]], [done[key] for key in wanted[1:]]


class Progress:
    """A line on stderr every `every` seconds of a long loop (and at its end): how far it is, and since when."""

    def __init__(self, label: str, write: Callable[[str], None], every: float = 30.0) -> None:
        self.label, self.write, self.every = label, write, every
        self.started = self.last = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done == total or now - self.last >= self.every:
            self.last = now
            self.write(f"{self.label}: {done}/{total} runs done, {now - self.started:.0f} s")


# ---------------------------------------------------------------- results


def summarize(clean: QuirkRun, runs: Sequence[QuirkRun], fast: bool) -> dict:
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
                "blocked": sorted(run.blocked),
                "collateral": run.collateral(quirk.breaks),
                "failed_tests": run.failed,
                "blocked_tests": sum(len(tests) for tests in run.blocked.values()),
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
        "clean_blocked": sum(len(tests) for tests in clean.blocked.values()),
        "clean_tests": clean.tests,
        "clean_problem": clean.problem,
        "mode": "fast" if fast else "full",
        "totals": totals(rows),
        "rows": rows,
    }


def merge(old: dict, new: dict) -> dict:
    """`new`'s rows (and clean run) over `old`'s table: a table kept current by re-running only the quirks a
    change touched. Old rows take the registry's current `breaks`, so their collateral is recomputed from
    what they measured; rows of quirks no longer registered are dropped."""
    if old.get("mode") != new["mode"]:
        raise ValueError(f"the table to update was made in {old.get('mode')} mode, this run in {new['mode']} mode")
    rows = {row["quirk"]: row for row in old["rows"] if row["quirk"] in REGISTRY}
    for row in rows.values():
        row["breaks"] = list(REGISTRY[row["quirk"]].breaks)
        row["collateral"] = sorted(set(row["caught_by"]) - set(row["breaks"]))
    rows.update({row["quirk"]: row for row in new["rows"]})
    merged = [rows[name] for name in sorted(rows)]
    caught = sum(row["caught"] for row in merged)
    score = caught / len(merged) if merged else 1.0
    return {**new, "quirks": len(merged), "caught": caught, "score": score, "totals": totals(merged), "rows": merged}


def totals(rows: Sequence[dict]) -> dict[str, int]:
    """Verdicts over every quirk: (quirk, rule) pairs failing, blocked, and failing outside `breaks`."""
    return {
        "failing": sum(len(row["caught_by"]) for row in rows),
        "blocked": sum(len(row["blocked"]) for row in rows),
        "collateral": sum(len(row["collateral"]) for row in rows),
    }


def table(summary: dict) -> list[tuple]:
    """What the fast and the isolated way must agree on: per quirk, the rules failing and blocked."""
    return [(row["quirk"], tuple(row["caught_by"]), tuple(row["blocked"])) for row in summary["rows"]]


def _rules(ids: Sequence[str]) -> str:
    return ", ".join(f"`{r}`" for r in ids)


def render_markdown(summary: dict) -> str:
    total = summary["totals"]
    lines = [
        "# Mutation score: the suite against the reference server's quirks",
        "",
        f"Regenerate: `{COMMAND.replace('mutants', 'mutants --fast', 1) if summary['mode'] == 'fast' else COMMAND}`"
        + (" (the full table: the same command without --fast)" if summary["mode"] == "fast" else ""),
        "",
        f"Quirks: {summary['quirks']}, caught: {summary['caught']}, score: {summary['score']:.0%}. "
        f"Clean server: {summary['clean_tests']} tests, {summary['clean_failures']} failures, "
        f"{summary['clean_blocked']} blocked. Mode: {summary['mode']}.",
        "",
        f"Verdicts over all quirks (quirk x rule): {total['failing']} failing, {total['blocked']} blocked, "
        f"{total['collateral']} collateral.",
        "",
        "Each quirk is a deliberate deviation of the reference server (conformance/server/quirks.py); "
        "**caught by** lists the rules whose tests failed against it; **declared** the rules it is meant to break; "
        "**collateral** the failing rules it does not declare; **blocked** the rules whose tests could not reach "
        "their own rule because a precondition (another rule) did not hold.",
        "",
        "| quirk | mimics | caught by | declared | collateral | blocked | failed tests |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in summary["rows"]:
        caught_by = _rules(row["caught_by"]) or f"**NOT CAUGHT** {row['problem']}".strip()
        lines.append(
            f"| `{row['quirk']}` | {row['mimics']} | {caught_by} | {_rules(row['breaks'])} | "
            f"{_rules(row['collateral'])} | {_rules(row['blocked'])} | {row['failed_tests']} |"
        )
    return "\n".join(lines) + "\n"


def render_text(summary: dict) -> str:
    width = max((len(row["quirk"]) for row in summary["rows"]), default=5)
    lines = [f"{'quirk':{width}}  caught  failing  blocked  collateral  rules failing"]
    for row in summary["rows"]:
        caught = "yes" if row["caught"] else "NO"
        failing = ", ".join(row["caught_by"]) or row["problem"]
        lines.append(
            f"{row['quirk']:{width}}  {caught:6}  {len(row['caught_by']):7}  {len(row['blocked']):7}  "
            f"{len(row['collateral']):10}  {failing}"
        )
    total = summary["totals"]
    lines.append(
        f"verdicts: {total['failing']} failing, {total['blocked']} blocked, {total['collateral']} collateral; "
        f"score {summary['caught']}/{summary['quirks']} = {summary['score']:.0%}; "
        f"clean server: {summary['clean_failures']} failures, {summary['clean_blocked']} blocked "
        f"of {summary['clean_tests']} tests" + (f" ({summary['clean_problem']})" if summary["clean_problem"] else "")
    )
    return "\n".join(lines) + "\n"


def _previous_table(parser: Parser, args) -> dict:
    if not args.output_json:
        parser.error("--update needs --output-json: the table whose rows it replaces")
    try:
        table = json.loads(Path(args.output_json).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        parser.error(f"--update: cannot read {args.output_json} ({exc})")
    if not isinstance(table, dict) or not isinstance(table.get("rows"), list):
        parser.error(f"--update: {args.output_json} is not a table written by --output-json")
    return table


def mutants_main(argv: Sequence[str]) -> int:
    parser = Parser(prog="oss-conformance mutants", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quirk", action="append", type=quirk_name, metavar="NAME", help="only these quirks")
    parser.add_argument("--jobs", type=int, default=JOBS, help=f"parallel runs (default: {JOBS})")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per run")
    parser.add_argument("--fast", action="store_true", help="stop each quirk's run at its first failure")
    parser.add_argument("--isolated", action="store_true", help="one fresh pytest process per run (slow way)")
    parser.add_argument(
        "--every-test", action="store_true", help="run every test against every quirk (not only the tests reaching it)"
    )
    parser.add_argument("--hypothesis-profile", default="ci", help="Hypothesis budget of every run")
    parser.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    parser.add_argument("--output-md", help="also write the Markdown table here")
    parser.add_argument("--output-json", help="also write the JSON summary here")
    parser.add_argument(
        "--update", action="store_true", help="replace only the rows of the quirks run in the --output-json table"
    )
    args = parser.parse_args(argv)
    previous = _previous_table(parser, args) if args.update else None
    quirks = args.quirk or sorted(REGISTRY)
    started = time.monotonic()
    progress = Progress("oss-conformance mutants", lambda line: print(line, file=sys.stderr, flush=True))
    clean, runs = run_all(
        quirks,
        args.jobs,
        args.fast,
        args.timeout,
        args.hypothesis_profile,
        args.isolated,
        progress,
        selective=not args.every_test,
    )
    seconds = time.monotonic() - started
    summary = summarize(clean, runs, args.fast)
    if previous is not None:
        try:
            summary = merge(previous, summary)
        except ValueError as exc:
            parser.error(str(exc))
    if args.output_md:
        Path(args.output_md).write_text(render_markdown(summary))
    if args.output_json:
        Path(args.output_json).write_text(json.dumps(summary, indent=2) + "\n")
    if args.format == "json":
        print(json.dumps(summary, indent=2))
    else:
        print(render_markdown(summary) if args.format == "markdown" else render_text(summary), end="")
        print(f"{len(runs) + 1} runs, {args.jobs} at a time: {seconds:.0f}s", file=sys.stderr)
    clean_ok = summary["clean_failures"] == 0 and summary["clean_blocked"] == 0
    return 0 if summary["score"] == 1.0 and clean_ok else 1
