"""Run the official SDK signers (oss2 and alibabacloud_oss_v2) on one request, offline, with the clock pinned.

Each `*_sign` function takes a logical request and returns the `Wire` form the SDK would send: the URL encoded
exactly as that SDK (and the `requests` transport under it) encodes it, and the final header map with the SDK's
Authorization. `server_view` decodes a `Wire` the way a server does, so a test can hand the *received* request to
our own signer and compare. Nothing here opens a connection: the endpoint is a loopback address used only to build
URLs (path-style, which both SDKs select for an IP endpoint).

Entry points used, all from the installed SDK sources:
- oss2 V1: `oss2.Auth._sign_request(req, bucket_name, key)`; it stamps `date` with `oss2.utils.http_date()`,
  which is patched to a fixed value.
- oss2 V4: `oss2.AuthV4._sign_request(req, bucket_name, key, in_additional_headers)`; it reads the clock through
  `datetime.utcnow()` imported into `oss2.auth`, which is patched.
- oss2 URL: `oss2.api._UrlMaker` builds the path (the key is quoted with `safe=''`), then `requests` adds
  `req.params` (form encoding: `quote_plus`, so a space becomes `+`), as `oss2.http.Session.do_request` does.
- python-v2: `SignerV1` / `SignerV4` `.sign(SigningContext(..., signing_time=...))`.
- python-v2 URL: `alibabacloud_oss_v2._client._build_url` (path-style) plus the query as the client builds it,
  `urlencode(parameters, quote_via=quote)`, then `requests` (the SDK's default transport) prepares it.
"""

from __future__ import annotations

import datetime as dt
import types
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from unittest import mock
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlparse, urlsplit

import alibabacloud_oss_v2._client as v2_client
import oss2
import oss2.api
import oss2.auth
import oss2.http
import requests
from alibabacloud_oss_v2.signer import SignerV1, SignerV4
from alibabacloud_oss_v2.types import Credentials, HttpRequest, OperationInput, SigningContext

ACCESS_KEY_ID = "ak"
ACCESS_KEY_SECRET = "sk"
ENDPOINT = "http://127.0.0.1:8080"  # never contacted

# The sub-resource lists the SDKs themselves use for V1 (read from the installed sources).
OSS2_V1_SUBRESOURCES: frozenset[str] = oss2.auth.ProviderAuth._subresource_key_set
V2_V1_SUBRESOURCES: frozenset[str] = SignerV1._subresource_key_set
# python-v2 also signs, in V1, the names an operation lists under `op_metadata["sub-resource"]`; this is the union
# of those lists over every operation of alibabacloud_oss_v2 1.4.1 (collected from its `operations/` sources).
V2_V1_OPERATION_SUBRESOURCES = frozenset(
    [
        "MetaQuery",
        "accessPoint",
        "accessPointPolicy",
        "action",
        "bucketArchiveDirectRead",
        "cleanRestoredObject",
        "cloudboxes",
        "cname",
        "comp",
        "cors",
        "dataPipeline",
        "encryption",
        "httpsConfig",
        "inventory",
        "inventoryId",
        "legalHold",
        "lifecycle",
        "logging",
        "metaQuery",
        "metadataConfiguration",
        "metadataInventoryTable",
        "metadataJournalTable",
        "objectWorm",
        "overwriteConfig",
        "policy",
        "policyStatus",
        "publicAccessBlock",
        "quota",
        "redundancyTransition",
        "referer",
        "replication",
        "replicationLocation",
        "replicationProgress",
        "requestPayment",
        "resourceGroup",
        "retention",
        "rtc",
        "seal",
        "style",
        "styleName",
        "tagging",
        "transferAcceleration",
        "userDefinedLogFieldsConfig",
        "website",
        "worm",
        "wormExtend",
        "wormId",
        "x-oss-access-point-name",
        "x-oss-redundancy-transition-taskid",
        "x-oss-target-redundancy-type",
    ]
)


@dataclass(frozen=True)
class Request:
    """A logical request: decoded bucket, key and query; `key` is '' (or None) for a bucket-level request."""

    method: str
    bucket: str | None
    key: str | None
    headers: Mapping[str, str] = field(default_factory=dict)
    query: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Wire:
    method: str
    url: str
    headers: dict[str, str]

    @property
    def authorization(self) -> str:
        return self.headers["Authorization"]


def _final_headers(headers: Mapping[str, str | None]) -> dict[str, str]:
    """The header map as sent, with the name spelling the SDK used; `None` means "do not send" in requests."""
    out = {name: value for name, value in headers.items() if value is not None}
    for name in list(out):
        if name.lower() == "authorization" and name != "Authorization":
            out["Authorization"] = out.pop(name)
    return out


