"""The GitHub Action's entry point, end to end: real git repositories in tmp dirs, GitHub's REST API
served by `responses` (a small in-memory issue with comments), the runner's files in tmp dirs."""

from __future__ import annotations

import json
import re

import pytest
import responses

from devops_scan.action import github_workflow as workflow
from devops_scan.render.comment import marker
from tests.action.github_fake import (API, DEPLOY, EVIL, NUMBER, REPO, TOKEN, FakeIssue, outside_code,
                                      parse_outputs, pull_event, run_action)
from tests.testing.repos import commit_all, git, write_files


@responses.activate
def test_first_run_comments_then_edits_then_leaves_an_unchanged_comment_alone(project, capsys):
    issue = FakeIssue(responses.mock)
    code, files = run_action(project, pull_event(project))
    assert code == 0 and issue.writes == [("POST", 1000)]
    body = issue.comments[0]["body"]
    assert body.startswith(marker("default")) and len(body) < 65536
    assert "`scm.codeowners` fail → **pass**" in body
    assert f"https://github.com/{REPO}/blob/{project['head']}/CODEOWNERS#L1" in body
    assert "### DevOps maturity" in files["summary"] and "`scm.codeowners`" in files["summary"]

    write_files(project["path"], {"SECURITY.md": "Report issues to security@example.com\n"})
    newer = commit_all(project["path"], "Security policy")
    assert run_action(project, pull_event(project, head=newer))[0] == 0
    assert issue.writes == [("POST", 1000), ("PATCH", 1000)] and len(issue.comments) == 1
    assert newer in issue.comments[0]["body"] or newer[:12] in issue.comments[0]["body"]

    assert run_action(project, pull_event(project, head=newer))[0] == 0
    assert issue.writes == [("POST", 1000), ("PATCH", 1000)]   # same result: no write at all
    assert "comment unchanged on #7" in capsys.readouterr().out


@responses.activate
def test_a_human_comment_quoting_the_marker_is_never_touched(project):
    issue = FakeIssue(responses.mock)
    human = issue.add(f"{marker('default')}\nI pasted the bot's marker here", login="octocat")
    assert run_action(project, pull_event(project))[0] == 0
    assert issue.writes == [("POST", 1001)] and human["body"].endswith("I pasted the bot's marker here")


@responses.activate
def test_the_marker_is_found_on_the_second_page(project):
    issue = FakeIssue(responses.mock, user=(200, {"login": "release-bot"}))
    for index in range(120):
        issue.add(f"comment {index}", login="someone")
    ours = issue.add(f"{marker('default')}\nan older result", login="release-bot")
    assert run_action(project, pull_event(project))[0] == 0
    assert issue.writes == [("PATCH", ours["id"])] and ours["body"] != "an older result"
    pages = [call.request.url for call in responses.calls if call.request.method == "GET" and "/comments" in
             call.request.url]
    assert len(pages) == 2 and "page=2" in pages[1] and "per_page=100" in pages[0]


@responses.activate
def test_a_read_only_token_saves_the_comment_for_the_second_stage(project, capsys):
    FakeIssue(responses.mock, post_status=403)
    event = pull_event(project, head_repo="forker/app")
    code, files = run_action(project, event)
    assert code == 0
    saved = files["saved"]
    assert (saved / "comment.md").read_text(encoding="utf-8").startswith(marker("default"))
    assert json.loads((saved / "pr.json").read_text()) == {"number": NUMBER, "head_sha": project["head"],
                                                           "head_repo": "forker/app", "head_ref": "feature/ci"}
    out = capsys.readouterr().out
    assert "workflow_run workflow to post" in out and out.count("\n") < 6


@responses.activate
def test_a_push_writes_the_summary_and_outputs_and_posts_nothing(project):
    code, files = run_action(project, {"ref": "refs/heads/main"}, event_name="push", fail_under="base")
    assert len(responses.calls) == 0
    assert code == 0
    assert files["summary"].startswith("## DevOps maturity")
    levels = json.loads(files["outputs"]["levels"])
    assert files["outputs"]["overall"] in levels.values() and files["outputs"]["regressed"] == "false"
    assert files["outputs"]["levels"] == json.dumps(levels, separators=(",", ":"))


