"""The scan's one history analysis, shared by every detector that reads history."""

from __future__ import annotations

from typing import TYPE_CHECKING

from devops_scan.history.analysis import HistoryAnalysis, analyse

if TYPE_CHECKING:
    from devops_scan.clients.base import RepoClient
    from devops_scan.detector import ScanContext


def history_analysis(client: "RepoClient", context: "ScanContext") -> HistoryAnalysis:
    """Computed once per scan (one tag listing, one git log); a failure is raised to every caller
    alike, so each history detector reports it as unknown without running git again."""
    outcome = context.shared("history:analysis", lambda: _attempt(client, context))
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def _attempt(client: "RepoClient", context: "ScanContext") -> HistoryAnalysis | Exception:
    source = client.history()
    if source is None:
        return LookupError("this source offers no git history")
    try:
        return analyse(source, context.as_of)
    except Exception as error:  # memoised as a value: the next detector gets the same answer
        return error
