"""Live FAQ reload on real files: the watcher, the checks, the swap, and what staff are told."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import shutil
import weakref
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path

import pytest

from bot.config import Settings, load_settings
from bot.content import Content, Loaded, Rejected, load_content
from bot.faq.yamlfile import Problem
from bot.reload import MAX_LISTED, Reloader, Unchanged, describe

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "Nộp tiền thi hành án ở đâu?"  # answered by noi-nop-tien in the shipped FAQ
NEW_PHRASING = "quầy xyzzy plugh nhận tiền"  # answered by nothing until staff add it
BROKEN_TAIL = "  - id: hong\n    question: [\n"


def make_settings(tmp_path: Path) -> Settings:
    """Copies of the shipped FAQ and glossary, in separate folders as in production."""
    shutil.copytree(ROOT / "faq", tmp_path / "faq")
    (tmp_path / "glossary").mkdir()
    shutil.copy(ROOT / "glossary" / "statuses.yaml", tmp_path / "glossary" / "statuses.yaml")
    config = tmp_path / "config.yaml"
    config.write_text(
        "faq:\n  dir: faq\nstate:\n  path: state.sqlite3\n"
        "cases:\n  glossary: glossary/statuses.yaml\n  database: cases.sqlite3\n",
        encoding="utf-8",
    )
    return load_settings(config, environ={})


def save(path: Path, text: str, *, atomic: bool = False) -> None:
    """Save like an editor: rewrite in place, or (vim-like) probe file, swap file, then rename."""
    if not atomic:
        path.write_text(text, encoding="utf-8")
        return
    (path.parent / "4913").write_text("")
    (path.parent / "4913").unlink()
    swap = path.parent / f".{path.name}.swp"
    swap.write_text(text, encoding="utf-8")
    os.replace(swap, path)


def with_phrasing(text: str, phrasing: str = NEW_PHRASING) -> str:
    """The nop-tien file with one more alternative for noi-nop-tien."""
    result, count = re.subn(r"(- id: noi-nop-tien\n(?:.*\n)*?    alternatives:\n)", rf"\1      - {phrasing}\n", text)
    assert count == 1
    return result


def answer(content: Content, question: str) -> str | None:
    return content.knowledge.matcher.match(question).entry_id


async def eventually(condition: Callable[[], bool], timeout: float = 10) -> None:
    """Wait until `condition` holds, polling every 50 ms; fail after `timeout` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "timed out waiting"
        await asyncio.sleep(0.05)


class Calls:
    """Records the reloader's callbacks; optionally fails the first `fail` calls."""

    def __init__(self, fail: int = 0) -> None:
        self.loaded: list[tuple[Content, Sequence[Problem]]] = []
        self.rejected: list[Sequence[Problem]] = []
        self.fail = fail

    async def on_loaded(self, content: Content, warnings: Sequence[Problem]) -> None:
        self.loaded.append((content, warnings))
        self._maybe_fail()

    async def on_rejected(self, problems: Sequence[Problem]) -> None:
        self.rejected.append(problems)
        self._maybe_fail()

    def _maybe_fail(self) -> None:
        if self.fail:
            self.fail -= 1
            raise RuntimeError("the staff chat is unreachable")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


async def start(settings: Settings, calls: Calls, **options: object) -> tuple[Reloader, asyncio.Task[None]]:
    reloader, startup = await Reloader.open(
        settings, on_loaded=calls.on_loaded, on_rejected=calls.on_rejected, debounce_ms=300, step_ms=50, **options
    )
    assert isinstance(startup, Loaded) and startup.content is reloader.current
    task = asyncio.create_task(reloader.watch())
    await asyncio.sleep(0.2)  # the watch is registered on the task's first step
    return reloader, task


async def cancelled(task: asyncio.Task[None]) -> None:
    """Cancel the watcher the way application shutdown does; it must end promptly."""
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, 5)


