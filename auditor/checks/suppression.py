"""The rule ids of inline suppression (``<!-- auditor-disable ... -->``, ``auditor_suppress``),
declared here with the checks so the registry, SARIF and the docs read them; the engine's
suppression stage (``auditor.engine.suppress``) emits them."""
from __future__ import annotations

from .declarations import Family, Rule, declare

UNUSED = Rule(
    "suppression.unused", "warning", name="UnusedSuppression",
    help='An inline suppression silenced nothing.',
    explain=('An <!-- auditor-disable ... --> comment or an auditor_suppress entry matched no '
             'finding. The problem it hid was fixed or the rule id is wrong: remove the '
             'comment.'))
INVALID = Rule(
    "suppression.invalid", "warning", name="InvalidSuppression",
    help='An inline suppression names something that is not a rule id.',
    explain=('Rule ids are written family.name (for example duplicate.line), family.* or *. '
             'Correct the comment.'))
FAMILY = Family(
    "suppression", order=70, colour=False,
    help='Inline suppression comments.',
    explain='An auditor-disable comment in an article is unused or malformed.')
RULES = declare(FAMILY, UNUSED, INVALID)
