"""Multipart upload against the reference server with the official SDKs, above their multipart thresholds:
oss2's resumable upload and download, the V2 SDK's uploader, downloader and copier, each signed with V1 and V4;
and presigned multipart URLs (Initiate, UploadPart, Complete, Abort) sent by a plain HTTP client.

Every SDK here checks x-oss-hash-crc64ecma against its own CRC when the server sends it, so a wrong CRC fails.
"""

from __future__ import annotations

import itertools
import os
import xml.etree.ElementTree as ET

import alibabacloud_oss_v2 as oss
import oss2
import pytest
import requests

from conformance.server import ReferenceServer

AK, SK, REGION, BUCKET = "mpu-ak", "mpu-sk", "cn-hangzhou", "oss-conformance"
PART = 100 * 1024  # the smallest part OSS accepts (every part but the last)
DATA = os.urandom(5 * PART + 777)  # six parts, the last one short
_counter = itertools.count()


@pytest.fixture(scope="module")
def server():
    with ReferenceServer(access_key_id=AK, access_key_secret=SK, region=REGION) as srv:
        yield srv


@pytest.fixture
def key() -> str:
    return f"mpu/{next(_counter)}"


@pytest.fixture
def source(tmp_path):
    path = tmp_path / "source.bin"
    path.write_bytes(DATA)
    return path


def oss2_bucket(url: str, version: str) -> oss2.Bucket:
    if version == "v4":
        auth = oss2.ProviderAuthV4(oss2.credentials.StaticCredentialsProvider(AK, SK))
    else:
        auth = oss2.Auth(AK, SK)
    return oss2.Bucket(auth, url, BUCKET, region=REGION)


def v2_client(url: str, version: str) -> oss.Client:
    config = oss.config.load_default()
    config.credentials_provider = oss.credentials.StaticCredentialsProvider(AK, SK)
    config.region, config.endpoint = REGION, url
    config.use_path_style, config.signature_version = True, version
    return oss.Client(config)


@pytest.mark.parametrize("version", ["v1", "v4"])
def test_oss2_resumable_upload_and_download(server, key, source, tmp_path, version):
    bucket = oss2_bucket(server.url, version)
    store = oss2.ResumableStore(root=str(tmp_path))
    oss2.resumable_upload(
        bucket, key, str(source), store=store, multipart_threshold=PART, part_size=PART, num_threads=3
    )
    head = bucket.head_object(key)
    assert (head.content_length, head.object_type) == (len(DATA), "Multipart")
    target = tmp_path / "download.bin"
    oss2.resumable_download(
        bucket,
        key,
        str(target),
        store=oss2.ResumableDownloadStore(root=str(tmp_path)),
        multiget_threshold=PART,
        part_size=PART,
        num_threads=3,
    )
    assert target.read_bytes() == DATA
    assert list(oss2.MultipartUploadIterator(bucket, prefix=key)) == []  # the upload was consumed


@pytest.mark.parametrize("version", ["v1", "v4"])
def test_v2_uploader_downloader_copier(server, key, source, tmp_path, version):
    client = v2_client(server.url, version)
    uploader = client.uploader(part_size=PART, parallel_num=3)
    uploader.upload_file(oss.PutObjectRequest(bucket=BUCKET, key=key), str(source))
    head = client.head_object(oss.HeadObjectRequest(bucket=BUCKET, key=key))
    assert (head.content_length, head.object_type) == (len(DATA), "Multipart")
    copy = key + "-copy"
    copier = client.copier(part_size=PART, parallel_num=3, multipart_copy_threshold=PART, disable_shallow_copy=True)
    copier.copy(oss.CopyObjectRequest(bucket=BUCKET, key=copy, source_bucket=BUCKET, source_key=key))
    target = tmp_path / "download.bin"
    downloader = client.downloader(part_size=PART, parallel_num=3)
    downloader.download_file(oss.GetObjectRequest(bucket=BUCKET, key=copy), str(target))
    assert target.read_bytes() == DATA
    copied = client.head_object(oss.HeadObjectRequest(bucket=BUCKET, key=copy))
    assert copied.object_type == "Multipart"  # the copier went through UploadPartCopy, not CopyObject


def test_oss2_presigned_multipart(server, key):
    bucket = oss2_bucket(server.url, "v1")
    upload_id = bucket.init_multipart_upload(key).upload_id
    parts = []
    for number, start in enumerate(range(0, len(DATA), PART * 2), start=1):
        chunk = DATA[start : start + PART * 2]
        url = bucket.sign_url("PUT", key, 300, params={"partNumber": str(number), "uploadId": upload_id})
        reply = requests.put(url, data=chunk, timeout=30)
        assert reply.status_code == 200, reply.text
        parts.append(oss2.models.PartInfo(number, reply.headers["ETag"].strip('"')))
    bucket.complete_multipart_upload(key, upload_id, parts)
    assert bucket.get_object(key).read() == DATA


@pytest.mark.parametrize("version", ["v1", "v4"])
def test_v2_presigned_multipart(server, key, version):
    client = v2_client(server.url, version)
    session = requests.Session()

    def send(request, data: bytes = b"") -> requests.Response:
        signed = client.presign(request)
        reply = session.request(signed.method, signed.url, headers=signed.signed_headers, data=data, timeout=30)
        assert reply.status_code in (200, 204), reply.text
        return reply

    initiated = send(oss.InitiateMultipartUploadRequest(bucket=BUCKET, key=key))
    upload_id = ET.fromstring(initiated.content).findtext("UploadId")
    first = send(oss.UploadPartRequest(bucket=BUCKET, key=key, part_number=1, upload_id=upload_id), DATA[:PART])
    second = send(oss.UploadPartRequest(bucket=BUCKET, key=key, part_number=2, upload_id=upload_id), DATA[PART:])
    body = (
        "<CompleteMultipartUpload>"
        f"<Part><PartNumber>1</PartNumber><ETag>{first.headers['ETag']}</ETag></Part>"
        f"<Part><PartNumber>2</PartNumber><ETag>{second.headers['ETag']}</ETag></Part>"
        "</CompleteMultipartUpload>"
    ).encode()
    send(oss.CompleteMultipartUploadRequest(bucket=BUCKET, key=key, upload_id=upload_id), body)
    got = client.get_object(oss.GetObjectRequest(bucket=BUCKET, key=key)).body.read()
    assert got == DATA
    aborted = send(oss.InitiateMultipartUploadRequest(bucket=BUCKET, key=key + "-aborted"))
    other = ET.fromstring(aborted.content).findtext("UploadId")
    assert (
        send(oss.AbortMultipartUploadRequest(bucket=BUCKET, key=key + "-aborted", upload_id=other)).status_code == 204
    )


def test_uploads_survive_a_restart(tmp_path):
    """--data-dir: an upload in progress and its parts are persisted like objects."""
    with ReferenceServer(access_key_id=AK, access_key_secret=SK, region=REGION, data_dir=str(tmp_path)) as srv:
        bucket = oss2_bucket(srv.url, "v1")
        upload_id = bucket.init_multipart_upload("persisted").upload_id
        etag = bucket.upload_part("persisted", upload_id, 1, b"kept across a restart").etag
    with ReferenceServer(access_key_id=AK, access_key_secret=SK, region=REGION, data_dir=str(tmp_path)) as srv:
        bucket = oss2_bucket(srv.url, "v1")
        assert [p.etag for p in oss2.PartIterator(bucket, "persisted", upload_id)] == [etag]
        bucket.complete_multipart_upload("persisted", upload_id, [oss2.models.PartInfo(1, etag)])
        assert bucket.get_object("persisted").read() == b"kept across a restart"
