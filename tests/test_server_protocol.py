"""Reference server: wire protocol (error replies, request ids, addressing, query parsing, names).
docs/oss-facts.md §5, §6.1, §6.5."""

from __future__ import annotations

import base64
import http.client
import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from server_support import client_for, error_fields, module_server

BUCKET = "oss-conformance"


server = module_server()


@pytest.fixture
def client(server):
    return client_for(server, "v4")


def test_error_xml_shape(client):
    reply = client.request("GET", BUCKET, "protocol/missing")
    assert reply.status_code == 404
    assert reply.headers["Content-Type"] == "application/xml"
    assert reply.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    fields = error_fields(reply.content)
    assert list(fields)[:4] == ["Code", "Message", "RequestId", "HostId"]
    assert fields["Code"] == "NoSuchKey"
    assert fields["Key"] == "protocol/missing"
    assert fields["EC"] == "0026-00000001" == reply.headers["x-oss-ec"]
    assert fields["RecommendDoc"] == "https://api.aliyun.com/troubleshoot?q=0026-00000001"
    assert fields["RequestId"] == reply.headers["x-oss-request-id"]


def test_common_headers_and_unique_request_ids(client):
    ids = set()
    for _ in range(20):
        reply = client.request("GET", BUCKET, None)
        assert reply.headers["Server"] == "AliyunOSS"
        assert reply.headers["Date"].endswith("GMT")
        assert re.fullmatch(r"[0-9A-F]{24}", reply.headers["x-oss-request-id"])
        ids.add(reply.headers["x-oss-request-id"])
    assert len(ids) == 20


def test_head_error_has_no_body_and_x_oss_err(client):
    reply = client.request("HEAD", BUCKET, "protocol/missing")
    assert reply.status_code == 404
    assert reply.content == b""
    fields = error_fields(base64.b64decode(reply.headers["x-oss-err"]))
    assert (fields["Code"], fields["EC"]) == ("NoSuchKey", "0026-00000001")
    assert reply.headers["x-oss-ec"] == "0026-00000001"


def test_missing_bucket(client):
    reply = client.request("GET", "no-such-bucket-here", "key", query={"symlink": ""})
    fields = error_fields(reply.content)
    assert (reply.status_code, fields["Code"], fields["EC"]) == (404, "NoSuchBucket", "0015-00000101")
    assert fields["BucketName"] == "no-such-bucket-here"


@pytest.mark.parametrize("raw_query", ["symlink", "symlink="])
def test_symlink_subresource_with_or_without_equals(client, raw_query):
    headers = {"x-oss-symlink-target": "protocol/target"}
    assert (
        client.request("PUT", BUCKET, f"protocol/{raw_query}", raw_query=raw_query, headers=headers).status_code == 200
    )
    reply = client.request("GET", BUCKET, f"protocol/{raw_query}", raw_query=raw_query)
    assert reply.headers["x-oss-symlink-target"] == "protocol/target"


def test_encoded_slash_in_path_is_part_of_the_key(client, server):
    client.request("PUT", BUCKET, "protocol/a/b", body=b"slash")
    netloc = urlsplit(server.url).netloc
    connection = http.client.HTTPConnection(netloc, timeout=10)
    for path in ("/oss-conformance/protocol%2Fa%2Fb", "/oss-conformance/protocol/a/b"):
        headers: dict[str, str] = {"Host": netloc}
        client.sign("GET", BUCKET, "protocol/a/b", headers, [])
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        assert (response.status, response.read()) == (200, b"slash")
    connection.close()


@pytest.mark.parametrize(
    "key", ["protocol/sp ace", "protocol/plus+sign", "protocol/per%cent", "protocol/中文", "protocol/\x0cff"]
)
def test_unusual_keys_round_trip(client, key):
    assert client.request("PUT", BUCKET, key, body=key.encode()).status_code == 200
    assert client.request("GET", BUCKET, key).content == key.encode()
    listing = client.request("GET", BUCKET, None, query={"prefix": key, "encoding-type": "url"})
    assert b"<Key>" in listing.content


