"""Tests for conformance.client.signing: known answers, then differential tests against the official SDK signers.

The differential tests sign a random request with an SDK (oss2 or alibabacloud_oss_v2, clock pinned), take what the
SDK would put on the wire, decode it as a server does (`sdk_signers.server_view`) and check that our signer, fed the
decoded request, produces the SDK's Authorization. That is the server's job in the reference implementation, and
since our client signs with the same functions it also shows that our client signs what the SDKs sign.

Where the SDKs and our signer disagree the strategies are narrowed, and the disagreement is pinned by an
example-based test in the "Known differences" section at the end, with the exact input.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable, Iterable
from email.utils import format_datetime
from urllib.parse import unquote, urlsplit

import pytest
import sdk_signers as sdk
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sdk_signers import Request, Wire

from conformance.client import signing

AK, SK = sdk.ACCESS_KEY_ID, sdk.ACCESS_KEY_SECRET

# ================================================================ known answers

V1_HEADERS = {
    "Content-MD5": "eB5eJF1ptWaXm4bijSPyxw==",
    "Content-Type": "text/html",
    "x-oss-meta-author": "alice",
    "x-oss-meta-magic": "abracadabra",
    "x-oss-date": "Wed, 28 Dec 2022 10:27:41 GMT",
}

# Vectors of python-v2's tests/unit/signer/test_v1.py (docs/oss-facts.md §6.2).
V1_VECTORS = [
    pytest.param(
        Request("PUT", "examplebucket", "nelson", V1_HEADERS), "OSS ak:kSHKmLxlyEAKtZPkJhG9bZb5k7M=", id="put"
    ),
    pytest.param(
        Request("PUT", "examplebucket", "nelson", V1_HEADERS, (("acl", ""),)),
        "OSS ak:/afkugFbmWDQ967j1vr6zygBLQk=",
        id="put-acl",
    ),
]

V4_HEADERS = {
    "x-oss-head1": "value",
    "abc": "value",
    "ZAbc": "value",
    "XYZ": "value",
    "content-type": "text/plain",
    "x-oss-content-sha256": "UNSIGNED-PAYLOAD",
}
V4_QUERY = (
    ("param1", "value1"),
    ("+param1", "value3"),
    ("|param1", "value4"),
    ("+param2", ""),
    ("|param2", ""),
    ("param2", ""),
)
V4_REQUEST = Request("PUT", "bucket", "1234+-/123/1.txt", V4_HEADERS, V4_QUERY)
V4_SCOPE = "ak/20231216/cn-hangzhou/oss/aliyun_v4_request"

# Vectors of python-v2's tests/unit/signer/test_v4.py (docs/oss-facts.md §6.3):
# (unix time, additional headers, signature).
V4_VECTORS = [
    pytest.param(1702743657, (), "e21d18daa82167720f9b1047ae7e7f1ce7cb77a31e8203a7d5f4624fa0284afe", id="plain"),
    pytest.param(
        1702747512,
        ("abc", "zabc"),
        "4a4183c187c07c8947db7620deb0a6b38d9fbdd34187b6dbaccb316fa251212f",
        id="additional-headers",
    ),
]

V4_AUTHORIZATION_PARSES = [
    pytest.param(
        f"OSS4-HMAC-SHA256 Credential={V4_SCOPE},Signature=e21d",
        {"Credential": V4_SCOPE, "Signature": "e21d"},
        id="comma",
    ),
    pytest.param(
        f"OSS4-HMAC-SHA256 Credential={V4_SCOPE},AdditionalHeaders=abc;zabc,Signature=4a41",
        {"Credential": V4_SCOPE, "AdditionalHeaders": "abc;zabc", "Signature": "4a41"},
        id="comma-additional",
    ),
    pytest.param(  # oss2's layout: ", " separators and AdditionalHeaders last
        f"OSS4-HMAC-SHA256 Credential={V4_SCOPE}, Signature=4a41, AdditionalHeaders=abc;zabc",
        {"Credential": V4_SCOPE, "AdditionalHeaders": "abc;zabc", "Signature": "4a41"},
        id="comma-space-oss2",
    ),
    pytest.param(
        f"OSS4-HMAC-SHA256 Credential={V4_SCOPE}, AdditionalHeaders=abc;zabc,Signature=4a41",
        {"Credential": V4_SCOPE, "AdditionalHeaders": "abc;zabc", "Signature": "4a41"},
        id="mixed",
    ),
]


def _stamp(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def ours_v1(req: Request) -> str:
    text = signing.v1_string_to_sign(req.method, req.bucket, req.key, req.headers, req.query)
    return signing.v1_authorization(AK, SK, text)


def ours_v4(req: Request, stamp: str, region: str, additional: tuple[str, ...] | list[str] = ()) -> str:
    # As our client does (conformance.client.auth) and as both SDKs do.
    headers = {"x-oss-content-sha256": signing.UNSIGNED_PAYLOAD, **req.headers, "x-oss-date": stamp}
    canonical = signing.v4_canonical_request(req.method, req.bucket, req.key, headers, req.query, additional)
    signature = signing.v4_signature(SK, stamp[:8], region, signing.v4_string_to_sign(stamp, region, canonical))
    return signing.v4_authorization(AK, stamp, region, additional, signature)


@pytest.mark.parametrize(("req", "expected"), V1_VECTORS)
def test_v1_known_answer(req: Request, expected: str) -> None:
    assert ours_v1(req) == expected


@pytest.mark.parametrize(("req", "expected"), V1_VECTORS)
def test_v1_known_answer_reproduced_by_sdks(req: Request, expected: str) -> None:
    """The harness drives both SDKs correctly (x-oss-date in the request wins over the pinned Date)."""
    assert sdk.oss2_v1_sign(req, "Thu, 01 Jan 2015 00:00:00 GMT").authorization == expected
    assert sdk.v2_v1_sign(req, dt.datetime(2015, 1, 1, tzinfo=dt.UTC)).authorization == expected


@pytest.mark.parametrize(("unix_time", "additional", "signature"), V4_VECTORS)
def test_v4_known_answer(unix_time: int, additional: tuple[str, ...], signature: str) -> None:
    stamp = _stamp(dt.datetime.fromtimestamp(unix_time, dt.UTC))
    extra = f"AdditionalHeaders={';'.join(additional)}," if additional else ""
    expected = f"OSS4-HMAC-SHA256 Credential={V4_SCOPE},{extra}Signature={signature}"
    assert ours_v4(V4_REQUEST, stamp, "cn-hangzhou", additional) == expected


@pytest.mark.parametrize(("unix_time", "additional", "signature"), V4_VECTORS)
def test_v4_known_answer_reproduced_by_sdks(unix_time: int, additional: tuple[str, ...], signature: str) -> None:
    when = dt.datetime.fromtimestamp(unix_time, dt.UTC)
    for wire in (
        sdk.oss2_v4_sign(V4_REQUEST, when, "cn-hangzhou", additional or None),
        sdk.v2_v4_sign(V4_REQUEST, when, "cn-hangzhou", additional or None),
    ):
        assert signing.parse_v4_authorization(wire.authorization)["Signature"] == signature


@pytest.mark.parametrize(("value", "expected"), V4_AUTHORIZATION_PARSES)
def test_parse_v4_authorization(value: str, expected: dict[str, str]) -> None:
    assert signing.parse_v4_authorization(value) == expected


# ================================================================ the receiving side, with our signer


def _received_headers(wire: Wire) -> dict[str, str]:
    return {name: value for name, value in wire.headers.items() if name.lower() != "authorization"}


def verify_v1(wire: Wire) -> str:
    """The Authorization our signer computes for a received V1 request."""
    bucket, key, query = sdk.server_view(wire)
    text = signing.v1_string_to_sign(wire.method, bucket, key, _received_headers(wire), query)
    return signing.v1_authorization(AK, SK, text)


def verify_v4(wire: Wire, region: str) -> str:
    """The Authorization our signer computes for a received V4 request, using the client's AdditionalHeaders."""
    bucket, key, query = sdk.server_view(wire)
    headers = _received_headers(wire)
    additional = [
        name
        for name in signing.parse_v4_authorization(wire.authorization).get("AdditionalHeaders", "").split(";")
        if name
    ]
    stamp = {name.lower(): value for name, value in headers.items()}["x-oss-date"]
    canonical = signing.v4_canonical_request(wire.method, bucket, key, headers, query, additional)
    signature = signing.v4_signature(SK, stamp[:8], region, signing.v4_string_to_sign(stamp, region, canonical))
    return signing.v4_authorization(AK, stamp, region, additional, signature)


