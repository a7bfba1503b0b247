"""An operation the server does not implement (501 NotImplemented) is dropped from the machine's repertoire and
reported once; the machine goes on testing what remains (it used to stop at the first such step)."""

from __future__ import annotations

import pytest
from conftest import run_suite
from hypothesis import Phase, settings
from stateful_support import rule_in

from conformance.stateful import machine
from conformance.stateful.pytest_stateful import embedded
from conformance.strategies import stateful_settings

ABSENT = "objectmeta-not-implemented"  # GetObjectMeta answers 501


def test_the_machine_drops_the_operation_and_still_catches_another_deviation():
    no_shrink = settings(
        stateful_settings("default"), database=None, phases=(Phase.explicit, Phase.generate)
    )  # shrinking is the replay tests' concern; here it would only cost time
    with embedded((ABSENT, "delete-missing-404")) as context, pytest.raises(AssertionError) as raised:
        machine.run(context, no_shrink, seed=0)
    assert context.absent == {"get_object_meta": "HEAD ?objectMeta answered 501 NotImplemented"}
    assert rule_in(str(raised.value)) == "object.delete.missing-key"


def test_a_run_reports_it_once_and_passes_what_remains():
    result = run_suite("-q", "-m", "stateful", "-n", "0", "--quirk", ABSENT, "-W", "default")
    assert result.returncode == 0, result.stdout[-3000:]
    assert result.stdout.count("stateful: get_object_meta is not implemented (HEAD ?objectMeta answered 501") == 1
    assert "8 passed" in result.stdout
