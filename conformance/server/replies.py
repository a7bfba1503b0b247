"""XML reply shapes several operations share: an XML 200 reply, the Owner element, an AccessControlPolicy."""

from __future__ import annotations

from conformance.server.request import Response
from conformance.server.xmlutil import element, xml_document

OWNER_ID = "1000000000000000"


def owner_element(owner_id: str = OWNER_ID) -> str:
    return element("Owner", [element("ID", owner_id), element("DisplayName", owner_id)])


def xml_reply(root: str, children: list[str], headers: dict[str, str] | None = None) -> Response:
    return Response(200, {"Content-Type": "application/xml", **(headers or {})}, xml_document(root, children))


def acl_policy(grant: str, flat: bool = False) -> list[str]:
    grants = element("Grant", grant)
    return [owner_element(), grants if flat else element("AccessControlList", [grants])]