def _normalized_v4(authorization: str) -> dict[str, str]:
    """Parsed fields with AdditionalHeaders sorted: oss2 and python-v2 lay the header out differently."""
    fields = signing.parse_v4_authorization(authorization)
    if "AdditionalHeaders" in fields:
        fields["AdditionalHeaders"] = ";".join(sorted(fields["AdditionalHeaders"].split(";")))
    return fields


# ================================================================ strategies

EVERY_V1_SUBRESOURCE = (
    signing.V1_SUBRESOURCES | sdk.OSS2_V1_SUBRESOURCES | sdk.V2_V1_SUBRESOURCES | sdk.V2_V1_OPERATION_SUBRESOURCES
)
EXAMPLE_SUBRESOURCES = [
    "acl",
    "symlink",
    "versionId",
    "objectMeta",
    "tagging",
    "append",
    "position",
    "uploads",
    "uploadId",
    "partNumber",
    "response-content-type",
    "continuation-token",
    "security-token",
]
# Signed by our list and by oss2's (for the oss2 comparisons).
OSS2_COMMON_SUBRESOURCES = sorted(signing.V1_SUBRESOURCES & sdk.OSS2_V1_SUBRESOURCES)
# Signed by our list and by python-v2, either always or when the operation lists it (python-v2 comparisons).
V2_COMMON_SUBRESOURCES = sorted(signing.V1_SUBRESOURCES & (sdk.V2_V1_SUBRESOURCES | sdk.V2_V1_OPERATION_SUBRESOURCES))
UNSIGNED_PARAMETERS = [
    "prefix",
    "marker",
    "max-keys",
    "delimiter",
    "encoding-type",
    "key-marker",
    "start-after",
    "fetch-owner",
    "upload-id-marker",
    "max-uploads",
    "part-number-marker",
]

