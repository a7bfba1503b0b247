"""Differential mode: every step goes to two servers, and the first difference that matters is reported.

What is compared: status, error Code, the body (object bytes; XML bodies element by element) and the headers
the rules care about. What is normalised away: request ids, dates and Last-Modified, EC (diagnostic, may
change), the human Message, and opaque ETag values, which are numbered in order of first sighting on each
server (etag#1, etag#2 ...) so two servers agree when they hand out the same ETags in the same places.
"""

from __future__ import annotations

from typing import Any

from ..client import Reply
from ..client.xml import local, parse

COMPARED_HEADERS = (
    "content-length",
    "content-type",
    "etag",
    "x-oss-object-type",
    "x-oss-storage-class",
    "x-oss-symlink-target",
    "x-oss-delete-marker",
    "x-oss-next-append-position",
)
IGNORED_ELEMENTS = frozenset(
    {
        "RequestId",
        "HostId",
        "EC",
        "Message",
        "RecommendDoc",
        "LastModified",
        "ServerTime",
        "RequestTime",
        "Owner",
        "Location",  # CompleteMultipartUploadResult: the server's own address
    }
)
OPAQUE_ELEMENTS = frozenset({"ETag", "UploadId"})  # numbered in order of first sighting


class Canon:
    """One server's answers, made comparable with another's."""

    def __init__(self) -> None:
        self._etags: dict[str, str] = {}

    def etag(self, value: str) -> str:
        return self._etags.setdefault(value.strip('"').upper(), f"etag#{len(self._etags) + 1}")

    def reply(self, reply: Reply, xml: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {"status": reply.status, "Code": reply.code}
        for name, value in reply.headers.items():
            lower = name.lower()
            if lower in COMPARED_HEADERS or lower.startswith("x-oss-meta-"):
                out[f"header {lower}"] = self.etag(value) if lower == "etag" else value
        if reply.error is None:  # an error's body is ids and prose; its Code is compared above
            out["body"] = self._xml(reply.body) if xml else reply.body
        return out

    def _xml(self, body: bytes) -> Any:
        root, _ = parse(body)
        return body if root is None else self._element(root)

    def _element(self, element: Any) -> Any:
        tag = local(element.tag)
        text = (element.text or "").strip()
        if tag in OPAQUE_ELEMENTS and text:
            text = self.etag(text)
        children = [self._element(c) for c in element if local(c.tag) not in IGNORED_ELEMENTS]
        return (tag, text, children) if children else (tag, text)


def first_difference(a: dict[str, Any], b: dict[str, Any], names: tuple[str, str]) -> str | None:
    """The first field where two canonical answers differ, phrased for a reader; None when they agree."""
    for field in ("status", "Code", *sorted((set(a) | set(b)) - {"status", "Code", "body"}), "body"):
        left, right = a.get(field), b.get(field)
        if left != right:
            return f"{field}: {names[0]} gave {_show(left)}, {names[1]} gave {_show(right)}"
    return None


def _show(value: Any) -> str:
    text = "(absent)" if value is None else repr(value)
    return text if len(text) <= 300 else text[:300] + "..."
