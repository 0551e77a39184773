"""Knowledge: what the checks know about the world, read from rule packs.

* ``kb``: the knowledge base (people, posts, tenures, jurisdictions, spelling variants, house
  style, the ``kb-words`` word lists) built once per rule set, and the word scanners that try a
  pattern only where one of its first words starts;
* ``lexicon``: the ``kb-words`` pack's word lists (title modifiers and their roles, the words
  around a title and its name, when a sentence speaks of now) compiled into the patterns the
  knowledge base and the consistency checks read text with; ``KB.lexicon``;
* ``dates``: publication dates, from metadata or a window inferred from the text (its month,
  weekday, relative-date and future words come from the ``kb-words`` pack);
* ``kb_import``, ``rsp_import``: build knowledge-base and outlet-rating packs from public data.

Layer: above ``rules``, below ``ingest`` and ``checks`` (tests/test_layers.py).
"""
