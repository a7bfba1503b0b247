"""OSS error responses: the error table (as data), the exception the operations raise, and its XML.

Sources: docs/oss-facts.md §6.1 (body shape, x-oss-ec, RecommendDoc), §6.4 (auth errors), §5 (names),
§2 and §3.2 (symlink errors). EC values are the documented ones where the facts name one; where no EC is
documented the table carries PLACEHOLDER_EC, so a reader can tell an invented value from a documented one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple
from xml.etree import ElementTree as ET

from conformance.server.xmlutil import element, root_named, xml_document

PLACEHOLDER_EC = "0000-00000000"  # no EC documented for this case


class ErrorSpec(NamedTuple):
    status: int
    message: str
    ec: str


ERROR_TABLE: dict[str, ErrorSpec] = {
    # auth (docs/oss-facts.md §6.4)
    "AccessDenied": ErrorSpec(403, "You have no right to access this object because of bucket acl.", "0003-00000001"),
    "SignatureDoesNotMatch": ErrorSpec(
        403,
        "The request signature we calculated does not match the signature you provided. "
        "Check your key and signing method.",
        "0002-00000040",
    ),
    "InvalidAccessKeyId": ErrorSpec(
        403, "The OSS Access Key Id you provided does not exist in our records.", "0002-00000902"
    ),
    "RequestTimeTooSkewed": ErrorSpec(
        403, "The difference between the request time and the current time is too large.", "0002-00000504"
    ),
    # addressing / names (docs/oss-facts.md §5, §2)
    "NoSuchBucket": ErrorSpec(404, "The specified bucket does not exist.", "0015-00000101"),
    "NoSuchKey": ErrorSpec(404, "The specified key does not exist.", "0026-00000001"),
    "NoSuchVersion": ErrorSpec(404, "The specified version does not exist.", PLACEHOLDER_EC),
    "InvalidObjectName": ErrorSpec(400, "The specified object is not valid.", "0016-00000005"),
    "InvalidBucketName": ErrorSpec(400, "The specified bucket is not valid.", PLACEHOLDER_EC),
    "BucketAlreadyExists": ErrorSpec(409, "The requested bucket name is not available.", PLACEHOLDER_EC),
    "BucketNotEmpty": ErrorSpec(409, "The bucket you tried to delete is not empty.", PLACEHOLDER_EC),
    # arguments
    "InvalidArgument": ErrorSpec(400, "Invalid argument.", PLACEHOLDER_EC),
    "MissingArgument": ErrorSpec(400, "Missing Some Required Arguments.", "0016-00000502"),
    "MalformedXML": ErrorSpec(400, "The XML you provided was not well-formed.", PLACEHOLDER_EC),
    "InvalidDigest": ErrorSpec(400, "The Content-MD5 you specified was invalid.", PLACEHOLDER_EC),
    "InvalidEncodingType": ErrorSpec(400, "The encoding type is invalid.", PLACEHOLDER_EC),
    "InvalidRequest": ErrorSpec(400, "Invalid request.", PLACEHOLDER_EC),
    "EntityTooLarge": ErrorSpec(400, "Your proposed upload exceeds the maximum allowed object size.", PLACEHOLDER_EC),
    "IncompleteBody": ErrorSpec(
        400, "You did not provide the number of bytes specified by the Content-Length.", PLACEHOLDER_EC
    ),
    "InvalidRange": ErrorSpec(
        416, "The requested range cannot be satisfied", PLACEHOLDER_EC
    ),  # range behaviour standard
    # object state
    "FileAlreadyExists": ErrorSpec(
        409, "The object you specified already exists and can not be overwritten.", "0026-00000002"
    ),
    "FileImmutable": ErrorSpec(
        409, "Object is protected by a retention policy and can not be changed.", PLACEHOLDER_EC
    ),
    "ObjectNotAppendable": ErrorSpec(409, "The object is not appendable.", "0026-00000017"),
    "PositionNotEqualToLength": ErrorSpec(409, "Position is not equal to file length.", PLACEHOLDER_EC),
    "InvalidObjectState": ErrorSpec(403, "The operation is not valid for the object's state.", PLACEHOLDER_EC),
    "OperationNotSupported": ErrorSpec(400, "The operation is not supported for this resource.", PLACEHOLDER_EC),
    "PreconditionFailed": ErrorSpec(
        412, "At least one of the pre-conditions you specified did not hold.", PLACEHOLDER_EC
    ),
    "NotModified": ErrorSpec(304, "Not Modified.", PLACEHOLDER_EC),
    "MethodNotAllowed": ErrorSpec(405, "The specified method is not allowed against this resource.", PLACEHOLDER_EC),
    "InternalError": ErrorSpec(500, "We encountered an internal error. Please try again.", PLACEHOLDER_EC),
    "NotImplemented": ErrorSpec(
        501, "A header you provided implies functionality that is not implemented.", PLACEHOLDER_EC
    ),
    # multipart upload (docs/oss-facts.md §12-§16)
    "NoSuchUpload": ErrorSpec(
        404,
        "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted "
        "or completed.",
        "0042-00000002",
    ),
    "InvalidPart": ErrorSpec(
        400,
        "One or more of the specified parts could not be found or the specified entity tag might not have "
        "matched the part's entity tag.",
        PLACEHOLDER_EC,
    ),
    "InvalidPartOrder": ErrorSpec(400, "The list of parts was not in ascending order.", "0042-00000209"),
    "EntityTooSmall": ErrorSpec(400, "Your proposed upload is smaller than the minimum allowed size.", "0042-00000213"),
    # symlinks (docs/oss-facts.md §1.3, §2, §3.2)
    "NotSymlink": ErrorSpec(400, "The specified object is not a symlink.", "0043-00000101"),
    "SymlinkTargetNotExist": ErrorSpec(404, "The symlink target object does not exist.", "0026-00000012"),
    "InvalidTargetType": ErrorSpec(400, "The symlink target object type is not supported.", PLACEHOLDER_EC),
    # object tagging and restore (docs/oss-facts.md §29.2, §30)
    "InvalidTaggingKey": ErrorSpec(400, "The tagging key you provided is invalid.", "0010-00000217"),
    "RestoreAlreadyInProgress": ErrorSpec(409, "The restore operation is in progress.", PLACEHOLDER_EC),
}


@dataclass
class ErrorReply(Exception):
    """An error reply. `extras` become extra elements of <Error>; `headers` extra reply headers."""

    code: str
    message: str | None = None
    ec: str | None = None
    status: int | None = None
    extras: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        spec = ERROR_TABLE[self.code]  # KeyError here means a typo in the server, not a client problem
        self.status = self.status or spec.status
        self.message = self.message or spec.message
        self.ec = self.ec or spec.ec
        super().__init__(f"{self.status} {self.code}: {self.message}")


def invalid_argument(message: str, ec: str | None = None, name: str = "", value: str = "") -> ErrorReply:
    """InvalidArgument with the ArgumentName/ArgumentValue extras OSS adds."""
    extras = {"ArgumentName": name, "ArgumentValue": value} if name else {}
    return ErrorReply("InvalidArgument", message, ec=ec, extras=extras)


def xml_body(body: bytes, root: str) -> ET.Element:
    """A request body's XML document with root element `root`; anything else is 400 MalformedXML."""
    found = root_named(body, root)
    if found is None:
        raise ErrorReply("MalformedXML")
    return found


def error_xml(error: ErrorReply, request_id: str, host_id: str) -> bytes:
    ec = error.ec or PLACEHOLDER_EC
    children = [
        element("Code", error.code),
        element("Message", error.message or ""),
        element("RequestId", request_id),
        element("HostId", host_id),
    ]
    children += [element(name, value) for name, value in error.extras.items()]
    children += [element("EC", ec), element("RecommendDoc", f"https://api.aliyun.com/troubleshoot?q={ec}")]
    return xml_document("Error", children)
