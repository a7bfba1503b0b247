"""A vendor's expectations file (TOML): the deviations it knows about, each with a reason and a ticket.

    [[expect]]
    id = "symlink.put.storage-class-invalid"   # a rule id, a test node id, or a test node id without [params]
    outcome = "fail"                           # fail | not-implemented | error
    reason = "Archive is not supported yet"
    ticket = "https://tracker.example/123"     # "" while there is none (reported)
    expires = 2026-06-30                       # optional; an expired entry is reported

A test matches its most specific entry: its node id, then its node id without parameters, then its rule id.
"""

from __future__ import annotations

import ast
import datetime as dt
import json
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from .. import rules
from ..outcomes import DEVIATIONS, EXPECTABLE, Outcome
from .results import PACKAGE_PARENT, SUITE_ROOT, Record

FIELDS = {"id", "outcome", "reason", "ticket", "expires"}
HEADER = "# oss-conformance expectations: known deviations of one server. See conformance/report/expectations.py.\n"


class ExpectationsError(ValueError):
    """One line: the file, the entry, what is wrong, how to fix it."""


@dataclass(frozen=True)
class Entry:
    id: str
    outcome: str
    reason: str
    ticket: str = ""
    expires: dt.date | None = None

    def expired(self, today: dt.date) -> bool:
        return self.expires is not None and self.expires < today

    def as_property(self) -> tuple[str, str, str]:
        return (self.outcome, self.reason, self.ticket)


def names_a_test(test_id: str, rootpath: Path) -> bool:
    """Whether `file.py::name[::name][params]` names a test function or class that exists (read, not imported)."""
    file_part, _, rest = test_id.partition("::")
    if not rest or not file_part.endswith(".py"):
        return False
    path = (PACKAGE_PARENT if file_part.startswith(SUITE_ROOT) else rootpath) / file_part
    try:
        scope = ast.parse(path.read_text(encoding="utf-8")).body
    except (OSError, SyntaxError):
        return False
    for name in rest.split("[", 1)[0].split("::"):
        defs = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
        found = next((n for n in scope if isinstance(n, defs) and n.name == name), None)
        if found is None:
            return False
        scope = found.body
    return True


def _entry(raw: object, where: str) -> Entry:
    if not isinstance(raw, dict):
        raise ExpectationsError(f"{where}: must be a table. Fix: write it as [[expect]]")
    unknown = sorted(set(raw) - FIELDS)
    if unknown:
        raise ExpectationsError(f"{where}: unknown field(s) {', '.join(unknown)}. Fix: use {', '.join(sorted(FIELDS))}")
    for name in ("id", "outcome", "reason", "ticket"):
        if not isinstance(raw.get(name), str) or (name != "ticket" and not raw[name]):
            raise ExpectationsError(f"{where}: field '{name}' is missing or not a string. Fix: give it a value")
    if raw["outcome"] not in EXPECTABLE:
        raise ExpectationsError(
            f"{where}: outcome {raw['outcome']!r} is not accepted. Fix: use one of {', '.join(EXPECTABLE)}"
        )
    expires = raw.get("expires")
    if isinstance(expires, str):
        try:
            expires = dt.date.fromisoformat(expires)
        except ValueError:
            expires = "bad"
    if expires is not None and (not isinstance(expires, dt.date) or isinstance(expires, dt.datetime)):
        raise ExpectationsError(f"{where}: expires must be a date. Fix: write e.g. expires = 2026-06-30")
    return Entry(raw["id"], raw["outcome"], raw["reason"], raw["ticket"], expires)


class Expectations:
    def __init__(self, entries: Iterable[Entry] = (), source: str = "<none>") -> None:
        self.entries = {e.id: e for e in entries}
        self.source = source

    def match(self, test_id: str, rule_id: str | None) -> Entry | None:
        for key in (test_id, test_id.split("[", 1)[0], rule_id):
            if key and key in self.entries:
                return self.entries[key]
        return None

    def matched_records(self, entry: Entry, records: list[Record]) -> list[Record]:
        return [r for r in records if self.match(r.test, r.rule) is entry]

    def unexpected_passes(self, records: list[Record]) -> list[Entry]:
        """Entries whose tests all ran and all passed in this run."""
        found = []
        for entry in self.entries.values():
            ran = [r for r in self.matched_records(entry, records) if Outcome(r.outcome).executed]
            if ran and all(r.outcome == "pass" for r in ran):
                found.append(entry)
        return found

    def expired(self, today: dt.date) -> list[Entry]:
        return [e for e in self.entries.values() if e.expired(today)]


