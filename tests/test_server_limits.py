"""The reference server under hostile clients: it authenticates before reading a body, refuses bodies over its
cap, answers malformed HTTP in OSS XML, says NoSuchBucket in virtual-host mode, and a damaged store is one line."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import pytest
from conftest import ROOT
from server_support import client_for, error_fields, module_server

from conformance.server.persist import DB_FILE, StoreError
from conformance.server.storage import Store

server = module_server(max_body=4096)


def _raw(server, payload: bytes) -> bytes:
    with socket.create_connection((server.host, server.port), timeout=10) as sock:
        sock.sendall(payload)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
        return b"".join(chunks)


def test_unauthenticated_gigabyte_put_is_refused_without_reading_it(server):
    started = time.monotonic()
    head = f"PUT /oss-conformance/k HTTP/1.1\r\nHost: {server.host}\r\nContent-Length: {1 << 30}\r\n\r\n"
    reply = _raw(server, head.encode())  # no body is ever sent: the answer cannot wait for it
    assert reply.startswith(b"HTTP/1.1 403 ")
    assert b"<Code>AccessDenied</Code>" in reply
    assert time.monotonic() - started < 5


def test_signed_body_over_the_cap_is_entity_too_large(server):
    reply = client_for(server, "v4").request("PUT", "oss-conformance", "big", body=b"x" * 5000)
    assert reply.status_code == 400
    assert error_fields(reply.content)["Code"] == "EntityTooLarge"


def test_malformed_http_is_an_oss_xml_error(server):
    reply = _raw(server, b"GARBAGE\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 400 ")
    body = reply.split(b"\r\n\r\n", 1)[1]
    assert error_fields(body)["Code"] == "InvalidRequest"


def test_virtual_host_missing_bucket_is_no_such_bucket(server):
    reply = client_for(server, "v4", virtual_host=True).request("GET", "no-such-bucket", "k")
    assert reply.status_code == 404
    assert error_fields(reply.content)["Code"] == "NoSuchBucket"


def test_damaged_store_is_one_line(tmp_path):
    Store(str(tmp_path)).ensure_bucket("b")
    (tmp_path / DB_FILE).write_bytes(b"this is not sqlite" * 100)
    for suffix in ("-wal", "-shm"):
        (tmp_path / (DB_FILE + suffix)).unlink(missing_ok=True)
    with pytest.raises(StoreError, match=r"damaged|cannot open"):
        Store(str(tmp_path))
    command = [sys.executable, "-m", "conformance.cli", "serve", "--data-dir", str(tmp_path)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 2 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and str(tmp_path) in result.stderr


def test_store_survives_restart_per_key(tmp_path):
    from conformance.server.model import ObjectVersion

    first = Store(str(tmp_path))
    first.ensure_bucket("b", versioning="Enabled")
    first.write("b", ObjectVersion("k", data=b"1"))
    first.write("b", ObjectVersion("k", data=b"2"))
    first.delete("b", "gone")
    again = Store(str(tmp_path))
    assert [v.data for v in dict(again.snapshot("b"))["k"]] == [b"1", b"2"]
    assert again.bucket("b").versioning == "Enabled"
