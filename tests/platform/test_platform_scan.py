"""Scans that read GitHub: a local clone enriched through its origin, and a remote target."""

from __future__ import annotations

import json

import pytest
import responses

from devops_scan.platform.connect import PlatformOptions
from devops_scan.scan import scan_path
from tests.conftest import AS_OF
from tests.platform.github_api import REPO, error, serve_repository
from tests.testing.repos import git, make_repo

TOKEN = "ghp_" + "abcdefghijklmnopqrstuvwxyz0123456789"
PLATFORM_PRACTICES = ("scm.code-review", "scm.protected-trunk", "ci.required-checks", "culture.review-depth",
                      "report.deployments-tracked", "deploy.push-button")


@pytest.fixture
def clone(tmp_path, monkeypatch):
    monkeypatch.setenv("DEVOPS_SCAN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("GH_TOKEN", raising=False)
    path = make_repo(tmp_path / "hello", {"README.md": "# Hello\n"})
    git(path, "remote", "add", "origin", f"https://github.com/{REPO}.git")
    return path


def _scan(path, default_model, platform="auto"):
    return scan_path(str(path), default_model, as_of=AS_OF, platform=PlatformOptions(platform=platform))


@responses.activate
def test_a_clone_with_a_token_is_scanned_with_its_platform(clone, default_model, monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    serve_repository(responses.mock)
    report = _scan(clone, default_model)
    outcomes = {p: report["practices"][p]["outcome"] for p in PLATFORM_PRACTICES}
    assert outcomes["scm.code-review"] == "pass" and outcomes["ci.required-checks"] == "pass"
    assert report["practices"]["scm.code-review"]["reason"].startswith("master: 2 approving review(s) required")
    assert report["inventory"]["platform"]["protection"]["source"] == "both"
    assert report["repository"]["url"] == f"https://github.com/{REPO}"
    assert report["repository"]["api_requests"] == len(responses.calls)
    assert TOKEN not in json.dumps(report)


def test_without_a_token_auto_stays_offline(clone, default_model, monkeypatch):
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    with responses.RequestsMock() as mock:  # any request would fail the test: none is registered
        report = _scan(clone, default_model)
        assert len(mock.calls) == 0
    finding = report["practices"]["scm.protected-trunk"]
    assert finding["outcome"] == "unknown" and "Administration: read" in finding["reason"]
    assert report["repository"]["api_requests"] is None


@responses.activate
def test_platform_github_reads_public_facts_anonymously(clone, default_model, monkeypatch):
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    serve_repository(responses.mock, protection=(401, error("Requires authentication")))
    report = _scan(clone, default_model, platform="github")
    assert not report["inventory"]["platform"]["authenticated"]
    assert report["practices"]["culture.review-depth"]["outcome"] == "unknown"
    assert "GraphQL API, which needs a token" in report["practices"]["culture.review-depth"]["reason"]
    assert report["practices"]["scm.code-review"]["outcome"] == "pass"  # the rulesets are public


@responses.activate
def test_a_repository_the_token_cannot_see_leaves_platform_practices_unknown(clone, default_model, monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    responses.get(f"https://api.github.com:443/repos/{REPO}", json=error("Not Found"), status=404)
    report = _scan(clone, default_model)
    assert report["practices"]["scm.protected-trunk"]["outcome"] == "unknown"
    assert "not found or not visible" in report["practices"]["scm.protected-trunk"]["reason"]
    assert any(w.startswith("platform not read: GitHub repository not found") for w in report["warnings"])
    assert report["practices"]["scm.versioned"]["outcome"] == "pass"  # the clone's results stand


@responses.activate
def test_a_second_scan_is_answered_from_the_cache(clone, default_model, monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    url = f"https://api.github.com:443/repos/{REPO}"
    serve_repository(responses.mock)
    first = _scan(clone, default_model)
    # GitHub answers 304 to a request carrying the ETag it sent: the same facts come out again.
    responses.replace(responses.GET, url, status=304, headers={"ETag": '"repo-v1"'})
    second = _scan(clone, default_model)
    assert second["inventory"]["platform"] == first["inventory"]["platform"]
    assert any(call.request.headers.get("If-None-Match") == '"repo-v1"' for call in responses.calls)


@responses.activate
def test_a_remote_target_is_cloned_and_read(tmp_path, default_model, monkeypatch):
    from devops_scan.clients.open import open_local

    monkeypatch.setenv("DEVOPS_SCAN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    source = make_repo(tmp_path / "source", {"README.md": "# Hello\n"})
    cloned = []
    monkeypatch.setattr("devops_scan.clients.remote.clone_remote",
                        lambda target, token=None, workdir=None: cloned.append((target, token))
                        or open_local(str(source)))
    serve_repository(responses.mock)
    report = scan_path(f"github:{REPO}", default_model, as_of=AS_OF, platform=PlatformOptions())
    assert cloned[0][0].web_url == f"https://github.com/{REPO}" and cloned[0][1] == TOKEN
    assert report["practices"]["scm.protected-trunk"]["outcome"] in ("pass", "fail")
    assert report["repository"]["url"] == f"https://github.com/{REPO}"


@responses.activate
def test_platform_reports_validate_against_the_schema(clone, default_model, monkeypatch):
    from tests.test_report_contract import validator

    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    serve_repository(responses.mock, protection=(403, error("Resource not accessible by integration")))
    report = _scan(clone, default_model)
    errors = sorted(validator().iter_errors(report), key=str)
    assert errors == [], errors[0].message if errors else ""
    assert report["inventory"]["platform"]["security"]["secret_scanning"] == {
        "unknown": "secret scanning: visible to tokens with admin rights on the repository only"}


@responses.activate
def test_production_deployments_sharpen_the_deployment_frequency(clone, default_model, monkeypatch):
    from tests.platform.github_api import payload

    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    template = payload("deployments.json")[0]
    days = [f"2026-01-{day:02d}T12:00:00Z" for day in range(2, 30, 3)]  # 10 deployments in January 2026
    serve_repository(responses.mock, deployments=[{**template, "id": n, "created_at": day, "environment": "production"}
                                                  for n, day in enumerate(days, start=1)])
    report = _scan(clone, default_model)
    frequency = report["inventory"]["dora"]["deploy_frequency"]
    assert (frequency["value"], frequency["band"], frequency["sample"]) == (0.778, "medium", 10)
    assert frequency["method"].startswith("deployments to production recorded by github")
    assert report["practices"]["report.deployments-tracked"]["outcome"] == "pass"


@responses.activate
def test_an_archived_repository_is_a_warning(clone, default_model, monkeypatch):
    from tests.platform.github_api import payload

    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    serve_repository(responses.mock, repo={**payload("repo.json"), "archived": True})
    report = _scan(clone, default_model)
    assert any("is archived on github" in warning for warning in report["warnings"])


@responses.activate
def test_the_token_never_reaches_the_output(clone, monkeypatch, capsys):
    from devops_scan.cli import main

    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    responses.get(f"https://api.github.com:443/repos/{REPO}", json=error(f"Bad credentials for {TOKEN}"), status=401)
    for fmt in ("table", "json", "markdown"):
        with pytest.raises(SystemExit):
            main(["scan", str(clone), "--format", fmt, "--verbose", "--as-of", "2026-02-01"])
        out, err = capsys.readouterr()
        assert TOKEN not in out + err
        assert "GitHub refused the token" in out + err


@responses.activate
def test_an_unprotected_default_branch_fails_when_the_token_could_see(clone, default_model, monkeypatch):
    from tests.platform.github_api import payload

    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    serve_repository(responses.mock, protection=(404, payload("error-branch-not-protected.json")), rules=(200, []))
    report = _scan(clone, default_model)
    finding = report["practices"]["scm.protected-trunk"]
    assert finding["outcome"] == "fail"
    assert finding["reason"] == ("master: force pushes are allowed; deletion is allowed; no status check is required "
                                 "(neither classic protection nor a ruleset protects it)")
    assert report["practices"]["ci.required-checks"]["outcome"] == "fail"
