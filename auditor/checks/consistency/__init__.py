"""Names, titles and dates against the knowledge base and against each other.

* ``consistency.date`` (order 5, no findings): finds people named with titles,
  infers the publication date (:mod:`auditor.knowledge.dates`) from metadata, the text and
  the tenures those titles imply, and writes it to ``ctx.record["published"]``
  (``ctx.data["published"]`` keeps the :class:`~auditor.knowledge.dates.Published`).
* ``consistency.title``: a title the person never held ("Prime Minister Zelensky").
* ``consistency.title-date``: a title not held at the article's date or window
  ("former President" for a sitting president, "President-elect" after the inauguration).
* ``consistency.title-conflict``: two titles for one person that cannot both be
  right at one date, in one article or (corpus check) in articles of the same dates.
* ``consistency.variant``: one person, place or organisation spelled two ways in one
  article (warning) or across the corpus (info).
* ``consistency.style``: a form the configured house style replaces.

Everything named (people, posts, title phrases, places, preferred forms) comes from
the ``kb-*`` and ``house-style`` rule packs; see :mod:`auditor.knowledge.kb`.

Modules, each importing only those before it: ``declared`` (the rule ids), ``mentions`` (names
and the titles paired with them: :class:`Mention`), ``timing`` (whether a title is right at a
date, the sentence's own time), ``titles`` (the date, title and conflict checks), ``variants``
(spellings and house style), ``corpus`` (conflicts and variants across articles). The words
they read with are the ``kb-words`` pack's (:mod:`auditor.knowledge.lexicon`).
"""
from __future__ import annotations

from . import corpus, titles, variants
from .declared import FAMILY, RULES, STYLE, TITLE, TITLE_CONFLICT, TITLE_DATE, VARIANT
from .mentions import Mention, NameHit, _Text, find_mentions, find_names

__all__ = ["FAMILY", "RULES", "STYLE", "TITLE", "TITLE_CONFLICT", "TITLE_DATE", "VARIANT",
           "Mention", "NameHit", "_Text", "corpus", "find_mentions", "find_names", "titles",
           "variants"]
