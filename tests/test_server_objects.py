"""Reference server: object operations and their common attributes (docs/oss-facts.md §1.2, §3.4, §4, §5)."""

from __future__ import annotations

import base64
import hashlib
import itertools
import time
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st
from server_support import client_for, error_fields, module_server, wait_restored

from conformance import digests
from conformance.server.crc64 import crc64_ecma
from conformance.server.xmlutil import http_date

BUCKET, VERSIONED, WORM = "oss-conformance", "oss-conformance-versioned", "oss-conformance-worm"
_counter = itertools.count()


server = module_server()


@pytest.fixture
def client(server):
    return client_for(server, "v1")


@pytest.fixture
def key():
    return f"objects/key-{next(_counter)}"


def code(reply) -> tuple[int, str]:
    return reply.status_code, error_fields(reply.content)["Code"] if reply.content else ""


def md5_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def test_put_get_head(client, key):
    reply = client.request("PUT", BUCKET, key, body=b"hello", headers={"Content-Type": "text/plain"})
    assert reply.headers["ETag"] == '"5D41402ABC4B2A76B9719D911017C592"'
    head = client.request("HEAD", BUCKET, key)
    assert head.headers["Content-Length"] == "5"
    assert head.headers["Content-Type"] == "text/plain"
    assert head.headers["x-oss-object-type"] == "Normal"
    assert head.content == b""
    assert client.request("GET", BUCKET, key).content == b"hello"


def test_default_content_type_and_standard_headers(client, key):
    headers = {"Cache-Control": "no-cache", "Content-Disposition": "attachment", "Content-Language": "en"}
    client.request("PUT", BUCKET, key, body=b"x", headers=headers)
    got = client.request("GET", BUCKET, key).headers
    assert got["Content-Type"] == "application/octet-stream"
    assert all(got[name] == value for name, value in headers.items())


def test_content_md5(client, key):
    assert client.request("PUT", BUCKET, key, body=b"abc", headers={"Content-MD5": md5_b64(b"abc")}).ok
    assert code(client.request("PUT", BUCKET, key, body=b"abc", headers={"Content-MD5": md5_b64(b"x")})) == (
        400,
        "InvalidDigest",
    )


@pytest.mark.parametrize(
    ("header", "want"),
    [
        ("bytes=1-3", (206, b"123", "bytes 1-3/10")),
        ("bytes=7-", (206, b"789", "bytes 7-9/10")),
        ("bytes=-2", (206, b"89", "bytes 8-9/10")),
        ("bytes=5-100", (200, b"0123456789", None)),  # past the end: ignored unless range behaviour is standard
        ("bytes=10-20", (200, b"0123456789", None)),
        ("bytes=3-1", (200, b"0123456789", None)),
        ("bytes=abc", (200, b"0123456789", None)),
        ("bytes=0-1,3-4", (200, b"0123456789", None)),
    ],
)
def test_range(client, key, header, want):
    client.request("PUT", BUCKET, key, body=b"0123456789")
    reply = client.request("GET", BUCKET, key, headers={"Range": header})
    assert (reply.status_code, reply.content, reply.headers.get("Content-Range")) == want


@pytest.mark.parametrize(
    ("header", "want"),
    [
        ("bytes=5-100", (206, "bytes 5-9/10")),
        ("bytes=10-20", (416, "bytes */10")),
        ("bytes=1-3", (206, "bytes 1-3/10")),
    ],
)
def test_range_behavior_standard(client, key, header, want):
    client.request("PUT", BUCKET, key, body=b"0123456789")
    reply = client.request("GET", BUCKET, key, headers={"Range": header, "x-oss-range-behavior": "standard"})
    assert (reply.status_code, reply.headers.get("Content-Range")) == want


def test_conditionals(client, key):
    etag = client.request("PUT", BUCKET, key, body=b"c").headers["ETag"]
    modified = client.request("HEAD", BUCKET, key).headers["Last-Modified"]
    earlier = http_date(time.time() - 3600)
    assert client.request("GET", BUCKET, key, headers={"If-Match": etag}).status_code == 200
    assert code(client.request("GET", BUCKET, key, headers={"If-Match": '"00"'})) == (412, "PreconditionFailed")
    assert client.request("GET", BUCKET, key, headers={"If-None-Match": etag}).status_code == 304
    assert client.request("GET", BUCKET, key, headers={"If-Modified-Since": modified}).status_code == 304
    assert client.request("GET", BUCKET, key, headers={"If-Modified-Since": earlier}).status_code == 200
    assert code(client.request("GET", BUCKET, key, headers={"If-Unmodified-Since": earlier}))[0] == 412
    assert client.request("HEAD", BUCKET, key, headers={"If-None-Match": etag}).status_code == 304


