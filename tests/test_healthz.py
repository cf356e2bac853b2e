"""Health that means alive (issue 14, item 6): /healthz on the real Application against the loopback
Bot API (healthy; unhealthy while getUpdates hangs, while the state database cannot answer, while
this instance leads and its broadcaster stands still), and `python -m bot health` as a process."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import sqlite3
import sys
import time
import tomllib
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import aiohttp
import pytest

import bot
from bot.config import ConfigError, load_settings
from bot.handlers.context import BotApplication
from bot.healthz import url_of
from tests.fake_telegram import FakeTelegram
from tests.helpers import ROOT, ask, bot_process, make_settings, running, stopped, webhook_yaml
from tests.postgres import TEST_KEY, fresh_schema, skip_without_server

SECRET = "s3cret-token-for-the-webhook"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def healthz(port: int) -> tuple[int, dict[str, Any]]:
    """GET /healthz: the status and the JSON body."""
    async with aiohttp.ClientSession() as session, session.get(f"http://127.0.0.1:{port}/healthz") as response:
        return response.status, await response.json()


async def eventually(probe: Callable[[], Awaitable[tuple[int, Any]]], status: int, timeout: float = 20) -> Any:
    """Probe every 0.2 s until it answers `status`; the last body."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        answered, body = await probe()
        if answered == status:
            return body
        assert asyncio.get_running_loop().time() < deadline, f"still {answered} after {timeout} s: {body}"
        await asyncio.sleep(0.2)


@contextlib.asynccontextmanager
async def polling_bot(telegram: FakeTelegram, tmp_path: Path, limit: str) -> AsyncIterator[tuple[BotApplication, int]]:
    """The real Application polling the loopback Bot API, /healthz on a free port with one `health`
    limit ("updates_seconds: 2"); stopped on exit. Yields the application and the port."""
    port = free_port()
    application = await running(make_settings(tmp_path, telegram.base_url, f"health:\n  port: {port}\n  {limit}\n"))
    try:
        yield application, port
    finally:
        await stopped(application)


def parts(body: dict[str, Any]) -> list[str]:
    return [reason["part"] for reason in body["reasons"]]


def test_the_reported_version_is_the_project_s() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert bot.__version__ == project["version"]


