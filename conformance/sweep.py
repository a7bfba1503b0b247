"""`oss-conformance sweep`: remove what earlier runs left behind, and nothing else.

    oss-conformance sweep --endpoint URL --bucket B [--key-prefix P] [--older-than 2h] [--dry-run]
                          [--journal FILE_OR_DIR] [--profile FILE] [--signature-version v1|v4] [--region R]

Without --journal it lists the keys under the key prefix and deletes those of runs that started more than
--older-than ago (a run id carries its start time: `<prefix>20260101T120000Z-ab12cd/...`), versions included
where the bucket lists them. With --journal it deletes exactly the keys a run's journal names as written and
not yet deleted (a run killed by SIGKILL). Either way a key outside `<prefix><run-id>/` is never deleted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from conformance.usage import Parser

from . import journal
from .client import Namespace, NoUsableAnswer, OssClient
from .client.listings import ListingUnreadable, listed
from .client.namespace import RUN_ID_PATTERN
from .harness import Harness
from .profile import Profile, ProfileError, load

AGE = re.compile(r"^(\d+)([smhd])$")
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
EXIT_LEFT, EXIT_USAGE, EXIT_NO_ANSWER = 1, 2, 3


class UsageProblem(ValueError):
    pass


def run_of(key: str, prefix: str) -> str | None:
    """The run id of a key the suite wrote (`<prefix><run-id>/...`, maybe after a leading / or \\), else None."""
    rest = key.lstrip("/\\")
    if not rest.startswith(prefix):
        return None
    run_id = rest[len(prefix) :].split("/", 1)[0]
    return run_id if RUN_ID_PATTERN.match(run_id) and "/" in rest[len(prefix) :] else None


def started(run_id: str) -> dt.datetime:
    return dt.datetime.strptime(run_id[:16], "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)


def parse_age(text: str) -> dt.timedelta:
    match = AGE.match(text)
    if not match:
        raise UsageProblem(f"--older-than {text!r} is not an age. Fix: write e.g. 30m, 2h or 1d")
    return dt.timedelta(seconds=int(match.group(1)) * UNITS[match.group(2)])


def _listing(client: OssClient, prefix: str, versions: bool) -> Iterator[tuple[str, str | None]]:
    """(key, version id or None) under `prefix`, every page."""
    try:
        yield from listed(client, prefix, "versions" if versions else "keys")
    except ListingUnreadable as exc:
        if versions and exc.status != 200:
            return  # no versioning here: the plain listing covers it
        raise


def targets(client: OssClient, prefix: str, older_than: dt.timedelta) -> list[tuple[str, str | None]]:
    now = dt.datetime.now(dt.UTC)
    found = dict.fromkeys(list(_listing(client, prefix, True)) + list(_listing(client, prefix, False)))
    return [(k, v) for k, v in found if (run := run_of(k, prefix)) and now - started(run) > older_than]


def delete(client: OssClient, prefix: str, key: str, version_id: str | None) -> str:
    """'' when gone, else why not. The namespace check refuses anything outside `<prefix><run-id>/`."""
    run_id = run_of(key, prefix)
    if run_id is None:
        return "outside the key prefix: not touched"
    scoped = client.with_options(namespace=Namespace(prefix, run_id, ""))
    reply = scoped.delete_object(key, version_id=version_id)
    return "" if 200 <= reply.status < 300 or reply.status == 404 else f"{reply.status} {reply.code or ''}".strip()


OVERRIDES = ("endpoint", "bucket", "key_prefix", "signature_version", "region", "addressing")


def _profile(args: argparse.Namespace) -> Profile:
    base = load(args.profile) if args.profile else Profile(source="<defaults>")
    return base.with_overrides(**{name: getattr(args, name) for name in OVERRIDES})


def sweep(args: argparse.Namespace) -> int:
    profile = _profile(args)
    if profile.embedded:
        raise UsageProblem("sweep needs --endpoint (or a profile naming one)")
    harness = Harness(profile, "sweep", "")
    harness.start()
    client = harness.client()
    prefix = profile.key_prefix
    if args.journal:
        wanted = [(b, k, None) for b, k in journal.pending(Path(args.journal))]
    else:
        age = parse_age(args.older_than)
        wanted = [(profile.bucket, k, v) for k, v in targets(client, prefix, age)]
    if args.dry_run:
        for bucket, key, version in wanted[:50]:
            print(f"would delete {bucket}/{key}" + (f" (version {version})" if version else ""))
        print(f"sweep --dry-run: {len(wanted)} keys under {prefix} would be deleted")
        return 0
    left = []
    for bucket, key, version in wanted:
        why = delete(client.with_options(bucket=bucket), prefix, key, version)
        if why:
            left.append(f"{bucket}/{key}: {why}")
    for line in left[:10]:
        print(f"  left: {line}")
    print(f"sweep: {len(wanted) - len(left)} keys deleted, {len(left)} keys left under {prefix}")
    if not left and args.journal:
        journal.remove(Path(args.journal))
    return EXIT_LEFT if left else 0


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="oss-conformance sweep", description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile")
    parser.add_argument("--endpoint")
    parser.add_argument("--bucket")
    parser.add_argument("--key-prefix")
    parser.add_argument("--signature-version", choices=("v1", "v4"))
    parser.add_argument("--region")
    parser.add_argument("--addressing", choices=("path", "virtual-host"))
    parser.add_argument("--older-than", default="2h", help="only runs started longer ago than this (default 2h)")
    parser.add_argument("--journal", help="a run's journal file or directory: delete exactly its keys")
    parser.add_argument("--dry-run", action="store_true", help="list what would be deleted; delete nothing")
    return parser


def sweep_main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    try:
        return sweep(args)
    except (ProfileError, UsageProblem, journal.JournalError) as exc:
        print(f"oss-conformance sweep: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except NoUsableAnswer as exc:
        print(f"oss-conformance sweep: no usable answer: {exc}", file=sys.stderr)
        return EXIT_NO_ANSWER