@responses.activate
def test_outputs_hold_the_head_levels_and_regressed(project):
    FakeIssue(responses.mock)
    _, files = run_action(project, pull_event(project))
    assert set(files["outputs"]) == {"overall", "levels", "regressed"}
    assert files["outputs"]["regressed"] == "false" and files["outputs"]["overall"] == "base"
    assert json.loads(files["outputs"]["levels"])["build-test"] == "beginner"


@responses.activate
def test_the_token_never_appears_anywhere(project, capsys):
    FakeIssue(responses.mock, post_status=403)
    _, files = run_action(project, pull_event(project))
    responses.replace(responses.GET, re.compile(rf"{API}/(repos/{REPO}|repositories/1)/issues/{NUMBER}/comments.*"),
                      status=404, json={"message": f"Not Found, echoed {TOKEN}"})
    failed, more = run_action(project, pull_event(project))
    out, err = capsys.readouterr()
    assert failed == 2 and "HTTP 404 Not Found, echoed ***" in out
    texts = [out, err, files["summary"], json.dumps(files["outputs"]), more["summary"]]
    texts += [path.read_text(encoding="utf-8") for path in files["saved"].iterdir()]
    assert all(TOKEN not in text for text in texts)
    assert "Traceback" not in out + err


@responses.activate
def test_repository_text_cannot_mention_link_or_inject_html(project):
    """A file name and a job name written to ping, link and inject HTML arrive quoted and inert."""
    issue = FakeIssue(responses.mock)
    hostile = DEPLOY.replace("  deploy:", f'  "{EVIL}":')
    git(project["path"], "rm", "--quiet", ".github/workflows/ci.yml")
    # A file name cannot hold "//": the closest one has a single slash inside its last component's URL.
    write_files(project["path"], {".github/workflows/@team <img src=x onerror=alert(1)>[x](https:evil).yml": hostile,
                                  "CODEOWNERS": f"* {EVIL}\n"})   # the reason quotes the first rule
    head = commit_all(project["path"], "hostile names")
    assert run_action(project, pull_event(project, head=head))[0] == 0
    body = issue.comments[0]["body"]
    assert "\\[x\\]\\(https://evil\\)" in body   # the rule is there, escaped
    rendered = outside_code(body)
    assert re.search(r"(?<!\\)<img", rendered) is None
    assert "](https://evil)" not in rendered and "](https:evil)" not in rendered
    assert re.search(r"@team", rendered) is None
    assert ("/.github/workflows/%40team%20%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E%5Bx%5D%28https%3Aevil%29.yml"
            in body)


@responses.activate
def test_a_regression_fails_the_gate_and_is_annotated(project, capsys):
    issue = FakeIssue(responses.mock)
    git(project["path"], "rm", "--quiet", "-r", ".github", "CODEOWNERS")
    removed = commit_all(project["path"], "Remove CI")
    event = pull_event({**project, "base": project["head"]}, head=removed)
    code, files = run_action(project, event, fail_on_regression="true")
    out = capsys.readouterr().out
    warnings = [line for line in out.splitlines() if line.startswith("::warning ")]
    assert code == 1 and "fail-on-regression: " in out and files["outputs"]["regressed"] == "true"
    assert 1 <= len(warnings) <= workflow.MAX_ANNOTATIONS
    # The removed files are gone from the head, so their warnings carry no line.
    assert any(w.startswith("::warning file=CODEOWNERS,title=devops-scan::") for w in warnings)
    assert "⬇️" in issue.comments[0]["body"]

    assert run_action(project, event, fail_on_regression="scm.codeowners")[0] == 1
    assert run_action(project, event, fail_on_regression="sec.license")[0] == 0
    assert run_action(project, event, fail_on_regression="false")[0] == 0


def test_annotations_are_capped_and_escaped():
    practices = [{"id": f"p.{n}", "change": "regressed", "before": "pass", "after": "fail",
                  "reason_before": None, "reason_after": "gone,\nreally: 100%",
                  "evidence_added": [{"path": "a,b:c.yml", "line": 3}],
                  "evidence_removed": [{"path": "kept.yml", "line": 9}, {"path": "gone.yml", "line": 4}]}
                 for n in range(6)]
    lines = workflow.regression_annotations({"practices": practices}, lambda path: path == "kept.yml", "sub/")
    assert len(lines) == workflow.MAX_ANNOTATIONS
    assert lines[0] == "::warning file=sub/a%2Cb%3Ac.yml,line=3,title=devops-scan::p.0 regressed: pass → fail: " \
                       "gone,%0Areally: 100%25"
    assert lines[1].startswith("::warning file=sub/kept.yml,line=9,") and "line=" not in lines[2]


