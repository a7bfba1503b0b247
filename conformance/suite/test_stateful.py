"""Random sequences of object and link operations; every answer must agree with an independent model of OSS
semantics (conformance/stateful/model.py). Select alone with `-m stateful`; the example budget comes from
--hypothesis-profile-name, split into shards (one item each, so xdist spreads them). A failure prints the shrunk
steps with their exchanges and a --replay value."""

from __future__ import annotations

import warnings

import pytest

from conformance.stateful import machine


def _drive(context: machine.MachineContext, examples: list | None, shard: machine.Shard) -> None:
    if examples is not None:
        for recorded in examples:
            machine.replay(context, recorded)
    else:
        machine.run(context, shard.settings(), shard.seed)
    for line in context.absent_report():  # the same line from every shard: pytest's summary shows it once
        warnings.warn(machine.NotImplementedOperation(line), stacklevel=1)


@pytest.mark.stateful
@pytest.mark.rule("stateful.model-agreement")
def test_objects_and_links(stateful_context, stateful_replay, stateful_shard, rule, reads_through):
    """Stands on the proofs that names are kept, links are made and reads go through them: a server lacking
    those is blocked by their rules rather than failed at the machine's first step."""
    _drive(stateful_context, stateful_replay, stateful_shard)


@pytest.mark.stateful
@pytest.mark.rule("stateful.differential-agreement")
def test_two_servers_agree(stateful_pair, stateful_replay, stateful_shard, rule):
    """Differential mode only: the same steps against both servers; the first difference that matters fails."""
    _drive(stateful_pair, stateful_replay, stateful_shard)
