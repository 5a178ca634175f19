"""CIPresenceDetector on hostile input: broken, binary and linked files, arbitrary text (hypothesis),
and other projects' CI files inside this one."""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devops_scan.detector import ScanContext
from devops_scan.engine import run_detectors
from devops_scan_detectors.ci import CIPresenceDetector
from tests.detectors.test_ci import POLYGLOT
from tests.testing.fakes import MemoryClient
from tests.testing.repos import commit_all

# --- hostile and unreadable files ---------------------------------------------------------------------

HOSTILE = [
    ("billion-laughs", ".github/workflows/ci.yml",
     "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
     "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
     "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
     "on: push\njobs: *f\n", "aliases expand", 6),
    ("duplicate-key", ".circleci/config.yml",
     "version: 2.1\njobs:\n  test:\n    steps: [checkout]\nversion: 2\n", "duplicate key", 5),
    ("tab-indent", ".circleci/config.yml", "version: 2.1\njobs:\n\ttest:\n\t\tsteps: [checkout]\n", "invalid YAML", 3),
    # An unclosed quote is reported where it opens, not at the end of the file.
    ("unclosed-quote", "azure-pipelines.yml", "steps:\n  - script: \"npm test\n  - script: lint\n",
     "invalid YAML", 2),
    ("deep-nesting", ".drone.yml", "kind: " + "[" * 100 + "]" * 100 + "\n", "nested deeper", 1),
]


def test_gitlab_keeps_the_last_of_duplicate_keys_as_gitlab_does(repo, scan):
    text = "test:\n  script: [npm test]\nlint:\n  script: [npm run lint]\ntest:\n  script: [npm run e2e]\n"
    report = scan(repo({".gitlab-ci.yml": text}))
    assert report["practices"]["ci.pipeline"]["outcome"] == "pass"
    assert report["inventory"]["ci_configs"] == [{"system": "gitlab-ci", "path": ".gitlab-ci.yml"}]


@pytest.mark.parametrize(("path", "text", "detail", "line"), [row[1:] for row in HOSTILE],
                         ids=[row[0] for row in HOSTILE])
def test_hostile_yaml_is_reported_with_its_line(repo, scan, path, text, detail, line):
    report = scan(repo({path: text}))
    practice = report["practices"]["ci.pipeline"]
    assert practice["outcome"] == "fail"
    [fact] = practice["evidence"]
    assert (fact["path"], fact["line"]) == (path, line)
    assert detail in fact["detail"]


def test_binary_config_is_reported_as_unreadable(repo, scan):
    report = scan(repo({".gitlab-ci.yml": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"}))
    practice = report["practices"]["ci.pipeline"]
    assert practice["outcome"] == "fail"
    [fact] = practice["evidence"]
    assert fact["detail"] == "GitLab CI file ignored: unreadable (binary content, not text)"
    assert ".gitlab-ci.yml: binary content, not text" in report["warnings"]


def test_symlink_out_of_the_repository_is_not_followed(repo, scan, tmp_path):
    secret = tmp_path / "outside.yml"
    secret.write_text("on: push\njobs:\n  t:\n    runs-on: x\n    steps: [{run: make}]\n", encoding="utf-8")
    path = repo({"README.md": "# x\n"})
    os.makedirs(path / ".github" / "workflows")
    os.symlink(secret, path / ".github" / "workflows" / "ci.yml")
    commit_all(path, "link a workflow from outside")
    report = scan(path)
    practice = report["practices"]["ci.pipeline"]
    assert practice["outcome"] == "fail"
    [fact] = practice["evidence"]
    assert fact["detail"] == ("GitHub Actions file ignored: unreadable (symlink to outside the repository, "
                              "not followed)")


def test_the_working_tree_is_what_is_scanned(fixture_repo, scan):
    # Uncommitted edits to a tracked file count: breaking the only workflow turns pass into fail.
    path = fixture_repo("python-lib")
    assert scan(path)["practices"]["ci.pipeline"]["outcome"] == "pass"
    (path / ".github/workflows/ci.yml").write_text("on: [push\n", encoding="utf-8")
    practice = scan(path)["practices"]["ci.pipeline"]
    assert practice["outcome"] == "fail"
    assert practice["evidence"][0]["detail"].startswith("GitHub Actions file ignored: invalid YAML")


# --- it never crashes, whatever the text --------------------------------------------------------------

# Pieces of YAML syntax, so that generated texts reach deep into the parser and into the checks.
_YAML_PIECES = st.sampled_from([
    "on:", "jobs:", "script:", "include:", "trigger:", "extends:", ".hidden:", "kind:", "apiVersion: tekton.dev/v1",
    "version:", "phases:", "steps:", "plan:", "\n", "\n  ", "  ", "\t", "- ", "? ", ": ", "&a ", "*a", "<<: *a",
    "[", "]", "{", "}", ",", "'", '"', "#", "---\n", "...\n", "%YAML 1.1\n", "!!binary ", "!!int ", "!tag ",
    "|\n", ">-\n", "~", "null", "true", "1e9", "\ufeff", "\x00", "\u2028", "@", "`",
])
YAMLISH = st.lists(st.one_of(_YAML_PIECES, st.text(max_size=6)), max_size=40).map("".join)
# Well-formed documents (JSON is YAML) built from the keys and values the checks look at, with any
# type where a string is expected: this is how a list-valued Tekton `kind` once crashed the detector.
_KEYS = st.sampled_from(["on", "jobs", "script", "include", "trigger", "extends", "run", ".hidden", "kind",
                         "apiVersion", "version", "phases", "steps", "plan", "pipelines", "blocks", "pipeline"])
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5),
                     st.sampled_from(["tekton.dev/v1", "Pipeline", "Task", "push", "make test"]))
STRUCTURED = st.recursive(
    _SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=5), max_leaves=12,
).map(json.dumps)
TEXTS = st.one_of(st.text(max_size=200), YAMLISH, STRUCTURED)
CONTEXT_TIME = datetime(2026, 1, 1, tzinfo=timezone.utc)


