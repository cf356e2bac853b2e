"""Masking personal numbers out of question texts before they are stored for staff.

Questions that were not answered confidently are kept so staff can improve the FAQ (`faq gaps`).
Citizens write their case code, ID number or phone number into such questions; those are
replaced by a label before the text is stored, so staff see what was asked, not who asked.
"""

from __future__ import annotations

import re
import unicodedata

from bot.cases.codes import CodeFormat

CODE_LABEL = "[mã hồ sơ]"
NUMBER_LABEL = "[số]"

# A phone or ID number starting with 0 or +84, digits optionally grouped by spaces, dots or dashes
# (0905.123.456, +84 905 123 456, 051071001234); amounts ("5.000.000") never start with 0.
_PHONE_OR_ID = re.compile(r"(?<![0-9])(?:\(?\+?84\)?[ .\-]?|0)[0-9](?:[ .\-]?[0-9]){7,11}(?![0-9])")
# Any run of 6 or more digits (a 9- or 12-digit ID, the last digits of one, a PIN), or digits in
# groups of three separated by spaces ("211 234 567").
_LONG_NUMBER = re.compile(r"(?<![0-9.,])(?:[0-9]{6,}|[0-9]{3}(?: [0-9]{3}){2,3})(?![0-9])")
_BIRTH_YEAR = re.compile(r"(?i)\b(sinh|ns|born|birth)(\W+(?:n[aă]m|in|year)?\W*)(?:19|20)[0-9]{2}\b")
_ONLY_A_NUMBER = re.compile(r"\W*[0-9][0-9\W]*")  # "1975": a second factor typed out of a lookup
_CASE_LIKE = re.compile(r"\b[A-Za-z]{1,6}-[0-9]{2,4}-[0-9]{3,8}(?![0-9])")


def mask_private(text: str, codes: CodeFormat | None = None) -> str:
    """`text` with case codes, phone numbers and ID-like numbers replaced by labels."""
    if not text.isascii():  # full-width or other scripts' digits as 0-9, zero-width characters dropped
        text = "".join(
            str(unicodedata.decimal(char)) if char.isdecimal() else char
            for char in unicodedata.normalize("NFKC", text)
            if unicodedata.category(char) != "Cf"
        )
    if _ONLY_A_NUMBER.fullmatch(text):
        return NUMBER_LABEL
    if codes is not None:
        text = codes.masked(text)
    text = _CASE_LIKE.sub(CODE_LABEL, text)  # a code of another format, or mistyped
    text = _BIRTH_YEAR.sub(lambda m: m.group(1) + m.group(2) + NUMBER_LABEL, text)  # a likely second factor
    text = _PHONE_OR_ID.sub(NUMBER_LABEL, text)
    return _LONG_NUMBER.sub(NUMBER_LABEL, text)
