"""The pytest plugin: options, fixtures, markers and result hooks. It wires; the decisions live elsewhere
(profile.py, harness.py, rules, checks.py)."""

from __future__ import annotations

import sys

import pytest

from . import rules, strategies
from .activation import add_option, is_active
from .client import HarnessError, OssClient, new_run_id
from .failure_text import concise
from .harness import Harness
from .outcomes import NotApplicable, NotImplementedByServer, Outcome, ServerDeviation, from_exception
from .profile import Profile, ProfileError, load
from .report.results import canonical_test_id

HARNESS_KEY = pytest.StashKey[Harness]()
PROFILE_KEY = pytest.StashKey[Profile]()
RUN_ID_KEY = pytest.StashKey[str]()
CLEANUP_KEY = pytest.StashKey[list]()
BREAKER_LIMIT = 5  # consecutive tests without an answer before the run stops
# Verdicts on the server (and no answer at all): their failure text is the message, not a traceback into the suite
VERDICTS = (ServerDeviation, NotImplementedByServer, HarnessError)

# Plugins of other concerns (results and expectations, stateful options), loaded with this one.
pytest_plugins: list[str] = [
    "conformance.report.gate",
    "conformance.stateful.pytest_stateful",
]


def pytest_addoption(parser: pytest.Parser) -> None:
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
        choices=strategies.PROFILES,
        help="Hypothesis budget: ci, default or thorough",
    )
    add_option(
        group,
        "--quirk",
        action="append",
        dest="oss_quirks",
        help="embedded server only: enable a deliberate deviation (repeatable)",
    )


def _profile(config: pytest.Config) -> Profile:
    option = config.option
    base = load(option.profile) if option.profile else Profile(source="<defaults>")
    return base.with_overrides(
        endpoint=option.endpoint,
        bucket=option.bucket,
        region=option.region,
        addressing=option.addressing,
        signature_version=option.signature_version,
        key_prefix=option.key_prefix,
        hypothesis_profile=option.oss_hypothesis_profile,
        quirks=option.oss_quirks,
        ca_bundle=option.ca_bundle,
        insecure=option.insecure,
        resolve=option.oss_resolve,
    )


def pytest_configure(config: pytest.Config) -> None:
    if not is_active(config):
        return  # another project's run: no markers, no Hypothesis profile, nothing
    config.addinivalue_line("markers", "rule(id): the registry rule this test checks")
    config.addinivalue_line("markers", "stateful: model-based state-machine tests")
    try:
        profile = _profile(config)
    except ProfileError as exc:
        raise pytest.UsageError(str(exc)) from None
    config.stash[PROFILE_KEY] = profile
    strategies.load_profile(profile.hypothesis_profile)
    workerinput = getattr(config, "workerinput", None)
    config.stash[RUN_ID_KEY] = workerinput["oss_run_id"] if workerinput else new_run_id()
    config.stash[CLEANUP_KEY] = []


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node) -> None:  # xdist: every worker writes under the same run id
    if not is_active(node.config):
        return
    node.workerinput["oss_run_id"] = node.config.stash[RUN_ID_KEY]


def pytest_cmdline_main(config: pytest.Config) -> int | None:
    """Before anything runs: a named endpoint that does not answer ends the run with one line (exit 3)."""
    option = config.option
    if getattr(option, "help", False) or getattr(option, "version", False) or option.collectonly:
        return None
    if not is_active(config) or hasattr(config, "workerinput"):  # xdist workers: the controller probed
        return None
    try:
        profile = _profile(config)
    except ProfileError:
        return None  # pytest_configure reports it as a usage error
    if profile.embedded:
        return None
    harness = Harness(profile, new_run_id(), "probe")
    try:
        harness.start()
    except ProfileError as exc:
        sys.stderr.write(f"ERROR: {exc}\n")
        return pytest.ExitCode.USAGE_ERROR
    if profile.insecure:
        sys.stderr.write(f"oss-conformance: warning: TLS certificates of {profile.endpoint} are not verified\n")
    problem = harness.probe()
    if problem is None:
        return None
    sys.stderr.write(f"oss-conformance: {problem}\n")
    return 3


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def oss_harness(request: pytest.FixtureRequest) -> Harness:
    config = request.config
    worker = getattr(config, "workerinput", {}).get("workerid", "main")
    harness = Harness(config.stash[PROFILE_KEY], config.stash[RUN_ID_KEY], worker)
    harness.start()
    config.stash[HARNESS_KEY] = harness
    return harness


@pytest.fixture
def oss(oss_harness: Harness) -> OssClient:
    """A signed client for the plain bucket; its exchanges are this test's transcript."""
    oss_harness.transcript.clear()
    return oss_harness.client("plain")


