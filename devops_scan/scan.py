"""One scan, end to end: client → detectors → findings → assessment → report dict."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Sequence

from devops_scan.clients.base import RepoClient
from devops_scan.config import load_config
from devops_scan.detector import Detector, ScanContext
from devops_scan.engine import run_detectors
from devops_scan.plugins import load_plugins
from devops_scan.report import ScanRun, build_report
from devops_scan.scoring.assess import assess
from devops_scan.scoring.maturity import MaturityModel

if TYPE_CHECKING:
    from devops_scan.platform.connect import PlatformOptions


def scan_client(
    client: RepoClient,
    model: MaturityModel,
    as_of: datetime | None = None,
    detectors: Sequence[type[Detector]] | None = None,
    session: Any = None,
) -> ScanRun:
    """Scan what `client` sees; with `detectors=None` every installed plugin is used."""
    notes: list[str] = list(client.info.notes)
    if detectors is None:
        plugins = load_plugins()
        detectors = [loaded.detector for loaded in plugins.detectors]
        notes.extend(plugins.problems)
    config = load_config(client)
    notes.extend(config.warnings)
    if config.exclude:
        client.exclude(config.excluder())
    moment = (as_of or datetime.now(timezone.utc)).replace(microsecond=0)
    result = run_detectors(client, detectors, ScanContext(as_of=moment), session)
    findings = config.apply(result.findings)
    failure = client.platform_failure()
    if failure:
        notes.append(f"platform not read: {failure}")
    return ScanRun(client.info, moment, assess(model, findings), result, tuple(notes), client.api_requests())


def scan_path(path: str, model: MaturityModel, as_of: datetime | None = None, ref: str | None = None,
              platform: "PlatformOptions | None" = None, session: Any = None) -> dict[str, Any]:
    """The report dict for `path`: a local clone (its working tree, or `ref`), enriched with its hosting
    platform when `platform` says so, or a remote target (`github:owner/repo`, a repository URL)."""
    from devops_scan.platform.connect import PlatformOptions, open_target

    moment = (as_of or datetime.now(timezone.utc)).replace(microsecond=0)
    options = platform or PlatformOptions(platform="none")
    with open_target(path, ref, options, moment) as client:
        return build_report(scan_client(client, model, moment, session=session))
