"""Quirks that only rewrite a request, an error or a reply, as tables of filters: the operation modules keep the
correct path, and each of these quirks is its registry entry (quirks.py) plus one row here.

A request filter changes a request once its signature is checked, before it is dispatched. An error filter
changes an error before it is rendered (its Code). A reply filter changes the finished reply (status, every
header, body) of the operations it names, or of every reply when it names none. A filter runs only while its
quirk is enabled.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from conformance.server import copies, deletes, quirks, reads, writes
from conformance.server.context import Context
from conformance.server.errors import ErrorReply
from conformance.server.quirks import reached
from conformance.server.request import Request, Response, decode_key

Change = Callable[[Response], None]


def _keep_encoded_slash(request: Request) -> None:
    """The name stored keeps `%2F` as text; the signature was checked over the decoded name."""
    if request.raw_key is not None and request.key_error is None:
        request.key = "%2F".join(decode_key(part) for part in re.split("%2[fF]", request.raw_key))


def _ignore_symlink_query(request: Request) -> None:
    request.query = [(name, value) for name, value in request.query if name != "symlink"]


REQUEST_FILTERS: dict[str, Callable[[Request], None]] = {
    "encoded-slash-kept": _keep_encoded_slash,
    "symlink-query-ignored": _ignore_symlink_query,
}


def _recode(codes: frozenset[str], to: str) -> Callable[[ErrorReply], None]:
    def change(error: ErrorReply) -> None:
        if error.code in codes:
            error.code = to

    return change


def _recode_status(status: int, to: str) -> Callable[[ErrorReply], None]:
    def change(error: ErrorReply) -> None:
        if error.status == status:
            error.code = to

    return change


ERROR_FILTERS: dict[str, Callable[[ErrorReply], None]] = {
    "not-found-generic": _recode(frozenset({"NoSuchKey", "NoSuchBucket"}), "NotFound"),
    "no-such-upload-generic": _recode(frozenset({"NoSuchUpload"}), "NoSuchKey"),
    "no-such-bucket-as-no-such-key": _recode(frozenset({"NoSuchBucket"}), "NoSuchKey"),
    "bad-request-generic": _recode_status(400, "BadRequest"),
}


@dataclass(frozen=True)
class ReplyFilter:
    change: Change
    operations: tuple[Callable, ...] = ()  # the handlers whose replies change; () is every reply
    method: str | None = None  # only replies to this method (HEAD and GET share read_object)
    statuses: frozenset[int] | None = None  # only replies with these statuses

    def applies(self, request: Request | None, reply: Response) -> bool:
        if self.statuses is not None and reply.status not in self.statuses:
            return False
        if not self.operations:
            return True
        return request is not None and request.operation in self.operations and self.method in (None, request.method)


def _drop(*names: str) -> Change:
    def change(reply: Response) -> None:
        for name in names:
            reply.headers.pop(name, None)

    return change


def _drop_user_meta(reply: Response) -> None:
    for name in [name for name in reply.headers if name.lower().startswith("x-oss-meta-")]:
        del reply.headers[name]


def _etag(rewrite: Callable[[str], str]) -> Change:
    def change(reply: Response) -> None:
        if "ETag" in reply.headers:
            reply.headers["ETag"] = rewrite(reply.headers["ETag"])

    return change


def _length_zero(reply: Response) -> None:
    reply.headers["Content-Length"] = "0"


def _empty_body(reply: Response) -> None:
    reply.body, reply.headers["Content-Length"] = b"", "0"


def _status_200(reply: Response) -> None:
    reply.status = 200


def _empty_204(reply: Response) -> None:
    if not reply.body:
        reply.status = 204


def _drop_ec(reply: Response) -> None:
    """Neither the x-oss-ec header nor the <EC> element of the body."""
    reply.headers.pop("x-oss-ec", None)
    if reply.body:  # a HEAD error has none (and Content-Length 0)
        reply.body = re.sub(rb"<EC>[^<]*</EC>", b"", reply.body)
        reply.headers["Content-Length"] = str(len(reply.body))


SUCCESS = frozenset({200, 206})
ERRORS = frozenset(range(400, 600))
READ = (reads.read_object,)

REPLY_FILTERS: dict[str, ReplyFilter] = {
    "request-id-missing-on-errors": ReplyFilter(_drop("x-oss-request-id"), statuses=ERRORS),
    "etag-lowercase": ReplyFilter(_etag(str.lower)),
    "etag-unquoted": ReplyFilter(_etag(lambda etag: etag.strip('"'))),
    "head-content-length-zero": ReplyFilter(_length_zero, READ, "HEAD", SUCCESS),
    "head-drops-user-meta": ReplyFilter(_drop_user_meta, READ, "HEAD"),
    "append-head-no-next-position": ReplyFilter(_drop("x-oss-next-append-position"), READ, "HEAD"),
    "get-without-crc64": ReplyFilter(_drop("x-oss-hash-crc64ecma"), READ, "GET"),
    "tagging-count-missing": ReplyFilter(_drop("x-oss-tagging-count"), READ),
    "objectmeta-size-zero": ReplyFilter(_length_zero, (reads.get_object_meta,), statuses=frozenset({200})),
    "put-without-crc64": ReplyFilter(_drop("x-oss-hash-crc64ecma"), (writes.put_object,)),
    "copy-without-crc64": ReplyFilter(_drop("x-oss-hash-crc64ecma"), (copies.copy_object,)),
    "copy-result-empty": ReplyFilter(_empty_body, (copies.copy_object,), statuses=frozenset({200})),
    "delete-returns-200": ReplyFilter(_status_200, (deletes.delete_object,), statuses=frozenset({204})),
    "put-object-without-request-id": ReplyFilter(_drop("x-oss-request-id"), (writes.put_object,)),
    "get-empty-object-204": ReplyFilter(_empty_204, READ, "GET", frozenset({200})),
    "error-ec-missing": ReplyFilter(_drop_ec, statuses=ERRORS),
}


def filter_request(ctx: Context, request: Request) -> None:
    if quirks.REACHED is not None:
        reached(name for name, change in REQUEST_FILTERS.items() if _changes(change, request))
    for name in ctx.quirks:
        if name in REQUEST_FILTERS:
            REQUEST_FILTERS[name](request)


def filter_error(ctx: Context, error: ErrorReply) -> None:
    if quirks.REACHED is not None:
        reached(name for name, change in ERROR_FILTERS.items() if _changes(change, error))
    for name in ctx.quirks:
        if name in ERROR_FILTERS:
            ERROR_FILTERS[name](error)


def _changes(change: Callable[[Any], None], thing: Any) -> bool:
    """Whether a request or error filter would alter `thing` (tried on a copy; filters assign, never mutate in
    place): only then is its quirk reached (conformance.reach)."""
    trial = type(thing).__new__(type(thing))  # a shallow copy that runs no constructor (ErrorReply validates)
    trial.__dict__.update(vars(thing))
    change(trial)
    return vars(trial) != vars(thing)


ALL = frozenset({"*"})  # a reply filter's change reaches past the headers (status, body)


def _reply_changes(found: ReplyFilter, request: Request | None, reply: Response) -> frozenset[str]:
    """What a reply filter would alter in `reply` (tried on a copy): nothing (empty), the lowercase names of the
    headers that alone change, or ALL."""
    if not found.applies(request, reply):
        return frozenset()
    trial = dataclasses.replace(reply, headers=dict(reply.headers))
    found.change(trial)
    if trial == reply:
        return frozenset()
    if dataclasses.replace(trial, headers=reply.headers) != reply:
        return ALL
    names = trial.headers.keys() | reply.headers.keys()
    return frozenset(n.lower() for n in names if trial.headers.get(n) != reply.headers.get(n))


def _note_reached(request: Request | None, reply: Response) -> None:
    """A filter that would change only headers is reached where the test reads one of them (conformance.reach)."""
    for name, found in REPLY_FILTERS.items():
        changes = _reply_changes(found, request, reply)
        if changes == ALL:
            reached([name])
        elif changes:
            quirks.reached_if_read(name, changes)


def filter_reply(ctx: Context, request: Request | None, reply: Response) -> None:
    """`reply` carries every header it will be sent with (Content-Length too)."""
    if quirks.REACHED is not None:
        _note_reached(request, reply)
    for name in ctx.quirks:
        found = REPLY_FILTERS.get(name)
        if found is not None and found.applies(request, reply):
            found.change(reply)
