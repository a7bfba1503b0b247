"""The pytest11 entry point, loaded in every pytest run of the environment. Until a run is the suite's
(conformance.activation) it adds the suite's options and nothing else; then it registers the plugin of a
conformance run (conformance.run_plugin). Other projects in the environment never import that plugin's HTTP
client, Hypothesis profiles or state machine: half a CPU-second of every one of their pytest runs, measured."""

from __future__ import annotations

import pytest

from . import options
from .activation import is_active

RUN_PLUGIN = "oss-conformance-run"


def pytest_addoption(parser: pytest.Parser) -> None:
    options.add(parser)


def pytest_cmdline_main(config: pytest.Config) -> int | None:
    if not is_active(config):
        return None
    from . import run_plugin

    if not config.pluginmanager.has_plugin(RUN_PLUGIN):
        config.pluginmanager.register(run_plugin, RUN_PLUGIN)
    return run_plugin.before_run(config)
