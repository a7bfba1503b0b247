"""The plugin of a conformance run: fixtures, markers and result hooks, registered by the entry point
(conformance.plugin) once a run is the suite's; its options are conformance.options. It wires; the decisions live
elsewhere (profile.py, harness.py, probe.py, rules, checks.py)."""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import signal
import sys
import time
from pathlib import Path

import pytest

from . import journal, probe, rules, run_state, strategies, watchdog
from .client import NoUsableAnswer, OssClient, new_run_id
from .failure_text import concise
from .harness import Harness
from .outcomes import NotApplicable, NotImplementedByServer, Outcome, ServerDeviation, from_exception
from .profile import Limits, Profile, ProfileError, load
from .report.results import canonical_test_id
from .run_state import RunState

BREAKER_LIMIT = 5  # consecutive tests without an answer before the run stops
# Verdicts on the server (and no answer at all): their failure text is the message, not a traceback into the suite
VERDICTS = (ServerDeviation, NotImplementedByServer, NoUsableAnswer)
STOP_SIGNALS = ("SIGTERM", "SIGHUP")  # what a CI cancel or a closed terminal sends: cleaned up like Ctrl-C
LIMIT_OPTIONS = {  # option dest -> Limits field
    "oss_reply_cap": "reply_cap",
    "oss_request_deadline": "request_deadline",
    "oss_test_deadline": "test_deadline",
    "oss_run_deadline": "run_deadline",
    "oss_cleanup_budget": "cleanup_budget",
    "oss_restore_wait": "restore_wait",
}

# Plugins of other concerns (results and expectations, stateful options), loaded with this one.
pytest_plugins: list[str] = [
    "conformance.report.gate",
    "conformance.stateful.pytest_stateful",
]


def _profile(config: pytest.Config) -> Profile:
    option = config.option
    base = load(option.profile) if option.profile else Profile(source="<defaults>")
    limits = {field: getattr(option, dest) for dest, field in LIMIT_OPTIONS.items()}
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
        limits=Limits(**{**vars(base.limits), **{k: v for k, v in limits.items() if v is not None}}),
    )


def _unknown_quirks(profile: Profile) -> str:
    if not profile.quirks:
        return ""
    from .server.quirks import REGISTRY  # the embedded server's table; only needed when quirks are named

    unknown = sorted(set(profile.quirks) - REGISTRY.keys())
    if not unknown:
        return ""
    return (
        f"{profile.source}: field 'quirks': unknown quirk(s) {', '.join(unknown)}. "
        "Fix: use a registered name (`oss-conformance quirks` lists them)"
    )


def _journal_dir(config: pytest.Config, state: RunState) -> Path | None:
    """Embedded servers keep data in memory and die with the run: nothing to journal."""
    if state.profile.embedded:
        return None
    return journal.run_dir(journal.base_dir(config.option.oss_journal_dir), state.run_id)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "rule(id): the registry rule this test checks")
    config.addinivalue_line("markers", "stateful: model-based state-machine tests")
    state = run_state.get(config) or _new_state(config)
    problem = _unknown_quirks(state.profile)
    if problem:
        raise pytest.UsageError(problem)
    strategies.load_profile(state.profile.hypothesis_profile)
    strategies.keep_caches_in_user_cache()
    missing = frozenset(state.verdict.missing)
    state.profile = dataclasses.replace(state.profile, capabilities=state.profile.capabilities - missing)
    state.start_clock()
    config.pluginmanager.register(Breaker(), "oss-conformance-breaker")
    _install_signal_handlers()


def _new_state(config: pytest.Config) -> RunState:
    """The run state where the controller's probe did not make it: an xdist worker (the run id and the probe's
    findings come from its controller), or a run that probed nothing (embedded server, --collect-only)."""
    try:
        profile = _profile(config)
    except ProfileError as exc:
        raise pytest.UsageError(str(exc)) from None
    workerinput = getattr(config, "workerinput", None)
    if workerinput:
        verdict = probe.Verdict(missing=dict(workerinput.get("oss_missing", {})))
        return run_state.put(config, RunState(profile, workerinput["oss_run_id"], verdict))
    return run_state.put(config, RunState(profile, new_run_id()))


