"""What citizens asked that the FAQ does not answer: unanswered and "did you mean" questions,
grouped by similarity, biggest groups first, each with the closest existing entry.

Questions are compared on what they are about: their words after the FAQ's normaliser
(diacritics folded, synonyms and abbreviations expanded, filler dropped), without the words that
frame a question (FRAME: "thì", "có", "không", "ở đâu", "làm sao"...) and without the words
common to a tenth of the texts (in a large set, the frame of the moment: "cơ quan nào giải
quyết ..."), sorted so that word order does not matter (see comparison_keys).

Then greedy leader clustering:
1. Texts with the same key merge at once ("Có được trả góp không?", "co dc tra gop ko").
2. The distinct keys are taken most frequent first. Each joins the most similar existing group
   leader when rapidfuzz's `fuzz.ratio` of the sorted keys (that is `token_sort_ratio`, sorting
   once per text instead of once per pair) reaches SIMILARITY; otherwise it leads a new group.
   So a group's leader is its most common wording.
3. Keys are compared with the leaders in blocks, one `process.cdist` call per block (C, both
   cores, no Python per pair), about 50 ns a pair. token_set_ratio would cost thirty times more
   and scores 100 for a short text contained in a long one.

SIMILARITY = 80: a typo or missing accents keep 90-100, a couple of extra words ("tôi muốn
ly hôn thì chia tài sản" / "ly hôn chia tài sản") about 81, while different subjects stay below
65 ("ly hôn chia tài sản" / "thừa kế đất đai chia": 51; / "ly hôn nộp đơn": 55). So a group
gathers the questions about one thing, whichever way they are asked.

Cost: 50,000 stored questions (19,000 distinct texts on a few hundred subjects) group in about
a second. Time grows with distinct texts times groups: 20,000 texts all unrelated take 6-7 s.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np
from rapidfuzz import fuzz, process

from bot.faq.matcher import Candidate
from bot.faq.normalize import Normalizer, syllables
from bot.knowledge import Knowledge
from bot.privacy import mask_private
from bot.state.store import AskedQuestion, StateStore

SIMILARITY = 80  # token_sort_ratio (0-100) from which a text joins a group leader
EXAMPLES = 3  # distinct example texts kept per group
_BLOCK = 512  # texts compared with the leaders per cdist call
_GAP_OUTCOMES = ("none", "suggest")
COMMON_SHARE = 0.1  # a word in this share of the distinct texts (and in COMMON_MIN of them) ...
COMMON_MIN = 20  # ... is left out of the comparison, like a frame word
# Syllables (folded, after synonyms) that frame a question rather than say what it is about. They
# are left out of the comparison, or "X thì phải làm sao" would group unrelated X. Folded forms
# that are often content stay in: toi (tôi / tội), minh (mình / xác minh), may (mấy / xe máy),
# ma (mà / mã hồ sơ), hoi (hỏi / thu hồi), bao (bao lâu / thông báo), chi (chị / chi phí),
# dang (đang / đăng ký), can (cần / căn), de (để / đề nghị), ban (bạn / bản án).
FRAME = frozenset(
    {
        "a",
        "ai",
        "bi",
        "cac",
        "chua",
        "co",
        "cua",
        "da",
        "dau",
        "duoc",
        "em",
        "gi",
        "gio",
        "hay",
        "hoac",
        "khi",
        "khong",
        "la",
        "lam",
        "lau",
        "mot",
        "nao",
        "neu",
        "nen",
        "nhieu",
        "nhu",
        "nhung",
        "nua",
        "o",
        "phai",
        "ra",
        "roi",
        "sao",
        "se",
        "the",
        "thi",
        "va",
        "vao",
        "ve",
        "voi",
    }
)


def comparison_keys(texts: Iterable[str], normalizer: Normalizer) -> dict[str, str]:
    """What each text is compared on: its normalised words without FRAME and without the words
    common to many of these texts (COMMON_SHARE of them, at least COMMON_MIN: in a large set these
    are the frame of the moment, "cơ quan nào giải quyết ..."), sorted so word order does not
    matter. A text left with nothing keeps the words it had."""
    words = {text: normalizer.tokens(text) for text in set(texts)}
    content = {text: [t for t in tokens if t not in FRAME] or tokens for text, tokens in words.items()}
    counts = Counter(token for tokens in content.values() for token in set(tokens))
    floor = max(COMMON_MIN, COMMON_SHARE * len(content))
    common = {token for token, count in counts.items() if count >= floor}
    return {
        text: " ".join(sorted([t for t in tokens if t not in common] or tokens)) for text, tokens in content.items()
    }


@dataclass(frozen=True)
class GapGroup:
    """Similar questions the bot did not answer directly."""

    count: int
    unanswered: int  # outcome "none": nothing matched
    suggested: int  # outcome "suggest": the citizen was asked "did you mean"
    examples: tuple[str, ...]  # up to EXAMPLES distinct texts, most frequent first
    first: dt.datetime
    last: dt.datetime
    closest: Candidate | None = None  # the matcher's best entry for the group's leader


@dataclass(frozen=True)
class GapReport:
    """Groups, biggest first (only the first `limit` of them), and totals."""

    groups: tuple[GapGroup, ...]
    questions: int  # unanswered and "did you mean" questions considered
    group_count: int  # groups found, shown or not
    asked: int  # every stored question in the period, answered ones included


def _leaders(keys: Sequence[str]) -> list[int]:
    """For each key (most frequent first), the index of the key leading its group."""
    leader_of = [-1] * len(keys)
    leaders: list[int] = []
    for start in range(0, len(keys), _BLOCK):
        block = list(range(start, min(start + _BLOCK, len(keys))))
        if leaders:
            scores = _similarity([keys[i] for i in block], [keys[i] for i in leaders])
            best = scores.argmax(axis=1)
            for row, index in enumerate(block):
                if scores[row, best[row]] >= SIMILARITY:
                    leader_of[index] = leaders[int(best[row])]
        # The rest of the block, in order, against the leaders it creates itself.
        rest = [index for index in block if leader_of[index] < 0]
        among = _similarity([keys[i] for i in rest], [keys[i] for i in rest])
        fresh: list[int] = []  # positions in `rest` of the new leaders
        for position, index in enumerate(rest):
            to_fresh = among[position, fresh]
            if fresh and to_fresh.max() >= SIMILARITY:
                leader_of[index] = rest[fresh[int(to_fresh.argmax())]]
            else:
                fresh.append(position)
                leader_of[index] = index
        leaders += [rest[position] for position in fresh]
    return leader_of


def _similarity(texts: list[str], others: list[str]) -> np.ndarray:
    """Similarity (0-100, 0 below SIMILARITY) of every sorted-word text to every other."""
    return process.cdist(
        texts, others, scorer=fuzz.ratio, processor=None, score_cutoff=SIMILARITY, dtype=np.uint8, workers=-1
    )


def _examples(texts: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for text in texts:
        shown = " ".join(mask_private(text).split())  # masked again: rows kept from before masking existed
        seen.setdefault(" ".join(syllables(text)), shown)  # "Ở đâu?" and "o dau" are one wording
        if len(seen) == EXAMPLES:
            break
    return tuple(seen.values())


def _group(wordings: list[list[AskedQuestion]]) -> GapGroup:
    """One group from its wordings (questions with the same normalised text), most frequent first."""
    found = [question for wording in wordings for question in wording]
    outcomes = Counter(question.outcome for question in found)
    latest = [sorted(wording, key=lambda q: q.asked_at, reverse=True) for wording in wordings]
    # Examples: the latest spelling of each wording first, most frequent wordings first; then the rest.
    texts = [q.text or "" for spellings in latest for q in spellings[:1]]
    texts += [q.text or "" for spellings in latest for q in spellings[1:]]
    moments = [question.asked_at for question in found]
    return GapGroup(len(found), outcomes["none"], outcomes["suggest"], _examples(texts), min(moments), max(moments))


def group_gaps(questions: Iterable[AskedQuestion], knowledge: Knowledge, limit: int | None = 20) -> GapReport:
    """Group the unanswered and "did you mean" questions (see the module docstring).

    Args:
        questions: stored questions; answered ones only count towards `asked`.
        knowledge: the FAQ (its synonyms normalise the texts) and the matcher (closest entry).
        limit: how many of the biggest groups to return (None: all); only these get a closest entry.

    Returns:
        The groups, biggest first (ties: the most recent first).
    """
    asked = 0
    gaps: list[AskedQuestion] = []
    for question in questions:
        asked += 1
        if question.outcome in _GAP_OUTCOMES and question.text:
            gaps.append(question)
    key_of = comparison_keys((question.text or "" for question in gaps), Normalizer(knowledge.faq.synonyms))
    by_key: dict[str, list[AskedQuestion]] = {}
    for question in gaps:
        by_key.setdefault(key_of[question.text or ""], []).append(question)
    keys = sorted(by_key, key=lambda k: (-len(by_key[k]), k))
    members: dict[int, list[int]] = {}
    for index, leader in enumerate(_leaders(keys)):
        members.setdefault(leader, []).append(index)
    groups = [(keys[leader], _group([by_key[keys[i]] for i in indexes])) for leader, indexes in members.items()]
    groups.sort(key=lambda pair: (-pair[1].count, -pair[1].last.timestamp(), pair[0]))
    shown = []
    for _, group in groups if limit is None else groups[:limit]:
        # The closest entry of the group's most common wording, as the matcher ranks it today.
        ranked = knowledge.matcher.rank(group.examples[0]) if group.examples else []
        shown.append(replace(group, closest=ranked[0] if ranked else None))
    return GapReport(tuple(shown), sum(group.count for _, group in groups), len(groups), asked)


async def collect_gaps(
    state: StateStore, knowledge: Knowledge, since: dt.datetime | None = None, limit: int | None = 20
) -> GapReport:
    """Read the questions asked since `since` and group them in a worker thread (it takes
    seconds on a large database; the bot keeps answering meanwhile)."""
    questions = await state.questions(since=since)
    return await asyncio.to_thread(group_gaps, questions, knowledge, limit)