def test_user_meta_names_and_size(client, key):
    reply = client.request("PUT", BUCKET, key, body=b"", headers={"x-oss-meta-Mixed-Case": "v"})
    assert reply.ok
    assert client.request("HEAD", BUCKET, key).headers["x-oss-meta-mixed-case"] == "v"
    bad = client.request("PUT", BUCKET, key, headers={"x-oss-meta-under_score": "v"})
    assert (bad.status_code, error_fields(bad.content)["EC"]) == (400, "0011-00000004")
    name = "x-oss-meta-big"
    exact = {name: "v" * (8192 - len(name))}  # name + value = 8192 bytes: allowed
    assert client.request("PUT", BUCKET, key, headers=exact).ok
    over = {name: "v" * (8193 - len(name))}
    reply = client.request("PUT", BUCKET, key, headers=over)
    assert (reply.status_code, error_fields(reply.content)["Code"], error_fields(reply.content)["EC"]) == (
        400,
        "InvalidArgument",
        "0011-00000002",
    )


def test_storage_class_values(client, key):
    for value in ("Standard", "IA", "Archive", "ColdArchive", "DeepColdArchive"):
        assert client.request("PUT", BUCKET, key, headers={"x-oss-storage-class": value}).ok
        assert client.request("HEAD", BUCKET, key).headers["x-oss-storage-class"] == value
    for value in ("standard", "Glacier"):
        assert code(client.request("PUT", BUCKET, key, headers={"x-oss-storage-class": value})) == (
            400,
            "InvalidArgument",
        )


def test_forbid_overwrite(client, key):
    assert client.request("PUT", BUCKET, key, body=b"1", headers={"x-oss-forbid-overwrite": "true"}).ok
    reply = client.request("PUT", BUCKET, key, body=b"2", headers={"x-oss-forbid-overwrite": "true"})
    assert (reply.status_code, error_fields(reply.content)["Code"], error_fields(reply.content)["EC"]) == (
        409,
        "FileAlreadyExists",
        "0026-00000002",
    )
    assert client.request("PUT", BUCKET, key, body=b"3", headers={"x-oss-forbid-overwrite": "false"}).ok
    bad = client.request("PUT", BUCKET, key, body=b"4", headers={"x-oss-forbid-overwrite": "maybe"})
    assert (bad.status_code, error_fields(bad.content)["EC"]) == (400, "0017-00000279")
    assert client.request("PUT", VERSIONED, key, body=b"1", headers={"x-oss-forbid-overwrite": "true"}).ok
    assert client.request("PUT", VERSIONED, key, body=b"2", headers={"x-oss-forbid-overwrite": "true"}).ok


def test_object_acl(client, key):
    assert code(client.request("PUT", BUCKET, key, headers={"x-oss-object-acl": "world"})) == (400, "InvalidArgument")
    client.request("PUT", BUCKET, key, body=b"x")
    grant = ET.fromstring(client.request("GET", BUCKET, key, query={"acl": ""}).content).find(".//Grant")
    assert grant is not None and grant.text == "default"
    assert client.request("PUT", BUCKET, key, query={"acl": ""}, headers={"x-oss-object-acl": "public-read"}).ok
    grant = ET.fromstring(client.request("GET", BUCKET, key, query={"acl": ""}).content).find(".//Grant")
    assert grant is not None and grant.text == "public-read"


def _tagging(tags: dict[str, str]) -> bytes:
    inner = "".join(f"<Tag><Key>{k}</Key><Value>{v}</Value></Tag>" for k, v in tags.items())
    return f"<Tagging><TagSet>{inner}</TagSet></Tagging>".encode()


