"""Polling a read until it shows something done (a restore completing), for at most a given number of seconds."""

from __future__ import annotations

import time
from collections.abc import Callable

from conformance.client import Reply

# Every 0.1 s for the first two seconds (the embedded server restores in 1 s: it is seen done within 0.1 s of
# it, not up to half a second late), then backing off by half again, so that a minute-long restore on OSS costs
# about fifty requests, not hundreds.
FIRST_INTERVAL = 0.1
STEADY_SECONDS = 2.0
BACKOFF = 1.5
LONGEST_INTERVAL = 2.0


def poll(read: Callable[[], Reply], done: Callable[[Reply], bool], seconds: float) -> tuple[Reply, bool]:
    """The last reply of `read`, and whether `done` held for it before `seconds` ran out."""
    started = time.monotonic()
    interval = FIRST_INTERVAL
    while True:
        reply = read()
        if done(reply):
            return reply, True
        waited = time.monotonic() - started
        if waited > seconds:
            return reply, False
        time.sleep(interval)  # waiting for the server, not asserting on time
        if waited > STEADY_SECONDS:
            interval = min(interval * BACKOFF, LONGEST_INTERVAL)
