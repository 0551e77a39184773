"""auditor: audit news articles for duplicates, boilerplate, attribution and consistency."""
from importlib.metadata import PackageNotFoundError, version as _version

try:
    __version__ = _version("auditor")
except PackageNotFoundError:       # running from a checkout that is not installed
    __version__ = "0.1.0"

TOOL_NAME = "auditor"