def test_tagging(client, key):
    client.request("PUT", BUCKET, key, body=b"x", headers={"x-oss-tagging": "a=1&b=two%20words"})
    assert client.request("HEAD", BUCKET, key).headers["x-oss-tagging-count"] == "2"
    root = ET.fromstring(client.request("GET", BUCKET, key, query={"tagging": ""}).content)
    assert [(t.findtext("Key"), t.findtext("Value")) for t in root.iter("Tag")] == [("a", "1"), ("b", "two words")]
    assert client.request("PUT", BUCKET, key, query={"tagging": ""}, body=_tagging({"c": "3"})).ok
    assert client.request("DELETE", BUCKET, key, query={"tagging": ""}).status_code == 204
    assert list(ET.fromstring(client.request("GET", BUCKET, key, query={"tagging": ""}).content).iter("Tag")) == []
    too_many = "&".join(f"k{i}=v" for i in range(11))
    assert code(client.request("PUT", BUCKET, key, headers={"x-oss-tagging": too_many})) == (400, "InvalidArgument")
    ten = {f"k{i}": "v" for i in range(10)}
    assert client.request("PUT", BUCKET, key, query={"tagging": ""}, body=_tagging(ten)).ok


def test_append(client, key):
    reply = client.request("POST", BUCKET, key, query={"append": "", "position": "0"}, body=b"ab")
    assert reply.headers["x-oss-next-append-position"] == "2"
    assert client.request("POST", BUCKET, key, query={"append": "", "position": "2"}, body=b"cd").ok
    head = client.request("HEAD", BUCKET, key)
    assert head.headers["x-oss-object-type"] == "Appendable"
    wrong = client.request("POST", BUCKET, key, query={"append": "", "position": "1"}, body=b"x")
    assert code(wrong) == (409, "PositionNotEqualToLength")
    assert wrong.headers["x-oss-next-append-position"] == "4"
    assert client.request("GET", BUCKET, key).content == b"abcd"
    client.request("PUT", BUCKET, key, body=b"normal")
    assert code(client.request("POST", BUCKET, key, query={"append": "", "position": "6"})) == (
        409,
        "ObjectNotAppendable",
    )


def test_copy_object(client, key):
    client.request("PUT", BUCKET, key, body=b"src", headers={"x-oss-meta-a": "1", "Content-Type": "text/plain"})
    source = f"/{BUCKET}/{key.replace('/', '%2F')}"
    copied = client.request("PUT", BUCKET, key + "-copy", headers={"x-oss-copy-source": source})
    assert copied.status_code == 200
    assert ET.fromstring(copied.content).findtext("ETag") == '"' + hashlib.md5(b"src").hexdigest().upper() + '"'
    head = client.request("HEAD", BUCKET, key + "-copy").headers
    assert (head["x-oss-meta-a"], head["Content-Type"]) == ("1", "text/plain")
    replaced = {"x-oss-copy-source": source, "x-oss-metadata-directive": "REPLACE", "x-oss-meta-b": "2"}
    client.request("PUT", BUCKET, key + "-copy2", headers=replaced)
    head = client.request("HEAD", BUCKET, key + "-copy2").headers
    assert "x-oss-meta-a" not in head and head["x-oss-meta-b"] == "2"
    missing = {"x-oss-copy-source": f"/{BUCKET}/objects%2Fnope"}
    assert code(client.request("PUT", BUCKET, key + "-copy3", headers=missing)) == (404, "NoSuchKey")


@pytest.mark.parametrize("spelling", ["REPLACE", "Replace", "replace"])
def test_copy_directives_in_any_case(client, key, spelling):
    client.request("PUT", BUCKET, key, body=b"src", headers={"x-oss-meta-a": "1", "x-oss-tagging": "t=1"})
    source = f"/{BUCKET}/{key.replace('/', '%2F')}"
    headers = {"x-oss-copy-source": source, "x-oss-metadata-directive": spelling, "x-oss-tagging-directive": spelling}
    assert client.request("PUT", BUCKET, key + "-copy", headers=headers).status_code == 200
    assert "x-oss-meta-a" not in client.request("HEAD", BUCKET, key + "-copy").headers
    tags = ET.fromstring(client.request("GET", BUCKET, key + "-copy", query={"tagging": ""}).content)
    assert tags.find("TagSet/Tag") is None


def test_delete_is_idempotent(client, key):
    client.request("PUT", BUCKET, key, body=b"x")
    assert client.request("DELETE", BUCKET, key).status_code == 204
    assert client.request("DELETE", BUCKET, key).status_code == 204
    assert code(client.request("GET", BUCKET, key)) == (404, "NoSuchKey")


