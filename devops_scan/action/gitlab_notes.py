"""The merge request note: one per merge request, found again by its marker and its author, and
edited in place, so a busy merge request does not collect a note per pipeline.

Requests go through python-gitlab's `http_request` (and so through the project's transport) rather
than its `notes` manager, because the manager follows only the `Link` header while GitLab's own
pagination contract is `x-next-page`, and because the raw answer keeps the status code the caller
needs to tell "the job token may not write notes" from every other failure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

import gitlab

PER_PAGE = 100
# 10,000 notes: GitLab stops offset pagination there; past it a loop could only be a server fault.
MAX_PAGES = 100
COMMENT_MODES = ("update", "new", "off")


@dataclass(frozen=True)
class NoteOutcome:
    """What happened to the note: created, updated, unchanged, kept (a note exists whose author
    cannot be checked), or off."""

    action: str
    note_id: int | None = None


class MergeRequestNotes:
    """The notes of one merge request, through a python-gitlab client."""

    def __init__(self, gl: gitlab.Gitlab, project_id: str, iid: str) -> None:
        self.gl = gl
        self.path = f"/projects/{project_id}/merge_requests/{iid}/notes"

    def current_user(self) -> int | None:
        """The id of the token's user (a project access token's bot user), or None when GitLab
        will not say. GitLab refuses `GET /user` to a CI job token, and a token may lack the scope."""
        try:
            user = self._call("get", "/user").json()
        except gitlab.exceptions.GitlabError:
            return None
        return user.get("id") if isinstance(user, dict) and isinstance(user.get("id"), int) else None

    def notes(self) -> Iterator[dict[str, Any]]:
        """Every note, oldest first, across every page."""
        url: str | None = self.path
        query: dict[str, Any] | None = {"per_page": PER_PAGE, "page": 1, "sort": "asc", "order_by": "created_at"}
        for _ in range(MAX_PAGES):
            if url is None:
                return
            response = self._call("get", url, query)
            page = response.json()
            yield from (note for note in page if isinstance(note, dict)) if isinstance(page, list) else ()
            following = response.headers.get("x-next-page", "").strip()
            link = (response.links.get("next") or {}).get("url", "")
            if following.isdigit() and query is not None:
                query = {**query, "page": int(following)}
            elif link.startswith(self.gl.api_url + "/"):
                # Only a link back into the same API: the token must never be sent anywhere else.
                url, query = link, None
            else:
                url = None

    def create(self, body: str) -> int | None:
        return self._call("post", self.path, post_data={"body": body}).json().get("id")

    def update(self, note_id: int, body: str) -> None:
        self._call("put", f"{self.path}/{note_id}", post_data={"body": body})

    def _call(self, verb: str, path: str, query: dict[str, Any] | None = None,
              post_data: dict[str, Any] | None = None):
        # Rate limits and retries are the transport's job (devops_scan.platform.transport).
        return self.gl.http_request(verb, path, query_data=query, post_data=post_data, obey_rate_limit=False)


def upsert(api: MergeRequestNotes, body: str, marker: str, mode: str, job_token: bool) -> NoteOutcome:
    """Create, edit or leave the note whose body is `body` (starting with `marker`).

    `update` edits this tool's newest note, `new` adds a note whenever the body changed, `off`
    writes nothing. Only a note that starts with the marker AND was written by the token's own
    user counts as ours: a person quoting the note, marker and all, is never edited. With a job
    token the author cannot be known (no `GET /user`), so an existing note with the marker is left
    alone and a note is created only when none exists.
    """
    if mode == "off":
        return NoteOutcome("off")
    user = None if job_token else api.current_user()
    notes = [note for note in api.notes() if not note.get("system")]
    if user is None:
        existing = [note for note in notes if marker in str(note.get("body") or "")]
        if existing:
            return NoteOutcome("kept", existing[-1].get("id"))
        return NoteOutcome("created", api.create(body))
    own = [note for note in notes
           if str(note.get("body") or "").startswith(marker) and (note.get("author") or {}).get("id") == user]
    latest = max(own, key=lambda note: note.get("id") or 0) if own else None
    if latest is not None and str(latest.get("body") or "").strip() == body.strip():
        return NoteOutcome("unchanged", latest.get("id"))
    if latest is not None and mode == "update":
        api.update(latest["id"], body)
        return NoteOutcome("updated", latest["id"])
    return NoteOutcome("created", api.create(body))