class BytesClient(MemoryClient):
    """MemoryClient that also holds raw bytes (binary, invalid UTF-8)."""

    def __init__(self, files: dict[str, str | bytes]) -> None:
        super().__init__({path: "" for path in files})
        self._raw = {path: data if isinstance(data, bytes) else data.encode("utf-8") for path, data in files.items()}

    def _read_bytes(self, path: str, limit: int) -> bytes:
        return self._raw[path][:limit]


def ci_finding(files: dict[str, str | bytes]):
    result = run_detectors(BytesClient(files), [CIPresenceDetector], ScanContext(as_of=CONTEXT_TIME))
    return result.findings["ci.pipeline"], result.inventory


def assert_decided(finding, inventory, paths):
    assert finding.outcome.value in ("pass", "fail"), finding.reason
    assert not finding.reason.startswith("detector ci-presence failed"), finding.reason
    assert {fact.location.path for fact in finding.evidence} <= set(paths)
    if finding.outcome.value == "pass":
        assert inventory["ci_configs"]
    else:
        assert inventory["ci_configs"] == []


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workflow=TEXTS, gitlab=TEXTS)
def test_ci_detector_never_raises_on_arbitrary_workflow_and_gitlab_text(workflow, gitlab):
    files = {".github/workflows/x.yml": workflow, ".gitlab-ci.yml": gitlab}
    finding, inventory = ci_finding(files)
    assert_decided(finding, inventory, files)


_EVERY_LOCATION = sorted({path for _, path in POLYGLOT} | {".tekton/x.yaml", "cloudbuild.json", ".buildbot.yml"})


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(_EVERY_LOCATION), content=st.one_of(TEXTS, st.binary(max_size=64)))
def test_ci_detector_never_raises_at_any_location(path, content):
    finding, inventory = ci_finding({path: content})
    assert_decided(finding, inventory, [path])


@pytest.mark.parametrize("folder", ["fixtures/sample-app", "tests/testdata/proj", "vendor/github.com/x/y",
                                    "web/node_modules/left-pad"])
def test_ci_files_of_test_data_and_vendored_projects_are_not_this_projects_ci(repo, scan, folder):
    # A scanner's own fixtures (or a vendored module) hold other projects' Jenkinsfiles and buildspecs.
    files = {f"{folder}/Jenkinsfile": "pipeline {\n  agent any\n  stages { stage('t') { steps { sh 'make' } } }\n}\n",
             f"{folder}/buildspec.yml": "version: 0.2\nphases:\n  build:\n    commands: [make]\n",
             "src/app.py": ""}
    report = scan(repo(files))
    assert report["inventory"]["ci_configs"] == []
    assert report["practices"]["ci.pipeline"]["outcome"] == "fail"
