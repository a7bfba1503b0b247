"""Random sequences of object and link operations; every answer must agree with an independent model of OSS
semantics (conformance/stateful/model.py). Select alone with `-m stateful`; the example budget comes from
--hypothesis-profile-name. A failure prints the shrunk steps with their exchanges and a --replay value."""

from __future__ import annotations

import pytest

from conformance.stateful import machine


@pytest.mark.stateful
@pytest.mark.rule("stateful.model-agreement")
def test_objects_and_links(stateful_context, stateful_replay, rule):
    if stateful_replay is not None:
        machine.replay(stateful_context, stateful_replay)
    else:
        machine.run(stateful_context)
