"""OSS error replies parsed into one shape, from the XML body or, for HEAD, the base64 `x-oss-err` header.

defusedxml because the XML comes from a server under test, which we do not trust.
Sources: docs/oss-facts.md §6.1.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass, field

from .xml import local, parse


@dataclass(frozen=True)
class OssError:
    """An error reply. `code` is None when the body was not OSS error XML; `problem` then says why."""

    code: str | None
    message: str = ""
    request_id: str = ""
    host_id: str = ""
    ec: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)
    problem: str = ""


def parse_error_xml(body: bytes) -> OssError:
    if not body.strip():
        return OssError(code=None, problem="empty body")
    root, problem = parse(body)
    if root is None:
        return OssError(code=None, problem=f"body is {problem}")
    if local(root.tag) != "Error":
        return OssError(code=None, problem=f"XML root is <{local(root.tag)}>, not <Error>")
    fields = {local(child.tag): (child.text or "") for child in root}
    known = {"Code", "Message", "RequestId", "HostId", "EC"}
    return OssError(
        code=fields.get("Code") or None,
        message=fields.get("Message", ""),
        request_id=fields.get("RequestId", ""),
        host_id=fields.get("HostId", ""),
        ec=fields.get("EC", ""),
        extra={k: v for k, v in fields.items() if k not in known},
        problem="" if fields.get("Code") else "no <Code> element",
    )


def parse_error(method: str, status: int, headers: Mapping[str, str], body: bytes) -> OssError | None:
    """The error carried by a reply, or None for a 1xx-3xx success (304 is not an error)."""
    if status < 400:
        return None
    if method == "HEAD" or not body:
        encoded = headers.get("x-oss-err")
        if encoded:
            try:
                return parse_error_xml(base64.b64decode(encoded, validate=True))
            except (binascii.Error, ValueError):
                return OssError(code=None, problem="x-oss-err is not base64", ec=headers.get("x-oss-ec", ""))
        return OssError(code=None, problem="no body and no x-oss-err header", ec=headers.get("x-oss-ec", ""))
    return parse_error_xml(body)
