"""python-telegram-bot's HTTP transport on aiohttp instead of httpx.

Measured in benchmarks/bot_load.py: the same bot spends less CPU per reply with it. Errors
carry the exception's class name only and are raised outside the `except` block, so no transport
exception is chained to them: aiohttp's messages can hold the request URL, which holds the token.
(Telegram-specific like bot/app.py: the core never imports this.)
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

_DEFAULT = BaseRequest.DEFAULT_NONE


class AiohttpRequest(BaseRequest):
    """A BaseRequest with a pooled aiohttp session; `on_answer` is told each answer's HTTP status
    (the getUpdates request's tells the health check that polling makes progress)."""

    def __init__(
        self,
        pool_size: int = 32,
        read_timeout: float = 5.0,
        connect_timeout: float = 5.0,
        on_answer: Callable[[int], None] | None = None,
    ) -> None:
        self._on_answer = on_answer
        self._pool_size = pool_size
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size)
            self._session = aiohttp.ClientSession(connector=connector, headers={"User-Agent": self.USER_AGENT})

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(  # noqa: PLR0917 - the signature is python-telegram-bot's
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: float | object | None = _DEFAULT,
        write_timeout: float | object | None = _DEFAULT,
        connect_timeout: float | object | None = _DEFAULT,
        pool_timeout: float | object | None = _DEFAULT,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        read = self._read_timeout if read_timeout is _DEFAULT else read_timeout
        connect = self._connect_timeout if connect_timeout is _DEFAULT else connect_timeout
        timeout = aiohttp.ClientTimeout(
            sock_read=read if isinstance(read, int | float) else None,
            sock_connect=connect if isinstance(connect, int | float) else None,
        )
        data: aiohttp.FormData | dict[str, str] | None = None
        if request_data is not None and request_data.contains_files:
            form = aiohttp.FormData()
            for name, value in request_data.json_parameters.items():
                form.add_field(name, value)
            for name, part in request_data.multipart_data.items():
                if isinstance(part, tuple):
                    filename, content, mime = part[0], part[1], part[2] if len(part) > 2 else None
                    form.add_field(name, content, filename=filename, content_type=mime)
            data = form
        elif request_data is not None:
            data = request_data.json_parameters
        error: TimedOut | NetworkError
        try:
            async with self._session.request(method, url, data=data, timeout=timeout) as response:
                answer = response.status, await response.read()
            if self._on_answer is not None:
                self._on_answer(answer[0])
            return answer
        except TimeoutError as exc:
            error = TimedOut(f"aiohttp: {type(exc).__name__}")
        except asyncio.CancelledError:
            raise
        except (aiohttp.ClientError, OSError, ValueError) as exc:
            error = NetworkError(f"aiohttp.{type(exc).__name__}")
        # Raised here, not in the except block: neither __cause__ nor __context__ carries the URL.
        raise error
