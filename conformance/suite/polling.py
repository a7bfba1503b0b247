"""Polling reads until they show something done (a restore completing), for at most a given number of seconds."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from conformance.client import Reply

# Every 0.1 s for the first two seconds (the embedded server restores in 1 s: it is seen done within 0.1 s of
# it, not up to half a second late), then backing off by half again, so that a minute-long restore on OSS costs
# about fifty requests, not hundreds.
FIRST_INTERVAL = 0.1
STEADY_SECONDS = 2.0
BACKOFF = 1.5
LONGEST_INTERVAL = 2.0

Read = Callable[[], Reply]
Done = Callable[[Reply], bool]


def poll_each(reads: Mapping[str, tuple[Read, Done]], seconds: float) -> dict[str, tuple[Reply, bool]]:
    """Reads of things the server does in parallel (restores started together), polled in one wait: the first
    until it is done, then each next one, which by then is usually done at its first read. Per name, the last reply
    and whether `done` held for it before `seconds` ran out (a name reached after that is read once)."""
    started = time.monotonic()
    interval = FIRST_INTERVAL
    last: dict[str, tuple[Reply, bool]] = {}
    for name, (read, done) in reads.items():
        while True:
            reply = read()
            last[name] = (reply, done(reply))
            waited = time.monotonic() - started
            if last[name][1] or waited > seconds:
                break
            time.sleep(interval)  # waiting for the server, not asserting on time
            if waited > STEADY_SECONDS:
                interval = min(interval * BACKOFF, LONGEST_INTERVAL)
    return last
