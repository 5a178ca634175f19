"""CI integrations: entry points that CI jobs run, not part of the library's API.

- `python -m devops_scan.action.github`: the GitHub Action (action.yml, docs/github-action.md);
- `python -m devops_scan.action.gitlab`: the GitLab CI template.

In a pull/merge request each scans the base and the head in the job's own clone, keeps one comment
up to date with what the change does to the maturity, and writes the platform's job outputs.
"""
