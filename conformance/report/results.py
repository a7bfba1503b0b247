"""The results JSON: run information plus one record per test, built from pytest reports in the controller.

Records are built from `report.user_properties` (the plugin attaches rule, outcome and redacted exchanges), so
they arrive intact from pytest-xdist workers. Secrets never reach this file: exchanges are redacted when they
are recorded, and every string is passed through a Redactor with the run's known secrets once more on writing.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from .. import rules
from ..client import Redactor

FORMAT = "oss-conformance-results/1"
MESSAGE_LIMIT = 4000
SUITE_ROOT = "conformance/suite/"
PACKAGE_PARENT = Path(__file__).resolve().parent.parent.parent  # the directory holding conformance/


def canonical_test_id(path: Path, nodeid: str) -> str:
    """The test's id relative to the directory that holds the package (`conformance/suite/test_x.py::test_y`),
    whatever directory pytest was started in; tests elsewhere keep their node id."""
    try:
        relative = path.resolve().relative_to(PACKAGE_PARENT).as_posix()
    except ValueError:
        return nodeid
    return f"{relative}::{nodeid.split('::', 1)[1]}" if "::" in nodeid else relative


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@cache  # one lookup per process: a mutation run writes a results file from each of its 200 forks
def suite_version() -> str:
    try:
        return metadata.version("oss-conformance")
    except metadata.PackageNotFoundError:
        return "unknown"


@dataclass
class Record:
    test: str
    rule: str | None = None
    level: str | None = None
    outcome: str = "pass"
    duration: float = 0.0
    message: str = ""
    exchanges: list[dict] = field(default_factory=list)
    curl: str = ""
    expected: str | None = None  # the outcome an expectations entry lists for this test
    reason: str = ""
    ticket: str = ""
    unexpected_pass: bool = False


def _props(report: Any) -> dict[str, Any]:
    # user_properties may come back from xdist as lists instead of tuples
    return {name: value for name, value in report.user_properties}


def _message(report: Any) -> str:
    longrepr = report.longrepr
    if longrepr is None:
        return ""
    if isinstance(longrepr, tuple):  # a skip: (path, line, reason)
        text = str(longrepr[-1])
    else:
        crash = getattr(longrepr, "reprcrash", None)
        text = crash.message if crash is not None else report.longreprtext
    text = re.sub(r"^\[gw\d+\] .*\n", "", text)  # xdist names the worker above a plain-text failure
    # "conformance.checks.ServerDeviation: [rule] ..." reads better without the exception's dotted name
    return re.sub(r"^(?:Skipped: |(?:\w+\.)+\w+: )", "", text)[:MESSAGE_LIMIT]


class Collector:
    """Folds the setup/call/teardown reports of each test into one Record, in the order tests finished."""

    def __init__(self) -> None:
        self.records: dict[str, Record] = {}
        self.decided: set[str] = set()

    def add(self, report: Any) -> None:
        props = _props(report)
        test = props.get("test", report.nodeid)  # the gate plugin adds the canonical id in the worker
        record = self.records.setdefault(test, Record(test=test))
        record.duration += float(getattr(report, "duration", 0.0) or 0.0)
        if "rule" in props and record.rule is None:
            record.rule = props["rule"]
            found = rules.registry().get(record.rule)
            record.level = found.level if found else None
        outcome = props.get("outcome")
        # The first phase that is not a pass decides (a teardown error after a passing call is an error).
        if outcome is None or test in self.decided:
            return
        if outcome != "pass":
            self.decided.add(test)
        record.outcome = outcome
        record.message = _message(report) if outcome != "pass" else ""
        record.exchanges = list(props.get("exchanges", []))
        record.curl = record.exchanges[-1].get("curl", "") if record.exchanges else ""
        if "expected" in props:
            record.expected, record.reason, record.ticket = props["expected"]

    def finished(self) -> list[Record]:
        return list(self.records.values())


def summary(records: list[Record]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for record in records:
        counts[record.outcome] = counts.get(record.outcome, 0) + 1
    return dict(sorted(counts.items()))


def level_summary(records: list[Record]) -> str:
    """`MUST 40/45, SHOULD 10/12, MAY 3/3 rules passed; 150 pass, 3 fail, ...`: a rule passes when every test
    of it that ran passed; rules whose tests were all not-applicable or skipped are not counted."""
    worst: dict[str, tuple[str, str]] = {}
    for record in records:
        if record.rule is None or record.outcome in ("not-applicable", "skipped"):
            continue
        level, outcome = worst.get(record.rule, (record.level or "?", "pass"))
        worst[record.rule] = (level, outcome if outcome != "pass" else record.outcome)
    parts = []
    for level in ("MUST", "SHOULD", "MAY"):
        seen = [outcome for lvl, outcome in worst.values() if lvl == level]
        parts.append(f"{level} {sum(o == 'pass' for o in seen)}/{len(seen)}")
    counts = ", ".join(f"{n} {outcome}" for outcome, n in summary(records).items())
    return f"{', '.join(parts)} rules passed; tests: {counts or 'none'}"


@cache
def rules_section() -> dict[str, dict]:
    """The registry as the run saw it, so a report can be built without this package's current rules (built once
    per process; no caller changes it)."""
    return {
        r.id: {
            "title": r.title,
            "operation": r.operation,
            "level": r.level,
            "evidence": r.evidence,
            "sources": list(r.sources),
            "expectation": r.expectation(),
        }
        for r in rules.registry().values()
    }


def _scrub(value: Any, redactor: Redactor) -> Any:
    if isinstance(value, str):
        return redactor.text(value)
    if isinstance(value, list):
        return [_scrub(v, redactor) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, redactor) for k, v in value.items()}
    return value


def document(run: dict, records: list[Record], expectations: dict | None, secrets: tuple[str, ...] = ()) -> dict:
    redactor = Redactor(secrets)
    head = {"format": FORMAT, "run": run, "summary": summary(records), "expectations": expectations or {}}
    doc = _scrub(head, redactor)
    doc["rules"] = rules_section()  # this package's own text: no secret of the run can be in it
    doc["tests"] = _scrub([asdict(r) for r in records], redactor)
    return doc


def write(path: str | Path, doc: dict) -> None:
    """One line per test and per rule, so that grep shows a record whole (and json's C encoder, several times
    faster than its indenting one, writes each line)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_one_entry_per_line(doc) + "\n", encoding="utf-8")