def _prepared_url(url: str, params: Mapping[str, str] | None = None) -> str:
    prepared = requests.models.PreparedRequest()
    prepared.prepare_url(url, params)
    return prepared.url


# ---------------------------------------------------------------- oss2


def _oss2_request(req: Request, region: str | None = None) -> oss2.http.Request:
    names = [name for name, _ in req.query]
    if len(names) != len(set(names)):
        raise ValueError("oss2 keeps the query in a dict: names must be unique")
    url = oss2.api._UrlMaker(ENDPOINT, False, True)(req.bucket or "", req.key or "")
    return oss2.http.Request(
        req.method, url, params=dict(req.query), headers=dict(req.headers), region=region, product="oss"
    )


def _oss2_wire(r: oss2.http.Request) -> Wire:
    return Wire(r.method, _prepared_url(r.url, r.params), _final_headers(r.headers))


def oss2_v1_sign(req: Request, date: str) -> Wire:
    r = _oss2_request(req)
    with mock.patch.object(oss2.utils, "http_date", return_value=date):
        oss2.Auth(ACCESS_KEY_ID, ACCESS_KEY_SECRET)._sign_request(r, req.bucket or "", req.key or "")
    return _oss2_wire(r)


def oss2_v4_sign(req: Request, when: dt.datetime, region: str, additional: Iterable[str] | None = None) -> Wire:
    naive_utc = when.astimezone(dt.UTC).replace(tzinfo=None)
    frozen = type("FrozenDatetime", (dt.datetime,), {"utcnow": classmethod(lambda cls: naive_utc)})
    r = _oss2_request(req, region=region)
    with mock.patch.object(oss2.auth, "datetime", frozen):
        oss2.AuthV4(ACCESS_KEY_ID, ACCESS_KEY_SECRET)._sign_request(
            r, req.bucket or "", req.key or "", None if additional is None else list(additional)
        )
    return _oss2_wire(r)


# ---------------------------------------------------------------- alibabacloud_oss_v2


def _v2_url(req: Request) -> str:
    options = types.SimpleNamespace(endpoint=urlparse(ENDPOINT), address_style=v2_client.AddressStyle.Path)
    op_input = OperationInput(op_name="Any", method=req.method, bucket=req.bucket, key=req.key or None)
    url = v2_client._build_url(op_input, options)
    query = urlencode(list(req.query), quote_via=quote)  # as in _client.build_request_context
    if query:
        url += "?" + query
    return _prepared_url(url)


def _v2_context(req: Request, when: dt.datetime, region: str | None = None, **extra: object) -> SigningContext:
    request = HttpRequest(req.method, _v2_url(req), headers=dict(req.headers))
    context = SigningContext(
        product="oss",
        region=region,
        bucket=req.bucket,
        key=req.key or None,
        request=request,
        credentials=Credentials(ACCESS_KEY_ID, ACCESS_KEY_SECRET),
        signing_time=when,
    )
    for name, value in extra.items():
        setattr(context, name, value)
    return context


def v2_v1_sign(req: Request, when: dt.datetime, sub_resource: Iterable[str] = ()) -> Wire:
    """`sub_resource` is the per-operation list a python-v2 operation declares in its metadata."""
    context = _v2_context(req, when, sub_resource=list(sub_resource))
    SignerV1().sign(context)
    return Wire(req.method, context.request.url, _final_headers(context.request.headers))


def v2_v4_sign(req: Request, when: dt.datetime, region: str, additional: Iterable[str] | None = None) -> Wire:
    context = _v2_context(req, when, region, additional_headers=None if additional is None else set(additional))
    SignerV4().sign(context)
    return Wire(req.method, context.request.url, _final_headers(context.request.headers))


# ---------------------------------------------------------------- the receiving side


def server_view(wire: Wire) -> tuple[str | None, str | None, list[tuple[str, str]]]:
    """(bucket, key, query pairs) of a path-style request, decoded as a server must decode it.

    The query is form-decoded (`+` is a space): oss2 sends a space in a parameter as `+` (requests' default
    encoding) and a literal `+` as `%2B`; python-v2 sends `%20` and `%2B`. Form decoding is right for both, plain
    percent-decoding is wrong for oss2.
    """
    parts = urlsplit(wire.url)
    bucket, _, key = parts.path[1:].partition("/")
    query = parse_qsl(parts.query, keep_blank_values=True, strict_parsing=False)
    if not bucket:
        return None, None, query
    return unquote(bucket), unquote(key), query
