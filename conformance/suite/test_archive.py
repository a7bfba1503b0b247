"""Links to Archive-class targets: refused until the target is restored, readable after."""

from __future__ import annotations

import pytest

from conformance.checks import expect, expect_equal, expect_status
from conformance.suite.restoring import DATA, THROUGH_LINK, archive_link


@pytest.mark.rule("archive.symlink.not-restored")
def test_unrestored_target_refused(oss, new_key, rule, reads_through):
    link, _ = archive_link(oss, new_key)
    expect(oss.get_object(link), rule)


@pytest.mark.rule("archive.symlink.restored")
def test_restored_target_readable(rule, reads_through, restored):
    got = restored(THROUGH_LINK).reply
    expect_status(got, rule, 200)
    expect_equal(rule, got, "body through the link after restore", got.body, DATA)
