"""pytest plugin: the results file, the vendor's expectations, and the exit status as the gate.

Where each thing happens, and why (pytest-xdist runs tests in workers and reports in the controller):
- every process loads the expectations, so the process that runs a test turns a listed failure into "known"
  (an xfail to pytest: it no longer fails the run, in the terminal, in JUnit and in the exit status);
- only the controller (the single process without xdist) gathers records from the reports it receives,
  decides what needs the whole run (unexpected passes, expired entries, "no test executed"), adjusts the
  exit status, and writes the results file and the updated expectations.
Exit status 0 if and only if there is no new deviation (and, under --strict-expectations, the file is exact).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .. import rules, run_state
from ..outcomes import Outcome
from . import expectations as expect_file
from . import junit
from .results import Collector, canonical_test_id, document, level_summary, now, suite_version, write
from .summary import verdict_lines

EXPECTATIONS_KEY = pytest.StashKey[expect_file.Expectations]()
NO_TESTS = int(pytest.ExitCode.NO_TESTS_COLLECTED)
FAILED = int(pytest.ExitCode.TESTS_FAILED)


def pytest_configure(config: pytest.Config) -> None:
    option = config.option
    if option.oss_update and not option.oss_expectations:
        raise pytest.UsageError("--update-expectations needs --expectations FILE (the file to write)")
    if option.oss_expectations:
        try:
            config.stash[EXPECTATIONS_KEY] = expect_file.load(
                option.oss_expectations, config.rootpath, missing_ok=option.oss_update
            )
        except expect_file.ExpectationsError as exc:
            raise pytest.UsageError(str(exc)) from None
    if not hasattr(config, "workerinput"):
        config.pluginmanager.register(Controller(config), "oss-conformance-gate-controller")


@pytest.hookimpl(hookwrapper=True, tryfirst=True)  # outermost: runs after the plugin attached the outcome
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    result = yield
    listed = item.config.stash.get(EXPECTATIONS_KEY, None)
    report: pytest.TestReport = result.get_result()
    test_id = canonical_test_id(item.path, item.nodeid)
    report.user_properties.append(("test", test_id))
    props = dict(report.user_properties)
    if listed is None or "outcome" not in props:
        return
    entry = listed.match(test_id, props.get("rule"))
    if entry is None:
        return
    report.user_properties.append(("expected", entry.as_property()))
    if props["outcome"] == entry.outcome:
        report.user_properties[:] = [p for p in report.user_properties if p[0] != "outcome"] + [("outcome", "known")]
        report.outcome = "skipped"  # with wasxfail: pytest's own "xfailed", understood by JUnit and the terminal
        report.wasxfail = f"known {entry.outcome}: {entry.reason}" + (f" ({entry.ticket})" if entry.ticket else "")


class Controller:
    """The controller's half: records, run-wide decisions, files."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.collector = Collector()
        self.started = now()
        self.lines: list[str] = []

    @pytest.hookimpl(trylast=True)  # after pytest's junitxml wrote the test's element
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.collector.add(report)
        junit.tag(self.config, report)

    @pytest.hookimpl(trylast=True)  # after the plugin's cleanup, so the embedded server's credentials are known
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        option = self.config.option
        records = self.collector.finished()
        listed = self.config.stash.get(EXPECTATIONS_KEY, None)
        status = int(session.exitstatus)
        summary = {}
        if listed is not None:
            status, summary = self._judge(listed, records, status)
        collect_only = self.config.option.collectonly
        if status == 0 and not collect_only and not any(Outcome(r.outcome).executed for r in records):
            self.lines.append("no test was executed (all were skipped, blocked or not applicable): the run fails")
            status = NO_TESTS
        session.exitstatus = status
        self.lines[:0] = verdict_lines(records)
        if any(r.rule for r in records):
            self.lines.append(level_summary(records))
        if option.oss_results:
            doc = document(self._run_info(status), records, summary, self._secrets())
            write(option.oss_results, doc)
            self.lines.append(f"results: {option.oss_results} ({len(records)} tests)")

    def _judge(self, listed: expect_file.Expectations, records: list, status: int) -> tuple[int, dict]:
        today = dt.date.today()
        unexpected, expired = listed.unexpected_passes(records), listed.expired(today)
        for entry in unexpected:
            for record in listed.matched_records(entry, records):
                record.unexpected_pass = True
            self.lines.append(
                f"unexpected pass: {entry.id} is listed as {entry.outcome} in {listed.source} "
                f"but passed; remove the entry (or run --update-expectations)"
            )
        for entry in expired:
            self.lines.append(f"expired expectation: {entry.id} expired on {entry.expires} ({entry.reason})")
        for entry in expect_file.without_ticket(listed):
            self.lines.append(f"expectation without a ticket: {entry.id} ({entry.outcome}: {entry.reason})")
        known = sum(r.outcome == "known" for r in records)
        self.lines.append(f"{known} known deviations listed in {listed.source}")
        if self.config.option.oss_strict and (unexpected or expired) and status == 0:
            self.lines.append("--strict-expectations: the expectations file is out of date; the run fails")
            status = FAILED
        if self.config.option.oss_update:
            entries = expect_file.updated(listed, records)
            Path(listed.source).write_text(expect_file.dump(entries), encoding="utf-8")
            self.lines.append(f"updated {listed.source}: {len(entries)} entries")
        return status, {
            "file": listed.source,
            "strict": bool(self.config.option.oss_strict),
            "known": known,
            "unexpected_passes": [e.id for e in unexpected],
            "expired": [{"id": e.id, "expires": e.expires.isoformat()} for e in expired if e.expires],
        }

    def _run_info(self, status: int) -> dict:
        state = run_state.of(self.config)
        profile = state.profile
        label = self.config.option.oss_server_label
        if not label:
            label = (
                "reference" + "".join(f"+{q}" for q in profile.quirks)
                if profile.embedded
                else profile.name
                if profile.name != "embedded"
                else urlsplit(profile.endpoint).netloc
            )
        return {
            "server": label,
            "suite_version": suite_version(),
            "profile": profile.name,
            "embedded": profile.embedded,
            "quirks": list(profile.quirks),
            "endpoint_host": "127.0.0.1" if profile.embedded else urlsplit(profile.endpoint).hostname,
            "signature_version": profile.signature_version,
            "addressing": profile.addressing,
            "hypothesis_profile": profile.hypothesis_profile,
            "run_id": state.run_id,
            "started": self.started,
            "finished": now(),
            "registry_hash": rules.registry_hash(),
            "exit_status": status,
        }

    def _secrets(self) -> tuple[str, ...]:
        """Secrets this process knows, scrubbed from the file once more (exchanges are redacted already)."""
        creds = run_state.of(self.config).credentials()
        return tuple(s for s in (creds.access_key_secret, creds.session_token) if s) if creds else ()

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if self.lines:
            terminalreporter.section("oss-conformance results")
            for line in self.lines:
                terminalreporter.write_line(line)
