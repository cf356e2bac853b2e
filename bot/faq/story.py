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
_SHORT = 12  # syllables: an asking sentence this short is read with the asking sentence before it


def _asking(sentence: str) -> bool:
    folded = fold(sentence)
    return "?" in sentence or bool(_QUESTION_WORD.search(folded) or _QUESTION_END.search(folded.strip()))


def question_part(text: str) -> str | None:
    """The asking part of a message of several sentences: its last asking sentence, with the
    asking sentence just before it when the last one is short ("Thủ tục ra sao?"). None for a
    single sentence."""
    sentences: list[str] = [s for s in _SENTENCE.findall(text) if s.strip(" .!?;\n…")]
    if len(sentences) < 2:
        return None
    asking = [number for number, sentence in enumerate(sentences) if _asking(sentence)]
    if not asking:
        return sentences[-1]
    last = asking[-1]
    part = sentences[last]
    if len(fold(part).split()) < _SHORT and len(asking) > 1 and asking[-2] >= last - 2:
        part = sentences[asking[-2]] + part
    return part
