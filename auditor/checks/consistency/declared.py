"""The rule ids of the consistency family, declared once (see :mod:`auditor.checks.declarations`)."""
from __future__ import annotations

from ..declarations import Family, Rule, declare

# -- the rule ids this family emits; a title the knowledge base can no longer vouch for (past its
# coverage) is reported at info; the kb packs' settings may set the variant and style severities
TITLE = Rule(
    "consistency.title", "error", name="WrongTitle",
    help='A person is given a title the knowledge base does not record for them.',
    explain=('The title or role next to a name disagrees with the knowledge base at the '
             "article's date. Check the person's title; the evidence names the entry used."))
TITLE_DATE = Rule(
    "consistency.title-date", "warning", name="TitleNotHeldAtDate",
    help="A title is used for a person who did not hold it at the article's date.",
    explain=("The person held (or would hold) this title at another time than the article's "
             'publication date. Check the date and the title (former, acting, elect).'))
TITLE_CONFLICT = Rule(
    "consistency.title-conflict", "warning", name="ConflictingTitles",
    help='The same person is given conflicting titles in one article.',
    explain=('One person is called by two titles that cannot both be true at once. Correct one'
             ' of them.'))
VARIANT = Rule(
    "consistency.variant", "warning", name="SpellingVariant",
    help='The same name is spelled in more than one way.',
    explain=('A person or place appears under different spellings (transliterations, '
             'diacritics). Use one spelling throughout, following the house style.'))
STYLE = Rule(
    "consistency.style", "info", name="HouseStyle",
    help='A spelling differs from the house style.',
    explain='The house-style rule pack prefers another spelling. Use the preferred form.')
FAMILY = Family(
    "consistency", order=50, colour=True,
    help='Facts that disagree.',
    explain=("A name, title or figure disagrees with the knowledge base at the article's date "
             'or with another part of the corpus. Check it.'))
RULES = declare(FAMILY, TITLE, TITLE_DATE, TITLE_CONFLICT, VARIANT, STYLE)
