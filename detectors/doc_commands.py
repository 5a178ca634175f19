"""What a command shown in documentation does: build, test, install from a checkout, install a release.

A README that shows `pip install tinyconf` tells users how to get the released package; one that
shows `pip install -e '.[test]'` and `pytest` tells a contributor how to build and test. The
difference decides `build.documented`, so commands are classified one by one.
"""

from __future__ import annotations

import re

BUILD = "build"
TEST = "test"
SOURCE_INSTALL = "install from source"
RELEASE_INSTALL = "install the release"
RUN = "run locally"
SETUP = "set up"

# A prompt, `sudo` or an env assignment in front of the command is not part of what it does.
_PREFIX = re.compile(r"^(?:[$%>]|PS>|C:\\>|\w+@[\w.-]+:\S*\$)\s*")
_ENV_ASSIGNMENT = re.compile(r"^(?:sudo\s+|env\s+|[A-Z_][A-Z0-9_]*=\S*\s+)+")
_TRAILING_COMMENT = re.compile(r"\s+#\s.*$")
_SEPARATORS = re.compile(r"\s*(?:&&|\|\||;)\s*")

# A tool name ends a command word only before a space or the end: `pytest.raises(...)` in a Python
# example or `build:` in a YAML one is not a command.
_END = r"(?![\w.(=:/-])"


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(re.sub(r"\\b(?=\||\)|$)", lambda _m: _END, pattern))


