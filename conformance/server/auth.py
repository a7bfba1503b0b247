"""Verify V1 and V4 request signatures (header and presigned-URL forms) with the shared signing functions.

Sources: docs/oss-facts.md §6.2 (V1), §6.3 (V4), §6.4 (auth errors, all 403 except the V4 argument checks, which are
400 InvalidArgument with EC 0002-00000226 / 0002-00000214 / 0002-00000209). The canonical forms live in
conformance/client/signing.py; this module only extracts the inputs and judges the result.
"""

from __future__ import annotations

import hmac
import time
from dataclasses import dataclass

from conformance.client import signing
from conformance.server.errors import ErrorReply, invalid_argument
from conformance.server.quirks import NO_QUIRKS, Quirks
from conformance.server.request import Request
from conformance.server.xmlutil import http_date, parse_http_date, parse_v4_date

MAX_SKEW_SECONDS = 15 * 60


@dataclass(frozen=True)
class AccountKeys:
    access_key_id: str
    access_key_secret: str
    region: str


def authenticate(
    request: Request, credentials: AccountKeys, now: float | None = None, quirks: Quirks = NO_QUIRKS
) -> None:
    """Mark the request authenticated or raise; a request with no credentials at all stays anonymous."""
    try:
        _verify(request, credentials, time.time() if now is None else now, quirks)
    except ErrorReply:
        if not quirks.has("signature-not-verified"):  # asked only where not verifying changes the answer
            raise
        request.anonymous = request.header("authorization") is None
        return
    if not request.anonymous and request.header("authorization") is None and quirks.has("signature-not-verified"):
        request.anonymous = True  # a server that verifies nothing takes a signed URL's caller for anonymous


def _verify(request: Request, credentials: AccountKeys, now: float, quirks: Quirks) -> None:
    authorization = request.header("authorization")
    if authorization is not None:
        if authorization.startswith("OSS ") and quirks.has("v1-signature-rejected"):  # asked last: conformance.reach
            raise ErrorReply("AccessDenied", "Authorization header is invalid.")
        if ", " in authorization and quirks.has("v4-separator-strict"):
            raise ErrorReply("AccessDenied", "Authorization header is invalid.")
        if authorization.startswith(signing.V4_ALGORITHM + " "):
            _verify_v4(request, credentials, signing.parse_v4_authorization(authorization), now, presigned=False)
        elif authorization.startswith("OSS "):
            _verify_v1_header(request, credentials, authorization[4:], now, quirks)
        else:
            raise ErrorReply("AccessDenied", "Authorization header is invalid.")
    elif request.param("x-oss-signature") is not None:
        _verify_v4(request, credentials, _v4_query_fields(request), now, presigned=True)
    elif request.param("Signature") is not None:
        _verify_v1_presigned(request, credentials, now)
    else:
        return
    request.anonymous = False


def _check_access_key(access_key_id: str, credentials: AccountKeys) -> None:
    if access_key_id != credentials.access_key_id:
        raise ErrorReply("InvalidAccessKeyId", extras={"OSSAccessKeyId": access_key_id})


def _check_skew(request_time: int | None, now: float, raw: str | None) -> None:
    if request_time is None:
        raise ErrorReply("AccessDenied", "Invalid date format of the request time.")
    if abs(request_time - now) > MAX_SKEW_SECONDS:
        extras = {"RequestTime": raw or "", "ServerTime": http_date(now)}
        raise ErrorReply("RequestTimeTooSkewed", extras=extras)


def _compare(expected: str, provided: str, string_to_sign: str, access_key_id: str) -> None:
    if not hmac.compare_digest(expected.encode(), provided.encode()):
        extras = {"StringToSign": string_to_sign, "SignatureProvided": provided, "OSSAccessKeyId": access_key_id}
        raise ErrorReply("SignatureDoesNotMatch", extras=extras)


# ---------------------------------------------------------------- V1


def _compare_v1(credentials: AccountKeys, string_to_sign: str, provided: str, access_key_id: str) -> None:
    _compare(
        signing.v1_signature(credentials.access_key_secret, string_to_sign), provided, string_to_sign, access_key_id
    )