def test_virtual_host_addressing(server):
    client = client_for(server, "v1", virtual_host=True)
    assert client.request("PUT", BUCKET, "protocol/vhost", body=b"v").status_code == 200
    reply = client.request("GET", BUCKET, "protocol/vhost")
    assert (reply.status_code, reply.content) == (200, b"v")
    listing = client.request("GET", BUCKET, None, query={"prefix": "protocol/vhost"})
    assert b"<Key>protocol/vhost</Key>" in listing.content


def test_list_buckets_extranet_endpoint(client, server):
    reply = client.request("GET", None)
    root = ET.fromstring(reply.content)
    names = [node.text for node in root.iter("Name")]
    assert names == [BUCKET, f"{BUCKET}-versioned", f"{BUCKET}-worm"]
    endpoints = {node.text for node in root.iter("ExtranetEndpoint")}
    assert endpoints == {urlsplit(server.url).netloc}


@pytest.mark.parametrize(
    ("key", "ec"),
    [
        ("/lead", "0016-00000005"),
        ("\\lead", "0016-00000005"),
        ("x" * 1024, "0016-00000002"),
        ("é" * 512, "0016-00000002"),
    ],
)
def test_invalid_object_names(client, key, ec):
    reply = client.request("PUT", BUCKET, key, body=b"x")
    fields = error_fields(reply.content)
    assert (reply.status_code, fields["Code"], fields["EC"]) == (400, "InvalidObjectName", ec)


def test_longest_name_accepted(client):
    assert client.request("PUT", BUCKET, "k" * 1023, body=b"x").status_code == 200


def test_empty_name_with_object_subresource(client):
    reply = client.request("PUT", BUCKET, None, query={"symlink": ""}, headers={"x-oss-symlink-target": "t"})
    fields = error_fields(reply.content)
    assert (reply.status_code, fields["Code"], fields["EC"]) == (400, "InvalidObjectName", "0016-00000001")


def test_keep_alive_and_content_length(server, client):
    netloc = urlsplit(server.url).netloc
    connection = http.client.HTTPConnection(netloc, timeout=10)
    for _ in range(3):
        headers: dict[str, str] = {"Host": netloc}
        client.sign("HEAD", BUCKET, "protocol/missing", headers, [])
        connection.request("HEAD", "/oss-conformance/protocol%2Fmissing", headers=headers)
        response = connection.getresponse()
        response.read()
        assert response.status == 404
        assert response.getheader("Content-Length") is not None
    connection.close()


def test_chunked_upload(client, server):
    def chunks():
        yield b"ab"
        yield b"cd"

    url = f"{server.url}/{BUCKET}/protocol%2Fchunked"
    headers: dict[str, str] = {}
    client.sign("PUT", BUCKET, "protocol/chunked", headers, [])
    assert client.session.put(url, data=chunks(), headers=headers).status_code == 200
    assert client.request("GET", BUCKET, "protocol/chunked").content == b"abcd"


def test_unsupported_feature_is_not_implemented(client):
    reply = client.request("GET", BUCKET, None, query={"cors": ""})
    assert (reply.status_code, error_fields(reply.content)["Code"]) == (501, "NotImplemented")


def test_unmodelled_listings_are_empty(client):
    uploads = ET.fromstring(client.request("GET", BUCKET, None, query={"uploads": ""}).content)
    assert (uploads.tag, uploads.findtext("IsTruncated"), uploads.find("Upload")) == (
        "ListMultipartUploadsResult",
        "false",
        None,
    )
    live = ET.fromstring(client.request("GET", BUCKET, None, query={"live": ""}).content)
    assert live.tag == "ListLiveChannelResult"
    part = client.request("PUT", BUCKET, "protocol/part", query={"partNumber": "1", "uploadId": "x"}, body=b"x")
    assert part.status_code == 501
