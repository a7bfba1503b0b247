"""Reference server: the x-oss-tagging parser, tag checks, the restore window and its serve option
(docs/oss-facts.md §29.2, §30.1)."""

from __future__ import annotations

import time

import pytest
from server_support import client_for, error_fields, module_server

from conformance.server import cli, tagging
from conformance.server.errors import ErrorReply

BUCKET = "oss-conformance"
server = module_server(restore_seconds=0.5)


@pytest.mark.parametrize(
    ("raw", "tags"),
    [
        ("a=1&b=x%20y", [("a", "1"), ("b", "x y")]),
        ("solo&k=", [("solo", ""), ("k", "")]),
        ("k%2Bplus=a%2Fb", [("k+plus", "a/b")]),
        ("", []),
    ],
)
def test_header_parsed(raw, tags):
    assert tagging.parse_header(raw) == tags


@pytest.mark.parametrize("raw", ["a=1&a=2", "aa=bb=cc"])
def test_header_refused(raw):
    with pytest.raises(ErrorReply) as refused:
        tagging.parse_header(raw)
    assert refused.value.code == "InvalidArgument"


def test_characters():
    tagging.check_characters([("Key +-=._:/ 9", "值"), ("k", "")])
    with pytest.raises(ErrorReply) as bad_key:
        tagging.check_characters([("a*b", "v")])
    assert bad_key.value.code == "InvalidTaggingKey"
    with pytest.raises(ErrorReply) as bad_value:
        tagging.check_characters([("k", "%v")])
    assert bad_value.value.code == "InvalidArgument"


def test_clone_header_reencodes_what_the_clone_reads():
    assert tagging.parse_header(tagging.clone_header("a=1&a=2&b=c=d", True, False, False)) == [("a", "2"), ("b", "c=d")]
    assert tagging.parse_header(tagging.clone_header("a=x%20y", False, True, False)) == [("a", "x%20y")]
    assert tagging.parse_header(tagging.clone_header("solo&k=v", False, False, True)) == [("k", "v")]


def test_restore_window(server):
    client = client_for(server)
    key = "restore/window"
    client.request("PUT", BUCKET, key, body=b"cold", headers={"x-oss-storage-class": "ColdArchive"})
    body = b"<RestoreRequest><Days>2</Days><JobParameters><Tier>Bulk</Tier></JobParameters></RestoreRequest>"
    started = client.request("POST", BUCKET, key, query={"restore": ""}, body=body)
    assert (started.status_code, started.headers["x-oss-object-restore-priority"]) == (202, "Bulk")
    again = client.request("POST", BUCKET, key, query={"restore": ""})
    assert (again.status_code, error_fields(again.content)["Code"]) == (409, "RestoreAlreadyInProgress")
    time.sleep(0.6)
    head = client.request("HEAD", BUCKET, key)
    assert head.headers["x-oss-restore"].startswith('ongoing-request="false", expiry-date="')
    assert client.request("GET", BUCKET, key).content == b"cold"


def test_restore_seconds_negative_is_one_line(capsys):
    assert cli.serve_main(["--restore-seconds", "-1"]) == 2
    assert capsys.readouterr().err.strip() == "serve: --restore-seconds -1 is negative (use 0 or more)"
