"""``auditor report REPORT_JSON --output DIR``: the HTML report again from a saved JSON."""
from __future__ import annotations

import json
import os

from ...model import AuditResult
from .sources import file_loader
from . import HtmlRenderer

FILE_BATCH = 5000


def load_report(path: str) -> AuditResult:
    """The result a report JSON holds; ValueError when it is not one (schema-checked)."""
    from importlib import resources

    import jsonschema
    schema = json.loads((resources.files("auditor.schemas") / "report.schema.json")
                        .read_text(encoding="utf-8"))
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(f"not a readable report JSON: {e}") from None
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(data),
                    key=lambda e: list(e.absolute_path))
    if errors:
        e = errors[0]
        where = "/".join(str(p) for p in e.absolute_path) or "(top)"
        raise ValueError(f"not an auditor report ({where}: {e.message})")
    return AuditResult.from_dict(data)


def render_saved(report_json: str, output_dir: str, ruleset=None) -> int:
    """Render ``report_json`` into ``output_dir``; returns the number of article pages."""
    result = load_report(report_json)
    base = os.path.dirname(os.path.abspath(report_json))
    loader = file_loader(result.articles, [os.getcwd(), base, os.path.dirname(base)], ruleset)
    # the files are read again in order, FILE_BATCH articles a pass: a JSON Lines file of many
    # articles is not read once per small batch
    HtmlRenderer().render(result, output_dir, texts=loader, batch=FILE_BATCH)
    return len(result.articles)
