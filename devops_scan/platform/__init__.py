"""Hosting platforms (GitHub, GitLab): what a repository's settings and activity say, read through
their APIs with few requests, and `unknown` with the reason for whatever the token cannot see."""
