"""Links to Archive-class targets: refused until the target is restored, readable after."""

from __future__ import annotations

import pytest

from conformance.checks import expect, expect_equal, expect_status, fail
from conformance.suite import preconditions as pre
from conformance.suite.polling import poll


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
def test_restored_target_readable(oss, new_key, rule, reads_through, restore_wait):
    link, target = archive_link(oss, new_key)
    restore = oss.request("POST", target, query=[("restore", None)])
    if restore.status not in (200, 202):
        fail(rule, restore, f"RestoreObject on the Archive target answered {restore.status}, expected 202 or 200")
    got, _ = poll(lambda: oss.get_object(link), lambda reply: reply.status == 200, restore_wait)
    expect_status(got, rule, 200)
    expect_equal(rule, got, "body through the link after restore", got.body, b"cold data")
