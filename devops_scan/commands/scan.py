"""`devops-scan scan`: a plain function returning the exit code (pre-commit style)."""

from __future__ import annotations

import sys
from datetime import datetime

from devops_scan.commands import colour_wanted
from devops_scan.errors import EXIT_BELOW_THRESHOLD, EXIT_OK, ScanError
from devops_scan.model import level_rank


def run_scan(path: str, *, fmt: str, output: str | None, fail_under: str | None, model_path: str | None,
             as_of: datetime | None, ref: str | None, platform_name: str = "none", github_url: str | None = None,
             gitlab_url: str | None = None, token_file: str | None = None, max_wait: float = 60.0,
             no_cache: bool = False, verbose: bool = False) -> int:
    from devops_scan.platform.connect import PlatformOptions
    from devops_scan.render import render
    from devops_scan.scan import scan_path
    from devops_scan.scoring.loader import load_model

    model = load_model(model_path)
    options = PlatformOptions(platform_name, github_url, gitlab_url, token_file, max_wait, not no_cache)
    report = scan_path(path, model, as_of=as_of, ref=ref, platform=options)
    if verbose:
        requests = report["repository"]["api_requests"]
        print(f"devops-scan: {requests if requests is not None else 0} platform API request(s)", file=sys.stderr)
    write(render(report, fmt, color=colour_wanted(output)), output)
    if fail_under and level_rank(report["overall"]) < level_rank(fail_under):
        print(f"devops-scan: overall level {report['overall']} is below --fail-under {fail_under}",
              file=sys.stderr)
        return EXIT_BELOW_THRESHOLD
    return EXIT_OK


def write(text: str, output: str | None) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as error:
        raise ScanError(f"cannot write {output}: {error.strerror or error}") from None
