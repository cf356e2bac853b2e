"""What the health check costs: `GET /healthz` on the running bot (which pings the state database each
time) and `python -m bot health` as Docker runs it, each beside a baseline measured in the same run.

    python -m benchmarks.healthz [--requests 300] [--commands 9] [--engines sqlite postgresql]

The real Application polls the loopback Bot API (tests/fake_telegram.py) in this process, with
/healthz on a port of its own. Ours: --requests sequential GETs of /healthz, median and p99 in ms.
Baseline: the same number of GETs of a route answering `{}` on an aiohttp server in the same event
loop (the HTTP round trip alone). The command: median wall time of --commands runs of
`python -m bot health` asking the bot; baseline: the same command on a configuration without
/healthz (the old check: the configuration loads).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from aiohttp import web

from benchmarks import engines
from bot.app import build_application
from bot.config import load_settings
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.helpers import stopped

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _gets(url: str, count: int) -> tuple[float, float]:
    """Median and p99 of `count` sequential GETs of `url`, in milliseconds (every answer must be 200)."""
    times = []
    async with aiohttp.ClientSession() as session:
        for _ in range(count):
            start = time.perf_counter()
            async with session.get(url) as response:
                await response.read()
                assert response.status == 200, await response.text()
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), statistics.quantiles(times, n=100)[98]


async def _command(config: Path, count: int) -> float:
    """Median wall time of `python -m bot --config CONFIG health`, in seconds (must exit 0)."""
    times = []
    for _ in range(count):
        start = time.perf_counter()
        done = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "--config", str(config), "health", cwd=ROOT, stdout=asyncio.subprocess.PIPE
        )
        out, _ = await done.communicate()
        assert done.returncode == 0, out.decode()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


async def _run(engine: str, requests: int, commands: int) -> dict[str, str]:
    folder = Path(tempfile.mkdtemp(prefix="bench-healthz-"))
    telegram = await FakeTelegram().start()
    port = _free_port()
    with engines.state_database(engine, folder) as state:
        cases = f"cases:\n  database: {folder / 'cases.sqlite3'}\n  demo: true\n  demo_count: 10\n"
        cases += f"  glossary: {ROOT / 'glossary' / 'statuses.yaml'}\n"
        base = f"faq:\n  dir: {ROOT / 'faq'}\n{state.config}{cases}"
        config, plain = folder / "config.yaml", folder / "plain.yaml"
        config.write_text(f"{base}health:\n  port: {port}\n", encoding="utf-8")
        plain.write_text(base, encoding="utf-8")
        env = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": telegram.base_url}
        application = build_application(load_settings(config, environ={**os.environ, **env}))
        await application.initialize()
        assert application.post_init is not None and application.updater is not None
        await application.post_init(application)
        await application.start()
        await application.updater.start_polling(poll_interval=0, timeout=1)
        baseline = web.Application()
        baseline.router.add_get("/empty", _empty)
        runner = web.AppRunner(baseline, access_log=None)
        await runner.setup()
        empty = _free_port()
        await web.TCPSite(runner, "127.0.0.1", empty).start()
        try:
            await asyncio.sleep(1.5)  # the first long poll answered: healthy
            ours = await _gets(f"http://127.0.0.1:{port}/healthz", requests)
            bare = await _gets(f"http://127.0.0.1:{empty}/empty", requests)
            asked, loads = await _command(config, commands), await _command(plain, commands)
        finally:
            await runner.cleanup()
            await stopped(application)
            await telegram.stop()
    return {
        "GET /healthz median / p99 (ms)": f"{ours[0]:.2f} / {ours[1]:.2f}",
        "baseline: GET of an empty route (ms)": f"{bare[0]:.2f} / {bare[1]:.2f}",
        "`python -m bot health` asking /healthz (s)": f"{asked:.2f}",
        "baseline: the old check, configuration only (s)": f"{loads:.2f}",
    }


async def _empty(request: web.Request) -> web.Response:
    return web.json_response({})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--commands", type=int, default=9)
    engines.add_option(parser)
    args = parser.parse_args()
    for engine in engines.choose(args.engines):
        rows = asyncio.run(_run(engine, args.requests, args.commands))
        print(f"\n{engines.LABELS[engine]}")
        for name, value in rows.items():
            print(f"  {name:50} {value}")


if __name__ == "__main__":
    main()