@responses.activate
def test_fail_under_fails_the_job_and_comment_off_calls_nothing(project, capsys):
    code, _ = run_action(project, pull_event(project), fail_under="expert", comment="off")
    assert code == 1 and len(responses.calls) == 0
    assert "below fail-under expert" in capsys.readouterr().out


@responses.activate
def test_comment_new_always_posts(project):
    issue = FakeIssue(responses.mock)
    run_action(project, pull_event(project), comment="new")
    run_action(project, pull_event(project), comment="new")
    assert [verb for verb, _ in issue.writes] == ["POST", "POST"]


@responses.activate
def test_a_missing_base_commit_is_said_in_one_line_and_the_head_is_scanned(project, capsys):
    event = pull_event({**project, "base": "0" * 40})
    code, files = run_action(project, event)
    out = capsys.readouterr().out
    assert code == 0 and len(responses.calls) == 0
    assert [line for line in out.splitlines() if "base commit" in line] == [
        ("devops-scan: the base commit 000000000000 is not in the clone (check out with fetch-depth: 0); "
         "scanned the head only, no comparison")]
    assert files["summary"].startswith("## DevOps maturity") and files["outputs"]["regressed"] == "false"


def test_bad_inputs_are_one_line_errors(project, capsys):
    assert run_action(project, pull_event(project), fail_under="great")[0] == 2
    assert run_action(project, pull_event(project), fail_on_regression="no.such-practice")[0] == 2
    out = capsys.readouterr().out.splitlines()
    assert out == [("::error::devops-scan: fail-under must be one of base, beginner, intermediate, advanced, "
                    "expert, not 'great'"),
                   ("::error::devops-scan: fail-on-regression names practices the model does not have: "
                    "no.such-practice")]


def test_sarif_is_written_for_the_head(project):
    pytest.importorskip("devops_scan.render.sarif", reason="devops_scan/render/sarif.py is not in this tree")
    code, _ = run_action(project, pull_event(project), comment="off", sarif_file="out/devops-scan.sarif")
    assert code == 2   # the folder does not exist: one line, not a traceback
    (project["path"] / "out").mkdir()
    assert run_action(project, pull_event(project), comment="off", sarif_file="out/devops-scan.sarif")[0] == 0
    sarif = json.loads((project["path"] / "out" / "devops-scan.sarif").read_text())
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["tool"]["driver"]["name"] == "devops-scan"


def test_a_missing_head_commit_is_an_error_not_a_scan_of_something_else(project, capsys):
    code, files = run_action(project, pull_event(project, head="f" * 40))
    assert code == 2 and files["summary"] == ""
    assert capsys.readouterr().out.startswith("::error::devops-scan: the pull request's head commit ffffffffffff")


def test_the_module_runs_as_action_yml_runs_it(project):
    import os
    import subprocess
    import sys

    runner = project["tmp"] / "runner"
    runner.mkdir()
    (runner / "event.json").write_text(json.dumps({"ref": "refs/heads/main"}), encoding="utf-8")
    env = {**os.environ, "GITHUB_EVENT_NAME": "push", "GITHUB_EVENT_PATH": str(runner / "event.json"),
           "GITHUB_REPOSITORY": REPO, "GITHUB_WORKSPACE": str(project["path"]), "GITHUB_SHA": project["head"],
           "GITHUB_STEP_SUMMARY": str(runner / "summary.md"), "GITHUB_OUTPUT": str(runner / "output.txt"),
           "INPUT_GITHUB_TOKEN": TOKEN, "INPUT_FAIL_UNDER": "expert"}
    done = subprocess.run([sys.executable, "-m", "devops_scan.action.github"], env=env, cwd=project["path"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert done.stdout == "devops-scan: overall level base is below fail-under expert\n" and done.stderr == ""
    assert parse_outputs((runner / "output.txt").read_text())["overall"] == "base"
