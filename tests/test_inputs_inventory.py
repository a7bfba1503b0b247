"""docs/inputs.md has no GAP left: every input and reply detail it lists is checked by a registered rule that has
a test in the suite, or is out of scope with a reason."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conformance import rules

ROOT = Path(__file__).resolve().parent.parent
INVENTORY = ROOT / "docs" / "inputs.md"
SUITE = ROOT / "conformance" / "suite"
CHECKED = re.compile(r"^checked by rule `[^`]+`")
OUT_OF_SCOPE = re.compile(r"^out of scope: \S.{15,}")  # a reason, not a bare label
RULE_ID = re.compile(r"`([a-z0-9-]+(?:\.[a-z0-9-]+)+)`")


def rows(text: str) -> list[list[str]]:
    """Body rows of every Markdown table (the header row and the |---| line skipped), as stripped cells."""
    lines = text.splitlines()
    found = []
    for number, line in enumerate(lines):
        if not line.startswith("|") or set(line) <= set("|-: "):
            continue
        is_header = number + 1 < len(lines) and set(lines[number + 1]) <= set("|-: ") and "-" in lines[number + 1]
        if not is_header:
            found.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return found


def problems(text: str, known: set[str], tested: set[str]) -> list[str]:
    """Each row whose last cell is neither a check by a known, tested rule nor out of scope with a reason."""
    found = []
    for cells in rows(text):
        status, what = cells[-1], cells[0]
        if OUT_OF_SCOPE.match(status):
            continue
        if not CHECKED.match(status):
            found.append(f"{what}: {status or 'no status'} (a GAP)")
            continue
        ids = RULE_ID.findall(status)
        found += [f"{what}: rule {i} is not registered" for i in ids if i not in known]
        found += [f"{what}: rule {i} has no test in the suite" for i in ids if i in known and i not in tested]
    return found


def _tested_rules() -> set[str]:
    source = "\n".join(path.read_text() for path in SUITE.glob("test_*.py"))
    calls = re.findall(r"rule\(([^)]*)\)", source)  # pytest.mark.rule("id") and each_rule("id", "id2")
    return {rule_id for call in calls for rule_id in re.findall(r'"([a-z0-9.-]+)"', call)}


def test_inventory_has_no_gap():
    text = INVENTORY.read_text()
    assert len(rows(text)) > 100
    assert problems(text, set(rules.registry()), _tested_rules()) == []


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("| x-oss-foo | oss2 | | GAP |", "(a GAP)"),
        ("| x-oss-foo | oss2 | | |", "no status"),
        ("| x-oss-foo | oss2 | | out of scope |", "(a GAP)"),
        ("| x-oss-foo | oss2 | | checked by rule `symlink.no-such-rule` |", "is not registered"),
    ],
)
def test_checker_catches(row, problem):
    text = f"| input | sent by | edges | status |\n|---|---|---|---|\n{row}\n"
    found = problems(text, set(rules.registry()), _tested_rules())
    assert len(found) == 1 and problem in found[0], found
