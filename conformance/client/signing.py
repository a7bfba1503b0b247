"""OSS request signatures, V1 (HMAC-SHA1) and V4 (OSS4-HMAC-SHA256), as pure functions.

Both the client (to sign) and the reference server (to verify) call these, so there is exactly one
implementation of the canonical forms. Inputs are always *decoded*: the object key as text, the query as
(name, value) pairs of text, headers as a name -> value mapping. Sources: docs/oss-facts.md §6.2, §6.3.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable, Mapping
from urllib.parse import quote, unquote_plus

V4_ALGORITHM = "OSS4-HMAC-SHA256"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"

# Query parameters that V1 signs: the union of oss2's and alibabacloud-oss-v2's lists (checked by
# tests/test_signing.py); any other parameter is left out. Note the SDKs disagree on x-oss-process: oss2 signs
# it, v2 does not, so no server can accept both; we follow oss2.
V1_SUBRESOURCES = frozenset(
    """acl accessPoint accessPointPolicy action append asyncFetch bucketArchiveDirectRead bucketInfo callback
    callback-var cleanRestoredObject cloudboxes cname comp cors continuation-token dataPipeline delete encryption
    endTime group httpsConfig inventory inventoryId legalHold lifecycle link live location logging MetaQuery
    metaQuery metadataConfiguration metadataInventoryTable metadataJournalTable objectInfo objectMeta objectWorm
    overwriteConfig partNumber policy policyStatus position publicAccessBlock qos qosInfo qosRequester quota
    redundancyTransition referer regionList replication replicationLocation replicationProgress requestPayment
    requesterQosInfo resourceGroup resourcePool resourcePoolBuckets resourcePoolInfo response-cache-control
    response-content-disposition response-content-encoding response-content-language response-content-type
    response-expires restore retention rtc seal security-token sequential startTime stat status style styleName
    symlink tagging transferAcceleration uploadId uploads userDefinedLogFieldsConfig versionId versioning versions
    vod website worm wormExtend wormId x-oss-ac-forward-allow x-oss-ac-source-ip x-oss-ac-subnet-mask
    x-oss-ac-vpc-id x-oss-access-point-name x-oss-async-process x-oss-process x-oss-redundancy-transition-taskid
    x-oss-request-payer x-oss-target-redundancy-type x-oss-traffic-limit x-oss-write-get-object-response""".split()
)

Query = Iterable[tuple[str, str]]


def split_query(query: str) -> list[tuple[str, str]]:
    """A URL query as decoded (name, value) pairs, in order; `+` is a space there, as servers decode it (requests
    encodes a space that way). The client signs what it will send with it; the reference server reads with it."""
    pairs = []
    for item in query.split("&") if query else []:
        if item:
            name, _, value = item.partition("=")
            pairs.append((unquote_plus(name), unquote_plus(value)))
    return pairs


def resource_path(bucket: str | None, key: str | None) -> str:
    """`/bucket/key`, `/bucket/` for a bucket-level request, `/` for the service."""
    if not bucket:
        return "/"
    return f"/{bucket}/{key or ''}"


def _lower_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {name.lower(): str(value) for name, value in headers.items()}


# ---------------------------------------------------------------- V1


def v1_string_to_sign(
    method: str, bucket: str | None, key: str | None, headers: Mapping[str, str], query: Query, date: str | None = None
) -> str:
    """VERB, Content-MD5, Content-Type, Date (x-oss-date wins), x-oss-* headers, canonical resource."""
    lower = _lower_headers(headers)
    if date is None:
        date = lower.get("x-oss-date") or lower.get("date", "")
    oss_headers = "".join(
        f"{name}:{lower[name].strip()}\n" for name in sorted(n for n in lower if n.startswith("x-oss-"))
    )
    signed = sorted((k, v) for k, v in query if k in V1_SUBRESOURCES)
    resource = resource_path(bucket, key)
    if signed:
        resource += "?" + "&".join(f"{k}={v}" if v else k for k, v in signed)
    return "\n".join(
        [method, lower.get("content-md5", ""), lower.get("content-type", ""), date, oss_headers + resource]
    )


def v1_signature(secret: str, string_to_sign: str) -> str:
    digest = hmac.new(secret.encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def v1_authorization(access_key_id: str, secret: str, string_to_sign: str) -> str:
    return f"OSS {access_key_id}:{v1_signature(secret, string_to_sign)}"


# ---------------------------------------------------------------- V4


def _uri_encode(text: str, safe: str = "") -> str:
    return quote(text, safe="-_.~" + safe)


def v4_canonical_query(query: Query) -> str:
    pairs = sorted((_uri_encode(k), _uri_encode(v)) for k, v in query)
    return "&".join(f"{k}={v}" if v else k for k, v in pairs)


def v4_signed_header_names(headers: Mapping[str, str], additional: Iterable[str] = ()) -> list[str]:
    lower = _lower_headers(headers)
    extra = {a.lower() for a in additional}
    return sorted(n for n in lower if n.startswith("x-oss-") or n in ("content-type", "content-md5") or n in extra)


def v4_canonical_request(
    method: str,
    bucket: str | None,
    key: str | None,
    headers: Mapping[str, str],
    query: Query,
    additional: Iterable[str] = (),
) -> str:
    lower = _lower_headers(headers)
    names = v4_signed_header_names(headers, additional)
    canonical_headers = "".join(f"{n}:{lower[n].strip()}\n" for n in names)
    return "\n".join(
        [
            method,
            _uri_encode(resource_path(bucket, key), safe="/"),
            v4_canonical_query(query),
            canonical_headers,
            ";".join(sorted(a.lower() for a in additional)),
            lower.get("x-oss-content-sha256", UNSIGNED_PAYLOAD),
        ]
    )


def v4_scope(date: str, region: str) -> str:
    return f"{date}/{region}/oss/aliyun_v4_request"


def v4_string_to_sign(timestamp: str, region: str, canonical_request: str) -> str:
    digest = hashlib.sha256(canonical_request.encode()).hexdigest()
    return "\n".join([V4_ALGORITHM, timestamp, v4_scope(timestamp[:8], region), digest])


def v4_signature(secret: str, date: str, region: str, string_to_sign: str) -> str:
    key = ("aliyun_v4" + secret).encode()
    for part in (date, region, "oss", "aliyun_v4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()


def v4_authorization(access_key_id: str, timestamp: str, region: str, additional: Iterable[str], signature: str) -> str:
    parts = [f"Credential={access_key_id}/{v4_scope(timestamp[:8], region)}"]
    extra = sorted(a.lower() for a in additional)
    if extra:
        parts.append("AdditionalHeaders=" + ";".join(extra))
    parts.append(f"Signature={signature}")
    return f"{V4_ALGORITHM} " + ",".join(parts)


def parse_v4_authorization(value: str) -> dict[str, str]:
    """Split `OSS4-HMAC-SHA256 Credential=..,AdditionalHeaders=..,Signature=..` (`,` or `, ` separated)."""
    _, _, rest = value.partition(" ")
    fields: dict[str, str] = {}
    for item in rest.split(","):
        name, _, field_value = item.strip().partition("=")
        if name:
            fields[name] = field_value
    return fields
