"""RestoreObject steps, and the restores that several tests share so that they pay one wait between them.

A restore takes 1 s on the embedded server and about a minute on OSS (Archive, Standard tier). The tests that
need a completed restore (a second RestoreObject, the x-oss-restore header once done, a read through a link to
the restored object) each get an object of their own, but all are restored at once and polled in one loop. They
ask for it through the `restored` fixture, which lets a run start the restores before its first test
(shared.head_start): the restores then proceed while other tests run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from conformance.checks import Blocked, require, require_equal
from conformance.client import OssClient, Reply
from conformance.suite import preconditions as pre
from conformance.suite import shared
from conformance.suite.polling import Done, Read, poll_each

DATA = b"cold data"
FIRST_202 = "object.restore.first-202"  # RestoreObject starts a restore: 202
CLASS_STORED = "object.put.storage-class"  # PutObject stores x-oss-storage-class
DONE_PREFIX = 'ongoing-request="false"'

NAME = "restores"  # the shared setup (shared.once)
AGAIN, HEADER, THROUGH_LINK = "again", "header", "through-link"  # the tests that share the wait


def restore(oss: OssClient, key: str, body: bytes = b"") -> Reply:
    return oss.request("POST", key, query=[("restore", None)], data=body)


def stored_in(oss: OssClient, new_key, storage_class: str = "Archive") -> str:
    """A new object of `storage_class`, proven so by HeadObject."""
    key = new_key(storage_class.lower())
    pre.put(oss, key, DATA, {"x-oss-storage-class": storage_class})
    head = pre.head(oss, key)
    require_equal(CLASS_STORED, head, "x-oss-storage-class", head.header("x-oss-storage-class"), storage_class)
    return key


def restoring(oss: OssClient, new_key) -> str:
    """A new Archive object whose restore has started (202)."""
    key = stored_in(oss, new_key)
    require(restore(oss, key), FIRST_202, status=202)
    return key


def shows_done(head: Reply) -> bool:
    """HeadObject says the restore has completed."""
    return head.status == 200 and (head.header("x-oss-restore") or "").startswith(DONE_PREFIX)


def settled(head: Reply) -> bool:
    """Nothing more to wait for: the restore is done, or HeadObject itself failed (the test is blocked by it)."""
    return head.status != 200 or shows_done(head)


@dataclass(frozen=True)
class Restored:
    key: str  # the restored object; for THROUGH_LINK, the link to it
    reply: Reply  # the last poll, which each test judges: HeadObject of the object, or GetObject through the link


def shared_restore(oss: OssClient, new_key, seconds: float, which: str) -> Restored:
    """The restore of `which` (AGAIN, HEADER, THROUGH_LINK), polled for at most `seconds` together with the
    others; Blocked when its setup did not hold."""
    finish = lambda started: _poll_together(started, seconds)  # noqa: E731
    return shared.part(NAME, lambda: _start_all(oss, new_key), finish, oss.transcript, which)


def head_start(oss: OssClient, new_key) -> None:
    shared.head_start(NAME, lambda: _start_all(oss, new_key), oss.transcript)


Started = tuple[str, tuple[Read, Done]]  # the key a test is given, and how to poll it


def _start_all(oss: OssClient, new_key) -> dict[str, Started | Blocked]:
    started: dict[str, Started | Blocked] = {}
    for which in (AGAIN, HEADER):
        started[which] = _attempt(lambda: _polled_by_head(oss, restoring(oss, new_key)))
    started[THROUGH_LINK] = _attempt(lambda: _linked_restore(oss, new_key))
    return started


def _poll_together(started: dict[str, Started | Blocked], seconds: float) -> dict[str, Restored | Blocked]:
    reads = {which: poll for which, (_, poll) in _running(started).items()}
    polled = poll_each(reads, seconds)
    return {
        which: made if isinstance(made, Blocked) else Restored(made[0], polled[which][0])
        for which, made in started.items()
    }


def _attempt(start: Callable[[], Started]) -> Started | Blocked:
    try:
        return start()
    except Blocked as blocked:
        return blocked


def _running(started: dict[str, Started | Blocked]) -> dict[str, Started]:
    return {which: made for which, made in started.items() if not isinstance(made, Blocked)}


def _polled_by_head(oss: OssClient, key: str) -> Started:
    return key, (lambda: oss.head_object(key), settled)


def archive_link(oss: OssClient, new_key) -> tuple[str, str]:
    """(link, target): a proven link to a new Archive object."""
    link, target = new_key("link"), new_key("archived")
    pre.put(oss, target, DATA, {"x-oss-storage-class": "Archive"})
    pre.link(oss, link, target)
    return link, target


def _linked_restore(oss: OssClient, new_key) -> Started:
    """A link to an Archive target whose restore has started (RestoreObject answers 202, or 200 where a server
    restores at once); polled by reading through the link."""
    link, target = archive_link(oss, new_key)
    started = restore(oss, target)
    if started.status not in (200, 202):
        raise Blocked(FIRST_202, f"RestoreObject on the Archive target answered {started.status}")
    return link, (lambda: oss.get_object(link), lambda reply: reply.status == 200)
