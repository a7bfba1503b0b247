"""GetObject and HeadObject on a link: what is read through it, and what must be refused."""

from __future__ import annotations

import pytest

from conformance.checks import expect


@pytest.mark.rule("symlink.read.target-is-link")
@pytest.mark.parametrize("method", ["GET", "HEAD"])
@pytest.mark.parametrize("chain", ["self", "link-to-link"])
def test_link_to_link_rejected(oss, new_key, rule, method, chain):
    link = new_key("link")
    if chain == "self":
        oss.put_symlink(link, link)
    else:
        middle, target = new_key("middle"), new_key("target")
        oss.put_object(target, b"data")
        oss.put_symlink(middle, target)
        oss.put_symlink(link, middle)
    expect(oss.request(method, link), rule)