def load(path: str | Path, rootpath: Path, missing_ok: bool = False) -> Expectations:
    path = Path(path)
    if missing_ok and not path.exists():
        return Expectations(source=str(path))
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ExpectationsError(
            f"{path}: cannot read the expectations file ({exc.strerror}). Fix: check the path"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ExpectationsError(f"{path}: not valid TOML ({exc}). Fix: correct the syntax at that line") from None
    except UnicodeDecodeError as exc:
        raise ExpectationsError(f"{path}: not UTF-8 text (byte {exc.start}). Fix: save the file as UTF-8") from None
    if not isinstance(data.get("expect", []), list):
        raise ExpectationsError(f"{path}: 'expect' must be a list of tables. Fix: write entries as [[expect]]")
    extra = sorted(set(data) - {"expect"})
    if extra:
        raise ExpectationsError(f"{path}: unknown table(s) {', '.join(extra)}. Fix: write entries as [[expect]]")
    entries: list[Entry] = []
    for number, raw in enumerate(data.get("expect", []), 1):
        entry = _entry(raw, f"{path}: entry {number}")
        if entry.id not in rules.registry() and not names_a_test(entry.id, rootpath):
            raise ExpectationsError(
                f"{path}: entry {number}: unknown id {entry.id!r}: neither a rule id nor a test "
                "of the suite. Fix: use an id from `oss-conformance rules` or a test node id"
            )
        if any(e.id == entry.id for e in entries):
            raise ExpectationsError(f"{path}: entry {number}: id {entry.id!r} is listed twice. Fix: keep one")
        entries.append(entry)
    return Expectations(entries, str(path))


REPLY = re.compile(r"\bgot (\d{3})(?: ([A-Za-z][\w.-]*))?")


def stable_reason(record: Record) -> str:
    """What came back, as status and Code only: no URL, port, run id or request id, so that recording twice
    against the same server writes the same file."""
    found = REPLY.search(record.message)
    if found:
        return f"got {found.group(1)}" + (f" {found.group(2)}" if found.group(2) else "")
    return "no usable answer" if record.outcome == "error" else record.outcome


def _deviation(record: Record) -> tuple[str, str] | None:
    """(outcome, reason) of a record that deviates in this run, listed or not."""
    if record.outcome not in (*DEVIATIONS, "known"):
        return None
    actual = record.expected if record.outcome == "known" else record.outcome
    return (actual or record.outcome), stable_reason(record)


def _executed(records: list[Record]) -> list[Record]:
    return [r for r in records if r.outcome not in ("not-applicable", "skipped")]


def updated(expectations: Expectations, records: list[Record]) -> list[Entry]:
    """The entries after this run. Entries whose tests now pass are dropped; an entry that still describes
    its tests is kept as written (reason, ticket, expiry). New deviations are listed by rule when every
    executed test of that rule deviates the same way, by test otherwise. Sorted by id."""
    entries = dict(expectations.entries)
    for entry in expectations.unexpected_passes(records):
        entries.pop(entry.id, None)
    by_rule: dict[str | None, list[Record]] = {}
    for record in _executed(records):
        by_rule.setdefault(record.rule, []).append(record)
    for rule_id, group in by_rule.items():
        deviations = {r.test: _deviation(r) for r in group}
        new = [r for r in group if deviations[r.test] and not _still_listed(expectations, r, deviations[r.test])]
        if not new:
            continue
        kinds = set(deviations.values())
        if rule_id and len(kinds) == 1 and None not in kinds:
            outcome, reason = kinds.pop()
            entries[rule_id] = _merged(entries.get(rule_id), rule_id, outcome, reason)
            continue
        for record in new:
            outcome, reason = deviations[record.test]
            entries[record.test] = _merged(entries.get(record.test), record.test, outcome, reason)
    return sorted(entries.values(), key=lambda e: e.id)


def _still_listed(expectations: Expectations, record: Record, deviation: tuple[str, str]) -> bool:
    current = expectations.match(record.test, record.rule)
    return current is not None and current.outcome == deviation[0]


def _merged(current: Entry | None, entry_id: str, outcome: str, reason: str) -> Entry:
    """A vendor's reason and ticket survive a change of outcome; a new entry gets the stable reason."""
    if current is not None:
        return replace(current, outcome=outcome)
    return Entry(entry_id, outcome, reason)


def without_ticket(expectations: Expectations) -> list[Entry]:
    return [e for e in expectations.entries.values() if not e.ticket]


def _toml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def dump(entries: Iterable[Entry]) -> str:
    blocks = [HEADER]
    for e in entries:
        lines = [
            "[[expect]]",
            f"id = {_toml_string(e.id)}",
            f"outcome = {_toml_string(e.outcome)}",
            f"reason = {_toml_string(e.reason)}",
            f"ticket = {_toml_string(e.ticket)}",
        ]
        if e.expires is not None:
            lines.append(f"expires = {e.expires.isoformat()}")
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)
