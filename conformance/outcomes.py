"""How a test ends: one enum for every outcome, and the exceptions that end a test as something other than
pass or fail. Reports, the gate, JUnit and the mutation table all read outcomes from here.

pass             the server met the rule
fail             the server answered, and the answer breaks the test's own rule
blocked          a precondition the test needs (another rule's behaviour) did not hold: the test never reached
                 its own rule, so it is neither a pass nor a fail of it; the message names the prerequisite rule
not-implemented  the server answered 501 / NotImplemented to the request the rule is about
not-applicable   the profile declares the capability absent (or the environment lacks it: a missing bucket)
known            a deviation listed in the vendor's expectations file
error            no usable answer (no reply, a reply over the size cap, an exception in the suite)
skipped          a skip that is about none of the above (pytest.skip in a test)
"""

from __future__ import annotations

from enum import StrEnum

from _pytest.outcomes import Skipped


class Outcome(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    BLOCKED = "blocked"
    NOT_IMPLEMENTED = "not-implemented"
    NOT_APPLICABLE = "not-applicable"
    KNOWN = "known"
    ERROR = "error"
    SKIPPED = "skipped"

    @property
    def symbol(self) -> str:
        return _BADGES[self][0]

    @property
    def label(self) -> str:
        return _BADGES[self][1]

    @property
    def severity(self) -> int:
        """0 is worst: a rule with several tests shows its worst outcome."""
        return SEVERITY.index(self)

    @property
    def executed(self) -> bool:
        """Whether the server's behaviour for the test's own rule was looked at."""
        return self not in (Outcome.NOT_APPLICABLE, Outcome.SKIPPED, Outcome.BLOCKED)


_BADGES = {
    Outcome.PASS: ("✔", "pass"),
    Outcome.FAIL: ("✘", "fail"),
    Outcome.BLOCKED: ("⊘", "blocked"),
    Outcome.NOT_IMPLEMENTED: ("∅", "not impl."),
    Outcome.KNOWN: ("≈", "known"),
    Outcome.ERROR: ("!", "error"),
    Outcome.NOT_APPLICABLE: ("○", "n/a"),
    Outcome.SKIPPED: ("○", "skipped"),
}
SEVERITY = (
    Outcome.FAIL,
    Outcome.ERROR,
    Outcome.NOT_IMPLEMENTED,
    Outcome.BLOCKED,
    Outcome.KNOWN,
    Outcome.PASS,
    Outcome.SKIPPED,
    Outcome.NOT_APPLICABLE,
)
# Outcomes that mean the server deviates (or could not be tested) and no expectation excuses it.
DEVIATIONS = (Outcome.FAIL, Outcome.NOT_IMPLEMENTED, Outcome.ERROR)
# Outcomes an expectations entry may list (blocked never fails a run: its prerequisite's own test does).
EXPECTABLE = DEVIATIONS


def severity_of(value: str) -> int:
    """Severity of an outcome as stored in a results file; an unknown word counts as worst."""
    return Outcome(value).severity if value in _VALUES else 0


_VALUES = frozenset(o.value for o in Outcome)


# ---------------------------------------------------------------- exceptions that decide an outcome


class NotImplementedByServer(AssertionError):
    """The server answered 501 / NotImplemented where the rule expects something else."""


class ServerDeviation(AssertionError):
    """The server answered, and the answer breaks the rule."""


class Blocked(Skipped):
    """A precondition did not hold: the test is blocked by `prerequisite` (a rule id). To pytest it is a skip,
    so it never fails the run by itself; the prerequisite's own test is what fails."""

    def __init__(self, prerequisite: str, what: str) -> None:
        self.prerequisite = prerequisite
        self.what = what
        super().__init__(f"blocked by {prerequisite}: {what}")


class NotApplicable(Skipped):
    """The profile (or the environment the probe found) lacks what the rule needs."""

    def __init__(self, why: str) -> None:
        super().__init__(f"not-applicable: {why}")


def from_exception(exc: BaseException | None, phase: str) -> Outcome:
    """The outcome of a test phase that raised `exc` (None: it passed)."""
    if exc is None:
        return Outcome.PASS
    if isinstance(exc, Blocked):
        return Outcome.BLOCKED
    if isinstance(exc, NotApplicable):
        return Outcome.NOT_APPLICABLE
    if isinstance(exc, Skipped):
        return Outcome.SKIPPED
    if isinstance(exc, NotImplementedByServer):
        return Outcome.NOT_IMPLEMENTED
    if isinstance(exc, AssertionError) and phase == "call":
        return Outcome.FAIL
    return Outcome.ERROR
