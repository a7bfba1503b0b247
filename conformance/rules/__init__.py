"""The rule registry: every checked behaviour of the OSS protocol, as data (the *.toml files beside this one).

A rule has a stable id that is a name (never a position), a one-line statement, a level (MUST/SHOULD/MAY), its
evidence (documented / sdk / inferred), its sources, and the expected status and error Code where there is one.
Tests name their rule with `@pytest.mark.rule("id")`; reports group by rule.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

LEVELS = ("MUST", "SHOULD", "MAY")
EVIDENCE = ("documented", "sdk", "inferred")
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:[.-][a-z0-9]+)+$")
FIELDS = {"id", "title", "operation", "level", "evidence", "sources", "status", "code", "codes", "capability", "note"}


class RuleError(ValueError):
    pass


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    operation: str
    level: str
    evidence: str
    sources: tuple[str, ...]
    status: int | str | None = None  # expected HTTP status; "4xx" where the documents say only "refused"
    code: str | None = None  # expected error Code; None when undocumented (then only status is asserted)
    codes: tuple[str, ...] = ()  # other Codes accepted while the documents disagree or are silent
    capabilities: tuple[str, ...] = ()  # profile capabilities the rule needs (versioning, worm, archive ...)
    note: str = ""  # where the documents are silent or disagree: say so here

    @property
    def accepted_codes(self) -> tuple[str, ...]:
        return ((self.code,) if self.code else ()) + self.codes

    def expectation(self) -> str:
        parts = [str(self.status)] if self.status else []
        if self.accepted_codes:
            parts.append(" or ".join(self.accepted_codes))
        return " ".join(parts) or "(see statement)"


def _rule(raw: dict, origin: str) -> Rule:
    unknown = set(raw) - FIELDS
    rid = raw.get("id", "?")
    if unknown:
        raise RuleError(f"{origin}: rule {rid}: unknown field(s) {', '.join(sorted(unknown))}")
    if not ID_PATTERN.match(rid):
        raise RuleError(f"{origin}: rule id {rid!r} must be dotted lower-case words, e.g. symlink.put.overwrite")
    if raw.get("level") not in LEVELS or raw.get("evidence") not in EVIDENCE:
        raise RuleError(f"{origin}: rule {rid}: level must be one of {LEVELS}, evidence one of {EVIDENCE}")
    for name in ("title", "operation"):
        if not raw.get(name):
            raise RuleError(f"{origin}: rule {rid}: '{name}' is required")
    status = raw.get("status")
    if status is not None and not (isinstance(status, int) or status == "4xx"):
        raise RuleError(f'{origin}: rule {rid}: status must be an HTTP status or "4xx", not {status!r}')
    if raw["level"] == "MUST" and raw["evidence"] == "inferred":
        raise RuleError(
            f"{origin}: rule {rid}: a MUST rule rests on documented or SDK-seen facts only; "
            "make it SHOULD/MAY, or move the inferred part (a guessed status or Code) to a SHOULD rule of its own"
        )
    return Rule(
        id=rid,
        title=raw["title"],
        operation=raw["operation"],
        level=raw["level"],
        evidence=raw["evidence"],
        sources=tuple(raw.get("sources", ())),
        status=raw.get("status"),
        code=raw.get("code"),
        codes=tuple(raw.get("codes", ())),
        capabilities=_capabilities(raw.get("capability")),
        note=raw.get("note", ""),
    )


def _capabilities(raw: object) -> tuple[str, ...]:
    """`capability = "copy"` or `capability = ["copy", "plus-as-space"]` (every one needed)."""
    return () if raw is None else (raw,) if isinstance(raw, str) else tuple(raw)  # type: ignore[arg-type]


def _data_files() -> Iterator[tuple[str, str]]:
    for entry in sorted(resources.files(__name__).iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            yield entry.name, entry.read_text(encoding="utf-8")


@cache
def registry() -> dict[str, Rule]:
    rules: dict[str, Rule] = {}
    for name, text in _data_files():
        for raw in tomllib.loads(text).get("rule", []):
            rule = _rule(raw, name)
            if rule.id in rules:
                raise RuleError(f"{name}: duplicate rule id {rule.id}")
            rules[rule.id] = rule
    return rules


def get(rule_id: str) -> Rule:
    try:
        return registry()[rule_id]
    except KeyError:
        raise RuleError(f"unknown rule id {rule_id!r}") from None


def marked(node: object) -> str | None:
    """The rule id a pytest test is marked with (`@pytest.mark.rule("id")`), or None: read here only."""
    marker = node.get_closest_marker("rule")  # type: ignore[attr-defined]
    return str(marker.args[0]) if marker is not None and marker.args else None


@cache
def registry_hash() -> str:
    """Identifies the rule set a run was made with (reports compare like with like)."""
    digest = hashlib.sha256()
    for name, text in _data_files():
        digest.update(name.encode() + b"\0" + text.encode())
    return digest.hexdigest()[:16]
