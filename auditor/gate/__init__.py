"""The CI gate: ``auditor check``.

* ``check``: run an audit as a gate (config, baseline, ``--since``, reports in several formats,
  the exit code);
* ``config``: auditor.toml / ``[tool.auditor]``; ``baseline``: known findings;
  ``incoming``: the files changed since a git ref.

Layer: above ``output`` (the gate renders its reports), below ``cli`` (tests/test_layers.py).
"""
