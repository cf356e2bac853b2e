"""Find the question inside a citizen's message.

Real questions often tell a story first ("Năm 2011 cha mẹ tôi vay tiền... Tòa buộc trả...") and
ask last, sometimes in two short sentences ("Tôi phải làm gì để được thi hành án? Thủ tục ra
sao?"), then thank ("Xin cảm ơn."). The story's words (vay, tòa, nhà, con) are everywhere in the
FAQ; the asking part says which entry is meant. This module returns that asking part.
"""

from __future__ import annotations

import re

from bot.faq.normalize import fold

_SENTENCE = re.compile(r"[^.!?;\n…]+[.!?;\n…]*")  # a sentence with its closing punctuation
# Words that make a sentence a question wherever they stand.
_QUESTION_WORD = re.compile(
    r"\b(sao|gi|j|nao|o dau|bao nhieu|bao lau|may|co phai|duoc khong|hay khong|duoc ko|ra sao"
    r"|the nao|lam gi|what|how|where|when|who|why)\b"
)
# Words that make it a question only at its end: "không" inside a story is a negation
# ("họ vẫn không trả"), at the end it asks ("có bị đi tù không").
_QUESTION_END = re.compile(r"\b(khong|ko|k|hok|chua|dau|nhi|chang)\W*$")
# "Văn bản pháp luật nào quy định vấn đề này?": asking for the law, not for another topic. The
# FAQ shows the legal basis with every answer, so such a sentence is read only when it is alone.
_ABOUT_THE_LAW = re.compile(
    r"\b(van ban (phap luat |phap ly |luat )?nao|(dieu|bo) luat nao|luat nao|can cu (phap ly|phap luat|vao dau)"
    r"|quy dinh (o|tai) dau|quy dinh (tai|o) van ban)\b"
)
_WINDOW = 30  # syllables of asking sentences read together, counted from the last one
# "... vậy luật sư cho tôi hỏi <the question>": what follows the asker's own "I ask" is the
# question; what comes before it in the same sentence is still the story.
_ASK_MARKER = re.compile(
    r"\b(?:(?:xin|cho|muon|can|duoc)(?: (?:toi|em|minh|chau|con|chi|anh))? hoi|xin cho biet|hoi la|cho biet)\b[\s:,]*"
)
_AFTER_MARKER = 4  # syllables the rest must have to be read as the question


def _asking(sentence: str, folded: str) -> bool:
    """Whether a sentence (and its folded form) asks something."""
    return "?" in sentence or bool(_QUESTION_WORD.search(folded) or _QUESTION_END.search(folded.strip()))


def _after_marker(folded: str) -> str | None:
    """What follows the last "cho tôi hỏi" / "xin hỏi" / "xin cho biết" in a folded sentence, when
    that is a question of its own (folded, as the matcher reads it)."""
    markers = list(_ASK_MARKER.finditer(folded))
    if not markers or markers[-1].start() == 0:
        return None
    rest = folded[markers[-1].end() :]
    return rest if len(rest.split()) >= _AFTER_MARKER else None


def _joined(sentences: list[str]) -> list[str]:
    """Pieces that only look like sentences joined back: after "TP.", "Q.", "H." or "...", a
    piece starting in lower case goes on the sentence before ("... là 1 năm hay 2 năm... mà Nhà
    nước quy định hiện nay?"). Only for a writer who starts sentences with a capital: in a
    message typed all in lower case every sentence starts so."""
    starts = [sentence.lstrip(" \n\"'(")[:1] for sentence in sentences]
    if sum(start.isupper() for start in starts) * 2 < len(starts):
        return sentences
    joined: list[str] = []
    for sentence, start in zip(sentences, starts, strict=True):
        if joined and start.islower() and not joined[-1].rstrip().endswith(("?", "!")):
            joined[-1] += sentence
        else:
            joined.append(sentence)
    return joined


def question_part(text: str) -> str | None:
    """The asking part of a message of several sentences: its last asking sentence, with the
    asking sentences just before it while they fit in _WINDOW syllables ("Tôi phải làm gì để được
    thi hành án? Thủ tục ra sao?"); within one sentence, what follows the asker's own "cho tôi
    hỏi". None for a single sentence without such a marker."""
    sentences = _joined([s for s in _SENTENCE.findall(text) if s.strip(" .!?;\n…")])
    if len(sentences) < 2:
        return _after_marker(fold(text))
    folded = [fold(sentence) for sentence in sentences]
    asking = [n for n, sentence in enumerate(sentences) if _asking(sentence, folded[n])]
    # A sentence asking only for the law is set aside when another sentence asks something.
    asking = [n for n in asking if not _ABOUT_THE_LAW.search(folded[n])] or asking
    if not asking:
        return sentences[-1]
    # Several questions asked in a row are read together ("Có được trả góp không? Có bị trừ
    # lương không?"), up to _WINDOW syllables: one of them is often the specific one.
    chosen = [asking[-1]]
    size = len(folded[asking[-1]].split())
    for number in reversed(asking[:-1]):
        size += len(folded[number].split())
        if size > _WINDOW or number < chosen[-1] - 2:
            break
        chosen.append(number)
    if len(chosen) == 1 and (rest := _after_marker(folded[chosen[0]])) is not None:
        return rest
    return "".join(sentences[number] for number in sorted(chosen))
