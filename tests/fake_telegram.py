"""A small Bot API server on 127.0.0.1 for tests and benchmarks.

It implements the methods the bot uses (getMe, getUpdates with offset/timeout, sendMessage,
sendPhoto, sendDocument, editMessageText, answerCallbackQuery, setMyCommands, deleteWebhook,
setWebhook, ...), keeps what the bot sent, and injects faults on demand: 429 with retry_after,
403, 5xx, dropped connections, a getUpdates that hangs. Like Telegram it can enforce send limits
(overall per second and per chat), answering 429 with retry_after when they are exceeded, and
refuse blocked users (403). An edit that changes nothing is refused with Telegram's 400
"message is not modified".
Random 5xx and dropped connections happen before a message is accepted, so a retry is safe.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

TOKEN = "123456:TEST-token-for-the-fake-server"
BOT_USER = {
    "id": 123456,
    "is_bot": True,
    "first_name": "THADS Bot",
    "username": "thads_test_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
_SENDS = {"sendMessage", "sendPhoto", "sendDocument"}
_JSON_FIELDS = {
    "chat_id",
    "message_id",
    "offset",
    "limit",
    "timeout",
    "reply_markup",
    "allowed_updates",
    "commands",
    "link_preview_options",
    "show_alert",
    "drop_pending_updates",
    "max_connections",
    "scope",
    "cache_time",
    "disable_notification",
    "protect_content",
    "reply_parameters",
    "entities",
}
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)


@dataclass
class Fault:
    """Answer `count` calls of `method` (None: any) with an error instead of the result."""

    method: str | None
    status: int
    count: int
    retry_after: int | None = None
    chat_id: int | None = None


@dataclass
class Sent:
    """A message as the bot left it (edits update it in place)."""

    message_id: int
    chat_id: int
    text: str
    reply_markup: dict[str, Any] | None
    edits: int = 0
    sent_at: float = field(default_factory=time.monotonic)
    kind: str = "text"  # or "photo", "document" (then text is the caption)
    file_id: str | None = None

    def buttons(self) -> list[tuple[str, str]]:
        """(label, callback data) of every inline button, row by row."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [(button["text"], button.get("callback_data", "")) for row in rows for button in row]


