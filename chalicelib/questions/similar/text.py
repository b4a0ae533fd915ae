"""Words to index terms: lowercase, Unicode-normalised, stop words out, English stems. Pure, no I/O.

"Invoicing", "invoices" and "invoice" all become ``invoic``; "taxes" and "taxed" become ``tax``, so a
client who types another form of a word still meets the question. The stemmer is the Snowball English
(Porter 2) stemmer from ``snowballstemmer``, the same algorithm search engines ship.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Protocol

# English stop words: function words, and the words nearly every question has ("how", "should", "my"),
# which would otherwise match every question with the same weight.
_STOP_WORD_TEXT = """
    a about above after again against all am an and any are aren as at be because been before being below
    between both but by can cannot could couldn did didn do does doesn doing don down during each else ever
    every few for from further get gets getting got had hadn has hasn have haven having he her here hers
    herself him himself his how i if in into is isn it its itself just let me might more most much must
    mustn my myself need no nor not now of off on once only or other ought our ours ourselves out over own
    please same shall shan she should shouldn so some such than that the their theirs them themselves then
    there these they this those through to too under until up upon us very was wasn way we were weren what
    when where whether which while who whom whose why will with won would wouldn yes yet you your yours
    yourself yourselves anyone anybody anything someone somebody something also really want wants wanted
    like know s t d ll m re ve hi hello thanks thank question questions help advice
    """
STOP_WORDS: frozenset[str] = frozenset(_STOP_WORD_TEXT.split())

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


class _Stemmer(Protocol):
    def stemWord(self, word: str) -> str: ...  # noqa: N802 (snowballstemmer's name)


@lru_cache(maxsize=1)
def _stemmer() -> _Stemmer:
    import snowballstemmer

    stemmer: _Stemmer = snowballstemmer.stemmer("english")
    return stemmer


def normalise(text: str) -> str:
    """NFKC, lowercase, accents stripped: "Café ＴＡＸ" -> "cafe tax"."""
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    return "".join(ch for ch in folded if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """Runs of letters and digits, normalised; apostrophes split ("client's" -> "client", "s")."""
    return _WORD.findall(normalise(text))


@lru_cache(maxsize=20_000)
def stem(word: str) -> str:
    return _stemmer().stemWord(word)


def terms(text: str) -> list[str]:
    """The index terms of ``text`` in order, with repeats (their counts are term frequencies).

    Stop words and one-character tokens are dropped before and after stemming.
    """
    found: list[str] = []
    for word in words(text):
        if len(word) < 2 or word in STOP_WORDS:
            continue
        stemmed = stem(word)
        if len(stemmed) >= 2 and stemmed not in STOP_WORDS:
            found.append(stemmed)
    return found
