"""Greetings, thanks and goodbyes: short messages that are not questions."""

from __future__ import annotations

from bot.faq.normalize import syllables

SMALL_TALK = {
    "greeting": {
        "xin chao",
        "chao",
        "chao ban",
        "chao bot",
        "chao anh",
        "chao chi",
        "chao em",
        "chao ad",
        "alo",
        "a lo",
        "hello",
        "hi",
        "hey",
        "good morning",
        "chao buoi sang",
    },
    "thanks": {
        "cam on",
        "cam on ban",
        "cam on nhieu",
        "xin cam on",
        "cam on ad",
        "thanks",
        "thank you",
        "thank",
        "tks",
        "ok",
        "oke",
        "okay",
        "vang",
        "da",
        "uh",
        "u",
    },
    "goodbye": {"tam biet", "bye", "goodbye", "chao nhe"},
    "who_am_i": {"ban la ai", "bot la ai", "ban la nguoi hay may", "who are you", "are you a bot"},
}


def small_talk_kind(message: str) -> str | None:
    """Which kind of small talk a short message is, if it is only that."""
    words = syllables(message)
    if not words or len(words) > 6:
        return None
    phrase = " ".join(words)
    return next((kind for kind, phrases in SMALL_TALK.items() if phrase in phrases), None)
