"""RestoreObject: `POST /<key>?restore` (docs/oss-facts.md §30).

202 starts a restore that stays in progress for `Context.restore_seconds` (409 RestoreAlreadyInProgress meanwhile,
`x-oss-restore: ongoing-request="true"`), then the object is readable until its expiry; a restore of a restored
object answers 200 and extends it. Days: 1-7 for Archive, 1-365 for the colder classes [D]; outside it 400
InvalidArgument [choice: Code undocumented]. JobParameters on Archive is 400 MalformedXML [S]; a Tier outside
Expedited/Standard/Bulk 400 InvalidArgument [S].
"""

from __future__ import annotations

import time
from dataclasses import replace

from conformance.server.context import Context
from conformance.server.errors import ErrorReply, invalid_argument, xml_body
from conformance.server.lookups import bucket_of, require_key, select_version, version_headers
from conformance.server.model import ARCHIVE_CLASSES, RESTORED, RESTORING, ObjectVersion
from conformance.server.request import Request, Response
from conformance.server.xmlutil import child_text

DAY = 86400.0
TIERS = ("Expedited", "Standard", "Bulk")
DEFAULT_TIER = "Standard"  # the colder classes' tier when the body names none [D]
NEVER = float("inf")


def _days(text: str | None, storage_class: str) -> int:
    top = 7 if storage_class == "Archive" else 365
    if text is None:
        return 1
    if not text.strip().isdigit() or not 1 <= int(text) <= top:
        ec = "0016-00000708" if storage_class == "Archive" else "0016-00000704"
        raise invalid_argument(f"The restore days must be between 1 and {top}.", ec=ec, name="Days", value=text)
    return int(text)


def parse_request(body: bytes, storage_class: str, checked: bool = True) -> tuple[int, str | None]:
    """(days, tier) from an optional `<RestoreRequest>`; unchecked, it reads what it can and refuses nothing."""
    if not body.strip():
        return 1, None
    root = xml_body(body, "RestoreRequest")
    jobs = root.find("JobParameters")
    tier = root.findtext("JobParameters/Tier")
    if not checked:
        return 1, tier
    if jobs is not None and storage_class == "Archive":
        raise ErrorReply("MalformedXML", "JobParameters is not allowed for an Archive object.")
    if jobs is not None and tier not in TIERS:
        raise invalid_argument("The restore tier is invalid.", name="Tier", value=tier or "")
    return _days(child_text(root, "Days"), storage_class), tier


def _addressed(ctx: Context, request: Request) -> ObjectVersion:
    key = require_key(request)
    bucket = bucket_of(ctx, request)
    try:
        return select_version(ctx, bucket, key, request.param("versionId"))
    except ErrorReply as error:
        if error.code == "NoSuchKey" and ctx.quirks.has("restore-missing-key-400"):
            raise ErrorReply("OperationNotSupported", extras={"Key": key}) from None
        raise


def _restorable(ctx: Context, version: ObjectVersion) -> bool:
    return not version.is_link and (version.storage_class in ARCHIVE_CLASSES or ctx.quirks.has("restore-any-class"))


def _delay(ctx: Context) -> float:
    if ctx.quirks.has("restore-instant"):
        return 0.0
    return NEVER if ctx.quirks.has("restore-never-completes") else ctx.restore_seconds


def restore_object(ctx: Context, request: Request) -> Response:
    version = _addressed(ctx, request)
    if not _restorable(ctx, version):
        raise ErrorReply("OperationNotSupported", extras={"Key": version.key})
    days, tier = parse_request(request.body, version.storage_class, not ctx.quirks.has("restore-body-unchecked"))
    bucket = bucket_of(ctx, request)
    started: list[bool] = []

    def transition(current: ObjectVersion) -> ObjectVersion:
        """Runs under the store lock, so two concurrent requests cannot both start a restore."""
        now = time.time()
        state = current.restore_state(now)
        if state == RESTORING:
            raise ErrorReply("RestoreAlreadyInProgress")
        if state == RESTORED:
            return replace(current, restore_expiry=current.restore_expiry + days * DAY)
        started.append(True)
        ready = now + _delay(ctx)
        return replace(current, restore_ready=ready, restore_expiry=ready + days * DAY)

    updated = ctx.store.update(bucket.name, version.key, version.version_id, transition)
    headers = version_headers(bucket, updated)
    if not started:
        return Response(200, headers)
    if version.storage_class != "Archive" and not ctx.quirks.has("restore-no-priority"):
        headers["x-oss-object-restore-priority"] = tier or DEFAULT_TIER
    return Response(200 if ctx.quirks.has("restore-first-200") else 202, headers)