def _verify_v1_header(request: Request, credentials: AccountKeys, value: str, now: float, quirks: Quirks) -> None:
    access_key_id, _, provided = value.partition(":")
    _check_access_key(access_key_id, credentials)
    raw_date = request.header("x-oss-date") or request.header("date")  # x-oss-date wins (docs/oss-facts.md §6.2)
    _check_skew(parse_http_date(raw_date), now, raw_date)
    query = request.query
    if quirks.has("v1-symlink-not-signed"):
        query = [(name, value) for name, value in query if name != "symlink"]
    string_to_sign = signing.v1_string_to_sign(request.method, request.bucket, request.key, request.headers, query)
    _compare_v1(credentials, string_to_sign, provided, access_key_id)


def _verify_v1_presigned(request: Request, credentials: AccountKeys, now: float) -> None:
    access_key_id = request.param("OSSAccessKeyId") or ""
    _check_access_key(access_key_id, credentials)
    expires = request.param("Expires") or ""
    if not expires.isdigit() or int(expires) < now:
        raise ErrorReply("AccessDenied", "Request has expired.", extras={"Expires": expires})
    string_to_sign = signing.v1_string_to_sign(
        request.method, request.bucket, request.key, request.headers, request.query, date=expires
    )
    provided = request.param("Signature") or ""
    _compare_v1(credentials, string_to_sign, provided, access_key_id)


# ---------------------------------------------------------------- V4


def _v4_query_fields(request: Request) -> dict[str, str]:
    fields = {
        "Credential": request.param("x-oss-credential") or "",
        "Signature": request.param("x-oss-signature") or "",
        "x-oss-date": request.param("x-oss-date") or "",
        "x-oss-expires": request.param("x-oss-expires") or "",
    }
    if request.param("x-oss-additional-headers") is not None:
        fields["AdditionalHeaders"] = request.param("x-oss-additional-headers") or ""
    return fields


def _v4_scope(fields: dict[str, str]) -> tuple[str, str, str]:
    """(access key id, date, region) from `ak/yyyymmdd/region/oss/aliyun_v4_request`."""
    parts = fields.get("Credential", "").split("/")
    if len(parts) != 5 or parts[3:] != ["oss", "aliyun_v4_request"]:
        raise invalid_argument("Invalid credential in Authorization header.")
    return parts[0], parts[1], parts[2]


def _verify_v4(request: Request, credentials: AccountKeys, fields: dict[str, str], now: float, presigned: bool) -> None:
    access_key_id, scope_date, region = _v4_scope(fields)
    if not presigned and request.header("x-oss-content-sha256") != signing.UNSIGNED_PAYLOAD:
        raise invalid_argument("Invalid x-oss-content-sha256, only UNSIGNED-PAYLOAD is supported.", ec="0002-00000214")
    _check_access_key(access_key_id, credentials)
    if region != credentials.region:
        raise invalid_argument("Invalid signing region in Authorization header.", ec="0002-00000226")
    if "AdditionalHeaders" in fields and not fields["AdditionalHeaders"]:
        raise invalid_argument("AdditionalHeaders must not be empty.", ec="0002-00000209")
    timestamp = (fields.get("x-oss-date") if presigned else request.header("x-oss-date")) or ""
    request_time = parse_v4_date(timestamp)
    if presigned:
        _check_presign_expiry(request_time, fields.get("x-oss-expires", ""), now)
    else:
        _check_skew(request_time, now, timestamp)
    if timestamp[:8] != scope_date:
        raise invalid_argument("Invalid signing date in Authorization header.")
    additional = [name for name in fields.get("AdditionalHeaders", "").split(";") if name]
    query = [(k, v) for k, v in request.query if k != "x-oss-signature"]
    canonical = signing.v4_canonical_request(
        request.method, request.bucket, request.key, request.headers, query, additional
    )
    string_to_sign = signing.v4_string_to_sign(timestamp, region, canonical)
    expected = signing.v4_signature(credentials.access_key_secret, scope_date, region, string_to_sign)
    _compare(expected, fields.get("Signature", ""), string_to_sign, access_key_id)


def _check_presign_expiry(request_time: int | None, expires: str, now: float) -> None:
    if request_time is None or not expires.isdigit():
        raise ErrorReply("AccessDenied", "Invalid presigned URL.")
    if request_time + int(expires) < now:
        raise ErrorReply("AccessDenied", "Request has expired.")