SAFE_TIMES = st.datetimes(
    min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2099, 12, 31), timezones=st.just(dt.UTC)
).map(lambda when: when.replace(microsecond=0))
METHODS = st.sampled_from(["GET", "PUT", "POST", "HEAD", "DELETE"])
REGIONS = st.sampled_from(["cn-hangzhou", "us-west-1", "ap-southeast-1", "eu-central-1"])
BUCKETS = st.from_regex(r"[a-z0-9][a-z0-9-]{1,61}[a-z0-9]", fullmatch=True)
# Any Unicode scalar except CR/LF, with the characters that trip encoders over-represented.
TEXT_CHARS = st.one_of(
    st.sampled_from("/+% ~*&=?#;:@!$'()[],|^`{}\\\"<>\t"), st.characters(codec="utf-8", exclude_characters="\r\n")
)


def _no_dot_segment(key: str) -> bool:
    # `requests` (urllib3) removes "." and ".." path segments before sending (RFC 3986 5.2.4), so such a key never
    # reaches the server as signed; that is a transport property of both SDKs, not a signing one.
    return not any(segment in (".", "..") for segment in key.split("/"))


KEYS = st.text(TEXT_CHARS, min_size=1, max_size=40).filter(
    lambda key: not key.startswith(("/", "\\")) and _no_dot_segment(key)
)
RESERVED_OSS_HEADERS = {"x-oss-date", "x-oss-content-sha256", "x-oss-security-token"}
OSS_HEADER_NAMES = st.from_regex(r"x-oss-(meta-)?[a-z0-9][a-z0-9-]{0,15}", fullmatch=True).filter(
    lambda name: name not in RESERVED_OSS_HEADERS
)
# Printable ASCII without surrounding white space: every SDK signs a header value untrimmed, we trim (see
# test_header_value_white_space_is_trimmed_sdks_do_not); inner runs of spaces are kept by everyone.
HEADER_VALUES = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=30).map(str.strip)
NAME_SPELLINGS = st.sampled_from([str, str.upper, str.title])
CONTENT_TYPES = st.one_of(
    st.sampled_from(["text/html", "application/octet-stream", "text/plain; charset=utf-8"]), HEADER_VALUES
)
CONTENT_MD5S = st.binary(min_size=16, max_size=16).map(lambda digest: base64.b64encode(digest).decode())
QUERY_VALUES = st.one_of(st.just(""), st.text(TEXT_CHARS, max_size=20))
# Non-OSS headers offered as V4 AdditionalHeaders (python-v2 and oss2 drop x-oss-*, content-type and content-md5).
ADDITIONAL_POOL = ["abc", "zabc", "range", "if-match", "cache-control", "x-custom"]