def test_delete_multiple(client, key):
    for suffix in ("a", "b"):
        client.request("PUT", BUCKET, f"{key}/{suffix}", body=b"x")
    body = (
        f"<Delete><Quiet>false</Quiet><Object><Key>{key}/a</Key></Object><Object><Key>{key}/b</Key></Object></Delete>"
    )
    reply = client.request(
        "POST", BUCKET, None, query={"delete": ""}, body=body.encode(), headers={"Content-MD5": md5_b64(body.encode())}
    )
    assert [n.text for n in ET.fromstring(reply.content).iter("Key")] == [f"{key}/a", f"{key}/b"]
    quiet = body.replace("false", "true").encode()
    reply = client.request(
        "POST", BUCKET, None, query={"delete": ""}, body=quiet, headers={"Content-MD5": md5_b64(quiet)}
    )
    assert list(ET.fromstring(reply.content).iter("Deleted")) == []
    assert client.request("POST", BUCKET, None, query={"delete": ""}, body=quiet).status_code == 400


def test_restore_archive(client, key):
    client.request("PUT", BUCKET, key, body=b"cold", headers={"x-oss-storage-class": "Archive"})
    assert code(client.request("GET", BUCKET, key)) == (403, "InvalidObjectState")
    assert client.request("HEAD", BUCKET, key).status_code == 200
    assert client.request("POST", BUCKET, key, query={"restore": ""}).status_code == 202
    assert code(client.request("POST", BUCKET, key, query={"restore": ""})) == (409, "RestoreAlreadyInProgress")
    assert client.request("HEAD", BUCKET, key).headers["x-oss-restore"] == 'ongoing-request="true"'
    assert code(client.request("GET", BUCKET, key)) == (403, "InvalidObjectState")
    assert wait_restored(client, BUCKET, key)
    assert client.request("POST", BUCKET, key, query={"restore": ""}).status_code == 200
    assert client.request("GET", BUCKET, key).content == b"cold"
    client.request("PUT", BUCKET, key + "-std", body=b"x")
    assert code(client.request("POST", BUCKET, key + "-std", query={"restore": ""})) == (400, "OperationNotSupported")


def test_worm_bucket(client, key):
    assert client.request("PUT", WORM, key, body=b"keep").ok
    assert code(client.request("PUT", WORM, key, body=b"new")) == (409, "FileImmutable")
    assert code(client.request("DELETE", WORM, key)) == (409, "FileImmutable")
    assert client.request("GET", WORM, key).content == b"keep"


def _keys(reply) -> list[str]:
    return [node.text or "" for node in ET.fromstring(reply.content).iter("Key")]


def test_list_objects_v1_and_v2(client):
    prefix = f"list-{next(_counter)}/"
    for name in ("a", "b/1", "b/2", "c"):
        client.request("PUT", BUCKET, prefix + name, body=b"x")
    reply = client.request("GET", BUCKET, None, query={"prefix": prefix, "delimiter": "/"})
    root = ET.fromstring(reply.content)
    assert _keys(reply) == [prefix + "a", prefix + "c"]
    assert [p.text for p in root.iter("Prefix")][1:] == [prefix + "b/"]
    page = client.request("GET", BUCKET, None, query={"prefix": prefix, "max-keys": "2"})
    root = ET.fromstring(page.content)
    assert (root.findtext("IsTruncated"), root.findtext("NextMarker")) == ("true", prefix + "b/1")
    rest = client.request("GET", BUCKET, None, query={"prefix": prefix, "marker": prefix + "b/1"})
    assert _keys(rest) == [prefix + "b/2", prefix + "c"]
    v2 = client.request("GET", BUCKET, None, query={"list-type": "2", "prefix": prefix, "max-keys": "3"})
    root = ET.fromstring(v2.content)
    assert root.findtext("KeyCount") == "3" and root.find(".//Owner") is None
    token = root.findtext("NextContinuationToken") or ""
    more = client.request("GET", BUCKET, None, query={"list-type": "2", "prefix": prefix, "continuation-token": token})
    assert _keys(more) == [prefix + "c"]
    after = client.request(
        "GET", BUCKET, None, query={"list-type": "2", "prefix": prefix, "start-after": prefix + "b/2"}
    )
    assert _keys(after) == [prefix + "c"]