def _install_signal_handlers() -> None:
    """SIGTERM and SIGHUP end the run like Ctrl-C (KeyboardInterrupt), so sessionfinish cleans up; a second
    signal is ignored so it cannot cut the cleanup short (SIGKILL still can: then `sweep --journal`)."""

    def interrupt(signum: int, frame: object) -> None:
        for name in STOP_SIGNALS:
            signal.signal(getattr(signal, name), signal.SIG_IGN)
        raise KeyboardInterrupt(f"received {signal.Signals(signum).name}")

    for name in STOP_SIGNALS:
        with contextlib.suppress(ValueError, AttributeError):  # not the main thread, or no such signal here
            signal.signal(getattr(signal, name), interrupt)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node) -> None:  # xdist: every worker writes under the same run id, probes nothing
    state = run_state.of(node.config)
    node.workerinput["oss_run_id"] = state.run_id
    node.workerinput["oss_missing"] = dict(state.verdict.missing)


def before_run(config: pytest.Config) -> int | None:
    """Before anything runs, once, in the controller: the environment probe (probe.py). A wrong endpoint,
    bucket, credentials or clock ends the run with one line and its own exit status (pytest_cmdline_main's, called
    from the entry point's: a plugin registered within a hook is not called for it)."""
    option = config.option
    if getattr(option, "help", False) or getattr(option, "version", False) or option.collectonly:
        return None
    if hasattr(config, "workerinput"):  # xdist workers: the controller probed
        return None
    try:
        profile = _profile(config)
    except ProfileError:
        return None  # pytest_configure reports it as a usage error
    state = run_state.put(config, RunState(profile, new_run_id()))
    if profile.embedded:
        return None
    harness = Harness(profile, state.run_id, "probe")
    try:
        harness.start()
    except ProfileError as exc:
        sys.stderr.write(f"ERROR: {exc}\n")
        return pytest.ExitCode.USAGE_ERROR
    if profile.insecure:
        sys.stderr.write(f"oss-conformance: warning: TLS certificates of {profile.endpoint} are not verified\n")
    verdict = probe.probe(harness)
    if verdict.exit_status:
        sys.stderr.write(verdict.line + "\n")
        return verdict.exit_status
    for line in verdict.warnings():
        sys.stderr.write(line + "\n")
    state.verdict = verdict
    return None


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def oss_harness(request: pytest.FixtureRequest) -> Harness:
    config = request.config
    worker = getattr(config, "workerinput", {}).get("workerid", "main")
    state = run_state.of(config)
    harness = Harness(state.profile, state.run_id, worker, _journal_dir(config, state), state.ephemeral)
    state.harness = harness  # before start(): sessionfinish stops whatever start() began
    harness.start()
    _set_cutoff(config)
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
    rule_id = rules.marked(request.node)
    if rule_id is None:
        raise pytest.UsageError(f"{request.node.nodeid} has no @pytest.mark.rule(...)")
    return rules.get(rule_id)


@pytest.fixture
def restore_wait(oss_harness: Harness) -> float:
    """Seconds a test polls for a RestoreObject to complete (profile [limits] restore_wait)."""
    return oss_harness.profile.restore_wait


@pytest.fixture
def new_key(oss_harness: Harness):
    """new_key("label") -> a fresh key under the run namespace."""
    return oss_harness.namespace.key


# ---------------------------------------------------------------- collection and results


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        rule_id = rules.marked(item)
        if rule_id is None:
            continue
        try:
            found = rules.get(rule_id)
        except rules.RuleError as exc:
            raise pytest.UsageError(f"{item.nodeid}: {exc}") from None
        item.user_properties.append(("rule", found.id))


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    """What collection built (modules, items, strategies) lives as long as the run: out of the garbage collector's
    sight, a later full collection skips it. Hypothesis forces one in each process before its first test, pytest
    several at exit; the mutation runs fork from a collected session, where walking it also copied its pages."""
    gc.freeze()


def _set_cutoff(config: pytest.Config) -> None:
    """No request of this test starts (or runs on) past the test's deadline or the run's."""
    state = run_state.of(config)
    if state.harness is not None:
        test_cutoff = time.monotonic() + state.profile.limits.test_deadline
        state.harness.cutoff = min(test_cutoff, state.run_cutoff)


@pytest.hookimpl(tryfirst=True)  # before fixtures: a not-applicable test starts nothing
def pytest_runtest_setup(item: pytest.Item) -> None:
    """A rule whose capability the profile declares absent (or whose extra bucket the probe did not find) is
    not-applicable, an outcome of its own. Also starts the test's deadline."""
    config = item.config
    state = run_state.of(config)
    if time.monotonic() >= state.run_cutoff and state.stop is None:
        seconds = state.profile.limits.run_deadline
        _stop(item.session, probe.EXIT_RUN_DEADLINE, f"oss-conformance: the run deadline ({seconds:g} s) passed")
    _set_cutoff(config)
    reason = not_applicable(item)
    if reason is not None:
        raise NotApplicable(reason)


