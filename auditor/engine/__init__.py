"""The engine: runs the checks over a corpus.

* ``pipeline``: ``audit(sources, ruleset, options) -> AuditResult``: the per-article stage on
  the engine the options name, then the corpus checks (it opens the archive the corpus
  checks read, ``CorpusContext.archive``);
* ``stage``: the per-article stage (every article check, scoring, every fingerprint);
* ``local``: the local process pool; ``dask_engine``: the same stage on dask.distributed;
* ``parallel``: ``fork_map`` for the corpus stage and the HTML page writer;
* ``suppress``: inline suppressions applied to findings; ``finding_keys``: the fingerprints
  baselines and suppressions match findings by;
* ``reliability``: the explained 0-100 score; ``fields``: report spans mapped into JSON fields;
* ``progress``: the progress bar.

Layer: above ``archive`` and ``checks``, below ``output`` (tests/test_layers.py).
"""