@st.composite
def resources(draw: st.DrawFn) -> tuple[str | None, str]:
    """(bucket, key): service (None, ''), bucket-level (bucket, '') or object."""
    kind = draw(st.sampled_from(["service", "bucket", "object", "object", "object"]))
    if kind == "service":
        return None, ""
    bucket = draw(BUCKETS)
    return bucket, "" if kind == "bucket" else draw(KEYS)


@st.composite
def oss_headers(draw: st.DrawFn) -> dict[str, str]:
    headers = {
        draw(NAME_SPELLINGS)(name): draw(HEADER_VALUES)
        for name in draw(st.lists(OSS_HEADER_NAMES, unique=True, max_size=5))
    }
    if draw(st.booleans()):
        headers[draw(st.sampled_from(["Content-Type", "content-type"]))] = draw(CONTENT_TYPES)
    if draw(st.booleans()):
        headers["Content-MD5"] = draw(CONTENT_MD5S)
    return headers


@st.composite
def queries(draw: st.DrawFn, signed: list[str] | None, unique: bool) -> tuple[tuple[str, str], ...]:
    """Query pairs. With `signed` (V1): names from that list plus names no SDK signs; with None (V4): any names."""
    if signed is None:
        names = st.one_of(
            st.sampled_from(EXAMPLE_SUBRESOURCES + UNSIGNED_PARAMETERS), st.text(TEXT_CHARS, min_size=1, max_size=10)
        )
    else:
        unsigned = st.text(TEXT_CHARS, min_size=1, max_size=10).filter(lambda n: n not in EVERY_V1_SUBRESOURCE)
        names = st.one_of(st.sampled_from(signed), st.sampled_from(UNSIGNED_PARAMETERS), unsigned)
    chosen = draw(st.lists(names, unique=unique, max_size=6))
    return tuple((name, draw(QUERY_VALUES)) for name in chosen)


@st.composite
def v1_requests(draw: st.DrawFn, signed: list[str], unique: bool) -> Request:
    bucket, key = draw(resources())
    headers = draw(oss_headers())
    if draw(st.booleans()):
        headers["x-oss-date"] = format_datetime(draw(SAFE_TIMES), usegmt=True)
    return Request(draw(METHODS), bucket, key, headers, draw(queries(signed, unique)))


@st.composite
def v4_requests(draw: st.DrawFn, unique: bool) -> tuple[Request, list[str]]:
    """A request and the AdditionalHeaders asked of the SDK (some present, some absent, some default-signed)."""
    bucket, key = draw(resources())
    headers = draw(oss_headers())
    for name in draw(st.lists(st.sampled_from(ADDITIONAL_POOL), unique=True)):
        headers[draw(NAME_SPELLINGS)(name)] = draw(HEADER_VALUES)
    wanted = draw(st.lists(st.sampled_from([*ADDITIONAL_POOL, "content-type", "x-oss-meta-a"]), unique=True))
    wanted = [draw(NAME_SPELLINGS)(name) for name in wanted]
    return Request(draw(METHODS), bucket, key, headers, draw(queries(None, unique))), wanted


PROPERTY = settings(
    max_examples=200, deadline=None, database=None, print_blob=True, suppress_health_check=[HealthCheck.too_slow]
)


def _assert_round_trip(req: Request, wire: Wire) -> None:
    """What the server decodes is what the SDK signed (so the comparison below compares like with like)."""
    # Visible with --hypothesis-show-statistics: how much of the input space the examples reach.
    event(f"resource: {'service' if req.bucket is None else 'bucket' if not req.key else 'object'}")
    event(f"non-ASCII key: {any(ord(c) > 0x7E for c in req.key or '')}")
    event(f"V1 sub-resources in query: {sum(name in signing.V1_SUBRESOURCES for name, _ in req.query)}")
    event(f"repeated query name: {len({name for name, _ in req.query}) < len(req.query)}")
    fields = signing.parse_v4_authorization(wire.authorization) if "OSS4" in wire.authorization else {}
    event(f"AdditionalHeaders declared: {'AdditionalHeaders' in fields}")
    bucket, key, query = sdk.server_view(wire)
    assert (bucket, key or "") == (req.bucket, req.key or "")
    assert query == list(req.query)


# ================================================================ differential: V1


