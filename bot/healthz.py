"""`GET /healthz`: whether this bot process is alive, read from its heartbeats (bot/health.py), and
`python -m bot health`, which asks it (the Docker HEALTHCHECK).

Healthy (200) unless one of these holds (503, each with a reason in Vietnamese then English):
- "loop": the event loop has not ticked for `health.loop_seconds`;
- "updates": polling: no getUpdates answer for `health.updates_seconds`; either mode: updates have
  waited that long for a free handler while none was taken up (an idle webhook is healthy);
- "broadcaster": this process holds the lease (flag "leader") and its broadcaster has not gone
  round for `health.broadcaster_seconds`;
- "state": the state database did not answer a ping within `health.state_timeout_seconds`.
FAQ mistakes never count: the bot keeps serving the last good FAQ, and a restart would not help.

Webhook mode answers on the webhook's server (bot/webhook.py adds the route); polling mode starts a
small server of its own when `health.port` is set (on 127.0.0.1 by default). The Application is
taken as `Any` (its update queue and processor are read, nothing imported from telegram).
"""

from __future__ import annotations

import asyncio
import json
import logging
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot import __version__
from bot.config import HealthSettings, Settings
from bot.health import Health

if TYPE_CHECKING:  # the health command loads no more than it needs
    from bot.services import Services

log = logging.getLogger(__name__)
PATH = "/healthz"
Handler = Callable[[web.Request], Awaitable[web.Response]]


def _age(health: Health, part: str) -> float:
    """Seconds since `part` beat; since the process started when it never did."""
    age = health.age(part)
    return health.uptime() if age is None else age


def reasons(health: Health, limits: HealthSettings, *, polling: bool, waiting: bool) -> list[dict[str, str]]:
    """What is wrong with this process's heartbeats, one {"part", "message"} each (empty: healthy)."""
    found: list[tuple[str, str]] = []
    if (age := _age(health, "loop")) > limits.loop_seconds:
        found.append(("loop", f"vòng sự kiện không chạy {age:.0f} giây (event loop stalled)"))
    if polling and (age := _age(health, "updates")) > limits.updates_seconds:
        found.append(("updates", f"không nhận được cập nhật từ Telegram {age:.0f} giây (no getUpdates answer)"))
    elif waiting and (age := _age(health, "handled")) > limits.updates_seconds:
        found.append(("updates", f"cập nhật chờ xử lý, {age:.0f} giây không xử lý được (updates waiting)"))
    leading = health.raised_for("leader")  # a new leader's broadcaster is given its time to start
    if leading is not None and (age := min(_age(health, "broadcaster"), leading)) > limits.broadcaster_seconds:
        found.append(("broadcaster", f"bộ gửi thông báo không chạy {age:.0f} giây (broadcaster stalled)"))
    return [{"part": part, "message": message} for part, message in found]


def _rounded(age: float | None) -> float | None:
    return None if age is None else round(age, 1)


def report(services: Services, *, polling: bool, waiting: bool, state_error: str | None) -> dict[str, Any]:
    """The /healthz body: status, reasons, every heartbeat's age in seconds (null: never), the flags."""
    health = services.health
    found = reasons(health, services.settings.health, polling=polling, waiting=waiting)
    if state_error is not None:
        message = f"cơ sở dữ liệu trạng thái không trả lời: {state_error} (state database not answering)"
        found.append({"part": "state", "message": message})
    return {
        "status": "unhealthy" if found else "ok",
        "reasons": found,
        "version": __version__,
        "mode": "polling" if polling else "webhook",
        "uptime_seconds": round(health.uptime(), 1),
        "loop_age_seconds": _rounded(health.age("loop")),
        "updates_age_seconds": _rounded(health.age("updates")),
        "handled_age_seconds": _rounded(health.age("handled")),
        "updates_waiting": waiting,
        "leader": health.flagged("leader"),
        "broadcaster_age_seconds": _rounded(health.age("broadcaster")),
        "state": {"engine": services.state.dialect, "answered": state_error is None},
        "state_age_seconds": _rounded(health.age("state")),
    }


