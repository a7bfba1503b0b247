"""Writes that must lie a clock tick apart, made around one wait per process (xdist worker) for every test that
needs one: HTTP dates have one-second resolution, so two writes show different Last-Modified times only if a
second boundary passed between them.

Consumers: the read-through tests get a link and its target written a tick apart, in both orders (LINK_FIRST,
TARGET_FIRST); the tagging test gets an object written a tick before it changes the tags (AGED), so that a
server that rewrites Last-Modified on PutObjectTagging shows it.
"""

from __future__ import annotations

import time

from conformance.checks import Blocked
from conformance.suite import preconditions as pre
from conformance.suite import shared

TICK = 1.1  # seconds: past the next second boundary, wherever in the second the first write fell
TARGET_FIRST, LINK_FIRST, AGED = "target", "link", "aged"


def a_tick_apart(oss, new_key, which: str):
    """TARGET_FIRST or LINK_FIRST: (link, target), the second of them written a tick after the first; AGED: a key
    written a tick ago. Blocked where its own write was refused (the other consumers are not held up by it)."""
    made = shared.once("a-tick-apart", lambda: _write_around_one_tick(oss, new_key), oss.transcript)[which]
    if isinstance(made, Blocked):
        raise made
    return made


def _write_around_one_tick(oss, new_key) -> dict[str, object]:
    pairs = {first: (new_key("link"), new_key("target")) for first in (TARGET_FIRST, LINK_FIRST)}
    made: dict[str, object] = dict(pairs)

    def write(first: str, which: str) -> None:
        link, target = pairs[first]
        if isinstance(made[first], Blocked):
            return
        try:
            if which == TARGET_FIRST:
                pre.put(oss, target)
            else:
                pre.link(oss, link, target)
        except Blocked as exc:
            made[first] = exc

    try:
        made[AGED] = pre.put_key(oss, new_key("object"))
    except Blocked as exc:
        made[AGED] = exc
    for first in pairs:
        write(first, first)
    time.sleep(TICK)
    for first in pairs:
        write(first, LINK_FIRST if first == TARGET_FIRST else TARGET_FIRST)
    return made
