"""RestoreObject: 202, 409 while in progress, 200 once restored; x-oss-restore states; Days and Tier.
Rules: conformance/rules/restore-object.toml (docs/oss-facts.md §30)."""

from __future__ import annotations

import re
from email.utils import parsedate_to_datetime

import pytest

from conformance.checks import Blocked, expect, expect_equal, expect_header, fail, require, require_equal
from conformance.suite import preconditions as pre
from conformance.suite.polling import poll

DATA = b"cold data"
FIRST_202 = "object.restore.first-202"  # RestoreObject starts a restore: 202
HEADER_DONE = "object.restore.header-done"  # HEAD shows when the restore has completed
CLASS_STORED = "object.put.storage-class"  # PutObject stores x-oss-storage-class
ONGOING = 'ongoing-request="true"'
DONE = re.compile(r'^ongoing-request="false", expiry-date="([^"]+)"$')


def restore(oss, key: str, body: bytes = b""):
    return oss.request("POST", key, query=[("restore", None)], data=body)


def restore_body(days: int | str | None = None, tier: str | None = None) -> bytes:
    parts = (f"<Days>{days}</Days>" if days is not None else "") + (
        f"<JobParameters><Tier>{tier}</Tier></JobParameters>" if tier is not None else ""
    )
    return f"<RestoreRequest>{parts}</RestoreRequest>".encode()


def stored_in(oss, new_key, storage_class: str = "Archive") -> str:
    """A new object of `storage_class`, proven so by HeadObject."""
    key = new_key(storage_class.lower())
    pre.put(oss, key, DATA, {"x-oss-storage-class": storage_class})
    head = pre.head(oss, key)
    require_equal(CLASS_STORED, head, "x-oss-storage-class", head.header("x-oss-storage-class"), storage_class)
    return key


def restoring(oss, new_key) -> str:
    key = stored_in(oss, new_key)
    require(restore(oss, key), FIRST_202, status=202)
    return key


def wait_restored(oss, key: str, seconds: float):
    """HEAD until x-oss-restore says the restore is done; the HEAD reply, or None after `seconds`."""
    head, done = poll(
        lambda: pre.head(oss, key),
        lambda h: (h.header("x-oss-restore") or "").startswith('ongoing-request="false"'),
        seconds,
    )
    return head if done else None


@pytest.mark.rule("object.restore.first-202")
def test_first_restore_accepted(oss, new_key, rule):
    expect(restore(oss, stored_in(oss, new_key)), rule)


@pytest.mark.rule("object.restore.in-progress")
def test_restore_in_progress(oss, new_key, rule):
    expect(restore(oss, restoring(oss, new_key)), rule)


@pytest.mark.rule("object.restore.restored-200")
def test_restore_of_restored(oss, new_key, rule, restore_wait):
    key = restoring(oss, new_key)
    if wait_restored(oss, key, restore_wait) is None:
        raise Blocked(HEADER_DONE, f"HEAD {key}: the restore did not complete within {restore_wait:g} s")
    expect(restore(oss, key), rule)


@pytest.mark.rule("object.restore.not-archive")
@pytest.mark.parametrize("storage_class", ["Standard", "IA"])
def test_not_archive(oss, new_key, rule, storage_class):
    expect(restore(oss, stored_in(oss, new_key, storage_class)), rule)


@pytest.mark.rule("object.restore.no-such-key")
def test_missing_key(oss, new_key, rule):
    expect(restore(oss, new_key("missing")), rule)


@pytest.mark.rule("object.restore.header-absent")
def test_header_absent(oss, new_key, rule):
    head = expect(oss.head_object(stored_in(oss, new_key)), rule)
    expect_equal(rule, head, "x-oss-restore of an object never restored", head.header("x-oss-restore"), None)


@pytest.mark.rule("object.restore.header-ongoing")
def test_header_ongoing(oss, new_key, rule):
    expect_header(expect(oss.head_object(restoring(oss, new_key)), rule), rule, "x-oss-restore", ONGOING)


@pytest.mark.rule("object.restore.header-done")
def test_header_done(oss, new_key, rule, restore_wait):
    key = restoring(oss, new_key)
    head = wait_restored(oss, key, restore_wait)
    if head is None:
        fail(rule, None, f'HEAD {key}: x-oss-restore never said ongoing-request="false" in {restore_wait:g} s')
    value = expect_header(head, rule, "x-oss-restore")
    match = DONE.match(value)
    if match is None:
        fail(rule, head, f'x-oss-restore {value!r}: expected ongoing-request="false", expiry-date="<GMT date>"')
    try:
        parsedate_to_datetime(match.group(1))
    except (TypeError, ValueError):
        fail(rule, head, f"expiry-date {match.group(1)!r} is not an HTTP date")


@pytest.mark.rule("object.restore.read-while-restoring")
def test_read_while_restoring(oss, new_key, rule):
    expect(oss.get_object(restoring(oss, new_key)), rule)


@pytest.mark.rule("object.restore.archive-job-parameters")
def test_archive_job_parameters(oss, new_key, rule):
    expect(restore(oss, stored_in(oss, new_key), restore_body(1, "Standard")), rule)


@pytest.mark.rule("object.restore.bad-tier")
@pytest.mark.parametrize("tier", ["Fast", "Urgent"])
def test_bad_tier(oss, new_key, rule, tier):
    expect(restore(oss, stored_in(oss, new_key, "ColdArchive"), restore_body(1, tier)), rule)


@pytest.mark.rule("object.restore.tier-priority")
@pytest.mark.parametrize("tier", ["Expedited", "Standard", "Bulk"])
def test_tier_priority(oss, new_key, rule, tier):
    reply = require(restore(oss, stored_in(oss, new_key, "ColdArchive"), restore_body(1, tier)), FIRST_202, 202)
    expect_header(reply, rule, "x-oss-object-restore-priority", tier)


@pytest.mark.rule("object.restore.days-range")
@pytest.mark.parametrize("days", [0, 8, "a"])
def test_days_range(oss, new_key, rule, days):
    expect(restore(oss, stored_in(oss, new_key), restore_body(days)), rule)
