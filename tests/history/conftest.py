from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import pytest

from devops_scan.clients.open import open_local
from devops_scan.history.analysis import HistoryAnalysis, analyse

AS_OF = datetime(2026, 2, 1, tzinfo=timezone.utc)


@pytest.fixture
def analysed() -> Callable[..., HistoryAnalysis]:
    """Analyse the history of the repository at a path, at AS_OF unless told otherwise."""

    def run(path: Path, as_of: datetime = AS_OF, **kwargs) -> HistoryAnalysis:
        with open_local(str(path), **kwargs) as client:
            source = client.history()
            assert source is not None, client.missing_capability_reasons()
            return analyse(source, as_of)

    return run