def not_applicable(item: pytest.Item) -> str | None:
    """Why the rule of `item` does not apply to this run (the profile declares, or the probe found, one of its
    capabilities absent); None when it applies."""
    state = run_state.of(item.config)
    rule_id = rules.marked(item)
    for capability in rules.get(rule_id).capabilities if rule_id is not None else ():
        if not state.profile.supports(capability):
            return state.verdict.missing.get(capability) or f"profile {state.profile.name} declares no {capability}"
    return None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item):
    """The test's deadline also stops code that sends no request (conformance.watchdog)."""
    state = run_state.get(item.config)
    if state is None or state.harness is None:
        yield
        return
    with watchdog.armed(state.harness.cutoff, state.profile.limits.test_deadline):
        yield


def outcome_of(report: pytest.TestReport, excinfo: pytest.ExceptionInfo | None) -> Outcome:
    if report.passed or excinfo is None:
        return Outcome.PASS if report.passed else Outcome.ERROR
    return from_exception(excinfo.value, report.when)


def no_answer(exc: BaseException | None) -> NoUsableAnswer | None:
    """The NoUsableAnswer behind an exception (Hypothesis may wrap it in a group or chain it), if any."""
    seen: set[int] = set()
    todo = [exc]
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, NoUsableAnswer):
            return current
        todo += [current.__cause__, current.__context__, *getattr(current, "exceptions", ())]
    return None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    result = yield
    report: pytest.TestReport = result.get_result()
    if report.when != "call" and not (report.failed or report.skipped):
        return
    outcome = outcome_of(report, call.excinfo)
    report.user_properties.append(("outcome", str(outcome)))
    silent = no_answer(call.excinfo.value if call.excinfo else None)
    if silent is not None:
        report.longrepr = f"no usable answer: {silent}"  # one line: no chained urllib3 tracebacks
        report.user_properties.append(("no_answer", True))
    elif call.excinfo is not None and call.excinfo.errisinstance(watchdog.Overran):
        report.longrepr = str(call.excinfo.value)
    elif report.failed and call.excinfo is not None and call.excinfo.errisinstance(VERDICTS):
        exc = call.excinfo.value
        test_id = canonical_test_id(item.path, item.nodeid)
        report.longrepr = concise(str(exc), getattr(exc, "__notes__", ()), item.fixturenames, test_id)
    harness = run_state.of(item.config).harness
    shown = (report.failed or outcome is Outcome.BLOCKED) and silent is None  # what a vendor needs to act
    if shown and harness is not None and harness.transcript.exchanges:
        report.sections.append(("OSS exchanges (redacted)", harness.transcript.render()))
        report.user_properties.append(("exchanges", [e.to_dict() for e in harness.transcript.exchanges[-8:]]))


def _stop(session: pytest.Session, status: int, line: str) -> None:
    run_state.of(session.config).stop = (status, line)
    session.shouldstop = line


class Breaker:
    """The circuit breaker, in every process (the controller sees the workers' reports too): after
    BREAKER_LIMIT tests in a row got no answer at all, the run stops with one line and exit 3."""

    def __init__(self) -> None:
        self.session: pytest.Session | None = None
        self.in_a_row = 0

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self.session = session

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if self.session is None:
            return
        if any(p[0] == "rule" for p in report.user_properties):
            run_state.of(self.session.config).ran = True
        if report.when != "call" and not report.failed:
            return
        silent = any(tuple(p) == ("no_answer", True) for p in report.user_properties)
        self.in_a_row = self.in_a_row + 1 if silent else 0
        if self.in_a_row >= BREAKER_LIMIT and run_state.of(self.session.config).stop is None:
            line = f"oss-conformance: {self.in_a_row} tests in a row got no answer from the endpoint; the run stopped"
            _stop(self.session, probe.EXIT_NO_ANSWER, line)


@pytest.hookimpl(trylast=True)  # in the controller after xdist has ended its workers
def pytest_sessionfinish(session: pytest.Session) -> None:
    """Clean up (also after failures, Ctrl-C, SIGTERM); the controller also removes what workers that never
    reported left in the journal. A stop by the breaker or a deadline sets its own exit status."""
    config = session.config
    state = run_state.get(config)
    if state is None:
        return
    harness = state.harness
    workeroutput = getattr(config, "workeroutput", None)
    if harness is not None or workeroutput is not None:
        # a worker that never needed a harness still reports, so the controller knows it did not vanish
        entry = _cleanup_entry(harness) if harness is not None else {"line": "", "left": 0, "details": []}
        if workeroutput is not None:
            workeroutput["oss_cleanup"] = entry
        else:
            state.cleanup.append(entry)
    if hasattr(config, "workerinput"):
        return
    if harness is None:
        _sweep_after_workers(config, state)
    if state.stop is not None:
        session.exitstatus = state.stop[0]


