"""Polling a read until it shows something done (a restore completing), for at most a given number of seconds."""

from __future__ import annotations

import time
from collections.abc import Callable

from conformance.client import Reply

# The first poll comes soon (the embedded server restores in 1 s); later ones back off by half again, so that a
# minute-long restore on OSS costs about forty requests, not hundreds.
FIRST_INTERVAL = 0.1
BACKOFF = 1.5
LONGEST_INTERVAL = 2.0


def poll(read: Callable[[], Reply], done: Callable[[Reply], bool], seconds: float) -> tuple[Reply, bool]:
    """The last reply of `read`, and whether `done` held for it before `seconds` ran out."""
    deadline = time.monotonic() + seconds
    interval = FIRST_INTERVAL
    while True:
        reply = read()
        if done(reply):
            return reply, True
        if time.monotonic() > deadline:
            return reply, False
        time.sleep(interval)  # waiting for the server, not asserting on time
        interval = min(interval * BACKOFF, LONGEST_INTERVAL)
