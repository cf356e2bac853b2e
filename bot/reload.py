"""Live reload of staff-edited content: the FAQ folder (with synonyms.yaml) and the status glossary.

A saved change is validated with the checks of `python -m bot faq check`. With no error (warnings
are fine) a new immutable `Content` is built in a worker thread and swapped in with one attribute
assignment; with errors the last good version keeps serving and the problems go to a callback.
Nothing here knows Telegram: the application starts `Reloader.watch()` and routes the callbacks.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import watchfiles

from bot.config import Settings
from bot.content import Content, Loaded, Rejected, build_content, load_changed, load_content
from bot.faq.yamlfile import Problem

log = logging.getLogger(__name__)

MAX_LISTED = 30  # problems listed in a staff message; the rest are counted
_MAX_CHARS = 3500  # a Telegram message holds 4096 characters
_MAX_LINE = 300
# Editor lock, swap and backup files: .~lock.x.yaml#, .x.yaml.swp, x.yaml~, vim's 4913, emacs' .#x / #x#.
_EDITOR_TEMP = re.compile(r"^[.#]|[~#]$|\.sw[a-p]$|^4913$|\.kate-swp$|\.tmp$")


@dataclass(frozen=True)
class Unchanged:
    """The files are byte for byte those of the content in use; nothing was rebuilt."""

    content: Content


Outcome = Loaded | Rejected | Unchanged
OnLoaded = Callable[[Content, Sequence[Problem]], Awaitable[None]]
OnRejected = Callable[[Sequence[Problem]], Awaitable[None]]


class Reloader:
    """Holds the content in use and replaces it on valid saves or on demand.

    Readers take `reloader.current` once per message and use that bundle throughout.
    """

    def __init__(
        self,
        settings: Settings,
        initial: Content,
        *,
        validated: bool = True,
        on_loaded: OnLoaded | None = None,
        on_rejected: OnRejected | None = None,
        debounce_ms: int = 1600,
        step_ms: int = 50,
        force_polling: bool | None = None,
        retry_seconds: float = 10,
    ) -> None:
        """Serve `initial` until a reload succeeds.

        Args:
            settings: the configuration (faq.dir, cases.glossary, matching, faq check rules).
            initial: the content to serve until a reload succeeds.
            validated: False when `initial` failed the checks: then a reload re-checks even unchanged files.
            on_loaded: awaited after a new bundle is swapped in, with its warnings.
            on_rejected: awaited with the problems (errors, then warnings) of refused content.
            debounce_ms: longest a burst of file events is gathered before reloading once.
            step_ms: quiet time that ends a burst.
            force_polling: poll instead of inotify (some Docker bind mounts deliver no events); None:
                watchfiles decides (off, unless WATCHFILES_FORCE_POLLING is set or on WSL).
            retry_seconds: pause before the watcher restarts after failing.
        """
        self.settings = settings
        self.on_loaded = on_loaded
        self.on_rejected = on_rejected
        self.debounce_ms, self.step_ms, self.force_polling = debounce_ms, step_ms, force_polling
        self.retry_seconds = retry_seconds
        self._current = initial
        self._accepted = initial.version if validated else None
        self._loaded = Loaded(initial) if validated else None  # what a save back to `_accepted` reports
        self._lock = asyncio.Lock()
        self._reported: str | None = None  # the refused files last handed to on_rejected
        self._faq_dir, self._glossary = self._watched()

    def _watched(self) -> tuple[Path, Path]:
        """The FAQ folder and the glossary file as they resolve now (a symlink may be switched)."""
        return self.settings.faq.dir.resolve(), self.settings.cases.glossary.resolve()

    def _identity(self) -> list[tuple[int, int] | None]:
        """Which folders are watched: a folder deleted, or replaced by another, gets no more events."""
        found: list[tuple[int, int] | None] = []
        for folder in (self.settings.faq.dir, self.settings.cases.glossary.parent):
            try:
                status = folder.stat()
                found.append((status.st_dev, status.st_ino))
            except OSError:
                found.append(None)
        return found

    @classmethod
    async def open(cls, settings: Settings, **options: Any) -> tuple[Reloader, Loaded | Rejected]:
        """Load the content for start-up; `options` are the constructor's keywords.

        Content with errors still starts the bot with every usable entry (the behaviour before live
        reload); the `Rejected` returned alongside is for staff, and the next valid save replaces it.
        """
        outcome = await asyncio.to_thread(load_content, settings)
        if isinstance(outcome, Loaded):
            return cls(settings, outcome.content, **options), outcome
        initial = await asyncio.to_thread(build_content, settings, outcome.version or "?")
        return cls(settings, initial, validated=False, **options), outcome

    @property
    def current(self) -> Content:
        """The content in use: a whole bundle, old or new, never a mix."""
        return self._current

    async def reload(self, reason: str = "manual", *, notify: bool = True) -> Outcome:
        """Check the files and swap in new content when they changed and have no error.

        Reloads never interleave (a lock); the work runs in a worker thread. With `notify`, the
        callbacks are awaited (their exceptions are logged, not raised).
        """
        async with self._lock:
            started = time.perf_counter()
            result = await asyncio.to_thread(load_changed, self.settings, self._accepted)
            outcome: Outcome = Unchanged(self._current) if result is None else result
            if result is None and self._reported is not None and self._loaded is not None:
                outcome = self._loaded  # a refused save was undone: staff hear the version is good again
            if isinstance(outcome, Loaded):
                self._current = outcome.content  # the swap: one assignment
                self._accepted = outcome.content.version
                self._loaded, self._reported = outcome, None
            self._log(outcome, reason, time.perf_counter() - started)
        if notify:
            await self._notify(outcome)
        return outcome

    def _log(self, outcome: Outcome, reason: str, seconds: float) -> None:
        if isinstance(outcome, Unchanged):
            log.info("FAQ reload (%s): no change, version %s", reason, outcome.content.version)
            return
        if isinstance(outcome, Loaded):
            content = outcome.content
            log.info(
                "FAQ reloaded (%s): %d entries, %d statuses, version %s, %.2f s",
                reason,
                len(content.knowledge.faq.entries),
                len(content.glossary),
                content.version,
                seconds,
            )
        else:
            log.warning(
                "FAQ reload refused (%s): %d error(s), %d warning(s); keeping version %s",
                reason,
                len(outcome.errors),
                len(outcome.warnings),
                self._current.version,
            )
        problems = outcome.warnings if isinstance(outcome, Loaded) else outcome.problems
        if problems:
            log.warning("FAQ problems:\n%s", "\n".join(str(problem) for problem in problems))

    async def _notify(self, outcome: Outcome) -> None:
        self._reported = outcome.version if isinstance(outcome, Rejected) else None
        try:
            if isinstance(outcome, Loaded) and self.on_loaded is not None:
                await self.on_loaded(outcome.content, outcome.warnings)
            elif isinstance(outcome, Rejected) and self.on_rejected is not None:
                await self.on_rejected(outcome.problems)
        except Exception:
            log.error("FAQ reload callback failed", exc_info=True)

    def _relevant(self, change: watchfiles.Change, path: str) -> bool:
        """The glossary, a YAML file directly in the FAQ folder (not an editor's temp file), or a
        watched folder itself (moved or deleted: it must be watched again)."""
        file = Path(path)
        if file in (self._glossary, self._faq_dir, self._glossary.parent):
            return True
        if _EDITOR_TEMP.search(file.name):
            return False
        return file.parent == self._faq_dir and file.suffix in {".yaml", ".yml"}

    async def watch(self, stop_event: asyncio.Event | None = None) -> None:
        """Reload after each burst of saves until `stop_event` is set or the task is cancelled.

        Survives failing callbacks and a failing watcher (restarted after `retry_seconds`). A
        watched folder that is deleted or replaced (a symlink switched, a folder copied over) is
        watched again once it exists; a reload then catches up with saves made meanwhile.
        """
        stop = stop_event or asyncio.Event()
        restarting = False
        while not stop.is_set():
            pause = True
            try:
                if restarting and None not in self._identity():
                    await self._catch_up()
                self._faq_dir, self._glossary = self._watched()
                identity = self._identity()
                batches = watchfiles.awatch(
                    *sorted({self._faq_dir, self._glossary.parent}),
                    watch_filter=self._relevant,
                    debounce=self.debounce_ms,
                    step=self.step_ms,
                    stop_event=stop,
                    recursive=False,
                    force_polling=self.force_polling,
                )
                async with contextlib.aclosing(batches):  # closes the inotify watch on cancellation too
                    async for changes in batches:
                        log.debug("FAQ files changed: %s", sorted(Path(path).name for _, path in changes))
                        await self.reload("watch")
                        if self._identity() != identity:
                            log.warning("FAQ folder deleted or replaced; watching it again")
                            pause = False
                            break
            except FileNotFoundError:
                folders = (self.settings.faq.dir, self.settings.cases.glossary.parent)
                missing = [str(folder) for folder in folders if not folder.is_dir()]
                log.warning("watched folder missing (%s); retrying in %g s", ", ".join(missing), self.retry_seconds)
            except Exception:
                log.error("FAQ watcher failed; restarting in %g s", self.retry_seconds, exc_info=True)
            restarting = True
            if pause:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.retry_seconds)

    async def _catch_up(self) -> None:
        """Reload after a watcher restart; a refusal already reported is not reported again."""
        outcome = await self.reload("watcher restarted", notify=False)
        if not (isinstance(outcome, Rejected) and outcome.version == self._reported):
            await self._notify(outcome)


def _listing(problems: Sequence[Problem], used: int) -> list[str]:
    """Bullet lines for at most MAX_LISTED problems (within a chat message's length), then a count."""
    lines: list[str] = []
    for problem in problems:
        line = "• " + str(problem)
        if len(line) > _MAX_LINE:
            line = line[: _MAX_LINE - 1] + "…"
        if len(lines) == MAX_LISTED or used + len(line) > _MAX_CHARS:
            break
        lines.append(line)
        used += len(line) + 1
    rest = problems[len(lines) :]
    if rest:
        errors = sum(not problem.warning for problem in rest)
        counts = [f"{n} {label}" for n, label in ((errors, "lỗi"), (len(rest) - errors, "cảnh báo")) if n]
        lines.append(f"… và {', '.join(counts)} khác")
    return lines


def describe(outcome: Outcome, current: Content, *, escape: bool = True) -> str:
    """The outcome for the staff chat, Vietnamese; HTML-escaped unless `escape` is False.

    Args:
        outcome: what a reload returned.
        current: the content in use after it (`Reloader.current`).
        escape: escape for Telegram's HTML parse mode (the bot's default).
    """
    if isinstance(outcome, Unchanged):
        content = outcome.content
        lines = [
            f"Không có thay đổi: bot đang dùng phiên bản {content.version} ({len(content.knowledge.faq.entries)} mục)."
        ]
    elif isinstance(outcome, Loaded):
        content = outcome.content
        lines = [
            f"Đã nạp lại bộ câu hỏi: {len(content.knowledge.faq.entries)} mục, "
            f"{len(content.glossary)} trạng thái hồ sơ (phiên bản {content.version})."
        ]
        if outcome.warnings:
            lines.append(f"Có {len(outcome.warnings)} cảnh báo (không chặn việc nạp, nên sửa):")
            lines += _listing(outcome.warnings, sum(map(len, lines)))
    else:
        lines = [
            f"Không nạp được: {len(outcome.errors)} lỗi. Bot vẫn dùng phiên bản trước ({current.version}).",
            "Hãy sửa rồi lưu lại tệp; bot sẽ tự kiểm tra và nạp lại.",
        ]
        lines += _listing(outcome.problems, sum(map(len, lines)))
    text = "\n".join(lines)
    return html.escape(text, quote=False) if escape else text
