"""The text of a failing test, as a vendor reads it: the rule and the request, what came back, what was expected
(all in the verdict's message), the Hypothesis example as plain values, and the command that replays it.

No traceback into the suite, no fixture reprs (`OssClient object at 0x...`, `Rule(...)`), no advice to edit a
test inside an installed package (`@reproduce_failure`).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable

EXAMPLE_START = re.compile(r"^(?:Falsifying example|Failing test case): [\w.\[\]-]+\($")
ARGUMENT = re.compile(r"^    (\w+)=(.*)$")


def example_values(notes: Iterable[str], fixtures: Iterable[str]) -> list[str]:
    """`name=value` of each generated argument in Hypothesis' falsifying-example note (fixtures left out)."""
    skip = set(fixtures)
    values: list[str] = []
    for note in notes:
        lines = note.splitlines()
        if not lines or not EXAMPLE_START.match(lines[0].strip()):
            continue
        current: list[str] | None = None
        for line in lines[1:]:
            found = ARGUMENT.match(line)
            if found:
                current = None if found.group(1) in skip else [f"{found.group(1)}={found.group(2).rstrip(',')}"]
                if current is not None:
                    values.append("")
            elif current is not None and line.startswith("     "):
                current.append(line.strip().rstrip(","))
            else:
                current = None
            if current is not None:
                values[-1] = " ".join(current)
    return values


def replay_target(test_id: str) -> str:
    """`conformance/suite/test_x.py::test_y[p]` -> `conformance.suite.test_x::test_y[p]` (for --pyargs)."""
    path, sep, rest = test_id.partition("::")
    module = path.removesuffix(".py").replace("/", ".") if path.endswith(".py") else path
    return module + sep + rest


def concise(message: str, notes: Iterable[str], fixtures: Iterable[str], test_id: str) -> str:
    lines = [message.strip()]
    values = example_values(notes, fixtures)
    if values:
        lines.append("falsifying example: " + ", ".join(values))
        lines.append(
            f"replay: pytest --pyargs {shlex.quote(replay_target(test_id))} (with the same options: Hypothesis "
            "tries the failing example first, from its database in ./.hypothesis)"
        )
    return "\n".join(lines)
