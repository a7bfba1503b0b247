"""The throughput comparison of `oss-conformance bench` (conformance/throughput.py): both clients sign requests the
reference server accepts (a 403 would be counted as an error, and the figure would measure refusals), and the
table names what it could not measure instead of stopping."""

from __future__ import annotations

import time

import pytest
from server_support import module_server

from conformance import throughput
from conformance.client import Credentials

server = module_server(bucket="bench", access_key_id="ak-bench", access_key_secret="sk-bench")


@pytest.mark.parametrize("client", sorted(throughput.CLIENTS))
def test_each_client_is_answered_2xx(server, client):
    loop = throughput.CLIENTS[client]
    ok, errors = loop(server.url, "bench", Credentials("ak-bench", "sk-bench"), "t/0", time.perf_counter() + 0.3)
    assert ok >= 2 and errors == 0


def test_refusals_are_counted_as_errors(server):
    ok, errors = throughput.http_client_loop(
        server.url, "bench", Credentials("ak-bench", "wrong-secret"), "t/1", time.perf_counter() + 0.2
    )
    assert ok == 0 and errors >= 2


def test_table_shows_ratios_and_what_was_not_measured():
    figures = {
        ("reference", "http.client"): throughput.Figure(900.0, 0, 0.5, 0.3),
        ("moto_server", "http.client"): throughput.Figure(300.0, 2, 4.0, 0.6),
        ("reference", "requests.Session"): "a request failed (connection refused)",
    }
    lines = throughput.render(figures, 5)
    assert "| moto_server | http.client | 300 | 2 | 4.00 | 0.60 |" in lines
    assert any("not measured: a request failed (connection refused)" in line for line in lines)
    assert "reference / moto with http.client: 3.00x ops/s, 8.00x less server CPU per op" in lines
    assert not any(line.startswith("reference / moto with requests.Session") for line in lines)
