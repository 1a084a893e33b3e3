"""Search that finds "Brücke" whether someone types "brücke", "bruecke" or "brucke".

The same name is written several ways: with umlauts, with their German transliteration
(ue, ae, oe, ss) on keyboards without them, or with the accents simply left out (Polish,
Turkish, French names). `search_key` stores every way in one lower-case ASCII string;
`term_variants` turns what someone typed into the ways it may appear there. Plain Python,
so it behaves the same on SQLite and PostgreSQL (no unaccent extension needed).
"""

import unicodedata

GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("ß", "ss")


def fold(text: str, *, transliterate: bool) -> str:
    """Lower case without accents; umlauts as ue/ae/oe when `transliterate`, else as u/a/o."""
    text = text.casefold()  # also ß -> ss
    if transliterate:
        text = text.translate(GERMAN)
    return _strip_accents(text)


def search_key(text: str) -> str:
    """What Organisation.search_name stores for a name: each spelling once."""
    variants = dict.fromkeys([fold(text, transliterate=True), fold(text, transliterate=False)])
    return " | ".join(variants)


def term_variants(term: str) -> set[str]:
    """The spellings of a typed term to look for in a search key.

    "brücke" -> {"bruecke", "brucke"}; "bruecke" stays "bruecke" (found through the
    transliterated spelling of "Brücke").
    """
    return {fold(term, transliterate=True), fold(term, transliterate=False)} - {""}
