"""The reference server driven by the official SDKs: oss2 (V1 family) and alibabacloud_oss_v2 (V2 family),
each with signature V1 and V4, path-style against 127.0.0.1 (both SDKs treat an IP endpoint as path-style;
the V2 SDK is also told `use_path_style=True`). Nothing leaves loopback.

Target encoding (docs/oss-facts.md §1.7): oss2 percent-encodes the target on PutSymlink and decodes it on GetSymlink;
the V2 SDK passes it through verbatim both ways, so a V2 caller encodes and decodes it itself.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, unquote

import alibabacloud_oss_v2 as oss
import oss2
import pytest
import requests

from conformance.server import ReferenceServer

AK, SK, REGION, BUCKET = "interop-ak", "interop-sk", "cn-hangzhou", "oss-conformance"
_counter = itertools.count()


class Oss2Driver:
    """oss2: `oss2.Auth` (V1) or `oss2.ProviderAuthV4` (V4)."""

    def __init__(self, url: str, version: str, bucket: str = BUCKET) -> None:
        if version == "v4":
            auth: Any = oss2.ProviderAuthV4(oss2.credentials.StaticCredentialsProvider(AK, SK))
        else:
            auth = oss2.Auth(AK, SK)
        self.bucket = oss2.Bucket(auth, url, bucket, region=REGION)

    def put_object(self, key: str, data: bytes) -> str:
        return self.bucket.put_object(key, data).etag

    def get_object(self, key: str) -> bytes:
        return self.bucket.get_object(key).read()

    def head_object(self, key: str) -> dict[str, str]:
        return dict(self.bucket.head_object(key).headers)

    def put_symlink(self, link: str, target: str) -> None:
        self.bucket.put_symlink(target, link)  # note oss2's argument order: target first

    def get_symlink(self, link: str) -> str:
        return self.bucket.get_symlink(link).target_key

    def presigned_get(self, key: str) -> str:
        return self.bucket.sign_url("GET", key, 300)

    @staticmethod
    def failure(call: Callable[[], object]) -> tuple[type, int, str, str]:
        with pytest.raises(oss2.exceptions.OssError) as caught:
            call()
        return type(caught.value), caught.value.status, caught.value.code, caught.value.ec


class V2Driver:
    """alibabacloud_oss_v2 with signature_version 'v1' or 'v4' and path-style addressing."""

    def __init__(self, url: str, version: str, bucket: str = BUCKET) -> None:
        config = oss.config.load_default()
        config.credentials_provider = oss.credentials.StaticCredentialsProvider(AK, SK)
        config.region, config.endpoint = REGION, url
        config.use_path_style, config.signature_version = True, version
        self.client, self.name = oss.Client(config), bucket

    def put_object(self, key: str, data: bytes) -> str:
        return self.client.put_object(oss.PutObjectRequest(bucket=self.name, key=key, body=data)).etag

    def get_object(self, key: str) -> bytes:
        return self.client.get_object(oss.GetObjectRequest(bucket=self.name, key=key)).body.read()

    def head_object(self, key: str) -> dict[str, str]:
        return dict(self.client.head_object(oss.HeadObjectRequest(bucket=self.name, key=key)).headers)

    def put_symlink(self, link: str, target: str) -> None:
        request = oss.PutSymlinkRequest(bucket=self.name, key=link, symlink_target=quote(target, safe="/"))
        self.client.put_symlink(request)

    def get_symlink(self, link: str) -> str:
        return unquote(self.client.get_symlink(oss.GetSymlinkRequest(bucket=self.name, key=link)).target)

    def presigned_get(self, key: str) -> str:
        return self.client.presign(oss.GetObjectRequest(bucket=self.name, key=key)).url

    @staticmethod
    def failure(call: Callable[[], object]) -> tuple[type, int, str, str]:
        with pytest.raises(oss.exceptions.OperationError) as caught:
            call()
        error = caught.value.unwrap()
        assert isinstance(error, oss.exceptions.ServiceError)
        return type(error), error.status_code, error.code, error.ec


@pytest.fixture(scope="module")
def server():
    with ReferenceServer(access_key_id=AK, access_key_secret=SK, region=REGION) as srv:
        yield srv


@pytest.fixture(params=["oss2-v1", "oss2-v4", "v2-v1", "v2-v4"])
def sdk(request, server):
    family, version = request.param.split("-")
    return (Oss2Driver if family == "oss2" else V2Driver)(server.url, version)


@pytest.fixture
def key():
    return f"interop/{next(_counter)}"


def test_put_and_get_object(sdk, key):
    etag = sdk.put_object(key, b"hello")
    assert etag.strip('"') == "5D41402ABC4B2A76B9719D911017C592"
    assert sdk.get_object(key) == b"hello"


@pytest.mark.parametrize("target", ["plain.txt", "with space.txt", "plus+sign.txt", "中文/目标.txt", "mix +%&=#?.txt"])
def test_symlink_target_round_trip(sdk, key, target):
    sdk.put_object(f"{key}/{target}", b"target body")
    sdk.put_symlink(f"{key}/link", f"{key}/{target}")
    assert sdk.get_symlink(f"{key}/link") == f"{key}/{target}"
    assert sdk.get_object(f"{key}/link") == b"target body"


def test_get_and_head_through_link(sdk, key):
    etag = sdk.put_object(key + "-target", b"0123456789")
    sdk.put_symlink(key, key + "-target")
    assert sdk.get_object(key) == b"0123456789"
    headers = {name.lower(): value for name, value in sdk.head_object(key).items()}
    assert headers["content-length"] == "10"
    assert headers["etag"].strip('"') == etag.strip('"')
    assert headers["x-oss-object-type"] == "Symlink"


def test_errors_surface_as_sdk_exceptions(sdk, key):
    sdk.put_object(key, b"normal")
    sdk.put_symlink(key + "-dangling", key + "-nothing")
    missing = sdk.failure(lambda: sdk.get_object(key + "-missing"))
    not_link = sdk.failure(lambda: sdk.get_symlink(key))
    dangling = sdk.failure(lambda: sdk.get_object(key + "-dangling"))
    assert missing[1:] == (404, "NoSuchKey", "0026-00000001")
    assert not_link[1:] == (400, "NotSymlink", "0043-00000101")
    assert dangling[1:] == (404, "SymlinkTargetNotExist", "0026-00000012")
    if isinstance(sdk, Oss2Driver):
        assert missing[0] is oss2.exceptions.NoSuchKey  # oss2 maps (404, NoSuchKey) to its own class
    head_missing = sdk.failure(lambda: sdk.head_object(key + "-missing"))
    assert head_missing[1:3] == (404, "NoSuchKey")  # HEAD: parsed from x-oss-err


def test_presigned_url(sdk, key):
    sdk.put_object(key, b"presigned")
    reply = requests.get(sdk.presigned_get(key), timeout=10)
    assert (reply.status_code, reply.content) == (200, b"presigned")


# ---------------------------------------------------------------- oss2-only conveniences


@pytest.fixture(params=["v1", "v4"])
def oss2_bucket(request, server):
    return Oss2Driver(server.url, request.param).bucket


def test_oss2_versioned_link_lifecycle(server, key):
    bucket = Oss2Driver(server.url, "v4", f"{BUCKET}-versioned").bucket
    bucket.put_object(key + "-target", b"v")
    put = bucket.put_symlink(key + "-target", key)
    assert put.versionid
    assert bucket.get_symlink(key, params={"versionId": put.versionid}).target_key == key + "-target"
    deleted = bucket.delete_object(key)
    assert deleted.delete_marker and deleted.versionid
    with pytest.raises(oss2.exceptions.NotFound):
        bucket.get_symlink(key)


def test_oss2_listing_append_tagging_and_batch_delete(oss2_bucket, key):
    oss2_bucket.put_object(key + "/target", b"t")
    oss2_bucket.put_symlink(key + "/target", key + "/link", headers={"x-oss-tagging": "a=1&b=2"})
    types = {o.key: o.type for o in oss2.ObjectIterator(oss2_bucket, prefix=key + "/")}
    assert types == {key + "/link": "Symlink", key + "/target": "Normal"}
    tags = oss2_bucket.get_object_tagging(key + "/link").tag_set.tagging_rule
    assert tags == {"a": "1", "b": "2"}
    result = oss2_bucket.append_object(key + "/appended", 0, b"ab")
    oss2_bucket.append_object(key + "/appended", result.next_position, b"cd")
    assert oss2_bucket.get_object(key + "/appended").read() == b"abcd"
    with pytest.raises(oss2.exceptions.ObjectNotAppendable):
        oss2_bucket.append_object(key + "/link", 0, b"x")
    deleted = oss2_bucket.batch_delete_objects([key + "/target", key + "/link", key + "/appended"])
    assert sorted(deleted.deleted_keys) == sorted([key + "/target", key + "/link", key + "/appended"])


def test_oss2_list_buckets_endpoint_routes_back(server):
    service = oss2.Service(oss2.Auth(AK, SK), server.url)
    buckets = service.list_buckets().buckets
    assert [b.name for b in buckets] == [BUCKET, f"{BUCKET}-versioned", f"{BUCKET}-worm"]
    endpoint = "http://" + buckets[0].extranet_endpoint
    assert oss2.Bucket(oss2.Auth(AK, SK), endpoint, BUCKET).get_bucket_info().name == BUCKET


def test_bucket_stat_and_location_read_by_both_sdks(server):
    """Counts in a bucket of its own (the shared one holds other tests' objects): two objects in two classes, one
    upload in progress with one part."""
    name = f"stats-{next(_counter)}-{time.time_ns() % 10**9}"
    bucket = oss2.Bucket(oss2.Auth(AK, SK), server.url, name)
    bucket.create_bucket()
    bucket.put_object("a", b"12345")
    bucket.put_object("b", b"1", headers={"x-oss-storage-class": "IA"})
    upload_id = bucket.init_multipart_upload("m").upload_id
    bucket.upload_part("m", upload_id, 1, b"xyz")
    stat = bucket.get_bucket_stat()
    assert (stat.storage_size_in_bytes, stat.object_count, stat.multi_part_upload_count) == (6, 2, 1)
    assert (stat.standard_storage, stat.infrequent_access_object_count) == (5, 1)
    assert bucket.get_bucket_location().location == f"oss-{REGION}"
    v2 = V2Driver(server.url, "v4", name).client
    assert v2.get_bucket_location(oss.GetBucketLocationRequest(bucket=name)).location == f"oss-{REGION}"
    assert v2.get_bucket_stat(oss.GetBucketStatRequest(bucket=name)).object_count == 2
