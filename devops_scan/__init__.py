"""devops-scan: a repository DevOps-maturity scanner."""

__version__ = "0.1.0"