# Checked in order; the first pattern that matches the start of a command decides.
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple((kind, _compile(pattern)) for kind, pattern in (
    # Installing the project's own dependencies from a checkout.
    (SOURCE_INSTALL, r"(python3? -m )?(pip3?|uv pip) install( [^\s]+)* (-e|--editable)\b"),
    (SOURCE_INSTALL, r"(python3? -m )?(pip3?|uv pip) install( -\S+)* "
                     r"(\.|\.\[[^\]]*\]|'\.\[[^\]]*\]'|\"\.\[[^\]]*\]\")(\s|$)"),
    (SOURCE_INSTALL, r"(python3? -m )?(pip3?|uv pip) install( -\S+)* -r\s*\S+"),
    (SOURCE_INSTALL, r"(poetry|pdm|pipenv|bundle|composer|bun|pnpm|yarn|npm) install( -\S+| --\S+)*\s*$"),
    (SOURCE_INSTALL, r"(npm|pnpm) (ci|i)( -\S+)*\s*$|yarn\s*$|uv sync\b|hatch env create\b|pipenv sync\b|"
                     r"go mod (download|tidy)\b|go get(\s+-\S+)* \./\.\.\.|cargo fetch\b|dotnet restore\b|"
                     r"mix deps\.get\b|(conda|mamba|micromamba) env create\b|rye sync\b|pixi install\b"),
    (SOURCE_INSTALL, r"nox -s (dev|develop|devenv)\b|tox (-e (dev|develop|devenv)|devenv)\b|"
                     r"make (install|setup|bootstrap|deps|dev-setup|develop|init|venv)\b|"
                     r"(\./)?(script|bin|scripts)/(bootstrap|setup)(\.sh)?\b|just (setup|bootstrap|install)\b|"
                     r"task (setup|bootstrap|install)\b"),
    # Installing a released package (a name follows the install verb).
    (RELEASE_INSTALL, r"(python3? -m )?(pip3?|pipx|uv pip|uv tool) install\b|(npm|pnpm) (install|i|add)\b|"
                      r"nix-shell -p\b|nix (profile install|run)\b|"
                      r"yarn (global )?add\b|bun add\b|go install\b|cargo install\b|gem install\b|"
                      r"brew install\b|(apt|apt-get|dnf|yum|apk|pacman|choco|scoop|winget|snap) (install|add|-S)\b|"
                      r"docker (pull|run)\b|helm (install|upgrade)\b|dotnet tool install\b|"
                      r"composer (global )?require\b|"
                      r"curl\b.*\|\s*(sh|bash)\b|kubectl apply\b"),
    # Tests.
    (TEST, r"(python3? -m )?(pytest|py\.test|unittest|tox|nox)\b|(poetry|uv|pdm|hatch|pipenv|rye) run (python -m )?"
           r"(pytest|tox|nox|unittest)\b|hatch (test|run test)\b|(npm|pnpm|yarn|bun) (run )?(test|t)\b|"
           r"(npx )?(jest|vitest|mocha|ava|karma|playwright test|cypress run)\b|go test\b|cargo (test|nextest)\b|"
           r"(\./)?(mvnw|mvn) .*\b(test|verify)\b|(\./)?(gradlew|gradle) .*\b(test|check)\b|dotnet test\b|"
           r"(bundle exec )?(rspec|rake (test|spec))\b|(vendor/bin/)?(phpunit|pest)\b|composer test\b|mix test\b|"
           r"swift test\b|ctest\b|bats\b|make (test|check|tests|unittest|test-\S+|coverage)\b|bazel test\b|"
           r"deno test\b|ginkgo\b|just test\b|task test\b|meson test\b|zig build test\b"),
    # Building.
    (BUILD, r"make(\s+-\S+)*\s*$|make (all|build|dist|release|package|docs|html|image|docker)\b|go build\b|"
            r"cargo build\b|(npm|pnpm|yarn|bun) (run )?build\b|(\./)?(mvnw|mvn)\b(?!.*spring-boot:run)|"
            r"(\./)?(gradlew|gradle)\b(?!.*bootRun)|"
            r"dotnet (build|publish|pack)\b|docker (build|buildx build|compose build)\b|docker-compose build\b|"
            r"python3? -m build\b|python3? setup\.py (build|sdist|bdist_wheel|develop|install)\b|"
            r"(poetry|hatch|uv|pdm|flit|rye) build\b|cmake\b|\./configure\b|meson\b|ninja\b|bazel build\b|"
            r"gem build\b|rake build\b|mix (compile|release)\b|swift build\b|zig build\b|mkdocs build\b|"
            r"sphinx-build\b|hugo\b|tsc\b|npx tsc\b|vite build\b|webpack\b|just( build)?\s*$|task( build)?\s*$|"
            r"earthly\b|goreleaser (build|release)\b|nix build\b|autoreconf\b|\./autogen\.sh\b"),
    # Running the project on a workstation.
    (RUN, r"(npm|pnpm|yarn|bun) (run )?(start|dev|serve)\b|python3? manage\.py runserver\b|flask run\b|"
          r"uvicorn\b|gunicorn\b|go run\b|cargo run\b|(bin/)?rails (s|server)\b|(\./)?mvnw? .*spring-boot:run\b|"
          r"(\./)?gradlew bootRun\b|dotnet run\b|docker(-| )compose up\b|mkdocs serve\b|hugo server\b|"
          r"mix phx\.server\b|php artisan serve\b|make (run|serve|start|up|dev)\b|tilt up\b|skaffold dev\b|"
          r"vagrant up\b|nix develop\b|nix-shell\b|devbox (shell|run)\b|devenv (up|shell)\b"),
    # Any other make target: the Makefile is the project's build interface (`make generate`, `make manifests`).
    (BUILD, r"make( -\S+)* [\w.-]+"),
    (SETUP, r"git clone\b|python3? -m venv\b|virtualenv\b|(\. |source ).*/activate\b|pre-commit install\b|"
            r"(asdf|mise|rtx) install\b|nvm (install|use)\b|pyenv install\b|rustup\b|corepack enable\b|"
            r"direnv allow\b|cp \.env\.(example|sample|dist|template) \.env\b"),
))


def command_kinds(line: str) -> list[tuple[str, str]]:
    """[(kind, command)] for each command in one line of a code block (`a && b` is two commands)."""
    found = []
    line = _TRAILING_COMMENT.sub("", _PREFIX.sub("", line.strip()))
    for part in _SEPARATORS.split(line):
        command = _ENV_ASSIGNMENT.sub("", part.strip())
        if not command or command.startswith("#"):
            continue
        for kind, pattern in _RULES:
            if pattern.match(command):
                found.append((kind, command[:120]))
                break
    return found
