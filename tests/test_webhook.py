"""Webhook mode as a real process (M6, L12): the secret is checked and the size limited before the
request body is read. Each probe declares a large body but sends only its first 64 KiB: a server
that reads bodies before deciding (python-telegram-bot's tornado server did) never answers it."""

from __future__ import annotations

import asyncio
import json
import signal
from pathlib import Path

from tests.fake_telegram import TOKEN, FakeTelegram
from tests.helpers import ROOT, bot_process, webhook_yaml

SECRET = "s3cret-token-for-the-webhook"
HUNDRED_MB = 100_000_000


async def status_of(port: int, headers: dict[str, str], body: bytes, chunks: list[bytes] | None = None) -> str:
    """Send a POST (its head, then `body` or `chunks` of a chunked body) and return the status line,
    waiting at most 5 s for it."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    writer.write(f"POST /telegram HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n{head}\r\n".encode())
    writer.write(body)
    for chunk in chunks or []:
        writer.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
    if chunks is not None:
        writer.write(b"0\r\n\r\n")
    try:
        line = await asyncio.wait_for(reader.readline(), 5)
    finally:
        writer.transport.abort()
    return line.decode().strip()


async def test_webhook_refuses_strangers_and_huge_bodies_before_reading_them(
    tmp_path: Path, unused_tcp_port: int
) -> None:
    telegram = await FakeTelegram().start()
    config = tmp_path / "config.yaml"
    config.write_text(
        f"faq:\n  dir: {ROOT / 'faq'}\nstate:\n  path: {tmp_path / 'state.sqlite3'}\n"
        f"telegram:\n  mode: webhook\n{webhook_yaml(unused_tcp_port)}",
        encoding="utf-8",
    )
    process = await bot_process(config, telegram.base_url, TELEGRAM_WEBHOOK_SECRET=SECRET)
    port, start = unused_tcp_port, bytes(65536)
    try:
        await telegram.wait_until(lambda: bool(telegram.webhook.get("url")), timeout=60)
        assert telegram.webhook["secret_token"] == SECRET
        # No secret, or a wrong one: 403 although 99.9 MB of the declared body never came.
        assert " 403 " in await status_of(port, {"Content-Length": str(HUNDRED_MB)}, start)
        wrong = {"X-Telegram-Bot-Api-Secret-Token": SECRET[:-1] + "X", "Content-Length": str(HUNDRED_MB)}
        assert " 403 " in await status_of(port, wrong, start)
        # The right secret but a body over the limit (1 MiB): 413 from the declared length alone,
        # and a chunked body (no length) is cut while it is read.
        right = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        assert " 413 " in await status_of(port, {**right, "Content-Length": str(HUNDRED_MB)}, start)
        chunked = {**right, "Transfer-Encoding": "chunked"}
        assert " 413 " in await status_of(port, chunked, b"", chunks=[start] * 20)
        # Telegram itself gets through, and the citizen is answered.
        update = json.dumps(
            {
                "update_id": 1,
                "message": {
                    "message_id": 1,
                    "date": 0,
                    "chat": {"id": 20, "type": "private"},
                    "from": {"id": 20, "is_bot": False, "first_name": "A"},
                    "text": "/start",
                    "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
                },
            }
        ).encode()
        assert " 200 " in await status_of(port, {**right, "Content-Length": str(len(update))}, update)
        assert (await telegram.wait_for(20, 1, timeout=30))[0].text.startswith("Xin chào!")
        assert " 400 " in await status_of(port, {**right, "Content-Length": "9"}, b"not json!")
        process.send_signal(signal.SIGTERM)
        out, err = await asyncio.wait_for(process.communicate(), timeout=30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await telegram.stop()
    log = (out + err).decode()
    assert process.returncode == 0, log
    assert TOKEN not in log and SECRET not in log
