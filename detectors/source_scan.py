"""A bounded look into source code for what manifests cannot show, done once per scan.

Health endpoints, `logging.dictConfig`, settings read from the environment or a server started in
`main` live in code. Reading every source file of a large repository would break the scan budget, so
at most MAX_FILES candidate files are read, the likeliest first (entry points, settings, routes,
names about health, logging or telemetry, shallow paths), and each signal keeps its first hits.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from devops_scan.clients.base import RepoClient
from devops_scan.clients.fileindex import extension
from devops_scan.detector import ScanContext
from devops_scan.errors import UnreadableFile
from devops_scan_detectors.common import not_the_projects_own

MAX_FILES = 400
HITS_PER_SIGNAL = 5
SOURCE_EXTENSIONS = frozenset({"py", "js", "mjs", "cjs", "jsx", "ts", "mts", "cts", "tsx", "go", "java", "kt",
                               "scala", "rb", "php", "cs", "fs", "rs", "ex", "exs", "swift", "dart", "groovy"})
# Folders whose code is not the running application (tests, examples, docs, build tooling).
_NOT_APPLICATION = frozenset({"test", "tests", "testing", "spec", "specs", "__tests__", "e2e", "examples", "example",
                              "samples", "sample", "demo", "demos", "docs", "doc", "benchmarks", "bench", "scripts",
                              "tools", "hack", "migrations", ".github", "fixtures"})
_TEST_NAME = re.compile(r"(^test_|_test\.|\.test\.|\.spec\.|Tests?\.(java|kt|cs)$|_spec\.rb$|conftest\.py$)")
_LIKELY = re.compile(r"(^|/)(main|app|application|server|index|program|startup|bootstrap|wsgi|asgi|urls|routes?|"
                     r"router|api|handlers?|health\w*|settings|config\w*|logg\w*|log|telemetry|tracing|metrics|"
                     r"instrument\w*|sentry|monitoring|observability|otel|cmd)(\.|/)", re.IGNORECASE)

# Language families by extension: a Go import path means nothing in a Python file (a scanner's own
# regex tables would otherwise look like instrumented code).
_FAMILY = {"py": "python", "go": "go", "js": "js", "mjs": "js", "cjs": "js", "jsx": "js", "ts": "js", "mts": "js",
           "cts": "js", "tsx": "js", "java": "jvm", "kt": "jvm", "scala": "jvm", "groovy": "jvm", "rb": "ruby",
           "php": "php", "cs": "dotnet", "fs": "dotnet", "rs": "rust", "ex": "elixir", "exs": "elixir"}

# Signal → family → pattern ("any": every family). Imports are anchored at the line start.
_PATTERNS: dict[str, dict[str, str]] = {
    "health-endpoint": {
        "any": r"[\"'`](/(?:api/)?(?:v\d+/)?(?:_{0,2}health(?:z|check|-check)?|readyz?|readiness|livez?|"
               r"liveness|ping|-/(?:healthy|ready))(?:/[\w-]*)?)[\"'`]",
        "go": r"grpc_health_v1", "python": r"^\s*(?:from|import) grpc_health\b", "js": r"grpc\.health\.v1",
        "dotnet": r"\bMapHealthChecks\(|\bAddHealthChecks\(", "ruby": r"rails/health#show"},
    "logging-setup": {
        "python": r"logging\.config\.(?:dictConfig|fileConfig)\(|logging\.basicConfig\(|^LOGGING\s*=\s*\{|"
                  r"structlog\.configure\(|^\s*from loguru import logger",
        "go": r"^\s*(?:import\s+)?\"log/slog\"|slog\.New\("},
    "error-tracking": {
        "python": r"\bsentry_sdk\.init\(", "js": r"\bSentry\.init\(", "jvm": r"\bSentry\.init\(",
        "dotnet": r"\bSentrySdk\.Init\(|\bSentryInit\(", "go": r"\bsentry\.Init\(",
        "any": r"Rollbar\.(?:init|configure)|Bugsnag\.(?:start|configure)|Honeybadger\.configure"},
    "metrics": {
        "python": r"^\s*(?:from|import) prometheus_client\b|^\s*(?:from|import) statsd\b|"
                  r"^\s*from opentelemetry import metrics",
        "go": r"^\s*(?:import\s+)?(?:\w+\s+)?\"github\.com/prometheus/client_golang"},
    "tracing": {
        "python": r"^\s*(?:from|import) opentelemetry\b(?!.*metrics)|^\s*(?:from|import) ddtrace\b",
        "go": r"^\s*(?:import\s+)?(?:\w+\s+)?\"go\.opentelemetry\.io/otel"},
    "env-config": {
        "python": r"\bos\.environ\b|\bos\.getenv\(|BaseSettings\)|\benviron\.Env\(", "js": r"\bprocess\.env\b",
        "jvm": r"\bSystem\.getenv\(", "go": r"\bos\.(?:Getenv|LookupEnv)\(", "ruby": r"\bENV(?:\[|\.fetch\()",
        "php": r"\$_ENV\[|\bgetenv\(", "rust": r"\benv::var\(", "dotnet": r"Environment\.GetEnvironmentVariable\(",
        "elixir": r"System\.get_env\("},
    "server-start": {
        "go": r"\bhttp\.ListenAndServe(?:TLS)?\(|\.ListenAndServe\(|\bgrpc\.NewServer\(",
        "python": r"\bapp\.run\(|\buvicorn\.run\(|\bweb\.run_app\(|\bserve_forever\(",
        "js": r"\.listen\(\s*(?:process\.env\.PORT|PORT|port|\d{2,5})|\bcreateServer\(",
        "jvm": r"SpringApplication\.run\(", "dotnet": r"WebApplication\.CreateBuilder\(",
        "rust": r"\bHttpServer::new\b|\baxum::serve\b|\brocket::build\(|\bwarp::serve\("},
}
SIGNALS = tuple(_PATTERNS)


def _compiled(family: str) -> dict[str, re.Pattern[str]]:
    """The signal patterns that apply to one language family, compiled once."""
    found = _COMPILED.get(family)
    if found is None:
        found = {}
        for name, by_family in _PATTERNS.items():
            parts = [by_family[key] for key in (family, "any") if key in by_family]
            if parts:
                found[name] = re.compile("|".join(f"(?:{part})" for part in parts), re.MULTILINE)
        _COMPILED[family] = found
    return found


_COMPILED: dict[str, dict[str, re.Pattern[str]]] = {}


@dataclass(frozen=True)
class Hit:
    path: str
    line: int
    text: str


@dataclass(frozen=True)
class SourceScan:
    hits: dict[str, tuple[Hit, ...]]
    files_read: int
    candidates: int

    def of(self, signal: str) -> tuple[Hit, ...]:
        return self.hits.get(signal, ())

    @property
    def complete(self) -> bool:
        """Whether every candidate file was read (a miss then means absence, not a limit reached)."""
        return self.files_read >= self.candidates


def folder_roles(path: str) -> list[str]:
    """The folders of `path` that say what the code is for. Below `src/main` or `src/test` come
    package folders (`com/example/...`), which say nothing about it."""
    parts = path.split("/")[:-1]
    for index, part in enumerate(parts[:-1]):
        if part == "src" and parts[index + 1] in ("main", "test", "it", "integrationTest", "androidTest"):
            return parts[:index + 2]
    return parts


def application_sources(client: RepoClient) -> list[str]:
    """Source files of the application itself: not tests, examples, docs, tooling or vendored code."""
    found = []
    for path in client.files:
        if extension(posixpath.basename(path)) not in SOURCE_EXTENSIONS or not_the_projects_own(path):
            continue
        if _NOT_APPLICATION.intersection(folder_roles(path)) or _TEST_NAME.search(posixpath.basename(path)):
            continue
        found.append(path)
    return found


def source_scan(client: RepoClient, context: ScanContext) -> SourceScan:
    """The signals found in the likeliest application source files (shared by every detector)."""
    return context.shared("source-scan", lambda: _scan(client))


def _scan(client: RepoClient) -> SourceScan:
    candidates = application_sources(client)
    ranked = sorted(candidates, key=lambda p: (not _LIKELY.search(p), p.count("/"), p))[:MAX_FILES]
    hits: dict[str, list[Hit]] = {name: [] for name in SIGNALS}
    read = 0
    for path in ranked:
        try:
            text = client.read_text(path).text
        except UnreadableFile:
            continue
        read += 1
        patterns = _compiled(_FAMILY.get(extension(posixpath.basename(path)), "other"))
        for name, pattern in patterns.items():
            if len(hits[name]) >= HITS_PER_SIGNAL:
                continue
            match = pattern.search(text)
            if match:
                line = text.count("\n", 0, match.start()) + 1
                hits[name].append(Hit(path, line, match.group(0).strip()[:80]))
    return SourceScan({name: tuple(found) for name, found in hits.items()}, read, len(candidates))
