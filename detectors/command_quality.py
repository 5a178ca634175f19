"""Linters, formatters in check mode, type checkers, security scanners, SBOM and signing tools.

A formatter counts only in check mode (`black --check`, `prettier --check`, `gofmt -l`): run
without it, it rewrites files and checks nothing. Scanners are sorted by what they look at: code
(SAST), dependencies, images, secrets, infrastructure policy.
"""

from __future__ import annotations

from typing import Mapping

from devops_scan_detectors.activity import (
    BUILD, CONTAINER_SCAN, DEPENDENCY_SCAN, FORMAT_CHECK, IAC_VALIDATE, LINT, POLICY_CHECK, PRE_COMMIT, SAST,
    SBOM, SECRET_SCAN, SIGN, TYPE_CHECK,
)
from devops_scan_detectors.command_rules import (
    Handler, Result, always, has, kinds, operands, subcommands, value, when_flag,
)


def _ruff(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
    found = operands(args, "--config --select --ignore --extend-select --target-version --output-format")
    if found[:1] == ["format"]:
        return kinds("ruff", FORMAT_CHECK) if has(args, "--check", "--diff") else []
    if found[:1] in (["check"], []) or found and found[0] not in ("rule", "config", "linter", "clean", "server",
                                                                  "version", "analyze"):
        return kinds("ruff", LINT)
    return []


def _prettier(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
    return kinds("prettier", FORMAT_CHECK) if has(args, "--check", "-c", "--list-different", "-l") else []


def _tsc(tool: str) -> Handler:
    # The compiler type-checks whether or not it emits; without --noEmit it also builds.
    def handle(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
        if has(args, "--init", "--showConfig", "--watch", "-w"):
            return []
        emits = not has(args, "--noEmit") and tool == "tsc"
        return kinds(tool, TYPE_CHECK) + (kinds(tool, BUILD) if emits else [])

    return handle


def _biome(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
    found = operands(args, "--config-path --reporter")
    command = found[0] if found else ""
    if command in ("check", "ci"):
        return kinds("biome", LINT, FORMAT_CHECK)
    if command == "lint":
        return kinds("biome", LINT)
    if command == "format" and not has(args, "--write", "--apply"):
        return kinds("biome", FORMAT_CHECK)
    return []


def _gofmt(tool: str) -> Handler:
    return when_flag(tool, FORMAT_CHECK, "-l", "-d", "--list", "--diff")


def _pre_commit(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
    found = operands(args, "--hook-stage --from-ref --to-ref --files -c --config")
    if found[:1] == ["run"] or found[:1] == [] and not has(args, "--version"):
        return kinds("pre-commit", PRE_COMMIT, LINT)
    return []


def _trivy(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
    found = operands(args, "--format -f --output -o --severity -s --scanners --security-checks --exit-code "
                           "--cache-dir --timeout --skip-dirs --skip-files --ignorefile --config -c")
    target = found[0] if found else ""
    scanners = (value(args, "--scanners", "--security-checks") or "").split(",")
    form = (value(args, "--format", "-f") or "").lower()
    sbom_only = form.startswith(("cyclonedx", "spdx")) and "vuln" not in scanners
    if target in ("config", "conf"):
        return kinds("trivy", POLICY_CHECK)
    if target in ("image", "i"):
        main = kinds("trivy", CONTAINER_SCAN)
    elif target in ("fs", "filesystem", "repo", "repository", "rootfs", "sbom", "vm"):
        main = kinds("trivy", DEPENDENCY_SCAN)
        if "secret" in scanners or scanners == [""] and target != "sbom":
            main += kinds("trivy", SECRET_SCAN)
        if "misconfig" in scanners or "config" in scanners:
            main += kinds("trivy", POLICY_CHECK)
    else:
        return []
    return kinds("trivy", SBOM) if sbom_only else main


def _grype(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
    found = operands(args, "-o --output -c --config --fail-on -f --file --scope -s --platform")
    if not found or found[0] in ("db", "version", "completion", "config", "explain"):
        return []
    target = found[0]
    if target.startswith(("dir:", "file:", "sbom:", "purl:")) or target in (".", "./") or target.startswith("./"):
        return kinds("grype", DEPENDENCY_SCAN)
    return kinds("grype", CONTAINER_SCAN)


def _snyk(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
    found = operands(args, "--file --org --severity-threshold --project-name")
    command = found[:2]
    if command[:1] in (["test"], ["monitor"]):
        return kinds("snyk", DEPENDENCY_SCAN)
    if command == ["code", "test"]:
        return kinds("snyk", SAST)
    if command[:1] == ["container"] and command[1:] in (["test"], ["monitor"]):
        return kinds("snyk", CONTAINER_SCAN)
    if command[:2] == ["iac", "test"]:
        return kinds("snyk", POLICY_CHECK)
    if command[:1] == ["sbom"]:
        return kinds("snyk", SBOM)
    return []


def _docker_scout(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
    found = operands(args)
    if found[:1] in (["cves"], ["quickview"], ["recommendations"], ["compare"]):
        return kinds("docker-scout", CONTAINER_SCAN)
    if found[:1] == ["sbom"]:
        return kinds("docker-scout", SBOM)
    return []


def _cosign(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
    found = operands(args)
    return kinds("cosign", SIGN) if found[:1] and found[0] in ("sign", "attest", "sign-blob", "attest-blob") else []


def _gpg(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
    signing = has(args, "--detach-sign", "--sign", "--clearsign", "--clear-sign", "-b", "-s", "--detach-sig")
    combined = any(arg.startswith("-") and not arg.startswith("--") and ("b" in arg or "s" in arg) and "a" in arg
                   for arg in args)  # `gpg -abs file`, `gpg -ab file`
    return kinds("gpg", SIGN) if signing or combined else []


def _semgrep(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
    found = operands(args, "--config -c --output -o --severity --exclude --include --sarif-output --json-output")
    if found[:1] in (["login"], ["logout"], ["install-semgrep-pro"], ["lsp"], ["publish"], ["show"]):
        return []
    return kinds("semgrep", SAST)


HANDLERS: dict[str, Handler] = {
    # Python
    "ruff": _ruff, "flake8": always("flake8", LINT), "pylint": always("pylint", LINT),
    "pyflakes": always("pyflakes", LINT), "pycodestyle": always("pycodestyle", LINT),
    "pydocstyle": always("pydocstyle", LINT), "pylama": always("pylama", LINT),
    "prospector": always("prospector", LINT), "codespell": always("codespell", LINT),
    "vulture": always("vulture", LINT), "check-manifest": always("check-manifest", LINT),
    "interrogate": always("interrogate", LINT), "validate-pyproject": always("validate-pyproject", LINT),
    "darglint": always("darglint", LINT), "pyroma": always("pyroma", LINT), "xenon": always("xenon", LINT),
    "black": when_flag("black", FORMAT_CHECK, "--check", "--diff"),
    "isort": when_flag("isort", FORMAT_CHECK, "--check", "--check-only", "-c", "--diff"),
    "autopep8": when_flag("autopep8", FORMAT_CHECK, "--diff", "-d", "--exit-code"),
    "yapf": when_flag("yapf", FORMAT_CHECK, "--diff", "-d"),
    "blue": when_flag("blue", FORMAT_CHECK, "--check", "--diff"),
    "docformatter": when_flag("docformatter", FORMAT_CHECK, "--check"),
    "mypy": always("mypy", TYPE_CHECK), "dmypy": subcommands("mypy", {"run": (TYPE_CHECK,), "check": (TYPE_CHECK,)}),
    "pyright": always("pyright", TYPE_CHECK), "basedpyright": always("basedpyright", TYPE_CHECK),
    "pyre": subcommands("pyre", {"check": (TYPE_CHECK,), "": (TYPE_CHECK,)}), "pytype": always("pytype", TYPE_CHECK),
    "ty": subcommands("ty", {"check": (TYPE_CHECK,)}),
    "pre-commit": _pre_commit, "prek": _pre_commit,
    # JavaScript / TypeScript
    "eslint": always("eslint", LINT), "tslint": always("tslint", LINT), "stylelint": always("stylelint", LINT),
    "xo": always("xo", LINT), "standard": always("standard", LINT), "oxlint": always("oxlint", LINT),
    "jshint": always("jshint", LINT), "lint-staged": always("lint-staged", LINT),
    "commitlint": always("commitlint", LINT), "markdownlint": always("markdownlint", LINT),
    "markdownlint-cli2": always("markdownlint", LINT), "remark": lambda a, e: kinds("remark", LINT) if has(
        a, "--frail") else [], "htmlhint": always("htmlhint", LINT), "publint": always("publint", LINT),
    "prettier": _prettier, "biome": _biome, "dprint": subcommands("dprint", {"check": (FORMAT_CHECK,)}),
    "tsc": _tsc("tsc"), "vue-tsc": _tsc("vue-tsc"), "svelte-check": always("svelte-check", TYPE_CHECK),
    "flow": subcommands("flow", {"check": (TYPE_CHECK,), "": (TYPE_CHECK,)}),
    # Go
    "go": subcommands("go", {"vet": (LINT,)}, valued="-C"),
    "golangci-lint": subcommands("golangci-lint", {"run": (LINT,), "": (LINT,)}),
    "staticcheck": always("staticcheck", LINT), "revive": always("revive", LINT), "golint": always("golint", LINT),
    "errcheck": always("errcheck", LINT), "ineffassign": always("ineffassign", LINT),
    "gofmt": _gofmt("gofmt"), "gofumpt": _gofmt("gofumpt"), "goimports": _gofmt("goimports"),
    "gosec": always("gosec", SAST), "govulncheck": always("govulncheck", DEPENDENCY_SCAN),
    "nancy": always("nancy", DEPENDENCY_SCAN),
    # Rust (cargo subcommands are looked up as cargo-NAME)
    "cargo-clippy": always("clippy", LINT), "clippy-driver": always("clippy", LINT),
    "cargo-fmt": when_flag("rustfmt", FORMAT_CHECK, "--check"), "rustfmt": when_flag("rustfmt", FORMAT_CHECK,
                                                                                    "--check"),
    "cargo-audit": always("cargo-audit", DEPENDENCY_SCAN),
    "cargo-deny": lambda a, e: kinds("cargo-deny", DEPENDENCY_SCAN) if operands(a)[:1] in (["check"], []) else [],
    "cargo-cyclonedx": always("cargo-cyclonedx", SBOM), "cargo-sbom": always("cargo-sbom", SBOM),
    # Ruby
    "rubocop": always("rubocop", LINT), "standardrb": always("standardrb", LINT), "reek": always("reek", LINT),
    "erb_lint": always("erb-lint", LINT), "erblint": always("erb-lint", LINT), "haml-lint": always("haml-lint", LINT),
    "brakeman": always("brakeman", SAST), "bundler-audit": always("bundler-audit", DEPENDENCY_SCAN),
    "bundle-audit": always("bundler-audit", DEPENDENCY_SCAN),
    "bundle": subcommands("bundler", {"audit": (DEPENDENCY_SCAN,)}),
    "sorbet": always("sorbet", TYPE_CHECK), "srb": subcommands("sorbet", {"tc": (TYPE_CHECK,)}),
    "steep": subcommands("steep", {"check": (TYPE_CHECK,)}),
    # PHP
    "phpcs": always("phpcs", LINT), "phpstan": always("phpstan", LINT), "psalm": always("psalm", LINT),
    "phpmd": always("phpmd", LINT), "php-cs-fixer": when_flag("php-cs-fixer", FORMAT_CHECK, "--dry-run"),
    "pint": when_flag("pint", FORMAT_CHECK, "--test"), "rector": when_flag("rector", LINT, "--dry-run"),
    "phan": always("phan", LINT), "composer-audit": always("composer", DEPENDENCY_SCAN),
    # JVM
    "ktlint": always("ktlint", LINT), "detekt": always("detekt", LINT), "detekt-cli": always("detekt", LINT),
    "checkstyle": always("checkstyle", LINT), "pmd": always("pmd", LINT), "spotbugs": always("spotbugs", LINT),
    "scalafmt": when_flag("scalafmt", FORMAT_CHECK, "--test", "--list"), "scalafix": when_flag(
        "scalafix", LINT, "--check"), "google-java-format": when_flag("google-java-format", FORMAT_CHECK,
                                                                      "--dry-run", "-n", "--set-exit-if-changed"),
    # Other languages
    "swiftlint": always("swiftlint", LINT), "swiftformat": when_flag("swiftformat", FORMAT_CHECK, "--lint"),
    "clang-tidy": always("clang-tidy", LINT), "run-clang-tidy": always("clang-tidy", LINT),
    "cppcheck": always("cppcheck", LINT), "cpplint": always("cpplint", LINT),
    "clang-format": when_flag("clang-format", FORMAT_CHECK, "--dry-run", "-n", "--Werror"),
    "scan-build": always("clang-analyzer", LINT), "flawfinder": always("flawfinder", SAST),
    "hlint": always("hlint", LINT), "ormolu": lambda a, e: kinds("ormolu", FORMAT_CHECK) if value(
        a, "--mode", "-m") == "check" else [], "fourmolu": lambda a, e: kinds("fourmolu", FORMAT_CHECK) if value(
        a, "--mode", "-m") == "check" else [],
    "luacheck": always("luacheck", LINT), "perlcritic": always("perlcritic", LINT),
    "credo": always("credo", LINT), "sobelow": always("sobelow", SAST),
    "mix": subcommands("mix", {"credo": always("credo", LINT), "dialyzer": always("dialyzer", TYPE_CHECK),
                               "sobelow": always("sobelow", SAST), "deps.audit": always("mix-audit", DEPENDENCY_SCAN),
                               "hex.audit": always("hex", DEPENDENCY_SCAN),
                               "format": lambda a, e: kinds("mix", FORMAT_CHECK) if has(a, "--check-formatted")
                               else []}),
    "invoke-scriptanalyzer": always("psscriptanalyzer", LINT),
    "shellcheck": always("shellcheck", LINT), "checkbashisms": always("checkbashisms", LINT),
    "shfmt": when_flag("shfmt", FORMAT_CHECK, "-d", "-l", "--diff", "--list"),
    "hadolint": always("hadolint", LINT), "yamllint": always("yamllint", LINT), "actionlint": always(
        "actionlint", LINT), "zizmor": always("zizmor", LINT), "editorconfig-checker": always(
        "editorconfig-checker", LINT), "ec": always("editorconfig-checker", LINT),
    "super-linter": always("super-linter", LINT), "megalinter": always("megalinter", LINT),
    "mega-linter-runner": always("megalinter", LINT), "vale": always("vale", LINT),
    "typos": always("typos", LINT), "cspell": always("cspell", LINT), "taplo": subcommands(
        "taplo", {"lint": (LINT,), "check": (LINT,), "fmt": lambda a, e: kinds("taplo", FORMAT_CHECK) if has(
            a, "--check") else []}),
    "buf": subcommands("buf", {"lint": (LINT,), "breaking": (LINT,), "format": lambda a, e: kinds(
        "buf", FORMAT_CHECK) if has(a, "-d", "--diff", "--exit-code") else []}),
    "sqlfluff": subcommands("sqlfluff", {"lint": (LINT,)}), "spectral": subcommands("spectral", {"lint": (LINT,)}),
    "dclint": always("dclint", LINT),
    # Security: code, dependencies, images, secrets
    "semgrep": _semgrep, "bandit": always("bandit", SAST), "njsscan": always("njsscan", SAST),
    "bearer": subcommands("bearer", {"scan": (SAST,)}), "horusec": subcommands("horusec", {"start": (SAST,)}),
    "codeql": lambda a, e: kinds("codeql", SAST) if operands(a)[:2] in (["database", "analyze"],
                                                                       ["github", "upload-results"]) else [],
    "pip-audit": always("pip-audit", DEPENDENCY_SCAN),
    "safety": subcommands("safety", {"check": (DEPENDENCY_SCAN,), "scan": (DEPENDENCY_SCAN,)}),
    "osv-scanner": always("osv-scanner", DEPENDENCY_SCAN), "dependency-check": always(
        "owasp-dependency-check", DEPENDENCY_SCAN), "dependency-check.sh": always(
        "owasp-dependency-check", DEPENDENCY_SCAN), "retire": always("retire.js", DEPENDENCY_SCAN),
    "audit-ci": always("audit-ci", DEPENDENCY_SCAN), "better-npm-audit": always("better-npm-audit", DEPENDENCY_SCAN),
    "snyk": _snyk, "trivy": _trivy, "grype": _grype, "docker-scout": _docker_scout,
    "dockle": always("dockle", CONTAINER_SCAN), "clair-scanner": always("clair", CONTAINER_SCAN),
    "anchore-cli": always("anchore", CONTAINER_SCAN), "twistcli": always("prisma-cloud", CONTAINER_SCAN),
    "gitleaks": lambda a, e: [] if operands(a)[:1] == ["version"] else kinds("gitleaks", SECRET_SCAN),
    "trufflehog": always("trufflehog", SECRET_SCAN), "detect-secrets": subcommands(
        "detect-secrets", {"scan": (SECRET_SCAN,), "audit": (SECRET_SCAN,)}),
    "detect-secrets-hook": always("detect-secrets", SECRET_SCAN), "ggshield": always("ggshield", SECRET_SCAN),
    "git-secrets": when_flag("git-secrets", SECRET_SCAN, "--scan", "--scan-history"),
    "talisman": always("talisman", SECRET_SCAN), "whispers": always("whispers", SECRET_SCAN),
    "noseyparker": always("noseyparker", SECRET_SCAN), "kingfisher": always("kingfisher", SECRET_SCAN),
    "betterleaks": always("betterleaks", SECRET_SCAN),
    # Infrastructure policy
    "checkov": always("checkov", POLICY_CHECK), "tfsec": always("tfsec", POLICY_CHECK),
    "kics": subcommands("kics", {"scan": (POLICY_CHECK,)}), "terrascan": subcommands(
        "terrascan", {"scan": (POLICY_CHECK,)}),
    "conftest": subcommands("conftest", {"test": (POLICY_CHECK,), "verify": (POLICY_CHECK,)}),
    "opa": subcommands("opa", {"eval": (POLICY_CHECK,), "test": (POLICY_CHECK,), "exec": (POLICY_CHECK,)}),
    "regal": subcommands("regal", {"lint": (LINT,)}),
    "kyverno": subcommands("kyverno", {"apply": (POLICY_CHECK,), "test": (POLICY_CHECK,)}),
    "polaris": subcommands("polaris", {"audit": (POLICY_CHECK,)}),
    "kubesec": subcommands("kubesec", {"scan": (POLICY_CHECK,)}),
    "datree": subcommands("datree", {"test": (POLICY_CHECK,)}), "regula": subcommands("regula", {"run": (
        POLICY_CHECK,)}), "sentinel": subcommands("sentinel", {"apply": (POLICY_CHECK,), "test": (POLICY_CHECK,)}),
    "cfn_nag": always("cfn-nag", POLICY_CHECK), "cfn_nag_scan": always("cfn-nag", POLICY_CHECK),
    "kube-score": subcommands("kube-score", {"score": (IAC_VALIDATE,)}),
    # SBOM and signing
    "syft": lambda a, e: [] if operands(a, "-o --output")[:1] in (["version"], ["login"], ["attest"])
    else kinds("syft", SBOM),
    "cdxgen": always("cdxgen", SBOM), "cyclonedx-py": always("cyclonedx", SBOM),
    "cyclonedx-npm": always("cyclonedx", SBOM), "cyclonedx-bom": always("cyclonedx", SBOM),
    "cyclonedx-gomod": always("cyclonedx", SBOM), "cyclonedx": always("cyclonedx", SBOM),
    "cyclonedx-cli": always("cyclonedx", SBOM), "spdx-sbom-generator": always("spdx-sbom-generator", SBOM),
    "sbom-tool": subcommands("sbom-tool", {"generate": (SBOM,)}), "bom": subcommands("bom", {"generate": (SBOM,)}),
    "cosign": _cosign, "gpg": _gpg, "gpg2": _gpg, "sigstore": subcommands("sigstore", {"sign": (SIGN,)}),
    "notation": subcommands("notation", {"sign": (SIGN,)}), "minisign": when_flag("minisign", SIGN, "-S"),
    "signtool": subcommands("signtool", {"sign": (SIGN,)}), "jarsigner": always("jarsigner", SIGN),
    "rpmsign": always("rpmsign", SIGN), "debsign": always("debsign", SIGN),
}