@PROPERTY
@given(req=v1_requests(OSS2_COMMON_SUBRESOURCES, unique=True), when=SAFE_TIMES)
def test_v1_matches_oss2(req: Request, when: dt.datetime) -> None:
    # oss2 keeps the query in a dict, so names are unique; sub-resources are restricted to the names both lists
    # share (the rest: test_v1_subresource_lists_differ_from_oss2).
    wire = sdk.oss2_v1_sign(req, format_datetime(when, usegmt=True))
    _assert_round_trip(req, wire)
    assert verify_v1(wire) == wire.authorization


@PROPERTY
@given(req=v1_requests(V2_COMMON_SUBRESOURCES, unique=False), when=SAFE_TIMES)
def test_v1_matches_python_v2(req: Request, when: dt.datetime) -> None:
    # python-v2 signs its fixed list plus whatever the operation declares; declare what an operation would. The
    # names only one side signs are left out here (test_v1_subresource_lists_differ_from_python_v2).
    declared = [name for name, _ in req.query if name in sdk.V2_V1_OPERATION_SUBRESOURCES]
    wire = sdk.v2_v1_sign(req, when, sub_resource=declared)
    _assert_round_trip(req, wire)
    assert verify_v1(wire) == wire.authorization


# ================================================================ differential: V4


@PROPERTY
@given(case=v4_requests(unique=True), when=SAFE_TIMES, region=REGIONS)
def test_v4_matches_oss2(case: tuple[Request, list[str]], when: dt.datetime, region: str) -> None:
    req, wanted = case
    wire = sdk.oss2_v4_sign(req, when, region, wanted or None)
    _assert_round_trip(req, wire)
    assert _normalized_v4(verify_v4(wire, region)) == _normalized_v4(wire.authorization)


@PROPERTY
@given(case=v4_requests(unique=False), when=SAFE_TIMES, region=REGIONS)
def test_v4_matches_python_v2(case: tuple[Request, list[str]], when: dt.datetime, region: str) -> None:
    req, wanted = case
    wire = sdk.v2_v4_sign(req, when, region, wanted or None)
    _assert_round_trip(req, wire)
    assert verify_v4(wire, region) == wire.authorization  # same layout, so the whole header compares


@PROPERTY
@given(case=v4_requests(unique=True), when=SAFE_TIMES, region=REGIONS)
def test_v4_client_side_matches_both_sdks(case: tuple[Request, list[str]], when: dt.datetime, region: str) -> None:
    """Signing the logical request ourselves (as our client does) gives the SDKs' signature, given the
    AdditionalHeaders list each SDK settled on."""
    req, wanted = case
    stamp = _stamp(when)
    for wire in (
        sdk.oss2_v4_sign(req, when, region, wanted or None),
        sdk.v2_v4_sign(req, when, region, wanted or None),
    ):
        declared = signing.parse_v4_authorization(wire.authorization).get("AdditionalHeaders", "")
        ours = ours_v4(req, stamp, region, [name for name in declared.split(";") if name])
        assert _normalized_v4(ours) == _normalized_v4(wire.authorization)


# ================================================================ known differences (pinned, with exact inputs)

OBJECT = ("examplebucket", "nelson")

# V1 sub-resources one side signs and the other does not. Request: GET /examplebucket/nelson?<name>=v.
# Our V1 list is the union of both SDKs' lists, so the only differences left are names one SDK signs and the
# other sends unsigned. Pinned: if an SDK changes its list, update these to what is then true.
KNOWN_V1_ONLY_OURS_NOT_OSS2 = frozenset(
    """MetaQuery action cleanRestoredObject cloudboxes dataPipeline legalHold metadataConfiguration
    metadataInventoryTable metadataJournalTable objectWorm overwriteConfig policyStatus quota retention rtc seal
    userDefinedLogFieldsConfig""".split()
)
KNOWN_V1_ONLY_OURS_NOT_V2 = frozenset(
    """asyncFetch endTime group link live objectInfo qos qosInfo qosRequester requesterQosInfo resourcePool
    resourcePoolBuckets resourcePoolInfo startTime status vod x-oss-ac-forward-allow x-oss-ac-source-ip
    x-oss-ac-subnet-mask x-oss-ac-vpc-id x-oss-async-process x-oss-process x-oss-request-payer x-oss-traffic-limit
    x-oss-write-get-object-response""".split()
)


def _v1_disagreements(sign: Callable[[Request], Wire], candidates: Iterable[str]) -> set[str]:
    """The names for which the SDK's V1 signature of GET /examplebucket/nelson?<name>=v is not ours."""
    out = set()
    for name in sorted(candidates):
        wire = sign(Request("GET", *OBJECT, {"x-oss-date": "Wed, 28 Dec 2022 10:27:41 GMT"}, ((name, "v"),)))
        if verify_v1(wire) != wire.authorization:
            out.add(name)
    return out