async def _ping(services: Services) -> str | None:
    """Ping the state database; beat "state" when it answers, else say why (short, no address)."""
    timeout = services.settings.health.state_timeout_seconds
    try:
        await asyncio.wait_for(services.state.ping(), timeout)
    except TimeoutError:
        return f"không trả lời trong {timeout:g} giây (no answer within {timeout:g} s)"
    except Exception as exc:  # any engine error: reported, and the details logged
        log.warning("health: the state database did not answer a ping: %s", exc)
        return type(exc).__name__
    services.health.beat("state")
    return None


def _waiting(application: Any) -> bool:
    """Updates are waiting: queued, or every handler slot is taken (the rest wait for one)."""
    processor = application.update_processor
    full = processor.current_concurrent_updates >= processor.max_concurrent_updates
    return bool(application.update_queue.qsize() > 0 or full)


def handler(application: Any) -> Handler:
    """The GET /healthz handler of a python-telegram-bot Application built by bot/app.py. Probes
    arriving while a ping is under way share it: a slow database is not pinged once per probe."""
    pinging: asyncio.Task[str | None] | None = None

    async def healthz(request: web.Request) -> web.Response:
        nonlocal pinging
        services: Services | None = application.bot_data.services
        if services is None:
            body = {"status": "starting", "reasons": [{"part": "start", "message": "đang khởi động (starting)"}]}
            return web.json_response(body, status=503)
        if pinging is None or pinging.done():
            pinging = asyncio.create_task(_ping(services))
        state_error = await asyncio.shield(pinging)
        polling = services.settings.telegram.mode == "polling"
        body = report(services, polling=polling, waiting=_waiting(application), state_error=state_error)
        status = 200 if body["status"] == "ok" else 503
        return web.json_response(body, status=status, dumps=lambda data: json.dumps(data, ensure_ascii=False))

    return healthz


async def serve(application: Any, limits: HealthSettings) -> web.AppRunner | None:
    """Polling mode's /healthz server on `limits.listen`:`limits.port`. A port that cannot be had is
    logged as an ERROR and the bot serves on without it (the health check then fails, and says so)."""
    app = web.Application()
    app.router.add_get(PATH, handler(application))
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    try:
        await web.TCPSite(runner, limits.listen, limits.port).start()
    except OSError as exc:
        log.error("health: cannot listen on %s:%s for /healthz: %s", limits.listen, limits.port, exc.strerror)
        await runner.cleanup()
        return None
    log.info("health: /healthz on http://%s:%s%s", limits.listen, limits.port, PATH)
    return runner


# -- `python -m bot health` --------------------------------------------------------------------


def url_of(settings: Settings) -> str | None:
    """Where the running bot answers /healthz, seen from its own machine; None when it does not."""
    if settings.telegram.mode == "webhook":
        listen, port = settings.telegram.webhook.listen, settings.telegram.webhook.port
    elif settings.health.port is not None:
        listen, port = settings.health.listen, settings.health.port
    else:
        return None
    host = "127.0.0.1" if listen in {"", "0.0.0.0", "::"} else listen
    return f"http://{f'[{host}]' if ':' in host else host}:{port}{PATH}"


def check(settings: Settings) -> int:
    """The health command: 0 when the running bot answers healthy (or, with no /healthz configured,
    when the configuration loads), 1 otherwise; one line of verdict, then the body."""
    url = url_of(settings)
    if url is None:
        print("ok: cấu hình đọc được; chưa cấu hình /healthz (health.port) (configuration loads; no /healthz)")
        return 0
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # 127.0.0.1: never via a proxy
    try:
        with opener.open(url, timeout=settings.health.state_timeout_seconds + 5) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    except OSError as exc:  # refused, timed out: the bot is not (yet) serving
        reason = getattr(exc, "reason", None) or exc
        print(f"unhealthy: bot không trả lời tại {url} (no answer: {reason})")
        return 1
    try:
        body = json.loads(raw)
        summary = "; ".join(item["message"] for item in body.get("reasons", []))
    except (ValueError, TypeError, KeyError, AttributeError):
        body, summary = None, f"HTTP {status}"
    healthy = status == 200 and body is not None
    print(("ok" if healthy else "unhealthy: " + (summary or f"HTTP {status}")) + "\n" + raw.decode(errors="replace"))
    return 0 if healthy else 1