def _one_entry_per_line(doc: dict) -> str:
    def dumps(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False)

    def block(value: Any) -> str:
        if isinstance(value, list) and value:
            return "[\n" + ",\n".join(dumps(v) for v in value) + "\n]"
        if isinstance(value, dict) and value:
            return "{\n" + ",\n".join(f"{dumps(k)}: {dumps(v)}" for k, v in value.items()) + "\n}"
        return dumps(value)

    return "{\n" + ",\n".join(f"{dumps(key)}: {block(value)}" for key, value in doc.items()) + "\n}"


class ResultsError(ValueError):
    """One line: the file and what is wrong with it."""


def _first_line(exc: Exception) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0][:200]


def load(path: str | Path) -> dict:
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise ResultsError(f"{path}: cannot read results ({_first_line(exc)}). Fix: check the path") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ResultsError(f"{path}: not an oss-conformance results file (expected format {FORMAT})")
    problem = _shape_problem(doc)
    if problem:
        raise ResultsError(f"{path}: {problem}. Fix: give a file written by pytest --results")
    return doc


def _shape_problem(doc: dict) -> str:
    """What a report reads, checked up front so a wrong file is one line rather than a KeyError."""
    if not isinstance(doc.get("run"), dict) or not isinstance(doc.get("tests"), list):
        return "'run' must be an object and 'tests' a list"
    rules_ = doc.get("rules", {})
    if not isinstance(rules_, dict) or not all(
        isinstance(m, dict) and isinstance(m.get("operation"), str) and isinstance(m.get("level"), str)
        for m in rules_.values()
    ):
        return "'rules' must map rule ids to objects with 'operation' and 'level'"
    for number, test in enumerate(doc["tests"], 1):
        if (
            not isinstance(test, dict)
            or not isinstance(test.get("test"), str)
            or not isinstance(test.get("outcome"), str)
        ):
            return f"test {number} needs string fields 'test' and 'outcome'"
    return ""