def test_v1_subresource_lists_differ_from_oss2() -> None:
    # Pinned: if signing.V1_SUBRESOURCES (or oss2) changes, update the KNOWN_* sets to what is then true.
    found = _v1_disagreements(lambda req: sdk.oss2_v1_sign(req, "x"), EVERY_V1_SUBRESOURCE)
    assert found == KNOWN_V1_ONLY_OURS_NOT_OSS2


def test_v1_subresource_lists_differ_from_python_v2() -> None:
    # Pinned like the oss2 one; python-v2 is given each operation's own sub-resource list, as its client does.
    when = dt.datetime(2022, 12, 28, tzinfo=dt.UTC)

    def sign(req: Request) -> Wire:
        declared = [name for name, _ in req.query if name in sdk.V2_V1_OPERATION_SUBRESOURCES]
        return sdk.v2_v1_sign(req, when, sub_resource=declared)

    found = _v1_disagreements(sign, EVERY_V1_SUBRESOURCE)
    assert found == KNOWN_V1_ONLY_OURS_NOT_V2


def test_v1_x_oss_process_sdks_disagree() -> None:
    """GET /examplebucket/nelson?x-oss-process=image/resize,w_100: oss2 signs the parameter, python-v2 does not
    (GetObjectRequest(process=...) with the V1 signer). No server can accept both; we follow oss2."""
    req = Request(
        "GET", *OBJECT, {"x-oss-date": "Wed, 28 Dec 2022 10:27:41 GMT"}, (("x-oss-process", "image/resize,w_100"),)
    )
    oss2_wire = sdk.oss2_v1_sign(req, "x")
    v2_wire = sdk.v2_v1_sign(req, dt.datetime(2022, 12, 28, tzinfo=dt.UTC))
    assert oss2_wire.authorization != v2_wire.authorization
    assert verify_v1(oss2_wire) == oss2_wire.authorization
    assert verify_v1(v2_wire) != v2_wire.authorization


SIGNERS = {
    "oss2-v1": lambda req: sdk.oss2_v1_sign(req, "Wed, 28 Dec 2022 10:27:41 GMT"),
    "v2-v1": lambda req: sdk.v2_v1_sign(req, dt.datetime(2022, 12, 28, 10, 27, 41, tzinfo=dt.UTC)),
    "oss2-v4": lambda req: sdk.oss2_v4_sign(req, dt.datetime(2023, 12, 16, tzinfo=dt.UTC), "cn-hangzhou"),
    "v2-v4": lambda req: sdk.v2_v4_sign(req, dt.datetime(2023, 12, 16, tzinfo=dt.UTC), "cn-hangzhou"),
}


@pytest.mark.parametrize("signer", SIGNERS)
def test_header_value_white_space_is_trimmed_sdks_do_not(signer: str) -> None:
    """PUT /examplebucket/nelson with `x-oss-meta-author: "alice "` (trailing space, which requests sends as is).

    Every SDK signs the value untrimmed (`alice `); our signer trims it (`alice`), as the documentation says and
    as an HTTP server's parser does before the application sees the header. So the SDK's signature is the one
    of the untrimmed value and ours equals the SDK's signature of the trimmed value."""
    sign = SIGNERS[signer]
    padded = sign(Request("PUT", *OBJECT, {"x-oss-meta-author": "alice "}))
    trimmed = sign(Request("PUT", *OBJECT, {"x-oss-meta-author": "alice"}))
    assert padded.authorization != trimmed.authorization
    if signer.endswith("v1"):
        assert verify_v1(padded) == trimmed.authorization
    else:
        assert _normalized_v4(verify_v4(padded, "cn-hangzhou")) == _normalized_v4(trimmed.authorization)


def test_v4_additional_headers_oss2_orders_by_first_letter_only() -> None:
    """oss2 sorts the requested AdditionalHeaders with `key=lambda x: x[0]`: asked for ["zb", "za"] it sends
    `AdditionalHeaders=zb;za` but signs the canonical list `za;zb`. A verifier must sort the declared list."""
    req = Request("GET", *OBJECT, {"za": "1", "zb": "2"})
    wire = sdk.oss2_v4_sign(req, dt.datetime(2023, 12, 16, tzinfo=dt.UTC), "cn-hangzhou", ["zb", "za"])
    assert signing.parse_v4_authorization(wire.authorization)["AdditionalHeaders"] == "zb;za"
    assert _normalized_v4(verify_v4(wire, "cn-hangzhou")) == _normalized_v4(wire.authorization)