@pytest.fixture
def calls() -> Calls:
    return Calls()


@pytest.fixture
async def watched(settings: Settings, calls: Calls) -> AsyncIterator[Reloader]:
    reloader, task = await start(settings, calls)
    yield reloader
    await cancelled(task)


@pytest.mark.parametrize("atomic", [False, True], ids=["rewrite", "editor-rename"])
async def test_valid_save_is_picked_up_and_answers_the_new_phrasing(
    watched: Reloader, calls: Calls, settings: Settings, atomic: bool
) -> None:
    old = watched.current
    assert answer(old, NEW_PHRASING) is None
    path = settings.faq.dir / "nop-tien.yaml"
    save(path, with_phrasing(path.read_text(encoding="utf-8")), atomic=atomic)
    await eventually(lambda: len(calls.loaded) == 1)
    new = watched.current
    assert calls.loaded[0][0] is new and new.version != old.version
    assert answer(new, NEW_PHRASING) == "noi-nop-tien"
    assert answer(old, NEW_PHRASING) is None  # the old bundle is untouched
    assert describe(Loaded(new), new) == (
        f"Đã nạp lại bộ câu hỏi: {len(new.knowledge.faq.entries)} mục, "
        f"{len(new.glossary)} trạng thái hồ sơ (phiên bản {new.version})."
    )


async def test_a_burst_of_saves_reloads_once(watched: Reloader, calls: Calls, settings: Settings) -> None:
    path = settings.faq.dir / "nop-tien.yaml"
    good = path.read_text(encoding="utf-8")
    for number in range(5):
        save(path, with_phrasing(good, f"{NEW_PHRASING} {number}"))
    await eventually(lambda: len(calls.loaded) == 1)
    await asyncio.sleep(0.8)
    assert len(calls.loaded) == 1
    assert answer(watched.current, f"{NEW_PHRASING} 4") == "noi-nop-tien"


async def test_force_polling_also_sees_saves(settings: Settings) -> None:
    calls = Calls()
    reloader, task = await start(settings, calls, force_polling=True)
    path = settings.faq.dir / "nop-tien.yaml"
    save(path, with_phrasing(path.read_text(encoding="utf-8")))
    await eventually(lambda: len(calls.loaded) == 1)
    assert answer(reloader.current, NEW_PHRASING) == "noi-nop-tien"
    stop = asyncio.Event()  # a second watcher, stopped by its event instead of cancellation
    second = asyncio.create_task(reloader.watch(stop))
    await asyncio.sleep(0.1)
    stop.set()
    await asyncio.wait_for(second, 5)
    await cancelled(task)


