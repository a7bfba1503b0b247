"""Lint of the rule registry against the conformance suite.

Fails on: a rule with no test, a test with no rule marker, a marker naming an unknown rule, a duplicate rule
id, a rule with no source. The checks are a pure function, so each one is also shown to fire on bad input.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from dataclasses import dataclass
from importlib import resources

import pytest

from conformance import rules


@dataclass(frozen=True)
class RuleEntry:
    id: str
    origin: str
    sources: tuple[str, ...]


def rule_entries() -> list[RuleEntry]:
    """Every [[rule]] of every TOML file, read raw so that duplicates are seen rather than refused."""
    entries = []
    for entry in sorted(resources.files(rules).iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            for raw in tomllib.loads(entry.read_text(encoding="utf-8")).get("rule", []):
                entries.append(RuleEntry(raw.get("id", "?"), entry.name, tuple(raw.get("sources", ()))))
    return entries


def lint(entries: list[RuleEntry], tests: list[tuple[str, str | None]]) -> list[str]:
    """Problems found, one line each; `tests` pairs a node id with its rule marker's id (None: no marker)."""
    problems = []
    counts = Counter(e.id for e in entries)
    known = set(counts)
    tested = {rule_id for _, rule_id in tests}
    for rule_id, count in sorted(counts.items()):
        if count > 1:
            origins = sorted(e.origin for e in entries if e.id == rule_id)
            problems.append(f"duplicate rule id {rule_id} ({', '.join(origins)})")
    for e in entries:
        if not e.sources:
            problems.append(f"rule {e.id} ({e.origin}) has no source")
        if e.id not in tested:
            problems.append(f"rule {e.id} ({e.origin}) has no test")
    for nodeid, rule_id in tests:
        if rule_id is None:
            problems.append(f"test {nodeid} has no @pytest.mark.rule")
        elif rule_id not in known:
            problems.append(f"test {nodeid} names unknown rule {rule_id}")
    return problems


class _Collector:
    def __init__(self) -> None:
        self.tests: list[tuple[str, str | None]] = []

    def pytest_collection_modifyitems(self, items) -> None:
        for item in items:
            self.tests.append((item.nodeid, rules.marked(item)))


@pytest.fixture(scope="module")
def suite_tests() -> list[tuple[str, str | None]]:
    """(node id, rule id) of every conformance test, collected (not run). The conformance plugin is left out
    so that an unknown id reaches the lint instead of stopping collection."""
    collector = _Collector()
    args = [
        "--collect-only",
        "-q",
        "-p",
        "no:oss_conformance",
        "-p",
        "no:cacheprovider",
        "-W",
        "ignore::pytest.PytestUnknownMarkWarning",
        "--pyargs",
        "conformance.suite",
    ]
    exit_code = pytest.main(args, plugins=[collector])
    assert exit_code == pytest.ExitCode.OK, f"collecting conformance.suite failed ({exit_code!r})"
    return collector.tests


def test_registry_loads():
    assert rules.registry(), "the rule registry is empty"


def test_suite_is_collected(suite_tests):
    assert len(suite_tests) > 0


def test_registry_and_suite_agree(suite_tests):
    problems = lint(rule_entries(), suite_tests)
    assert not problems, "rule lint:\n  " + "\n  ".join(problems)


GOOD = RuleEntry("a.b", "x.toml", ("https://example.invalid/doc",))
BAD_CASES = {
    "rule with no test": ([GOOD, RuleEntry("a.untested", "x.toml", ("src",))], [("t1", "a.b")]),
    "test with no rule": ([GOOD], [("t1", "a.b"), ("t2", None)]),
    "unknown rule id": ([GOOD], [("t1", "a.b"), ("t2", "a.nope")]),
    "duplicate id": ([GOOD, RuleEntry("a.b", "y.toml", ("src",))], [("t1", "a.b")]),
    "rule with no source": ([RuleEntry("a.b", "x.toml", ())], [("t1", "a.b")]),
}
EXPECTED_PROBLEM = {
    "rule with no test": "a.untested (x.toml) has no test",
    "test with no rule": "test t2 has no @pytest.mark.rule",
    "unknown rule id": "test t2 names unknown rule a.nope",
    "duplicate id": "duplicate rule id a.b (x.toml, y.toml)",
    "rule with no source": "rule a.b (x.toml) has no source",
}


def test_lint_passes_clean_input():
    assert lint([GOOD], [("t1", "a.b")]) == []


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_lint_catches(case):
    entries, tests = BAD_CASES[case]
    problems = lint(entries, tests)
    assert any(EXPECTED_PROBLEM[case] in p for p in problems), problems
