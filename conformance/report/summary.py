"""The closing lines of a run in the terminal: which rules failed, which were not implemented, and what blocked
the rest, so a vendor sees the few real deviations before the many tests that merely depended on them."""

from __future__ import annotations

import re
from collections import Counter

from ..outcomes import Outcome
from .results import Record

BLOCKED_BY = re.compile(r"blocked by ([a-z0-9.-]+):")
SHOWN = 6  # rule ids listed per line before "+N more"


def _listing(items: list[str]) -> str:
    shown = ", ".join(items[:SHOWN])
    return shown + (f" +{len(items) - SHOWN} more" if len(items) > SHOWN else "")


def verdict_lines(records: list[Record]) -> list[str]:
    """One line per deviating outcome (rules, not tests), then blocked tests grouped by their prerequisite."""
    lines = []
    for outcome in (Outcome.FAIL, Outcome.NOT_IMPLEMENTED, Outcome.ERROR, Outcome.KNOWN):
        rule_ids = sorted({r.rule or r.test for r in records if r.outcome == outcome})
        if rule_ids:
            lines.append(f"{outcome.value}: {len(rule_ids)} rules: {_listing(rule_ids)}")
    blocked = [r for r in records if r.outcome == Outcome.BLOCKED]
    if blocked:
        causes = Counter(m.group(1) if (m := BLOCKED_BY.search(r.message)) else "?" for r in blocked)
        by = ", ".join(f"{rule} ({n})" for rule, n in causes.most_common())
        lines.append(f"blocked: {len(blocked)} tests of {len({r.rule for r in blocked})} rules, by {by}")
    return lines