async def test_broken_save_keeps_the_old_version_until_fixed(
    watched: Reloader, calls: Calls, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    old = watched.current
    path = settings.faq.dir / "nop-tien.yaml"
    good = path.read_text(encoding="utf-8")
    save(path, good + BROKEN_TAIL)
    await eventually(lambda: len(calls.rejected) == 1)
    problems = calls.rejected[0]
    syntax = [p for p in problems if p.file == str(path) and p.message.startswith("lỗi cú pháp YAML")]
    assert len(syntax) == 1 and syntax[0].line > len(good.splitlines())  # in the appended lines
    assert Rejected.of(problems).problems == tuple(problems)  # errors first, then warnings
    assert watched.current is old
    assert answer(watched.current, QUESTION) == "noi-nop-tien"
    text = describe(Rejected.of(problems), watched.current)
    errors = len(Rejected.of(problems).errors)  # the shipped FAQ may have warnings too
    assert text.startswith(f"Không nạp được: {errors} lỗi. Bot vẫn dùng phiên bản trước ({old.version}).\n")
    assert f"\n• {syntax[0]}\n" in text
    assert any(r.levelno == logging.WARNING and str(syntax[0]) in r.getMessage() for r in caplog.records)

    save(path, good)  # undone: the version in use is reported good again
    await eventually(lambda: len(calls.loaded) == 1)
    assert calls.loaded[0][0] is old and watched.current is old
    save(path, with_phrasing(good))
    await eventually(lambda: len(calls.loaded) == 2)
    assert answer(watched.current, NEW_PHRASING) == "noi-nop-tien"
    assert len(calls.rejected) == 1


async def test_glossary_error_is_refused_and_a_valid_edit_is_loaded(
    watched: Reloader, calls: Calls, settings: Settings
) -> None:
    path = settings.cases.glossary
    good = path.read_text(encoding="utf-8")
    title = watched.current.glossary["tu-nguyen"].title
    save(path, good + "  - id: tu-nguyen\n    title: Lặp\n    meaning: Lặp\n    next_steps: Lặp\n")
    await eventually(lambda: len(calls.rejected) == 1)
    assert [p.message for p in calls.rejected[0] if not p.warning] == ["trạng thái 'tu-nguyen' bị lặp lại"]
    assert calls.rejected[0][0].file == str(path)
    assert watched.current.glossary["tu-nguyen"].title == title

    save(path, good.replace(f"title: {title}\n", "title: Thời hạn tự nguyện (đã sửa)\n"))
    await eventually(lambda: len(calls.loaded) == 1)
    assert watched.current.glossary["tu-nguyen"].title == "Thời hạn tự nguyện (đã sửa)"
    with pytest.raises(TypeError):
        watched.current.glossary["moi"] = watched.current.glossary["tu-nguyen"]  # type: ignore[index]


async def test_editor_temp_files_are_ignored_and_a_touch_reports_no_change(
    watched: Reloader, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.reload")
    folder = settings.faq.dir
    for name in ("4913", ".nop-tien.yaml.swp", "nop-tien.yaml~", ".~lock.nop-tien.yaml#", "ghi-chu.txt"):
        (folder / name).write_text("x: [", encoding="utf-8")
    await asyncio.sleep(1)
    assert not [r for r in caplog.records if "FAQ reload" in r.getMessage()]
    path = folder / "nop-tien.yaml"
    save(path, path.read_text(encoding="utf-8"))  # same bytes
    await eventually(lambda: any("FAQ reload (watch): no change" in r.getMessage() for r in caplog.records))


async def test_readers_never_fail_across_reloads(settings: Settings) -> None:
    reloader, _ = await Reloader.open(settings)
    path = settings.faq.dir / "nop-tien.yaml"
    good = path.read_text(encoding="utf-8")
    done = False
    seen: set[str] = set()
    asked = 0

    async def reader() -> None:
        nonlocal asked
        while not done:
            content = reloader.current  # once per "message", as the conversation should
            seen.add(content.version)
            assert answer(content, QUESTION) == "noi-nop-tien"
            asked += 1
            await asyncio.sleep(0)

    readers = [asyncio.create_task(reader()) for _ in range(3)]
    versions = {reloader.current.version}
    for number in range(4):
        save(path, with_phrasing(good, f"{NEW_PHRASING} {number}"))
        outcome = await reloader.reload()
        assert isinstance(outcome, Loaded)
        versions.add(outcome.content.version)
    done = True
    await asyncio.wait_for(asyncio.gather(*readers), 5)
    assert len(versions) == 5 and len(seen) >= 3 and asked > 100


async def test_manual_reload_reports_no_change_and_is_serialised(settings: Settings) -> None:
    reloader, _ = await Reloader.open(settings)
    outcome = await reloader.reload()
    assert outcome == Unchanged(reloader.current)
    entries = len(reloader.current.knowledge.faq.entries)
    assert describe(outcome, reloader.current) == (
        f"Không có thay đổi: bot đang dùng phiên bản {reloader.current.version} ({entries} mục)."
    )
    path = settings.faq.dir / "nop-tien.yaml"
    save(path, with_phrasing(path.read_text(encoding="utf-8")))
    outcomes = await asyncio.gather(*(reloader.reload() for _ in range(3)))
    assert [type(o) for o in outcomes] == [Loaded, Unchanged, Unchanged]  # unserialised, all three would load


async def test_a_failing_callback_does_not_stop_the_watcher(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    calls = Calls(fail=2)
    _, task = await start(settings, calls)
    path = settings.faq.dir / "nop-tien.yaml"
    good = path.read_text(encoding="utf-8")
    save(path, good + BROKEN_TAIL)
    await eventually(lambda: len(calls.rejected) == 1)
    save(path, with_phrasing(good, "một"))
    await eventually(lambda: len(calls.loaded) == 1)
    save(path, with_phrasing(good, "hai"))
    await eventually(lambda: len(calls.loaded) == 2)
    failures = [r for r in caplog.records if r.getMessage() == "FAQ reload callback failed"]
    assert len(failures) == 2 and all(r.levelno == logging.ERROR and r.exc_info for r in failures)
    assert not task.done()
    await cancelled(task)


BOMB = (
    "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    + "".join(
        f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]\n" for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
    )
    + "filler: *i\n"
)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("rac.yaml", b"\xff\xfe\x00binary\x00", "tệp không phải UTF-8"),
        ("synonyms.yaml", BOMB.encode(), "tham chiếu YAML (&, *) lồng nhau quá nhiều"),
        ("vong.yaml", b"a: &a [*a]\n", "tham chiếu YAML (&, *) lồng nhau quá nhiều"),
        ("sau.yaml", b"a: " + b"[" * 20000 + b"]" * 20000, "exceeded maximum nesting depth"),
        ("nul.yaml", b"a: b\x00c\n", "control characters are not allowed"),
        ("thu-muc.yaml", None, "không đọc được tệp"),
    ],
)
def test_bad_files_become_rejected_not_exceptions(
    settings: Settings, name: str, data: bytes | None, message: str
) -> None:
    if data is None:
        (settings.faq.dir / name).mkdir()
    else:
        (settings.faq.dir / name).write_bytes(data)
    outcome = load_content(settings)
    assert isinstance(outcome, Rejected)
    assert any(message in str(problem) for problem in outcome.errors), outcome.errors


