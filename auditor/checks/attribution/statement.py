"""A statement found in the text: its cue, source, content and links (parent, venue)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Attr:
    id: str
    cue: tuple[int, int]
    cue_entry: dict
    source: tuple[int, int]
    kind: str
    name: str | None
    role: str | None = None
    content: tuple[int, int] | None = None
    sentence: tuple[int, int] = (0, 0)
    para: int = 0                            # index among non-empty lines
    line: int = 1
    parent: "Attr | None" = None
    outlet_qualifier: str | None = None      # "Reuters sources" -> Reuters
    resolved: "Attr | None" = None           # pronoun / reference -> antecedent
    venue: dict | None = None
    venue_of: "Attr | None" = None           # this attribution is the venue of another
    scope_article: bool = False
    headline: bool = False
    standalone: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def effective(self) -> "Attr":
        a, seen = self, 0
        while a.resolved is not None and seen < 10:
            a, seen = a.resolved, seen + 1
        return a

    @property
    def eff_kind(self) -> str:
        return self.effective.kind

    @property
    def eff_name(self) -> str | None:
        return self.effective.name
