"""A light language guess for posts that arrive without ``language``: function words, no model.

The intent models are trained on English only. A post is read as another language when at least
:data:`MIN_HITS` of its words are that language's common function words and they outnumber the
English ones by :data:`MARGIN`; anything shorter or less clear counts as English (a German
greeting in an English post stays English). Good enough to route a post to a person instead of
classifying it silently; not a general-purpose detector.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["COVERED_LANGUAGES", "covered", "guess_language"]

COVERED_LANGUAGES: Final = frozenset({"en"})
MIN_HITS: Final = 3
MARGIN: Final = 2.0


def _vocabulary(words: str) -> frozenset[str]:
    return frozenset(words.split())


_WORDS: Final[dict[str, frozenset[str]]] = {
    "en": _vocabulary(
        "the a an and or but is are was were be been to of in on at for with my our your it this that i "
        "we you not can can't don't have has do does how what why please thanks just so"
    ),
    "de": _vocabulary(
        "der die das und oder aber ist sind war nicht ich wir sie es mit für auf ein eine einen mein "
        "meine bitte danke kann können wie was warum noch auch schon immer seit"
    ),
    "fr": _vocabulary(
        "le la les et ou mais est sont était pas je nous vous il elle avec pour sur un une mon ma mes "
        "merci peux pouvez comment pourquoi encore aussi depuis très"
    ),
    "es": _vocabulary(
        "el la los las y o pero es son era no yo nosotros usted con para por un una mi mis gracias puedo "
        "pueden cómo qué por qué todavía también desde muy"
    ),
    "pt": _vocabulary(
        "o a os as e ou mas é são era não eu nós você com para por um uma meu minha obrigado obrigada "
        "posso podem como porque ainda também desde muito"
    ),
    "it": _vocabulary(
        "il lo la gli le e o ma è sono era non io noi voi con per un una mio mia grazie posso possono "
        "come perché ancora anche da molto"
    ),
    "nl": _vocabulary(
        "de het een en of maar is zijn was niet ik wij jullie met voor op mijn bedankt kan kunnen hoe "
        "waarom nog ook sinds heel"
    ),
}


_TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def guess_language(text: str) -> str:
    """An ISO 639-1 tag: ``en`` unless another language's function words clearly dominate."""
    words = [w.lower() for w in _TOKEN.findall(text)]
    hits = {lang: sum(w in vocab for w in words) for lang, vocab in _WORDS.items()}
    english = hits.pop("en")
    lang, count = max(hits.items(), key=lambda item: item[1])
    if count >= MIN_HITS and count >= MARGIN * max(english, 1):
        return lang
    return "en"


def covered(language: str | None, text: str) -> tuple[bool, str]:
    """Whether the intent models cover the post, and the language it was read as.

    The mention's own ``language`` (``de``, ``pt-BR``) wins when given; otherwise :func:`guess_language`.
    """
    tag = (language or guess_language(text)).split("-")[0].lower()
    return tag in COVERED_LANGUAGES, tag
