"""A failure prints its shrunk steps and a --replay value; replaying runs exactly those steps again."""

from __future__ import annotations

import json
import re

import pytest
from conftest import once_per_run, run_suite
from stateful_support import failure, replay_value, rule_in, steps_in

from conformance.stateful import machine, steps
from conformance.stateful.pytest_stateful import embedded

QUIRK = "forbid-overwrite-ignored"


@pytest.fixture(scope="session")
def printed(request: pytest.FixtureRequest) -> str:
    """What the machine prints for its failure against QUIRK: found and shrunk once for all xdist workers."""

    def find(_shared) -> str | None:
        with embedded((QUIRK,)) as context:
            return failure(context, "ci", seed=1)  # at the ci budget most seeds miss this pair of steps; 1 finds it

    message = once_per_run(request, "stateful-replay", find)
    assert message is not None
    return message


def test_failure_prints_numbered_steps_with_their_exchanges(printed):
    assert rule_in(printed) == "symlink.put.forbid-overwrite-existing"
    assert steps_in(printed) == 3  # shrunk: one write, its read-back, then the refused PutSymlink
    calls = re.findall(r"^ +\d+\. (\w+)\(", printed, re.MULTILINE)
    writes = ("put_object", "put_symlink", "append_object")
    assert calls[0] in writes and calls[1:] == ["get_object", "put_symlink"], calls
    assert "> PUT http://127.0.0.1:" in printed and "> x-oss-forbid-overwrite: true" in printed
    assert "expected 409 FileAlreadyExists, got 200" in printed


def test_replay_runs_the_same_steps_in_process(printed):
    recorded = steps.parse_replay(replay_value(printed))
    with embedded((QUIRK,)) as context, pytest.raises(AssertionError) as raised:
        machine.replay(context, recorded)
    assert rule_in(str(raised.value)) == rule_in(printed)
    with embedded(()) as context:
        assert machine.replay(context, recorded) == len(recorded)


def test_replay_option_on_the_command_line(printed, tmp_path):
    value = replay_value(printed)
    quirked = run_suite("-q", "-m", "stateful", "--quirk", QUIRK, "--replay", value)
    assert quirked.returncode == 1 and "[symlink.put.forbid-overwrite-existing]" in quirked.stdout
    stored = tmp_path / "steps.json"
    stored.write_text(value)
    assert run_suite("-q", "-m", "stateful", "--replay", f"@{stored}").returncode == 0


def test_bad_replay_value_is_a_usage_error():
    result = run_suite("-q", "-m", "stateful", "--replay", json.dumps({"not": "a list"}))
    assert result.returncode == 4 and "--replay expects a JSON list" in result.stderr