@dataclass
class FakeTelegram:
    """The server; `base_url` is what python-telegram-bot's `base_url` takes."""

    token: str = TOKEN
    faults: list[Fault] = field(default_factory=list)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    messages: dict[int, Sent] = field(default_factory=dict)
    by_chat: dict[int, list[Sent]] = field(default_factory=dict)
    webhook: dict[str, Any] = field(default_factory=dict)
    drop_until: float = 0.0
    stall_until: float = 0.0  # sends before this time hang without an answer until then
    updates_stalled: bool = False  # getUpdates hangs unanswered while set (a stuck update loop)
    rate_limit: float | None = None  # sends accepted per second overall; beyond: 429
    chat_interval: float | None = None  # seconds between two sends to one chat; sooner: 429
    retry_after: int = 1  # what a limit 429 asks for
    blocked: set[int] = field(default_factory=set)  # chats that answer 403
    error_rate: float = 0.0  # share of sends answered 500
    drop_rate: float = 0.0  # share of sends whose connection drops unanswered
    throttled: int = 0  # 429s answered for the limits
    seed: int = 7
    _random: random.Random = field(default_factory=random.Random)
    _recent: deque[float] = field(default_factory=deque)
    _last_to_chat: dict[int, float] = field(default_factory=dict)
    _updates: deque[dict[str, Any]] = field(default_factory=deque)
    _update_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))
    _changed: asyncio.Condition | None = None
    _runner: web.AppRunner | None = None
    port: int = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def start(self) -> FakeTelegram:
        self._random.seed(self.seed)
        self._changed = asyncio.Condition()
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        app.router.add_get("/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # -- what citizens do ----------------------------------------------------------------

    def _user(self, user_id: int, language: str) -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": f"Dân {user_id}", "language_code": language}

    def _incoming(self, user_id: int, language: str, **content: Any) -> dict[str, Any]:
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private", "first_name": f"Dân {user_id}"},
            "from": self._user(user_id, language),
            **content,
        }

    async def _push(self, update: dict[str, Any]) -> int:
        update["update_id"] = next(self._update_ids)
        self._updates.append(update)
        await self._notify()
        return int(update["update_id"])

    async def send_text(self, user_id: int, text: str, language: str = "vi") -> int:
        """A citizen types a message (a command when it starts with /)."""
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split(maxsplit=1)[0])}]
        return await self._push({"message": self._incoming(user_id, language, **content)})

    async def send_sticker(self, user_id: int) -> int:
        sticker = {
            "file_id": "sticker-1",
            "file_unique_id": "s1",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
        return await self._push({"message": self._incoming(user_id, "vi", sticker=sticker)})

    async def send_photo(self, user_id: int, file_id: str, caption: str = "") -> int:
        photo = [{"file_id": file_id, "file_unique_id": "p-" + file_id[:8], "width": 1280, "height": 960}]
        return await self._push({"message": self._incoming(user_id, "vi", photo=photo, caption=caption)})

    async def edit_text(self, user_id: int, text: str) -> int:
        return await self._push(
            {"edited_message": self._incoming(user_id, "vi", text=text, edit_date=int(time.time()))}
        )

    async def post_in_channel(self, channel_id: int, text: str) -> int:
        """A post in a channel that made the bot an admin: no `from`, only the channel as sender."""
        channel = {"id": channel_id, "type": "channel", "title": f"Kênh {channel_id}"}
        post = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": channel,
            "sender_chat": channel,
            "text": text,
        }
        return await self._push({"channel_post": post})

    async def press(self, user_id: int, message: Sent, data: str, language: str = "vi") -> int:
        """A citizen presses an inline button of a message the bot sent."""
        shown = {
            "message_id": message.message_id,
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private"},
            "from": BOT_USER,
            "text": message.text,
        }
        query = {
            "id": f"q{next(self._message_ids)}",
            "from": self._user(user_id, language),
            "chat_instance": "ci",
            "data": data,
            "message": shown,
        }
        return await self._push({"callback_query": query})

    def take_update(self) -> dict[str, Any]:
        """The oldest update no getUpdates fetched, removed: a webhook test delivers it itself
        (`send_text`, `press`... build it, with its update_id)."""
        return self._updates.popleft()

    # -- what the bot did ------------------------------------------------------------------

    def copies(self, text_part: str) -> dict[int, int]:
        """How many messages containing `text_part` each chat received."""
        counts: dict[int, int] = {}
        for chat_id, sent in self.by_chat.items():
            n = sum(text_part in message.text for message in sent)
            if n:
                counts[chat_id] = n
        return counts

    def sent_to(self, chat_id: int) -> list[Sent]:
        return list(self.by_chat.get(chat_id, ()))

    def methods(self) -> list[str]:
        return [name for name, _ in self.calls]

    async def wait_for(self, chat_id: int, count: int, timeout: float = 15.0) -> list[Sent]:
        """Wait until the bot has sent at least `count` messages to `chat_id`."""
        assert self._changed is not None
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: len(self.sent_to(chat_id)) >= count), timeout)
        return self.sent_to(chat_id)

    async def wait_until(self, predicate: Any, timeout: float = 15.0) -> None:
        assert self._changed is not None
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(predicate), timeout)

    async def _notify(self) -> None:
        assert self._changed is not None
        async with self._changed:
            self._changed.notify_all()

    # -- the Bot API -------------------------------------------------------------------------

    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            data: dict[str, Any] = await request.json()
            return data
        form = await request.post()
        params: dict[str, Any] = {}
        for key, value in form.items():
            text = value if isinstance(value, str) else ""
            params[key] = json.loads(text) if key in _JSON_FIELDS else text
        return params

    def _fault(self, method: str, params: dict[str, Any]) -> web.Response | None:
        for fault in self.faults:
            if fault.count <= 0 or fault.method not in (None, method):
                continue
            if fault.chat_id is not None and params.get("chat_id") != fault.chat_id:
                continue
            fault.count -= 1
            body: dict[str, Any] = {"ok": False, "error_code": fault.status}
            if fault.status == 429:
                body["description"] = f"Too Many Requests: retry after {fault.retry_after or 1}"
                body["parameters"] = {"retry_after": fault.retry_after or 1}
            elif fault.status == 403:
                body["description"] = "Forbidden: bot was blocked by the user"
            else:
                body["description"] = "Internal Server Error"
            return web.json_response(body, status=fault.status)
        return None

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        if time.monotonic() < self.drop_until:
            if request.transport is not None:
                request.transport.abort()  # the connection drops without an answer
            return web.Response(status=503)
        params = await self._params(request)
        if method in _SENDS:
            while time.monotonic() < self.stall_until:  # a hanging server: the client times out first
                await asyncio.sleep(0.1)
            if self._random.random() < self.drop_rate:
                if request.transport is not None:
                    request.transport.abort()
                return web.Response(status=503)
            limited = self._limits(params)
            if limited is not None:
                return limited
        self.calls.append((method, params))
        fault = self._fault(method, params)
        if fault is not None:
            await self._notify()
            return fault
        handler = getattr(self, "_" + method, None)
        result = await handler(params) if handler else True
        await self._notify()
        if isinstance(result, web.Response):  # an error the method itself answers
            return result
        return web.json_response({"ok": True, "result": result})

    def _limits(self, params: dict[str, Any]) -> web.Response | None:
        """Telegram's answers for sends: 403 when blocked, 429 beyond the limits, random 500s."""
        chat_id = int(params.get("chat_id", 0))
        if chat_id in self.blocked:
            return web.json_response(
                {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}, status=403
            )
        now = time.monotonic()
        while self._recent and self._recent[0] <= now - 1.0:
            self._recent.popleft()
        too_fast = self.rate_limit is not None and len(self._recent) >= self.rate_limit
        last = self._last_to_chat.get(chat_id)
        if too_fast or (self.chat_interval is not None and last is not None and now - last < self.chat_interval):
            self.throttled += 1
            return web.json_response(
                {
                    "ok": False,
                    "error_code": 429,
                    "description": f"Too Many Requests: retry after {self.retry_after}",
                    "parameters": {"retry_after": self.retry_after},
                },
                status=429,
            )
        if self._random.random() < self.error_rate:
            return web.json_response(
                {"ok": False, "error_code": 500, "description": "Internal Server Error"}, status=500
            )
        self._recent.append(now)
        self._last_to_chat[chat_id] = now
        return None

    async def _getMe(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        return BOT_USER

    async def _getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:  # noqa: N802
        while self.updates_stalled:  # the client's read timeout ends it
            await asyncio.sleep(0.1)
        offset = int(params.get("offset") or 0)
        while self._updates and self._updates[0]["update_id"] < offset:
            self._updates.popleft()
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 5.0)
        assert self._changed is not None
        while not self._updates and time.monotonic() < deadline:
            async with self._changed:
                try:
                    await asyncio.wait_for(self._changed.wait(), deadline - time.monotonic())
                except TimeoutError:
                    break
        return list(itertools.islice(self._updates, int(params.get("limit") or 100)))

    def _message(self, sent: Sent) -> dict[str, Any]:
        message = {
            "message_id": sent.message_id,
            "date": int(time.time()),
            "from": BOT_USER,
            "chat": {"id": sent.chat_id, "type": "private"},
            "text": sent.text,
        }
        if sent.reply_markup:
            message["reply_markup"] = sent.reply_markup
        return message

    async def _sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        sent = Sent(next(self._message_ids), int(params["chat_id"]), str(params["text"]), params.get("reply_markup"))
        self.messages[sent.message_id] = sent
        self.by_chat.setdefault(sent.chat_id, []).append(sent)
        return self._message(sent)

    async def _sendPhoto(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        return self._media("photo", params)

    async def _sendDocument(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        return self._media("document", params)

    def _media(self, kind: str, params: dict[str, Any]) -> dict[str, Any]:
        sent = Sent(
            next(self._message_ids),
            int(params["chat_id"]),
            str(params.get("caption", "")),
            params.get("reply_markup"),
            kind=kind,
            file_id=str(params[kind]),
        )
        self.messages[sent.message_id] = sent
        self.by_chat.setdefault(sent.chat_id, []).append(sent)
        message = self._message(sent)
        message.pop("text")
        message["caption"] = sent.text
        if kind == "photo":
            message["photo"] = [
                {"file_id": sent.file_id, "file_unique_id": "u" + str(sent.file_id)[:8], "width": 800, "height": 600}
            ]
        else:
            message["document"] = {"file_id": sent.file_id, "file_unique_id": "u" + str(sent.file_id)[:8]}
        return message

    async def _editMessageText(self, params: dict[str, Any]) -> dict[str, Any] | web.Response:  # noqa: N802
        sent = self.messages.get(int(params["message_id"]))
        if sent is not None and (sent.text, sent.reply_markup) == (str(params["text"]), params.get("reply_markup")):
            return web.json_response({"ok": False, "error_code": 400, "description": _NOT_MODIFIED}, status=400)
        if sent is None:
            sent = Sent(int(params["message_id"]), int(params["chat_id"]), "", None)
            self.messages[sent.message_id] = sent
            self.by_chat.setdefault(sent.chat_id, []).append(sent)
        sent.text, sent.reply_markup, sent.edits = str(params["text"]), params.get("reply_markup"), sent.edits + 1
        return self._message(sent)

    async def _setWebhook(self, params: dict[str, Any]) -> bool:  # noqa: N802
        self.webhook = params
        return True

    async def _deleteWebhook(self, params: dict[str, Any]) -> bool:  # noqa: N802
        self.webhook = {}
        return True

    async def _getWebhookInfo(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        return {"url": self.webhook.get("url", ""), "has_custom_certificate": False, "pending_update_count": 0}