def test_versioning(client, key):
    first = client.request("PUT", VERSIONED, key, body=b"1").headers["x-oss-version-id"]
    second = client.request("PUT", VERSIONED, key, body=b"2").headers["x-oss-version-id"]
    assert first != second
    assert client.request("GET", VERSIONED, key, query={"versionId": first}).content == b"1"
    deleted = client.request("DELETE", VERSIONED, key)
    assert deleted.headers["x-oss-delete-marker"] == "true"
    marker = deleted.headers["x-oss-version-id"]
    reply = client.request("GET", VERSIONED, key)
    assert code(reply) == (404, "NoSuchKey")
    assert (reply.headers["x-oss-delete-marker"], reply.headers["x-oss-version-id"]) == ("true", marker)
    assert client.request("GET", VERSIONED, key, query={"versionId": marker}).status_code == 405
    listing = ET.fromstring(client.request("GET", VERSIONED, None, query={"versions": "", "prefix": key}).content)
    assert [node.tag for node in listing if node.tag in ("Version", "DeleteMarker")] == [
        "DeleteMarker",
        "Version",
        "Version",
    ]
    assert client.request("DELETE", VERSIONED, key, query={"versionId": marker}).status_code == 204
    assert client.request("GET", VERSIONED, key).content == b"2"


def test_bucket_versioning_configuration(client):
    bucket = f"versioning-{next(_counter)}"
    assert client.request("PUT", bucket, None).status_code == 200  # a fresh bucket: other tests keep theirs
    assert list(ET.fromstring(client.request("GET", bucket, None, query={"versioning": ""}).content)) == []
    config = b"<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>"
    assert client.request("PUT", bucket, None, query={"versioning": ""}, body=config).ok
    reply = client.request("GET", bucket, None, query={"versioning": ""})
    assert ET.fromstring(reply.content).findtext("Status") == "Enabled"
    suspended = config.replace(b"Enabled", b"Suspended")
    assert client.request("PUT", bucket, None, query={"versioning": ""}, body=suspended).ok
    reply = client.request("PUT", bucket, "objects/suspended", body=b"x")
    assert reply.headers["x-oss-version-id"] == "null"
    bad = config.replace(b"Enabled", b"On")
    assert client.request("PUT", bucket, None, query={"versioning": ""}, body=bad).status_code == 400
    assert code(client.request("DELETE", bucket, None)) == (409, "BucketNotEmpty")


def test_list_versions_pagination(client, key):
    for body in (b"1", b"2", b"3"):
        client.request("PUT", VERSIONED, key, body=body)
    seen, query = [], {"versions": "", "prefix": key, "max-keys": "2"}
    while True:
        root = ET.fromstring(client.request("GET", VERSIONED, None, query=query).content)
        seen += [node.findtext("VersionId") for node in root.iter("Version")]
        if root.findtext("IsTruncated") != "true":
            break
        query = {
            **query,
            "key-marker": root.findtext("NextKeyMarker") or "",
            "version-id-marker": root.findtext("NextVersionIdMarker") or "",
        }
    assert len(seen) == len(set(seen)) == 3


def test_response_header_overrides(client, key):
    client.request("PUT", BUCKET, key, body=b"x")
    query = {"response-content-type": "text/csv", "response-content-disposition": "attachment; filename=a.csv"}
    headers = client.request("GET", BUCKET, key, query=query).headers
    assert (headers["Content-Type"], headers["Content-Disposition"]) == ("text/csv", "attachment; filename=a.csv")


def test_listing_url_encoding(client, key):
    name = key + "/sp ace+plus\x0c"
    client.request("PUT", BUCKET, name, body=b"x")
    root = ET.fromstring(
        client.request("GET", BUCKET, None, query={"prefix": key + "/", "encoding-type": "url"}).content
    )
    assert root.findtext("EncodingType") == "url"
    assert root.findtext("Contents/Key") == key + "/sp%20ace%2Bplus%0C"
    bad = client.request("GET", BUCKET, None, query={"encoding-type": "base64"})
    assert code(bad) == (400, "InvalidArgument")


@given(first=st.binary(max_size=300), second=st.binary(max_size=300))
def test_server_crc64_is_the_definitions_and_continues(first, second):
    """The server's CRC (crcmod) equals the suite's bit-by-bit one, and continues across appended pieces."""
    assert crc64_ecma(first) == digests.crc64_ecma(first)
    assert crc64_ecma(second, crc64_ecma(first)) == digests.crc64_ecma(first + second)
