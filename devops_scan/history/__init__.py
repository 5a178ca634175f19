"""Git history analytics: tags, commits and delivery metrics, read offline."""
