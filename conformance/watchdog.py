"""The test deadline for code between requests. Requests already stop at the test's cutoff (the client refuses
to send past it and cuts an exchange short at it); this covers a test that never reaches its next request, for
example a Hypothesis search or a loop that spins. A timer interrupts the test's call phase a little after the
cutoff, and again every second until the call returns, with `Overran`.

`Overran` derives from BaseException, like pytest's own outcomes, so Hypothesis lets it through at once instead
of replaying and shrinking the example it interrupted. The timer is SIGALRM: only in the main thread, only where
the platform has it, and never over a handler someone else installed (pytest-timeout's, for one).
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

GRACE_SECONDS = 2.0  # a request at the cutoff ends by itself; the timer is for code that sends none


class Overran(BaseException):
    """The test ran past its deadline outside any request."""


@contextmanager
def armed(cutoff: float | None, deadline_seconds: float) -> Iterator[None]:
    """Interrupt the enclosed code with Overran once `cutoff` (time.monotonic) is GRACE_SECONDS behind."""
    if cutoff is None or not _can_arm():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise Overran(f"the test's deadline ({deadline_seconds:g} s) passed while it ran code between requests")

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, max(cutoff - time.monotonic() + GRACE_SECONDS, 0.01), 1.0)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _can_arm() -> bool:
    return (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None)
    )
