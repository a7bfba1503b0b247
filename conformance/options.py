"""Every command-line option of the suite. The entry point (conformance.plugin) adds them in every pytest run of
the environment, so this module imports nothing heavy: no HTTP client, no Hypothesis, no server."""

from __future__ import annotations

import pytest

from . import journal
from .activation import add_option

HYPOTHESIS_PROFILES = ("ci", "default", "thorough")  # the budgets conformance.strategies registers


def add(parser: pytest.Parser) -> None:
    target(parser)
    results(parser)
    stateful(parser)


def target(parser: pytest.Parser) -> None:
    """Which server, how to reach it, and the run's limits (conformance.run_plugin reads them)."""
    group = parser.getgroup("oss-conformance", "OSS conformance target")
    add_option(group, "--profile", help="profile file (TOML); other options override its fields")
    add_option(group, "--endpoint", help="http://HOST:PORT of the server under test (default: embedded server)")
    add_option(group, "--bucket", help="bucket the suite may write to (under its key prefix only)")
    add_option(group, "--region", help="region used in V4 signatures")
    add_option(group, "--addressing", choices=("path", "virtual-host"), help="URL style")
    add_option(group, "--signature-version", choices=("v1", "v4"), help="OSS signature version")
    add_option(group, "--key-prefix", help="prefix of every key the suite writes")
    add_option(group, "--ca-bundle", help="PEM file of the CA(s) that signed the server's certificate")
    add_option(
        group, "--insecure", action="store_true", default=None, help="https:// without verifying the certificate"
    )
    add_option(
        group,
        "--resolve",
        action="append",
        dest="oss_resolve",
        metavar="NAME=ADDRESS",
        help="connect to ADDRESS for host NAME, keeping the name for Host and TLS (repeatable)",
    )
    add_option(
        group,
        "--hypothesis-profile-name",
        dest="oss_hypothesis_profile",
        choices=HYPOTHESIS_PROFILES,
        help="Hypothesis budget: ci, default or thorough",
    )
    add_option(
        group,
        "--quirk",
        action="append",
        dest="oss_quirks",
        help="embedded server only: enable a deliberate deviation (repeatable)",
    )
    add_option(group, "--reply-cap", dest="oss_reply_cap", type=int, help="bytes of a reply body read at most")
    for dest, what in (
        ("oss_request_deadline", "one whole exchange"),
        ("oss_test_deadline", "one test"),
        ("oss_run_deadline", "the whole run"),
        ("oss_cleanup_budget", "cleanup, per worker"),
        ("oss_restore_wait", "a restore to complete (default 120; 10 for the embedded server)"),
    ):
        flag = "--" + dest.removeprefix("oss_").replace("_", "-")
        add_option(group, flag, dest=dest, type=float, help=f"seconds for {what}")
    add_option(
        group,
        "--journal-dir",
        dest="oss_journal_dir",
        help=f"where the key journal goes (default ${journal.ENV_DIR} or ~/.cache/oss-conformance/journal)",
    )


def results(parser: pytest.Parser) -> None:
    """The results file and the vendor's expectations (conformance.report.gate)."""
    group = parser.getgroup("oss-conformance-report", "OSS conformance results and expectations")
    add_option(group, "--results", dest="oss_results", metavar="PATH", help="write the results of the run as JSON")
    add_option(
        group,
        "--server-label",
        dest="oss_server_label",
        metavar="NAME",
        help="the server's name in results and reports (default: from the profile or endpoint)",
    )
    add_option(
        group,
        "--expectations",
        dest="oss_expectations",
        metavar="FILE",
        help="TOML file of known deviations; a listed failure is 'known' and does not fail the run",
    )
    add_option(
        group,
        "--strict-expectations",
        dest="oss_strict",
        action="store_true",
        help="also fail the run on an unexpected pass or an expired entry",
    )
    add_option(
        group,
        "--update-expectations",
        dest="oss_update",
        action="store_true",
        help="rewrite the --expectations file from this run (keeps reasons and tickets)",
    )


def stateful(parser: pytest.Parser) -> None:
    """Differential mode and replay (conformance.stateful.pytest_stateful)."""
    group = parser.getgroup("oss-conformance-stateful", "OSS conformance: stateful tests")
    add_option(group, "--compare-endpoint", help="differential mode: http://HOST:PORT of a second server")
    add_option(group, "--compare-profile", help="differential mode: profile (TOML) of a second server")
    add_option(
        group,
        "--compare-quirk",
        action="append",
        dest="compare_quirks",
        help="differential mode: a second embedded server with this quirk (repeatable)",
    )
    add_option(group, "--replay", dest="stateful_replay", help="run recorded stateful steps (JSON or @FILE)")