def test_missing_or_unreadable_files_become_rejected(settings: Settings) -> None:
    settings.cases.glossary.unlink()
    outcome = load_content(settings)
    assert isinstance(outcome, Rejected)
    missing = f"{settings.cases.glossary}:1: lỗi: không đọc được tệp: No such file or directory"
    assert missing in map(str, outcome.errors)
    shutil.rmtree(settings.faq.dir)
    outcome = load_content(settings)
    assert isinstance(outcome, Rejected)
    assert any("không tìm thấy tệp câu hỏi" in problem.message for problem in outcome.errors)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_an_unreadable_file_becomes_rejected(settings: Settings) -> None:
    path = settings.faq.dir / "nop-tien.yaml"
    path.chmod(0)
    outcome = load_content(settings)
    assert isinstance(outcome, Rejected)
    assert f"{path}:1: lỗi: không đọc được tệp: Permission denied" in map(str, outcome.errors)


async def test_a_replaced_folder_is_watched_again(settings: Settings, calls: Calls) -> None:
    reloader, task = await start(settings, calls, retry_seconds=0.2)
    folder = settings.faq.dir
    folder.rename(folder.with_name("faq-cu"))  # a deployment copying a new folder in place
    shutil.copytree(folder.with_name("faq-cu"), folder)
    await asyncio.sleep(1)
    path = folder / "nop-tien.yaml"
    save(path, with_phrasing(path.read_text(encoding="utf-8")))
    await eventually(lambda: answer(reloader.current, NEW_PHRASING) == "noi-nop-tien")
    shutil.rmtree(folder)  # deleted: refused (staff told once), then watched again once it is back
    await eventually(lambda: len(calls.rejected) == 1)
    await asyncio.sleep(0.5)
    shutil.copytree(folder.with_name("faq-cu"), folder)
    await eventually(lambda: answer(reloader.current, NEW_PHRASING) is None)
    assert len(calls.rejected) == 1
    save(path, with_phrasing(path.read_text(encoding="utf-8"), f"{NEW_PHRASING} lần hai"))
    await eventually(lambda: answer(reloader.current, f"{NEW_PHRASING} lần hai") == "noi-nop-tien")
    await cancelled(task)


