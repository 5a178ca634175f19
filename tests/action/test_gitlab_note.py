"""`python -m devops_scan.action.gitlab` end to end: real git repositories in tmp dirs, the GitLab
API served by `responses` through python-gitlab and the project's transport.

The payloads are GitLab's note and user shapes (doc/api/notes.md, "List all merge request notes";
doc/api/users.md, "Get the current user" for a project access token's bot user), paginated with
`x-next-page` and `Link` headers; writes are kept, so a second run sees what the first wrote."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from devops_scan.action.gitlab import main
from devops_scan.render.comment import marker
from tests.testing.repos import commit_all, init_repo, write_files

INSTANCE = "https://gitlab.example.com"
API = f"{INSTANCE}/api/v4"
PROJECT_ID = "4821"
PROJECT_PATH = "acme/platform/api"
PROJECT_URL = f"{INSTANCE}/{PROJECT_PATH}"
MR_IID = "7"
NOTES = f"{API}/projects/{PROJECT_ID}/merge_requests/{MR_IID}/notes"
BOT = {"id": 9001, "username": "project_4821_bot_3f1c2d", "name": "devops-scan", "state": "active",
       "locked": False, "avatar_url": None, "web_url": f"{INSTANCE}/project_4821_bot_3f1c2d", "bot": True,
       "created_at": "2026-01-02T09:00:00.000Z", "public_email": None}
HUMAN = {"id": 12, "username": "dsingh", "name": "Divya Singh", "state": "active", "locked": False,
         "avatar_url": None, "web_url": f"{INSTANCE}/dsingh"}


def note(note_id: int, body: str, author: dict[str, Any] = HUMAN, system: bool = False) -> dict[str, Any]:
    """A note as GitLab lists it."""
    return {"id": note_id, "type": None, "body": body, "author": dict(author),
            "created_at": "2026-01-15T12:00:00.000Z", "updated_at": "2026-01-15T12:00:00.000Z",
            "system": system, "noteable_id": 5507, "noteable_type": "MergeRequest", "project_id": int(PROJECT_ID),
            "resolvable": False, "confidential": False, "internal": False, "noteable_iid": int(MR_IID),
            "commands_changes": {}}


class FakeNotes:
    """The notes endpoints of one merge request. `write_status` answers every POST and PUT with
    that error instead; `user_status` does the same for `GET /user`; `next_page_header=False`
    paginates with the `Link` header only."""

    def __init__(self, mock: responses.RequestsMock, notes: list[dict[str, Any]] | None = None, *,
                 write_status: int | None = None, user_status: int | None = None,
                 next_page_header: bool = True) -> None:
        self.notes = list(notes or [])
        self.write_status, self.user_status, self.next_page_header = write_status, user_status, next_page_header
        self.writes: list[tuple[str, int | None, str]] = []   # (method, note id, body)
        self.pages: list[int] = []
        routes = (("GET", f"{API}/user", self._user), ("GET", re.compile(rf"{re.escape(NOTES)}(\?.*)?$"), self._list),
                  ("POST", NOTES, self._create), ("PUT", re.compile(rf"{re.escape(NOTES)}/\d+$"), self._update))
        for method, url, callback in routes:
            mock.add_callback(method, url, callback=callback, content_type="application/json")

    def by_id(self, note_id: int) -> dict[str, Any]:
        return next(item for item in self.notes if item["id"] == note_id)

    def _user(self, request) -> tuple[int, dict, str]:
        if self.user_status:
            return self.user_status, {}, json.dumps({"message": f"{self.user_status} Unauthorized"})
        return 200, {}, json.dumps(BOT)

    def _list(self, request) -> tuple[int, dict, str]:
        query = parse_qs(urlsplit(request.url).query)
        page, per_page = int(query.get("page", ["1"])[0]), int(query.get("per_page", ["20"])[0])
        self.pages.append(page)
        pages = max(1, -(-len(self.notes) // per_page))
        headers = {"x-page": str(page), "x-per-page": str(per_page), "x-total": str(len(self.notes)),
                   "x-total-pages": str(pages), "x-prev-page": str(page - 1) if page > 1 else "",
                   "x-next-page": str(page + 1) if page < pages else ""}
        links = [f'<{NOTES}?page={page + 1}&per_page={per_page}>; rel="next"'] if page < pages else []
        links.append(f'<{NOTES}?page=1&per_page={per_page}>; rel="first"')
        headers["Link"] = ", ".join(links)
        if not self.next_page_header:
            for name in ("x-page", "x-next-page", "x-prev-page", "x-total", "x-total-pages"):
                del headers[name]
        return 200, headers, json.dumps(self.notes[(page - 1) * per_page: page * per_page])

    def _create(self, request) -> tuple[int, dict, str]:
        body = json.loads(request.body)["body"]
        self.writes.append(("POST", None, body))
        if self.write_status:
            return self.write_status, {}, json.dumps({"message": f"{self.write_status} Forbidden"})
        created = note(max([item["id"] for item in self.notes] + [1000]) + 1, body, author=BOT)
        self.notes.append(created)
        return 201, {}, json.dumps(created)

    def _update(self, request) -> tuple[int, dict, str]:
        note_id = int(request.url.rsplit("/", 1)[1])
        body = json.loads(request.body)["body"]
        self.writes.append(("PUT", note_id, body))
        if self.write_status:
            return self.write_status, {}, json.dumps({"message": f"{self.write_status} Forbidden"})
        self.by_id(note_id)["body"] = body
        return 200, {}, json.dumps(self.by_id(note_id))


TOKEN = "glpat-" + "Qm3vT8xK2pL9wR4nZ7yB"
JOB_TOKEN = "glcbt-" + "64_Hs2kP9qW4eR7tY1uI3oA"
MARK = marker("default")
CI = """test:
  image: python:3.12-slim
  script:
    - pip install pytest
    - pytest
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
"""
HOSTILE = ".github/workflows/@team <img src=x onerror=alert(1)>](https:evil.example).yml"
WORKFLOW = "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest\n"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> dict[str, str]:
    """main (a README and a module), then a merge request adding CI and tests, then a Dockerfile."""
    repo = init_repo(tmp_path_factory.mktemp("mr") / "api")
    write_files(repo, {"README.md": "# api\n", "app.py": "def add(a, b):\n    return a + b\n"})
    shas = {"base": commit_all(repo, "initial")}
    write_files(repo, {".gitlab-ci.yml": CI, "tests/test_app.py": "from app import add\n\n\ndef test_add():\n"
                                                                    "    assert add(1, 2) == 3\n"})
    shas["ci"] = commit_all(repo, "Run the tests in CI")
    write_files(repo, {"Dockerfile": "FROM python:3.12-slim\nCOPY app.py /app/\nCMD [\"python\", \"/app/app.py\"]\n"})
    shas["docker"] = commit_all(repo, "Ship an image")
    return {"dir": str(repo), **shas}


def job(project: dict[str, str], head: str = "ci", base: str = "base", **extra: str) -> dict[str, str]:
    """The variables GitLab gives a merge request pipeline's job, plus the project's GITLAB_TOKEN."""
    env = {
        "CI_PROJECT_DIR": project["dir"], "CI_COMMIT_SHA": project[head],
        "CI_MERGE_REQUEST_DIFF_BASE_SHA": project[base], "CI_MERGE_REQUEST_IID": MR_IID,
        "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main", "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": "feature/ci",
        "CI_PIPELINE_SOURCE": "merge_request_event", "CI_PROJECT_ID": PROJECT_ID, "CI_PROJECT_PATH": PROJECT_PATH,
        "CI_PROJECT_URL": PROJECT_URL, "CI_SERVER_URL": "https://gitlab.example.com", "CI_API_V4_URL": API,
        "CI_COMMIT_TIMESTAMP": "2026-01-15T12:00:00Z", "CI_JOB_TOKEN": JOB_TOKEN, "GITLAB_TOKEN": TOKEN,
    }
    return {**env, **extra}


def _quality(project: dict[str, str]) -> list[dict]:
    return json.loads((Path(project["dir"]) / "gl-code-quality-report.json").read_text(encoding="utf-8"))


@responses.activate
def test_first_run_creates_the_note_second_edits_it_third_writes_nothing(project, capsys):
    api = FakeNotes(responses.mock, [note(1, "Looks good to me")])
    assert main(job(project)) == 0
    assert [(method, note_id) for method, note_id, _ in api.writes] == [("POST", None)]
    body = api.writes[0][2]
    assert body.startswith(MARK + "\n") and "`ci.pipeline` fail → **pass**" in body
    assert f"{PROJECT_URL}/-/blob/{project['ci']}/.gitlab-ci.yml#L" in body
    assert "main " + project["base"][:12] in body and "feature/ci " + project["ci"][:12] in body
    created = api.notes[-1]["id"]

    assert main(job(project, head="docker")) == 0
    assert [(method, note_id) for method, note_id, _ in api.writes[1:]] == [("PUT", created)]
    assert "Dockerfile" in api.by_id(created)["body"] and len(api.notes) == 2

    assert main(job(project, head="docker")) == 0
    assert len(api.writes) == 2, "an unchanged note is not rewritten"
    assert api.by_id(1)["body"] == "Looks good to me"
    out = capsys.readouterr().out
    assert "note created" in out and "note updated" in out and "note unchanged" in out
    assert isinstance(_quality(project), list)


@responses.activate
def test_a_human_note_quoting_the_marker_is_never_touched(project):
    quoted = f"{MARK}\nI copied the bot's note to argue with it"
    api = FakeNotes(responses.mock, [note(1, quoted), note(2, f"> {MARK}\n> earlier result")])
    assert main(job(project)) == 0
    assert [method for method, _id, _body in api.writes] == ["POST"]
    assert api.by_id(1)["body"] == quoted and api.notes[-1]["author"]["id"] == BOT["id"]


@pytest.mark.parametrize("next_page_header", [True, False], ids=["x-next-page", "link-only"])
def test_our_note_on_the_second_page_of_120_is_found(project, next_page_header):
    notes = [note(i, f"comment {i}", author=HUMAN) for i in range(1, 121)]
    notes[109] = note(110, f"{MARK}\nan older result", author=BOT)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        api = FakeNotes(mock, notes, next_page_header=next_page_header)
        assert main(job(project)) == 0
    assert api.pages == [1, 2]
    assert [(method, note_id) for method, note_id, _ in api.writes] == [("PUT", 110)]


@responses.activate
def test_job_token_refused_a_note_logs_one_line_and_passes(project, capsys):
    env = job(project)
    del env["GITLAB_TOKEN"]
    api = FakeNotes(responses.mock, write_status=403)
    assert main(env) == 0
    assert [method for method, _id, _body in api.writes] == ["POST"]
    assert not any(call.request.url.endswith("/user") for call in responses.calls), "a job token may not ask"
    assert responses.calls[0].request.headers["JOB-TOKEN"] == JOB_TOKEN
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "403" in err[0] and "GITLAB_TOKEN" in err[0] and "api scope" in err[0]


@responses.activate
def test_job_token_leaves_an_existing_marker_note_alone(project, capsys):
    env = job(project)
    del env["GITLAB_TOKEN"]
    api = FakeNotes(responses.mock, [note(5, f"{MARK}\nan older result", author=BOT)])
    assert main(env) == 0
    assert api.writes == []
    assert "left as it is" in capsys.readouterr().out


@responses.activate
def test_a_project_token_without_the_api_scope_passes_with_one_line(project, capsys):
    api = FakeNotes(responses.mock, write_status=403)
    assert main(job(project)) == 0
    assert len(api.writes) == 1
    err = capsys.readouterr().err
    assert "GitLab answered 403 to GITLAB_TOKEN" in err and err.count("\n") == 1


@responses.activate
def test_the_token_is_never_printed(project, capsys, caplog):
    caplog.set_level("DEBUG")
    api = FakeNotes(responses.mock, write_status=401)
    assert main(job(project, DEVOPS_SCAN_MODEL=f"missing-{TOKEN}.yml")) == 2   # an error quoting it
    assert main(job(project)) == 0
    captured = capsys.readouterr()
    shown = captured.out + captured.err + caplog.text + json.dumps(_quality(project)) + str(api.writes)
    assert TOKEN not in shown and JOB_TOKEN not in shown
    assert "***" in captured.err
    assert responses.calls[0].request.headers["PRIVATE-TOKEN"] == TOKEN


def test_a_default_branch_pipeline_writes_the_report_and_no_note(project, capsys):
    env = {name: value for name, value in job(project).items() if "MERGE_REQUEST" not in name}
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        assert main({**env, "CI_COMMIT_BRANCH": "main", "CI_PIPELINE_SOURCE": "push"}) == 0
        assert len(mock.calls) == 0
    issues = _quality(project)
    assert all(set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}
               for issue in issues)
    assert "Code Quality issue(s) in gl-code-quality-report.json" in capsys.readouterr().out


@responses.activate
def test_fail_under_fails_the_job_and_still_writes_the_note(project, capsys):
    api = FakeNotes(responses.mock)
    assert main(job(project, DEVOPS_SCAN_FAIL_UNDER="expert")) == 1
    assert len(api.writes) == 1
    assert "below DEVOPS_SCAN_FAIL_UNDER expert" in capsys.readouterr().err


@pytest.mark.parametrize(("setting", "code"), [("ci.pipeline, test.in-ci", 1), ("false", 0), ("sec.policy", 0)])
def test_fail_on_regression(project, capsys, setting, code):
    # The merge request removes CI: its base is the CI commit, its head the commit before it.
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        FakeNotes(mock)
        assert main(job(project, head="base", base="ci", DEVOPS_SCAN_FAIL_ON_REGRESSION=setting)) == code
    err = capsys.readouterr().err
    assert ("regressed: ci.pipeline, test.in-ci" in err) == (code == 1)


@responses.activate
def test_comment_modes_new_and_off(project):
    api = FakeNotes(responses.mock)
    assert main(job(project, DEVOPS_SCAN_COMMENT="new")) == 0
    assert main(job(project, head="docker", DEVOPS_SCAN_COMMENT="new")) == 0
    assert main(job(project, head="docker", DEVOPS_SCAN_COMMENT="new")) == 0
    assert [method for method, _id, _body in api.writes] == ["POST", "POST"]
    calls = len(responses.calls)
    assert main(job(project, head="docker", DEVOPS_SCAN_COMMENT="off")) == 0
    assert len(responses.calls) == calls


def test_a_bad_setting_stops_with_one_line(project, capsys):
    assert main(job(project, DEVOPS_SCAN_COMMENT="sometimes")) == 2
    assert main(job(project, CI_COMMIT_SHA="HEAD; rm -rf /")) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == ["devops-scan: error: DEVOPS_SCAN_COMMENT must be one of update, new, off, not 'sometimes'",
                   "devops-scan: error: CI_COMMIT_SHA is not a commit sha"]


@responses.activate
def test_a_hostile_file_name_cannot_mention_link_or_inject_html(tmp_path):
    repo = init_repo(tmp_path / "hostile")
    write_files(repo, {"README.md": "# x\n"})
    base = commit_all(repo, "initial")
    write_files(repo, {HOSTILE: WORKFLOW})
    head = commit_all(repo, "add a workflow")
    api = FakeNotes(responses.mock)
    assert main(job({"dir": str(repo), "base": base, "ci": head})) == 0
    body = api.writes[0][2]
    assert "@team" in body, "the file name is shown"
    # Outside code spans, what is left once backslash-escaped characters (shown literally) are gone
    # must hold no tag, no mention and no link but ours.
    live = re.sub(r"`[^`]*`", "", re.sub(r"\\.", "", body))
    assert "<img" not in live and "@team" not in live and "](https:evil" not in live
    links = re.findall(r"\]\((https://[^)\s]*)\)", body)
    assert links and all(link.startswith(f"{PROJECT_URL}/-/blob/{head}/") for link in links)
    assert any("%40team%20%3Cimg%20src%3Dx" in link for link in links)
    assert all(issue["location"]["path"] == HOSTILE for issue in _quality({"dir": str(repo)})
               if issue["location"]["path"].startswith(".github/"))


def test_a_diff_base_missing_from_the_clone_means_no_note(project, capsys):
    env = job(project, CI_MERGE_REQUEST_DIFF_BASE_SHA="f" * 40)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        assert main(env) == 0
        assert len(mock.calls) == 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "could not be scanned" in err and 'GIT_DEPTH "0"' in err
    assert _quality(project) is not None   # the head's report is still written
