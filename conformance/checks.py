"""Assertions that conformance tests make, phrased for a vendor reading a failure.

Two kinds, and a test uses both:
- `expect*` judge the test's own rule: a mismatch is a *fail* of that rule.
- `require*` check a precondition the test needs but does not judge (a link that exists, a target that reads
  back): a mismatch *blocks* the test, naming the prerequisite rule and what came back. Another rule's
  deviation therefore never turns this test red.

Status and error Code are asserted; the human Message never is; EC is recorded, never asserted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from urllib.parse import unquote

from .client import Reply
from .outcomes import Blocked, NotImplementedByServer, ServerDeviation
from .rules import Rule

__all__ = [
    "Blocked",
    "NotImplementedByServer",
    "ServerDeviation",
    "describe",
    "expect",
    "expect_equal",
    "expect_header",
    "expect_status",
    "fail",
    "link_target",
    "require",
    "require_equal",
    "status_matches",
]


def describe(reply: Reply) -> str:
    """`404 NoSuchKey (EC 0026-00000001, request id ...)`, or why no Code could be read."""
    if reply.error is None:
        return f"{reply.status}"
    if reply.code is None:
        return f"{reply.status} with no OSS error Code ({reply.error.problem})"
    details = [
        f"EC {reply.ec}" if reply.ec else "",
        f"request id {reply.error.request_id}" if reply.error.request_id else "",
    ]
    extra = ", ".join(d for d in details if d)
    return f"{reply.status} {reply.code}" + (f" ({extra})" if extra else "")


def _where(reply: Reply) -> str:
    return f"{reply.exchange.method} {reply.exchange.url}"


def fail(rule: Rule, reply: Reply | None, what: str) -> None:
    """Raise the deviation; 501/NotImplemented become their own outcome."""
    if reply is not None and (reply.status == 501 or reply.code == "NotImplemented"):
        raise NotImplementedByServer(
            f"[{rule.id}] {_where(reply)}: the server does not implement this ({describe(reply)}); {what}"
        )
    prefix = f"[{rule.id}] " + (f"{_where(reply)}: " if reply is not None else "")
    raise ServerDeviation(prefix + what)


def expect(reply: Reply, rule: Rule) -> Reply:
    """Assert the reply has the rule's own status and one of its Codes."""
    if rule.status is None:
        raise ValueError(f"rule {rule.id} has no expected status; use expect_status")
    return _judge(reply, rule, rule.status, rule.accepted_codes)


def expect_status(reply: Reply, rule: Rule, status: int, codes: Iterable[str] = ()) -> Reply:
    """Assert an explicit status (a step of the rule's own check, such as the read after a write), and a Code
    only where `codes` names some."""
    return _judge(reply, rule, status, tuple(codes))


def _judge(reply: Reply, rule: Rule, status: int | str, codes: tuple[str, ...]) -> Reply:
    want = f"{status}" + (f" {' or '.join(codes)}" if codes else "")
    if not status_matches(reply.status, status):
        fail(rule, reply, f"expected {want}, got {describe(reply)}. Rule: {rule.title}")
    if codes and reply.code not in codes:
        if reply.code is None and _code_unreadable(reply, rule):
            return reply
        fail(rule, reply, f"expected {want}, got {describe(reply)}. Rule: {rule.title}")
    return reply


def status_matches(got: int, want: int | str) -> bool:
    """`want` is a status, or "4xx" where the documents say only that the request is refused."""
    return 400 <= got < 500 if want == "4xx" else got == want


def _code_unreadable(reply: Reply, rule: Rule) -> bool:
    """The status matched but no Code could be read. Where the Code lives is a rule of its own: a HEAD error
    carries it only in x-oss-err (error.head-x-oss-err, SHOULD), so a HEAD is judged on its status alone (True);
    any other error carries it in an XML body (error.body-xml), so the test is blocked by that rule."""
    if reply.exchange.method == "HEAD" and reply.header("x-oss-err") is None:
        return True
    if rule.id == BODY_XML:
        return False
    problem = reply.error.problem if reply.error is not None else "no error body"
    raise Blocked(BODY_XML, f"{_where(reply)} answered {reply.status} with no readable Code ({problem})")


BODY_XML = "error.body-xml"


def expect_header(reply: Reply, rule: Rule, name: str, value: str | None = None) -> str:
    """Assert a header is present (and equal to `value` when given); return it."""
    got = reply.header(name)
    if got is None:
        fail(rule, reply, f"header {name} is missing (status {describe(reply)}). Rule: {rule.title}")
    if value is not None and got != value:
        fail(rule, reply, f"header {name} is {_short(got)}, expected {_short(value)}. Rule: {rule.title}")
    return got  # type: ignore[return-value]


def expect_equal(rule: Rule, reply: Reply | None, what: str, got: object, want: object) -> None:
    if got != want:
        fail(rule, reply, f"{what}: got {_short(got)}, expected {_short(want)}. Rule: {rule.title}")


def link_target(reply: Reply) -> str | None:
    """GetSymlink's x-oss-symlink-target, percent-decoded (the value is sent encoded: docs/oss-facts.md §1.7, §2)."""
    value = reply.header("x-oss-symlink-target")
    return None if value is None else unquote(value)


# ---------------------------------------------------------------- preconditions (blocked, never fail)


def require(reply: Reply, prerequisite: str, status: int = 200, codes: Iterable[str] = ()) -> Reply:
    """A step the test needs but does not judge: unless it answered `status` (and one of `codes`, when named),
    the test is blocked by the rule `prerequisite`, the one that covers this step."""
    wanted = tuple(codes)
    if reply.status != status or (wanted and reply.code not in wanted):
        want = f"{status}" + (f" {' or '.join(wanted)}" if wanted else "")
        raise Blocked(prerequisite, f"{_where(reply)} answered {describe(reply)}, needed {want}")
    return reply


def require_equal(prerequisite: str, reply: Reply | None, what: str, got: object, want: object) -> None:
    """A precondition on a value: blocked by `prerequisite` when `got != want`."""
    if got != want:
        where = f"{_where(reply)}: " if reply is not None else ""
        raise Blocked(prerequisite, f"{where}{what} was {_short(got)}, needed {_short(want)}")


def _short(value: object, limit: int = 120) -> str:
    """A value as a message shows it: a long one (a body, say) as a short prefix with its length and hash,
    so a server answering megabytes cannot flood the terminal or the results."""
    text = repr(value)
    if len(text) <= limit:
        return text
    raw = value if isinstance(value, bytes) else str(value).encode("utf-8", "replace")
    digest = hashlib.sha256(raw).hexdigest()[:16]
    return f"{text[:limit]}... ({len(raw)} bytes, sha256 {digest}...)"
