"""Links to Archive-class targets: refused until the target is restored, readable after."""

from __future__ import annotations

import time

import pytest

from conformance.checks import expect, expect_equal, expect_status, fail
from conformance.suite import preconditions as pre

# Restoring an Archive object takes about a minute on OSS; an embedded server restores at once.
RESTORE_DEADLINE = 90.0
POLL_INTERVAL = 1.0


def archive_link(oss, new_key) -> tuple[str, str]:
    link, target = new_key("link"), new_key("archived")
    pre.put(oss, target, b"cold data", {"x-oss-storage-class": "Archive"})
    pre.link(oss, link, target)
    return link, target


@pytest.mark.rule("archive.symlink.not-restored")
def test_unrestored_target_refused(oss, new_key, rule, reads_through):
    link, _ = archive_link(oss, new_key)
    expect(oss.get_object(link), rule)


@pytest.mark.rule("archive.symlink.restored")
def test_restored_target_readable(oss, new_key, rule, reads_through):
    link, target = archive_link(oss, new_key)
    restore = oss.request("POST", target, query=[("restore", None)])
    if restore.status not in (200, 202):
        fail(rule, restore, f"RestoreObject on the Archive target answered {restore.status}, expected 202 or 200")
    deadline = time.monotonic() + RESTORE_DEADLINE
    got = oss.get_object(link)
    while got.status != 200 and time.monotonic() < deadline:
        time.sleep(POLL_INTERVAL)  # waiting for the restore, not asserting on time
        got = oss.get_object(link)
    expect_status(got, rule, 200)
    expect_equal(rule, got, "body through the link after restore", got.body, b"cold data")
