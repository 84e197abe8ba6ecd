"""Sign-in names in the practice profile: one spelling for every way of typing a name, and a
"skeleton" that is the same for names a person could mistake for each other.

The vault uses `normalise` to find the name someone typed at unlock; the practice uses both when
it makes a name. Neither app owns the other, so the idea lives here, beside them.
"""

import re
import unicodedata

# What a sign-in name may contain once normalised: it starts and ends with a letter or number.
ALLOWED = re.compile(r"[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?")
ALLOWED_HELP = "letters a to z, numbers, and dots, dashes or underscores between them"

SEPARATORS = re.compile(r"[._-]+")
LOOK_ALIKE_PAIRS = (("rn", "m"), ("vv", "w"))
LOOK_ALIKE_CHARACTERS = str.maketrans({"0": "o", "1": "i", "l": "i"})


def normalise(name: str) -> str:
    """The same name, however it was typed: compatibility forms (full-width letters, ligatures)
    folded by NFKC, then case folded, so "ALEX", "Alex" and "ａｌｅｘ" are all "alex"."""
    return unicodedata.normalize("NFKC", name).casefold().strip()


def skeleton(name: str) -> str:
    """What a name looks like at a glance: two names with the same skeleton are too easy to mix up
    (alex.4821, a1ex.4821, al-ex.4821). Skeletons are stored, so a change here needs a migration
    that works them out again."""
    text = SEPARATORS.sub("", normalise(name))
    for pair, single in LOOK_ALIKE_PAIRS:
        text = text.replace(pair, single)
    return text.translate(LOOK_ALIKE_CHARACTERS)
