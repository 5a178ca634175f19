"""RepoClients: one interface over a working tree, a git ref, and (later) hosting platforms."""