async def test_a_polling_bot_is_healthy_unhealthy_while_get_updates_hangs_and_healthy_again(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    async with polling_bot(telegram, tmp_path, "updates_seconds: 2") as (_, port):
        try:
            await telegram.wait_until(lambda: "getUpdates" in telegram.methods())
            await asyncio.sleep(1.2)  # the first long poll (1 s) was answered
            status, body = await healthz(port)
            assert status == 200, body
            assert body["status"] == "ok" and body["reasons"] == []
            assert body["mode"] == "polling" and body["version"] == bot.__version__
            assert body["state"] == {"engine": "sqlite", "answered": True} and body["state_age_seconds"] < 1
            assert body["loop_age_seconds"] < 2 and body["updates_age_seconds"] < 2
            assert body["leader"] is True  # one instance on SQLite: it holds the lease
            assert (await ask(telegram, 11, "/start")).text.startswith("Xin chào!")
            assert (await healthz(port))[1]["handled_age_seconds"] < 2  # the update was taken up
            telegram.updates_stalled = True
            body = await eventually(lambda: healthz(port), 503)
            assert parts(body) == ["updates"] and "getUpdates" in body["reasons"][0]["message"]
            assert body["reasons"][0]["message"].startswith("không nhận được cập nhật từ Telegram")
            telegram.updates_stalled = False
            await eventually(lambda: healthz(port), 200)
            assert (await ask(telegram, 11, "/start")).text.startswith("Xin chào!")  # citizens served again
        finally:
            telegram.updates_stalled = False


async def test_updates_waiting_behind_stuck_handlers_are_unhealthy(telegram: FakeTelegram, tmp_path: Path) -> None:
    async with polling_bot(telegram, tmp_path, "updates_seconds: 1.5") as (_, port):
        try:
            await eventually(lambda: healthz(port), 200)
            telegram.stall_until = time.monotonic() + 8  # every reply hangs: the 8 handler slots fill up
            for user in range(30, 42):
                await telegram.send_text(user, "/start")
            body = await eventually(lambda: healthz(port), 503)
            assert parts(body) == ["updates"] and body["updates_waiting"] is True
            assert body["reasons"][0]["message"].startswith("cập nhật chờ xử lý")
            assert body["updates_age_seconds"] < body["handled_age_seconds"]  # getUpdates itself kept answering
            for user in range(30, 42):  # once replies go through, every citizen is answered
                assert (await telegram.wait_for(user, 1, timeout=60))[0].text.startswith("Xin chào!")
            await eventually(lambda: healthz(port), 200)
        finally:
            telegram.stall_until = 0.0


async def test_a_leader_whose_broadcaster_stands_still_is_unhealthy(telegram: FakeTelegram, tmp_path: Path) -> None:
    async with polling_bot(telegram, tmp_path, "broadcaster_seconds: 2.5") as (application, port):
        services = application.bot_data.services
        assert services is not None
        await asyncio.sleep(3)  # the leader's broadcaster beats every round (1 s): healthy past the threshold
        status, body = await healthz(port)
        assert status == 200 and body["leader"] is True, body
        await services.broadcaster.stopped()  # the sender's loop ends while this process still leads
        body = await eventually(lambda: healthz(port), 503)
        assert parts(body) == ["broadcaster"] and body["leader"] is True
        assert body["reasons"][0]["message"].startswith("bộ gửi thông báo không chạy")
        await services.leader.stop()  # the lease is given up: the broadcaster is no longer required
        status, body = await healthz(port)
        assert status == 200 and body["leader"] is False


async def test_a_locked_sqlite_state_database_is_unhealthy_until_released(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    async with polling_bot(telegram, tmp_path, "state_timeout_seconds: 1") as (_, port):
        other = sqlite3.connect(tmp_path / "state.sqlite3", isolation_level=None)
        try:
            assert (await healthz(port))[0] == 200
            other.execute("BEGIN IMMEDIATE")  # another process holds the write lock: the bot can record nothing
            status, body = await healthz(port)
            assert status == 503 and parts(body) == ["state"], body
            assert body["state"] == {"engine": "sqlite", "answered": False}
            assert "không trả lời trong 1 giây" in body["reasons"][0]["message"]
            other.execute("ROLLBACK")
            await eventually(lambda: healthz(port), 200)
        finally:
            other.close()


class Proxy:
    """A TCP forwarder to the PostgreSQL server that can be cut (listener and connections) and restored."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.port = free_port()
        self._server: asyncio.Server | None = None
        self._links: list[asyncio.StreamWriter] = []

    async def open(self) -> None:
        self._server = await asyncio.start_server(self._link, "127.0.0.1", self.port, reuse_address=True)

    async def cut(self) -> None:
        assert self._server is not None
        self._server.close()
        for writer in self._links:
            writer.transport.abort()
        self._links.clear()
        await self._server.wait_closed()

    async def _link(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(*self.target)
        self._links += [writer, up_writer]

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            with contextlib.suppress(OSError):
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            sink.transport.abort()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))


async def test_an_unreachable_postgresql_state_database_is_unhealthy(
    telegram: FakeTelegram, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = urlsplit(skip_without_server())
    monkeypatch.setenv("STATE_HMAC_KEY", TEST_KEY)
    proxy = Proxy(server.hostname or "127.0.0.1", server.port or 5432)
    await proxy.open()
    port = free_port()
    with fresh_schema() as url:
        parts_of = urlsplit(url)
        user = parts_of.netloc.rsplit("@", 1)[0] + "@" if "@" in parts_of.netloc else ""
        proxied = urlunsplit(parts_of._replace(netloc=f"{user}127.0.0.1:{proxy.port}"))
        extra = f"health:\n  port: {port}\n  state_timeout_seconds: 2\n"
        application = await running(make_settings(tmp_path, telegram.base_url, extra, {"STATE_DATABASE_URL": proxied}))
        try:
            status, body = await healthz(port)
            assert status == 200 and body["state"] == {"engine": "postgresql", "answered": True}, body
            await proxy.cut()  # the database machine is gone: its port is closed
            status, body = await healthz(port)
            assert status == 503 and parts(body) == ["state"], body
            assert body["state"]["answered"] is False
            await proxy.open()  # back on the same port: the next ping reconnects
            await eventually(lambda: healthz(port), 200)
        finally:
            await stopped(application)
            await proxy.cut()


# -- `python -m bot health` as a process ----------------------------------------------------------


async def health_command(config: Path, **env: str) -> tuple[int, str]:
    """`python -m bot --config CONFIG health` (`env` added to the environment): exit code and output."""
    done = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "--config",
        str(config),
        "health",
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await done.communicate()
    assert done.returncode is not None
    return done.returncode, out.decode()


def write_config(tmp_path: Path, text: str, faq: Path = ROOT / "faq") -> Path:
    config = tmp_path / "config.yaml"
    config.write_text(f"faq:\n  dir: {faq}\nstate:\n  path: {tmp_path / 'state.sqlite3'}\n{text}", encoding="utf-8")
    return config


def test_the_health_command_asks_where_the_bot_listens_seen_from_its_own_machine(tmp_path: Path) -> None:
    secret = {"TELEGRAM_WEBHOOK_SECRET": SECRET}
    webhook = "telegram:\n  mode: webhook\n  webhook:\n    url: https://bot.example.test/telegram\n"
    assert url_of(load_settings(write_config(tmp_path, webhook), environ=secret)) == "http://127.0.0.1:8443/healthz"
    polling = "health:\n  port: 9000\n  listen: '::1'\n"
    assert url_of(load_settings(write_config(tmp_path, polling), environ={})) == "http://[::1]:9000/healthz"
    overridden = load_settings(write_config(tmp_path, ""), environ={"BOT_HEALTH_PORT": "8081"})
    assert url_of(overridden) == "http://127.0.0.1:8081/healthz"  # as the Docker image sets it
    assert url_of(load_settings(write_config(tmp_path, ""), environ={})) is None
    with pytest.raises(ConfigError, match="BOT_HEALTH_PORT"):
        load_settings(write_config(tmp_path, ""), environ={"BOT_HEALTH_PORT": "http"})


async def test_health_command_without_healthz_checks_the_configuration_and_ignores_faq_mistakes(
    tmp_path: Path,
) -> None:
    faq = tmp_path / "faq"
    shutil.copytree(ROOT / "faq", faq)
    with (faq / "nop-tien.yaml").open("a", encoding="utf-8") as broken:
        broken.write("\n  - id: [unclosed\n")
    code, out = await health_command(write_config(tmp_path, "", faq))
    assert code == 0 and out.startswith("ok: cấu hình đọc được"), out
    code, out = await health_command(write_config(tmp_path, "health:\n  prot: 8081\n"))
    assert code == 1, out  # not 2: Docker reserves it
    assert "health.prot: khóa không được hỗ trợ" in out
    code, out = await health_command(write_config(tmp_path, f"health:\n  port: {free_port()}\n"))
    assert code == 1 and out.startswith("unhealthy: bot không trả lời tại http://127.0.0.1:"), out


@pytest.mark.slow
async def test_health_command_asks_the_running_polling_bot(telegram: FakeTelegram, tmp_path: Path) -> None:
    port = free_port()
    config = write_config(tmp_path, f"health:\n  port: {port}\n  updates_seconds: 3\n")
    process = await bot_process(config, telegram.base_url)

    async def command() -> tuple[int, str]:
        return await health_command(config)

    try:
        out = await eventually(command, 0, timeout=60)
        assert out.startswith("ok\n{") and '"mode": "polling"' in out
        telegram.updates_stalled = True
        out = await eventually(command, 1, timeout=30)
        assert out.startswith("unhealthy: không nhận được cập nhật từ Telegram"), out
        telegram.updates_stalled = False
        await eventually(command, 0, timeout=30)
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 30)
        code, out = await command()
        assert code == 1 and "bot không trả lời" in out
    finally:
        telegram.updates_stalled = False
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0


@pytest.mark.slow
async def test_webhook_mode_answers_healthz_on_the_webhook_server(telegram: FakeTelegram, tmp_path: Path) -> None:
    port = free_port()
    config = write_config(tmp_path, f"telegram:\n  mode: webhook\n{webhook_yaml(port)}")
    process = await bot_process(config, telegram.base_url, TELEGRAM_WEBHOOK_SECRET=SECRET)
    try:
        await telegram.wait_until(lambda: bool(telegram.webhook.get("url")), timeout=60)
        status, body = await healthz(port)
        assert status == 200 and body["mode"] == "webhook" and body["updates_waiting"] is False, body
        code, out = await health_command(config, TELEGRAM_WEBHOOK_SECRET=SECRET)
        assert code == 0 and out.startswith("ok\n"), out
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0
