"""Links in a bucket with a locked retention policy (WORM)."""

from __future__ import annotations

import pytest

from conformance.checks import expect, expect_equal


@pytest.mark.rule("worm.symlink.immutable")
def test_put_symlink_over_protected_key(oss_worm, new_key, rule):
    key = new_key("protected")
    oss_worm.put_object(key, b"retained")  # stays until retention ends; cleanup reports it as retained
    expect(oss_worm.put_symlink(key, new_key("target")), rule)
    got = expect(oss_worm.get_object(key), rule, status=200, codes=())
    expect_equal(rule, got, "protected object after the refused PutSymlink", got.body, b"retained")
