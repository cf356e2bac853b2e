"""The token never reaches the log (H1): the bot runs as a process against a Bot API that hangs,
drops connections and finally stops accepting them (connect timeouts, whose aiohttp message holds
the request URL and so the token); the whole log, tracebacks included, is searched for it."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import signal
import socket
import time
from pathlib import Path

from bot.logs import REDACTED, Redact, secrets_of
from tests.fake_telegram import TOKEN, FakeTelegram, Fault
from tests.helpers import ROOT, bot_process


class Blackhole:
    """A TCP forwarder to the loopback Bot API that can stop accepting: new connections then
    time out in connect, as when a firewall drops Telegram's packets."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(1)
        self.listener.setblocking(False)
        self.port = self.listener.getsockname()[1]
        self.writers: list[asyncio.StreamWriter] = []
        self.tasks: list[asyncio.Task[None]] = []
        self.stuffing: list[socket.socket] = []
        self.accepting = asyncio.get_running_loop().create_task(self._accept())

    async def _accept(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            client, _ = await loop.sock_accept(self.listener)
            down_reader, down_writer = await asyncio.open_connection(sock=client)
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
            self.writers += [down_writer, up_writer]
            self.tasks += [
                loop.create_task(self._pipe(down_reader, up_writer)),
                loop.create_task(self._pipe(up_reader, down_writer)),
            ]

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.close()

    def close_the_door(self) -> None:
        """Cut every open connection and fill the accept queue: later SYNs are dropped."""
        self.accepting.cancel()
        for writer in self.writers:
            writer.transport.abort()
        for _ in range(8):
            stuffing = socket.socket()
            stuffing.setblocking(False)
            stuffing.connect_ex(("127.0.0.1", self.port))
            self.stuffing.append(stuffing)

    def stop(self) -> None:
        self.accepting.cancel()
        for task in self.tasks:
            task.cancel()
        for sock in [self.listener, *self.stuffing]:
            sock.close()


async def test_no_token_in_the_log_when_the_bot_api_hangs_drops_and_times_out(tmp_path: Path) -> None:
    telegram = await FakeTelegram().start()
    door = Blackhole(telegram.port)
    config = tmp_path / "config.yaml"
    config.write_text(
        f"faq:\n  dir: {ROOT / 'faq'}\nstate:\n  path: {tmp_path / 'state.sqlite3'}\ntelegram:\n  retry_seconds: 2\n",
        encoding="utf-8",
    )
    process = await bot_process(config, f"http://127.0.0.1:{door.port}/bot")
    try:
        await telegram.send_text(41, "/start")
        await telegram.wait_for(41, 1, timeout=60)
        # A hanging server: the reply times out (read timeout 5 s), the error handler logs a traceback.
        telegram.stall_until = time.monotonic() + 6.5
        await telegram.send_text(42, "có được trả góp không")
        await telegram.wait_for(42, 1, timeout=30)
        # Dropped connections: polling fails with a NetworkError, which python-telegram-bot logs.
        telegram.drop_until = time.monotonic() + 2.5
        await asyncio.sleep(3)
        # Connect timeouts: polling, then the last get_updates at shutdown, cannot connect.
        door.close_the_door()
        await asyncio.sleep(1)
        process.send_signal(signal.SIGTERM)
        out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        door.stop()
        await telegram.stop()
    log = (out + err).decode()
    assert "error while handling update" in log and "TimedOut" in log, log  # the hang was logged
    assert "Traceback" in log and "get_updates" in log, log  # and the shutdown's failed call
    assert TOKEN not in log and TOKEN.split(":")[1] not in log, log


def test_the_filter_redacts_the_token_in_messages_arguments_and_tracebacks() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(Redact(secrets_of(TOKEN, "webhook-secret-value")))
    logger = logging.getLogger("tests.redact")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        url = f"http://127.0.0.1/bot{TOKEN}/getUpdates"
        logger.warning("calling %s", url)
        logger.warning("secret half %s and webhook-secret-value", TOKEN.split(":")[1])
        try:
            try:
                raise ConnectionError(f"Connection timeout to host {url}")
            except ConnectionError as exc:
                raise RuntimeError("network") from exc
        except RuntimeError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    text = stream.getvalue()
    assert TOKEN not in text and TOKEN.split(":")[1] not in text and "webhook-secret-value" not in text
    assert text.count(REDACTED) == 4 and "Connection timeout to host" in text


async def test_no_token_in_the_output_when_telegram_rejects_it(tmp_path: Path) -> None:
    """A revoked token: getMe answers 401 and python-telegram-bot raises InvalidToken, whose
    message quotes the token; the process ends with it logged, redacted, and exits non-zero."""
    telegram = await FakeTelegram().start()
    telegram.faults.append(Fault("getMe", 401, 10))
    config = tmp_path / "config.yaml"
    config.write_text(f"faq:\n  dir: {ROOT / 'faq'}\nstate:\n  path: {tmp_path / 'state.sqlite3'}\n", encoding="utf-8")
    try:
        process = await bot_process(config, telegram.base_url)
        out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    finally:
        await telegram.stop()
    log = (out + err).decode()
    assert process.returncode != 0 and "InvalidToken" in log, log
    assert TOKEN not in log and TOKEN.split(":")[1] not in log, log