async def test_start_with_errors_serves_usable_entries_and_reports_until_fixed(settings: Settings) -> None:
    path = settings.faq.dir / "nop-tien.yaml"
    good = path.read_text(encoding="utf-8")
    save(path, good.replace("  - id: noi-nop-tien\n", "  - id: Noi Nop Tien\n"))
    reloader, startup = await Reloader.open(settings)
    assert isinstance(startup, Rejected)
    assert any("id 'Noi Nop Tien' chỉ được gồm chữ thường" in problem.message for problem in startup.errors)
    assert answer(reloader.current, "Có được trả góp tiền thi hành án không?") is not None  # other entries serve
    assert isinstance(await reloader.reload(), Rejected)  # unchanged but never accepted: reported again
    save(path, good)
    assert isinstance(await reloader.reload(), Loaded)


async def test_a_replaced_bundle_is_freed(settings: Settings) -> None:
    reloader = (await Reloader.open(settings))[0]
    old = weakref.ref(reloader.current.knowledge.matcher)
    path = settings.faq.dir / "nop-tien.yaml"
    save(path, with_phrasing(path.read_text(encoding="utf-8")))
    assert isinstance(await reloader.reload(notify=False), Loaded)
    assert old() is None  # no reference cycles: refcounting frees it, even with the collector frozen


def test_staff_message_lists_at_most_thirty_problems(settings: Settings) -> None:
    outcome = load_content(settings)
    assert isinstance(outcome, Loaded)
    problems = tuple(Problem("faq/x.yaml", n, f"lỗi số {n} <b>") for n in range(1, 46))
    text = describe(Rejected(problems, (Problem("faq/x.yaml", 99, "cũ", warning=True),)), outcome.content)
    lines = text.splitlines()
    assert lines[0] == f"Không nạp được: 45 lỗi. Bot vẫn dùng phiên bản trước ({outcome.content.version})."
    assert lines[1] == "Hãy sửa rồi lưu lại tệp; bot sẽ tự kiểm tra và nạp lại."
    assert lines[2] == "• faq/x.yaml:1: lỗi: lỗi số 1 &lt;b&gt;"
    assert len([line for line in lines if line.startswith("• ")]) == MAX_LISTED
    assert lines[-1] == "… và 15 lỗi, 1 cảnh báo khác"
    assert len(text) < 4096


async def test_a_missing_glossary_folder_is_named_in_the_warning_and_watched_again(
    settings: Settings, calls: Calls, caplog: pytest.LogCaptureFixture
) -> None:
    reloader, task = await start(settings, calls, retry_seconds=0.2)
    folder = settings.cases.glossary.parent
    folder.rename(folder.with_name("glossary-cu"))
    await eventually(lambda: any("watched folder missing" in r.getMessage() for r in caplog.records))
    warning = next(r.getMessage() for r in caplog.records if "watched folder missing" in r.getMessage())
    assert str(folder) in warning and str(settings.faq.dir) not in warning
    folder.with_name("glossary-cu").rename(folder)
    await asyncio.sleep(0.5)
    path = settings.faq.dir / "nop-tien.yaml"
    save(path, with_phrasing(path.read_text(encoding="utf-8")))
    await eventually(lambda: answer(reloader.current, NEW_PHRASING) == "noi-nop-tien")
    await cancelled(task)