def test_v4_additional_headers_sdks_disagree_on_absent_headers() -> None:
    """GET /examplebucket/nelson asking for AdditionalHeaders ["abc", "zabc"] with only `abc` present:
    oss2 declares and signs `abc;zabc` (zabc contributes no canonical header line), python-v2 drops `zabc`.
    Our signer follows whatever list the request declares, so it verifies both."""
    req = Request("GET", *OBJECT, {"abc": "1"})
    when = dt.datetime(2023, 12, 16, tzinfo=dt.UTC)
    oss2_wire = sdk.oss2_v4_sign(req, when, "cn-hangzhou", ["abc", "zabc"])
    v2_wire = sdk.v2_v4_sign(req, when, "cn-hangzhou", ["abc", "zabc"])
    assert signing.parse_v4_authorization(oss2_wire.authorization)["AdditionalHeaders"] == "abc;zabc"
    assert signing.parse_v4_authorization(v2_wire.authorization)["AdditionalHeaders"] == "abc"
    assert _normalized_v4(verify_v4(oss2_wire, "cn-hangzhou")) == _normalized_v4(oss2_wire.authorization)
    assert verify_v4(v2_wire, "cn-hangzhou") == v2_wire.authorization


@pytest.mark.parametrize("name", ["content-type", "Content-MD5", "x-oss-meta-a"])
def test_v4_additional_headers_default_signed_names_are_not_dropped(name: str) -> None:
    """Both SDKs drop default-signed names (x-oss-*, content-type, content-md5) from a requested AdditionalHeaders
    list. Our functions take the list as given and put it in the canonical request, so a caller (our client) must
    pass only non-default names. Request: PUT /examplebucket/nelson, headers abc/content-type/content-md5/
    x-oss-meta-a, AdditionalHeaders [abc, <name>]."""
    headers = {"abc": "1", "Content-Type": "text/plain", "Content-MD5": "eB5eJF1ptWaXm4bijSPyxw==", "x-oss-meta-a": "b"}
    req = Request("PUT", *OBJECT, headers)
    when = dt.datetime(2023, 12, 16, tzinfo=dt.UTC)
    stamp = _stamp(when)
    for wire in (
        sdk.oss2_v4_sign(req, when, "cn-hangzhou", ["abc", name]),
        sdk.v2_v4_sign(req, when, "cn-hangzhou", ["abc", name]),
    ):
        assert _normalized_v4(wire.authorization)["AdditionalHeaders"] == "abc"
        assert _normalized_v4(ours_v4(req, stamp, "cn-hangzhou", ["abc"])) == _normalized_v4(wire.authorization)
        assert ours_v4(req, stamp, "cn-hangzhou", ["abc", name]) != wire.authorization


def test_query_must_be_form_decoded_for_oss2() -> None:
    """GET /examplebucket/nelson?versionId=a b&prefix=x+y (decoded). oss2 hands its params to requests, which
    form-encodes them: the wire says `versionId=a+b&prefix=x%2By`. Percent-decoding alone (`unquote`) reads
    versionId `a+b`, which is not what oss2 signed; form decoding (`+` is a space) reads `a b`. python-v2 sends
    `%20` and `%2B`, on which both decodings agree, so form decoding is the one that serves both SDKs."""
    req = Request(
        "GET", *OBJECT, {"x-oss-date": "Wed, 28 Dec 2022 10:27:41 GMT"}, (("versionId", "a b"), ("prefix", "x+y"))
    )
    wire = SIGNERS["oss2-v1"](req)
    query = urlsplit(wire.url).query
    assert query == "versionId=a+b&prefix=x%2By"
    assert sdk.server_view(wire)[2] == list(req.query)
    assert verify_v1(wire) == wire.authorization
    plain = [(unquote(n), unquote(v)) for n, _, v in (item.partition("=") for item in query.split("&"))]
    assert plain == [("versionId", "a+b"), ("prefix", "x+y")]
    text = signing.v1_string_to_sign("GET", *OBJECT, _received_headers(wire), plain)
    assert signing.v1_authorization(AK, SK, text) != wire.authorization
