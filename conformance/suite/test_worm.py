"""Links in a bucket with a locked retention policy (WORM)."""

from __future__ import annotations

import pytest

from conformance.checks import expect, expect_equal, expect_status
from conformance.suite import preconditions as pre


@pytest.mark.rule("worm.symlink.immutable")
def test_put_symlink_over_protected_key(oss_worm, new_key, rule, links_work):
    key = new_key("protected")
    pre.put(oss_worm, key, b"retained")  # stays until retention ends; cleanup reports it as retained
    expect(oss_worm.put_symlink(key, new_key("target")), rule)
    got = expect_status(oss_worm.get_object(key), rule, 200)
    expect_equal(rule, got, "protected object after the refused PutSymlink", got.body, b"retained")
