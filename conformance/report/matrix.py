"""The compatibility matrix as data: rules (grouped by operation) against runs, scores, and run-to-run changes.

HTML and Markdown render this model and decide nothing themselves.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .. import rules
from ..outcomes import DEVIATIONS, Outcome, severity_of

NOT_EXECUTED = tuple(o for o in Outcome if not o.executed)
LEVELS = rules.LEVELS


@dataclass
class TargetRun:
    label: str  # column heading; unique within a matrix
    server: str  # the server's name as recorded; two runs of one server are compared
    info: dict
    tests: list[dict]

    def failures(self) -> list[dict]:
        return [t for t in self.tests if t["outcome"] not in ("pass", *NOT_EXECUTED)]


@dataclass
class Cell:
    outcome: str | None  # None: the run has no test of this rule
    passed: int = 0
    executed: int = 0
    anchor: str | None = None  # the first test that did not pass, in the details section

    @property
    def conforms(self) -> bool:
        return self.executed > 0 and self.passed == self.executed


@dataclass
class Score:
    conforming: int = 0
    applicable: int = 0

    @property
    def percent(self) -> int | None:
        return round(100 * self.conforming / self.applicable) if self.applicable else None


@dataclass
class Change:
    server: str
    before: str  # run labels
    after: str
    new_failures: list[tuple[str, str, str]] = field(default_factory=list)  # (test, before outcome, after outcome)
    new_passes: list[tuple[str, str, str]] = field(default_factory=list)


def anchor(run_index: int, test: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", test.rsplit("/", 1)[-1]).strip("-")[:60]
    return f"r{run_index}-{slug}-{hashlib.sha256(test.encode()).hexdigest()[:8]}"


def source_link(source: str) -> str:
    """A URL for a rule source: URLs as they are, "owner/repo path (test)" as a file on GitHub."""
    if source.startswith(("http://", "https://")):
        return source
    parts = source.split()
    if len(parts) >= 2 and parts[0].count("/") == 1:
        return f"https://github.com/{parts[0]}/blob/HEAD/{parts[1]}"
    return ""


class Matrix:
    def __init__(self, docs: Iterable[dict]) -> None:
        docs = sorted(docs, key=lambda d: d["run"].get("started", ""))
        self.runs: list[TargetRun] = []
        self.rules: dict[str, dict] = {}
        seen: dict[str, int] = {}
        for doc in docs:
            server = doc["run"].get("server", "?")
            seen[server] = seen.get(server, 0) + 1
            label = server if seen[server] == 1 else f"{server} #{seen[server]}"
            self.runs.append(TargetRun(label, server, doc["run"], doc["tests"]))
            for rule_id, meta in doc.get("rules", {}).items():
                self.rules.setdefault(rule_id, meta)
        tested = {t["rule"] for run in self.runs for t in run.tests if t.get("rule")}
        self.rules = {k: v for k, v in sorted(self.rules.items()) if k in tested}
        self.operations: dict[str, list[str]] = {}
        for rule_id, meta in self.rules.items():
            self.operations.setdefault(meta["operation"], []).append(rule_id)
        self.registry_hashes = sorted({r.info.get("registry_hash", "?") for r in self.runs})

    def cell(self, rule_id: str, run_index: int) -> Cell:
        tests = [t for t in self.runs[run_index].tests if t.get("rule") == rule_id]
        if not tests:
            return Cell(None)
        executed = [t for t in tests if t["outcome"] not in NOT_EXECUTED]
        # Which outcome the cell shows when a rule's tests disagree: the worst one.
        worst = min(tests, key=lambda t: severity_of(t["outcome"]))
        failing = next((t for t in tests if t["outcome"] not in ("pass", *NOT_EXECUTED)), None)
        return Cell(
            outcome=worst["outcome"],
            passed=sum(t["outcome"] == "pass" for t in executed),
            executed=len(executed),
            anchor=anchor(run_index, failing["test"]) if failing else None,
        )

    def scores(self, run_index: int) -> dict[str, Score]:
        """Per level: rules whose every executed test passed, out of rules with any executed test."""
        out = {level: Score() for level in LEVELS}
        for rule_id, meta in self.rules.items():
            cell = self.cell(rule_id, run_index)
            if cell.executed:
                score = out[meta["level"]]
                score.applicable += 1
                score.conforming += cell.conforms
        return out

    def counts(self, run_index: int) -> dict[str, int]:
        counts: dict[str, int] = {}
        for t in self.runs[run_index].tests:
            counts[t["outcome"]] = counts.get(t["outcome"], 0) + 1
        return counts

    def changes(self) -> list[Change]:
        """For each two consecutive runs of one server: tests that started or stopped failing."""
        found = []
        for server in dict.fromkeys(r.server for r in self.runs):
            runs = [r for r in self.runs if r.server == server]
            for before, after in itertools.pairwise(runs):
                was = {t["test"]: t["outcome"] for t in before.tests}
                change = Change(server, before.label, after.label)
                for t in after.tests:
                    old, new = was.get(t["test"]), t["outcome"]
                    if old == "pass" and new in (*DEVIATIONS, "known"):
                        change.new_failures.append((t["test"], old, new))
                    elif old in (*DEVIATIONS, "known") and new == "pass":
                        change.new_passes.append((t["test"], old, new))
                found.append(change)
        return found