@pytest.fixture
def oss_versioned(oss: OssClient, oss_harness: Harness) -> OssClient:
    return oss.with_options(bucket=oss_harness.profile.bucket_for("versioned"))


@pytest.fixture
def oss_worm(oss: OssClient, oss_harness: Harness) -> OssClient:
    return oss.with_options(bucket=oss_harness.profile.bucket_for("worm"))


@pytest.fixture
def rule(request: pytest.FixtureRequest) -> rules.Rule:
    marker = request.node.get_closest_marker("rule")
    if marker is None:
        raise pytest.UsageError(f"{request.node.nodeid} has no @pytest.mark.rule(...)")
    return rules.get(marker.args[0])


@pytest.fixture
def new_key(oss_harness: Harness):
    """new_key("label") -> a fresh key under the run namespace."""
    return oss_harness.namespace.key


# ---------------------------------------------------------------- collection and results


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not is_active(config):
        return
    for item in items:
        marker = item.get_closest_marker("rule")
        if marker is None:
            continue
        try:
            found = rules.get(marker.args[0])
        except rules.RuleError as exc:
            raise pytest.UsageError(f"{item.nodeid}: {exc}") from None
        item.user_properties.append(("rule", found.id))


@pytest.hookimpl(tryfirst=True)  # before fixtures: a not-applicable test starts nothing
def pytest_runtest_setup(item: pytest.Item) -> None:
    """A rule whose capability the profile declares absent is not-applicable (an outcome of its own)."""
    marker = item.get_closest_marker("rule")
    if marker is None or not is_active(item.config):
        return
    found = rules.get(marker.args[0])
    profile = item.config.stash[PROFILE_KEY]
    if found.capability and not profile.supports(found.capability):
        raise NotApplicable(f"profile {profile.name} declares no {found.capability}")


def outcome_of(report: pytest.TestReport, excinfo: pytest.ExceptionInfo | None) -> Outcome:
    if report.passed or excinfo is None:
        return Outcome.PASS if report.passed else Outcome.ERROR
    return from_exception(excinfo.value, report.when)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    result = yield
    report: pytest.TestReport = result.get_result()
    if not is_active(item.config) or (report.when != "call" and not (report.failed or report.skipped)):
        return
    outcome = outcome_of(report, call.excinfo)
    report.user_properties.append(("outcome", str(outcome)))
    if report.failed and call.excinfo is not None and call.excinfo.errisinstance(VERDICTS):
        exc = call.excinfo.value
        test_id = canonical_test_id(item.path, item.nodeid)
        report.longrepr = concise(str(exc), getattr(exc, "__notes__", ()), item.fixturenames, test_id)
    harness = item.config.stash.get(HARNESS_KEY, None)
    shown = report.failed or outcome is Outcome.BLOCKED  # what a vendor needs to see to act
    if shown and harness is not None and harness.transcript.exchanges:
        report.sections.append(("OSS exchanges (redacted)", harness.transcript.render()))
        report.user_properties.append(("exchanges", [e.to_dict() for e in harness.transcript.exchanges[-8:]]))
    _circuit_breaker(item, call)


def _circuit_breaker(item: pytest.Item, call: pytest.CallInfo) -> None:
    """Stop after BREAKER_LIMIT tests in a row got no answer at all: one dead endpoint, one message."""
    if call.when != "call":
        return
    count = getattr(item.session, "_oss_no_answer", 0)
    count = count + 1 if call.excinfo is not None and call.excinfo.errisinstance(HarnessError) else 0
    item.session._oss_no_answer = count  # type: ignore[attr-defined]
    if count >= BREAKER_LIMIT:
        item.session.shouldstop = f"oss-conformance: {count} tests in a row got no answer from the endpoint"


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    harness = config.stash.get(HARNESS_KEY, None)
    if harness is None:
        return
    report = harness.finish()
    line = f"{harness.namespace.root}: {report.summary()}"
    details = report.left[:20]
    workeroutput = getattr(config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["oss_cleanup"] = {"line": line, "left": len(report.left), "details": details}
    else:
        config.stash[CLEANUP_KEY].append({"line": line, "left": len(report.left), "details": details})


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    cleanup = getattr(node, "workeroutput", {}).get("oss_cleanup")
    if cleanup:
        node.config.stash[CLEANUP_KEY].append(cleanup)


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    entries = config.stash.get(CLEANUP_KEY, [])
    if not entries:
        return
    left = sum(e["left"] for e in entries)
    terminalreporter.section("oss-conformance cleanup")
    for entry in entries:
        terminalreporter.write_line(entry["line"])
        for detail in entry["details"]:
            terminalreporter.write_line(f"  left: {detail}")
    terminalreporter.write_line(f"run {config.stash[RUN_ID_KEY]}: {left} keys left behind in total")
