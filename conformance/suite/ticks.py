"""Writes that must lie a clock tick apart, made around one wait per process (xdist worker) for every test that
needs one: HTTP dates have one-second resolution, so two writes show different Last-Modified times only if a
second boundary passed between them.

Consumers: the read-through tests get a link and its target written a tick apart, in both orders (LINK_FIRST,
TARGET_FIRST); the tagging test gets an object written a tick before it changes the tags (AGED), so that a
server that rewrites Last-Modified on PutObjectTagging shows it. They ask for it through the `tick_apart` fixture,
which lets a run make the first writes before its first test (shared.head_start) and so seldom wait at all.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from conformance.checks import Blocked
from conformance.client import OssClient
from conformance.suite import preconditions as pre
from conformance.suite import shared

NAME = "a-tick-apart"
TICK = 1.1  # seconds: past the next second boundary, wherever in the second the first write fell
TARGET_FIRST, LINK_FIRST, AGED = "target", "link", "aged"


def a_tick_apart(oss: OssClient, new_key, which: str):
    """TARGET_FIRST or LINK_FIRST: (link, target), the second of them written a tick after the first; AGED: a key
    written a tick ago. Blocked where its own write was refused (the other consumers are not held up by it)."""
    return shared.part(NAME, lambda: _first_writes(oss, new_key), _second_writes, oss.transcript, which)


def head_start(oss: OssClient, new_key) -> None:
    shared.head_start(NAME, lambda: _first_writes(oss, new_key), oss.transcript)


@dataclass(frozen=True)
class _FirstWrites:
    oss: OssClient  # the client that wrote them writes the rest
    made: dict[str, object]  # TARGET_FIRST, LINK_FIRST: (link, target) or Blocked; AGED: the key or Blocked
    at: float  # time.monotonic() after the last of them


def _first_writes(oss: OssClient, new_key) -> _FirstWrites:
    made: dict[str, object] = {first: (new_key("link"), new_key("target")) for first in (TARGET_FIRST, LINK_FIRST)}
    try:
        made[AGED] = pre.put_key(oss, new_key("object"))
    except Blocked as exc:
        made[AGED] = exc
    for first in (TARGET_FIRST, LINK_FIRST):
        _write(oss, made, first, first)
    return _FirstWrites(oss, made, time.monotonic())


def _second_writes(first: _FirstWrites) -> dict[str, object]:
    time.sleep(max(0.0, first.at + TICK - time.monotonic()))
    made = dict(first.made)
    _write(first.oss, made, TARGET_FIRST, LINK_FIRST)
    _write(first.oss, made, LINK_FIRST, TARGET_FIRST)
    return made


def _write(oss: OssClient, made: dict[str, object], pair: str, which: str) -> None:
    """Write the link or the target (`which`) of `pair`; a refusal blocks that pair's consumers."""
    if isinstance(made[pair], Blocked):
        return
    link, target = made[pair]
    try:
        if which == TARGET_FIRST:
            pre.put(oss, target)
        else:
            pre.link(oss, link, target)
    except Blocked as exc:
        made[pair] = exc
