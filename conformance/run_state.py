"""The state of one conformance run in one pytest process, in one place. It is made once: by the controller's
`pytest_cmdline_main`, which probes the environment with its profile, or else by `pytest_configure` (an xdist
worker takes the run id and the probe's findings from its controller). The plugin, the results gate and the
stateful plugin read it with `of(config)`; nothing else is kept on the config."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pytest

from .client import Credentials
from .harness import Harness
from .probe import Verdict
from .profile import Profile


@dataclass
class RunState:
    profile: Profile  # the run's profile; capabilities the probe found missing are removed in pytest_configure
    run_id: str
    verdict: Verdict = field(default_factory=Verdict)
    run_cutoff: float = 0.0  # time.monotonic() after which no test starts
    harness: Harness | None = None  # this process's, once a test asked for one
    cleanup: list[dict] = field(default_factory=list)  # cleanup summaries of this process and its workers
    stop: tuple[int, str] | None = None  # (exit status, line) once the endpoint or a deadline stopped the run
    ran: bool = False  # a conformance test ran, so the cleanup summary is due
    compare: Profile | None = None  # the second server of the stateful differential mode
    # a selective mutation run: stateful shard (reach id) -> the steps of its examples to replay instead of generating
    replay_examples: dict[str, list] = field(default_factory=dict)
    ephemeral: bool = False  # a mutation run's child: its embedded server ends with it, cleanup has nothing to do

    def credentials(self) -> Credentials | None:
        """The credentials of this run: the harness's, else (an xdist controller runs none) the profile's;
        None for the embedded server before it started, or where none can be read."""
        if self.harness is not None:
            return self.harness.credentials
        if self.profile.embedded:
            return None
        try:
            return self.profile.read_credentials()
        except ValueError:
            return None

    def start_clock(self) -> None:
        self.run_cutoff = time.monotonic() + self.profile.limits.run_deadline


KEY = pytest.StashKey[RunState]()


def of(config: pytest.Config) -> RunState:
    """The run's state; only in an active conformance run, after pytest_configure."""
    return config.stash[KEY]


def get(config: pytest.Config) -> RunState | None:
    """The run's state, or None where there is none (another project's run, or before it is made)."""
    return config.stash.get(KEY, None)


def put(config: pytest.Config, state: RunState) -> RunState:
    config.stash[KEY] = state
    return state