def _sweep_after_workers(config: pytest.Config, state: RunState) -> None:
    """xdist controller: delete what workers that were killed or interrupted left in the journal, unless the
    endpoint already stopped answering (then the summary prints the sweep command instead)."""
    journal_dir = _journal_dir(config, state)
    if journal_dir is None or state.stop is not None or not _pending(journal_dir):
        return
    harness = Harness(state.profile, state.run_id, "", journal_dir)
    harness.start()
    for bucket, key in _pending(journal_dir):
        harness.written.add(bucket, key)
    report = harness.finish()
    state.cleanup.append(
        {
            "line": f"{harness.namespace.root}: controller: {report.summary()}",
            "left": len(report.left),
            "details": report.left[:5],
            "retained": report.retained,
            "worker": "controller",
        }
    )


def _cleanup_entry(harness: Harness) -> dict:
    report = harness.finish()
    return {
        "line": f"{harness.namespace.root}: {report.summary()}",
        "left": len(report.left),
        "details": report.left[:5],
        "retained": report.retained,
    }


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    cleanup = getattr(node, "workeroutput", {}).get("oss_cleanup")
    if cleanup:
        run_state.of(node.config).cleanup.append(cleanup)


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    """The cleanup summary, always (also after Ctrl-C under xdist), and the line that stopped the run."""
    state = run_state.get(config)
    if hasattr(config, "workerinput") or state is None:
        return
    stop, entries, profile, run_id = state.stop, state.cleanup, state.profile, state.run_id
    journal_dir = _journal_dir(config, state)
    pending = _pending(journal_dir)
    # A journal means some harness wrote: a signal can end the run before any test's report reached this process
    # (the first tests are the long stateful shards), and the workers' cleanup lines may not reach it either.
    journaled = journal_dir is not None and journal_dir.exists()
    if not (any(e["line"] for e in entries) or journaled or stop or state.ran):
        return  # no harness ran in this session (the project's own tests, say): nothing to report
    terminalreporter.section("oss-conformance cleanup")
    for entry in entries:
        if not entry["line"]:
            continue
        terminalreporter.write_line(entry["line"])
        for detail in entry["details"]:
            terminalreporter.write_line(f"  left: {detail if len(detail) <= 160 else detail[:150] + '...'}")
    root = f"{profile.key_prefix}{run_id}/"
    if journal_dir is None:
        total = sum(e["left"] for e in entries)
        unconfirmed = " (unconfirmed: a worker did not report)" if _workers_missing(config, entries) else ""
        terminalreporter.write_line(f"run {run_id}: {total} keys left behind in total{unconfirmed}")
    elif not pending:
        terminalreporter.write_line(f"run {run_id}: 0 keys left behind in total (every delete confirmed)")
        journal.remove(journal_dir)
    else:
        _pending_lines(terminalreporter, run_id, pending, entries, f"{root}; remove them later with:")
        terminalreporter.write_line(f"  {sweep_command(profile, journal_dir)}")
    if stop:
        terminalreporter.write_line(stop[1])


def _pending_lines(terminalreporter, run_id: str, pending: list, entries: list, where: str) -> None:
    """The total of a run whose journal still names keys: those a WORM retention policy holds (a cleanup said so)
    are told apart, since they are left by design and only a sweep after the retention period removes them."""
    retained = {held_key for entry in entries for held_key in entry.get("retained", [])}
    held = sum(f"{bucket}/{key}" in retained for bucket, key in pending)
    line = f"run {run_id}: {len(pending) - held} keys left behind in total"
    if held:
        line += f" (+{held} held by a WORM retention policy until it expires)"
    terminalreporter.write_line(f"{line} under {where}")


def _pending(journal_dir: Path | None) -> list:
    if journal_dir is None or not journal_dir.exists():
        return []
    try:
        return journal.pending(journal_dir)
    except journal.JournalError:
        return [("?", "?")]  # unreadable: never claim nothing is left


def _workers_missing(config: pytest.Config, entries: list) -> bool:
    workers = getattr(config.option, "numprocesses", None) or 0
    return bool(workers) and len(entries) < int(workers)


def sweep_command(profile: Profile, journal_dir: Path) -> str:
    return (
        f"oss-conformance sweep --endpoint {profile.endpoint} --bucket {profile.bucket} "
        f"--key-prefix {profile.key_prefix} --journal {journal_dir}"
    )
