"""The step log of one example: numbered steps with their HTTP exchanges, and the replay argument.

When a check fails, the log of the (shrunk) example is printed with each exchange, and a `--replay` value that
runs exactly those steps again without Hypothesis.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..client import Exchange

SHOWN_RESPONSE = ("etag", "content-type", "content-length", "last-modified")
HIDDEN_OSS = ("x-oss-request-id", "x-oss-server-time", "x-oss-hash-crc64ecma")
SHOWN_REQUEST = ("content-type",)
BODY_SHOWN = 300


@dataclass
class Step:
    number: int
    name: str
    args: dict[str, Any]
    exchanges: list[tuple[str, list[Exchange]]] = field(default_factory=list)  # (server, its exchanges)

    def call(self) -> str:
        return f"{self.name}({', '.join(f'{k}={v!r}' for k, v in self.args.items())})"


def _shown(name: str, names: tuple[str, ...]) -> bool:
    lower = name.lower()
    return lower in names or (lower.startswith("x-oss-") and lower not in HIDDEN_OSS)


def _shown_in_step(side: str, name: str) -> bool:
    return _shown(name, SHOWN_REQUEST if side == ">" else SHOWN_RESPONSE)


def render_exchange(exchange: Exchange, indent: str) -> list[str]:
    return [indent + line for line in exchange.lines(_shown_in_step, BODY_SHOWN)]


def render(steps: list[Step]) -> str:
    lines = []
    for step in steps:
        lines.append(f"{step.number:3d}. {step.call()}")
        for server, exchanges in step.exchanges:
            if len(step.exchanges) > 1:
                lines.append(f"       [{server}]")
            for exchange in exchanges:
                lines += render_exchange(exchange, "       ")
    return "\n".join(lines)


def replay_value(steps: list[Step]) -> str:
    return json.dumps([[s.name, s.args] for s in steps], separators=(",", ":"), ensure_ascii=True)


def replay_hint(steps: list[Step]) -> str:
    return (
        "Replay these steps without Hypothesis: add\n"
        f"  -m stateful --replay {shlex.quote(replay_value(steps))}\n"
        "to the same pytest command (same endpoint or profile options)."
    )


def parse_replay(text: str) -> list[tuple[str, dict[str, Any]]]:
    """A --replay value: the JSON printed on failure, or @FILE holding it."""
    if text.startswith("@"):
        text = Path(text[1:]).read_text(encoding="utf-8")
    raw = json.loads(text)
    if not isinstance(raw, list) or not all(isinstance(s, list) and len(s) == 2 for s in raw):
        raise ValueError("--replay expects a JSON list of [operation, {arguments}] pairs")
    return [(str(name), dict(args)) for name, args in raw]


def parse_failure(message: str) -> tuple[str, list[str]]:
    """(rule id, the numbered calls) of a failure the machine printed; ("", []) for any other message."""
    rule = re.match(r"\[([^\]]+)\]", message)
    return (rule.group(1) if rule else "", re.findall(r"^ *\d+\. (.+)$", message, re.MULTILINE))
