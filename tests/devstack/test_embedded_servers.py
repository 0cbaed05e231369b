"""The embedded PostgreSQL and NATS launchers, against real servers in temporary directories."""

from __future__ import annotations

import os
import signal
import socket
from pathlib import Path

import asyncpg
import nats
import pytest
from nats.js.api import StorageType

from clients.rpc.permissions import ADMIN
from switchboard.devstack.errors import EmbeddedServerError
from switchboard.devstack.nats import EmbeddedNats
from switchboard.devstack.ports import free_port, remembered_port
from switchboard.devstack.postgres import EmbeddedPostgres


async def _fetchval(url: str, sql: str) -> object:
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetchval(sql)
    finally:
        await conn.close()


def _gone(path: str) -> bool:
    return not Path(path).exists()


async def test_postgres_serves_vector_and_russian_and_keeps_data(tmp_path: Path) -> None:
    pg = EmbeddedPostgres(tmp_path / "pg", fast=True)
    with pg:
        url = pg.url()
        assert url == f"postgresql://postgres@127.0.0.1:{pg.port}/postgres"
        conn = await asyncpg.connect(url)
        try:
            await conn.execute("create extension vector")
            assert await conn.fetchval("select '[1,2,3]'::vector <-> '[1,2,5]'") == 2.0
            stems = await conn.fetchval("select to_tsvector('russian', 'Привет мир')::text")
            assert stems == "'мир':2 'привет':1"
            assert await conn.fetchval("show fsync") == "off"
            assert await conn.fetchval("show max_connections") == "200"
            await conn.execute("create table kept (id int); insert into kept values (7)")
        finally:
            await conn.close()
    assert not pg.is_running
    pg.stop()  # idempotent

    again = EmbeddedPostgres(tmp_path / "pg")
    assert again.start() == url  # same port, no second initdb
    try:
        assert await _fetchval(url, "select id from kept") == 7
        assert await _fetchval(url, "show fsync") == "on"
    finally:
        again.stop()


async def test_postgres_restarts_after_kill_with_deep_data_dir(tmp_path: Path) -> None:
    deep = tmp_path / ("d" * 90)  # socket path would pass the unix limit: /tmp fallback
    pg = EmbeddedPostgres(deep, fast=True)
    url = pg.start()
    try:
        socket_line = (deep / "pgdata" / "postmaster.pid").read_text().splitlines()[4]
        assert socket_line.startswith("/tmp/switchboard-pg-")
        await _fetchval(url, "create table kept as select 1 as id")
        postmaster = int((deep / "pgdata" / "postmaster.pid").read_text().split()[0])
        os.kill(postmaster, signal.SIGKILL)  # leaves a stale postmaster.pid

        pg = EmbeddedPostgres(deep, fast=True)  # the next run after the crash
        assert pg.start() == url
        assert await _fetchval(url, "select count(*) from kept") == 1
    finally:
        pg.stop()
    assert not pg.is_running
    assert _gone(socket_line)  # the /tmp fallback goes with the server


def test_postgres_url_quotes_credentials(tmp_path: Path) -> None:
    pg = EmbeddedPostgres(tmp_path, port=6543)
    with pytest.raises(EmbeddedServerError, match="not been started"):
        pg.url()
    pg._port = 6543  # as after start(); the URL needs nothing else
    assert pg.url("app", "svc", "p@ss/w") == "postgresql://svc:p%40ss%2Fw@127.0.0.1:6543/app"


async def test_nats_jetstream_file_storage_survives_restart(tmp_path: Path) -> None:
    with EmbeddedNats(tmp_path / "nats") as server:
        url, admin = server.url, server.credentials.nats_login(ADMIN)
        nc = await nats.connect(url, **admin)
        js = nc.jetstream()
        await js.add_stream(name="EVENTS", subjects=["sb.>"], storage=StorageType.FILE)
        await js.publish("sb.test.created", b"hello", headers={"Nats-Msg-Id": "m1"})
        sub = await js.pull_subscribe("sb.test.created", durable="reader")
        [msg] = await sub.fetch(1, timeout=5)
        assert msg.data == b"hello"
        await msg.ack()
        await nc.close()
    assert not server.is_running
    server.stop()  # idempotent

    with EmbeddedNats(tmp_path / "nats") as again:
        assert again.url == url and again.credentials.nats_login(ADMIN) == admin  # kept
        nc = await nats.connect(url, **admin)
        info = await nc.jetstream().stream_info("EVENTS")
        assert info.state.messages == 1
        await nc.close()


def test_nats_replaces_a_server_left_by_a_killed_run(tmp_path: Path) -> None:
    orphan = EmbeddedNats(tmp_path)
    url = orphan.start()
    try:
        successor = EmbeddedNats(tmp_path)  # as if the first owner had died
        assert successor.start() == url
        assert successor.is_running and not orphan.is_running
        successor.stop()
    finally:
        orphan.stop()


def test_nats_reports_a_taken_port(tmp_path: Path) -> None:
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        server = EmbeddedNats(tmp_path, blocker.getsockname()[1])
        with pytest.raises(EmbeddedServerError, match="taken"):
            server.start()


def test_error_carries_log_tail(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    log.write_text("".join(f"line {i}\n" for i in range(30)))
    message = str(EmbeddedServerError("boom", log=log))
    assert message.startswith("boom")
    assert "line 29" in message and "line 10" in message and "line 9\n" not in message


def test_remembered_port_is_reused(tmp_path: Path) -> None:
    first = remembered_port(tmp_path / "port", None)
    assert remembered_port(tmp_path / "port", None) == first
    explicit = free_port()
    assert remembered_port(tmp_path / "port", explicit) == explicit
    assert (tmp_path / "port").read_text().strip() == str(explicit)
