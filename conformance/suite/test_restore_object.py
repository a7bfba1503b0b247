"""RestoreObject: 202, 409 while in progress, 200 once restored; x-oss-restore states; Days and Tier.
Rules: conformance/rules/restore-object.toml (docs/oss-facts.md §30)."""

from __future__ import annotations

import re
from email.utils import parsedate_to_datetime

import pytest

from conformance.checks import Blocked, expect, expect_equal, expect_header, fail, require
from conformance.suite import preconditions as pre
from conformance.suite.restoring import (
    AGAIN,
    FIRST_202,
    HEADER,
    restore,
    restoring,
    shows_done,
    stored_in,
)

HEADER_DONE = "object.restore.header-done"  # HEAD shows when the restore has completed
ONGOING = 'ongoing-request="true"'
DONE = re.compile(r'^ongoing-request="false", expiry-date="([^"]+)"$')


def restore_body(days: int | str | None = None, tier: str | None = None) -> bytes:
    parts = (f"<Days>{days}</Days>" if days is not None else "") + (
        f"<JobParameters><Tier>{tier}</Tier></JobParameters>" if tier is not None else ""
    )
    return f"<RestoreRequest>{parts}</RestoreRequest>".encode()


@pytest.mark.rule("object.restore.first-202")
def test_first_restore_accepted(oss, new_key, rule):
    expect(restore(oss, stored_in(oss, new_key)), rule)


@pytest.mark.rule("object.restore.in-progress")
def test_restore_in_progress(oss, new_key, rule):
    expect(restore(oss, restoring(oss, new_key)), rule)


@pytest.mark.rule("object.restore.restored-200")
def test_restore_of_restored(oss, rule, restore_wait, restored):
    made = restored(AGAIN)
    head = require(made.reply, pre.HEAD_OBJECT)
    if not shows_done(head):
        raise Blocked(HEADER_DONE, f"HEAD {made.key}: the restore did not complete within {restore_wait:g} s")
    expect(restore(oss, made.key), rule)


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
def test_header_done(rule, restore_wait, restored):
    made = restored(HEADER)
    head = require(made.reply, pre.HEAD_OBJECT)
    if not shows_done(head):
        fail(rule, head, f'HEAD {made.key}: x-oss-restore never said ongoing-request="false" in {restore_wait:g} s')
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
