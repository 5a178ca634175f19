"""Command line. Kept light: click only at import time; each command imports what it needs.

Exit codes: 0 ok, 1 below --fail-under, 2 usage or bad input, 3 unexpected error.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime, timezone
from typing import Any

import click

from devops_scan import __version__
from devops_scan.errors import EXIT_UNEXPECTED, ScanError

LEVEL_CHOICES = ("base", "beginner", "intermediate", "advanced", "expert")
FORMAT_CHOICES = ("table", "json", "markdown")


class AsOf(click.ParamType):
    """A date (YYYY-MM-DD) or ISO 8601 date-time; without a zone it is UTC."""

    name = "DATE"

    def convert(self, value, param, ctx):  # type: ignore[no-untyped-def]
        if isinstance(value, datetime):
            return value
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            self.fail(f"{value!r} is not a date (YYYY-MM-DD) or ISO 8601 date-time", param, ctx)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        return moment


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="devops-scan", message="%(prog)s %(version)s")
def cli() -> None:
    """Scan a repository for DevOps practice and map it onto a maturity model and CAMS."""


def platform_options(function):  # type: ignore[no-untyped-def]
    """The options that choose and reach a hosting platform (docs/platforms.md)."""
    from devops_scan.platform.connect import PLATFORM_CHOICES

    options = [
        click.option("--platform", "platform_name", type=click.Choice(PLATFORM_CHOICES), default="auto",
                     show_default=True, help="Read the hosting platform: auto (a local clone only with a token), "
                                             "github, gitlab, or none."),
        click.option("--github-url", metavar="URL", help="GitHub Enterprise Server, e.g. https://ghe.example.com."),
        click.option("--gitlab-url", metavar="URL", help="Self-managed GitLab, e.g. https://gitlab.example.com."),
        click.option("--token-file", type=click.Path(dir_okay=False),
                     help="Read the platform token from FILE instead of GITHUB_TOKEN/GH_TOKEN/GITLAB_TOKEN."),
        click.option("--max-wait", type=click.FloatRange(min=0), default=60.0, show_default=True,
                     help="Seconds a scan may wait in all for API rate limits before it stops."),
        click.option("--no-cache", is_flag=True, help="Do not use the on-disk cache of API answers."),
        click.option("--verbose", "-v", is_flag=True, help="Report API requests on standard error."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


@cli.command()
@click.argument("target", default=".")
@click.option("--format", "fmt", type=click.Choice(FORMAT_CHOICES + ("sarif",)), default="table",
              show_default=True, help="Output format.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
              help="Write the report to FILE instead of standard output.")
@click.option("--fail-under", type=click.Choice(LEVEL_CHOICES),
              help="Exit 1 when the overall level is below LEVEL.")
@click.option("--model", "model_path", type=click.Path(dir_okay=False),
              help="A maturity model file to use instead of the default model.")
@click.option("--as-of", type=AsOf(), help="End history windows at DATE instead of now (reproducible scans).")
@click.option("--ref", help="Scan the tree of this git ref (branch, tag, sha) without checking it out.")
@platform_options
def scan(target: str, fmt: str, output: str | None, fail_under: str | None, model_path: str | None,
         as_of: datetime | None, ref: str | None, **platform: Any) -> int:
    """Scan TARGET: a local clone (default: the current directory), github:OWNER/REPO,
    gitlab:GROUP/PROJECT, or a repository URL."""
    from devops_scan.commands.scan import run_scan

    return run_scan(target, fmt=fmt, output=output, fail_under=fail_under, model_path=model_path,
                    as_of=as_of, ref=ref, **platform)


@cli.command()
@click.argument("path", default=".")
@click.option("--base", required=True, metavar="REF",
              help="The ref the change starts from (branch, tag, sha), e.g. origin/main.")
@click.option("--head", default="HEAD", metavar="REF", show_default=True,
              help="The ref with the change (branch, tag, sha).")
@click.option("--format", "fmt", type=click.Choice(("table", "json", "markdown")), default="table",
              show_default=True, help="Output format: table, the JSON delta, or the Markdown pull-request comment.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
              help="Write the result to FILE instead of standard output.")
@click.option("--fail-on-regression", metavar="[PRACTICES]", is_flag=False, flag_value="", default=None,
              help="Exit 1 when an area's level dropped; with a comma list of practice ids, when one of "
                   "those practices regressed.")
@click.option("--model", "model_path", type=click.Path(dir_okay=False),
              help="A maturity model file to use instead of the default model.")
@click.option("--as-of", type=AsOf(), help="End history windows of both scans at DATE instead of now.")
def diff(path: str, base: str, head: str, fmt: str, output: str | None, fail_on_regression: str | None,
         model_path: str | None, as_of: datetime | None) -> int:
    """Compare the maturity of two refs of the clone at PATH (default: the current directory),
    without checking either out."""
    from devops_scan.commands.diff import run_diff

    return run_diff(path, base=base, head=head, fmt=fmt, output=output, fail_on_regression=fail_on_regression,
                    model_path=model_path, as_of=as_of)


@cli.command()
@click.argument("path", default=".", type=click.Path(file_okay=True, dir_okay=True))
@click.option("--format", "fmt", type=click.Choice(("table", "json")), default="table", show_default=True,
              help="Output format.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
              help="Write the result to FILE instead of standard output.")
@click.option("--as-of", type=AsOf(), help="End the window at DATE instead of now (reproducible output).")
@click.option("--window-days", type=click.IntRange(min=7), default=365, show_default=True,
              help="Length of the history window, in days.")
@click.option("--ref", help="Walk the history from this git ref (branch, tag, sha) instead of the default branch.")
def history(path: str, fmt: str, output: str | None, as_of: datetime | None, window_days: int,
            ref: str | None) -> int:
    """Weekly activity, release cadence and delivery metrics from the git history at PATH."""
    from devops_scan.commands.history import run_history

    return run_history(path, fmt=fmt, output=output, as_of=as_of, ref=ref, window_days=window_days)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(("table", "json")), default="table", show_default=True)
def detectors(fmt: str) -> int:
    """List installed detectors and the practices each one answers."""
    from devops_scan.commands.detectors import list_detectors

    return list_detectors(fmt)


def main(argv: list[str] | None = None) -> None:
    """Entry point: maps every failure to a one-line message and a documented exit code."""
    try:
        code = cli.main(args=argv, prog_name="devops-scan", standalone_mode=False)
    except click.exceptions.Exit as done:
        code = done.exit_code
    except click.ClickException as error:
        error.show()
        code = error.exit_code
    except click.exceptions.Abort:
        click.echo("devops-scan: aborted", err=True)
        code = 130
    except ScanError as error:
        click.echo(f"devops-scan: error: {error}", err=True)
        code = error.exit_code
    except KeyboardInterrupt:
        click.echo("devops-scan: interrupted", err=True)
        code = 130
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: not an error of ours. Silence the flush at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 0
    except Exception as error:  # the last line of defence: a bug must not print a traceback
        if os.environ.get("DEVOPS_SCAN_DEBUG"):
            raise
        click.echo(f"devops-scan: unexpected error: {type(error).__name__}: {error} "
                   "(set DEVOPS_SCAN_DEBUG=1 to see the traceback, and please report it)", err=True)
        code = EXIT_UNEXPECTED
    sys.exit(code if isinstance(code, int) else 0)

