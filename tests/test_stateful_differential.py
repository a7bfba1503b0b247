"""Differential mode: the same sequences against two servers; the first divergence that matters is reported."""

from __future__ import annotations

import json

from conftest import run_suite
from requests.structures import CaseInsensitiveDict
from stateful_support import failure, rule_in

from conformance.client import Exchange, Reply
from conformance.stateful.differential import Canon, first_difference
from conformance.stateful.pytest_stateful import embedded

QUIRK = "missing-target-as-no-such-key"


def _reply(status: int, headers: dict[str, str], body: bytes = b"") -> Reply:
    exchange = Exchange("GET", "http://127.0.0.1/b/k", {}, "", 0, status)
    return Reply(status, CaseInsensitiveDict(headers), body, None, exchange)


def test_ids_dates_and_opaque_etags_are_normalised_away():
    a, b = Canon(), Canon()
    left = _reply(200, {"x-oss-request-id": "1", "Date": "Mon", "ETag": '"AAA"', "Content-Type": "text/plain"})
    right = _reply(200, {"x-oss-request-id": "2", "Date": "Tue", "ETag": '"BBB"', "Content-Type": "text/plain"})
    assert first_difference(a.reply(left), b.reply(right), ("A", "B")) is None


def test_the_first_difference_names_the_field_and_both_values():
    a, b = Canon(), Canon()
    left = _reply(200, {"x-oss-object-type": "Symlink", "x-oss-meta-colour": "red"}, b"data")
    right = _reply(200, {"x-oss-object-type": "Normal"}, b"data")
    assert first_difference(a.reply(left), b.reply(right), ("A", "B")) == (
        "header x-oss-meta-colour: A gave 'red', B gave (absent)"
    )


def test_listing_bodies_are_compared_element_by_element_without_dates():
    listing = (
        "<ListBucketResult><Contents><Key>k</Key><LastModified>{}</LastModified><ETag>{}</ETag></Contents>"
        "</ListBucketResult>"
    )
    left = _reply(200, {}, listing.format("2026-01-01", '"X"').encode())
    right = _reply(200, {}, listing.format("2027-01-01", '"Y"').encode())
    assert first_difference(Canon().reply(left, xml=True), Canon().reply(right, xml=True), ("A", "B")) is None


def test_clean_versus_quirked_server_diverges_and_two_clean_servers_do_not():
    with embedded((), (QUIRK,)) as context:
        message = failure(context)
    assert message is not None and rule_in(message) == "stateful.differential-agreement"
    assert "the two servers differ" in message and f"compare server (embedded, quirks {QUIRK})" in message
    with embedded((), ()) as context:
        assert failure(context) is None


# A link to a missing object, read: the quirk answers NoSuchKey where OSS answers SymlinkTargetNotExist. Replayed,
# so the command line is tested without a Hypothesis search (the search is the test above's).
DIVERGING = json.dumps(
    [
        [
            "put_symlink",
            {
                "content_type": "text/plain",
                "forbid_overwrite": False,
                "key": 0,
                "meta": 0,
                "storage_class": None,
                "to": 1,
            },
        ],
        ["get_object", {"key": 0}],
    ]
)


def test_compare_options_on_the_command_line():
    quirked = run_suite("-q", "-m", "stateful", "--compare-quirk", QUIRK, "--replay", DIVERGING)
    assert quirked.returncode == 1 and "[stateful.differential-agreement]" in quirked.stdout
    assert "SymlinkTargetNotExist" in quirked.stdout and "NoSuchKey" in quirked.stdout
    clean = run_suite("-q", "-m", "stateful", "--compare-profile", "profiles/embedded.toml", "--replay", DIVERGING)
    assert clean.returncode == 0 and "2 passed" in clean.stdout, clean.stdout  # the machine and the comparison
    both = run_suite("-q", "-m", "stateful", "--compare-quirk", QUIRK, "--compare-endpoint", "http://127.0.0.1:9")
    assert both.returncode == 4 and "give only one way to name the second server" in both.stderr
