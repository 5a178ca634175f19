"""Shell scripts of the repository: `./scripts/test.sh`, `bash ci/run-tests.sh`, `source env.sh`.

A script is followed when the command names a file of the repository that is a shell script (by
its shebang, or `.sh`/`.bash` without one). A program the command tables know (`./gradlew`,
`vendor/bin/phpunit`, `bin/rails`) is judged as that program instead. A script in another language
is reported as not read; a path outside the repository as not followed.
"""

from __future__ import annotations

import re

from devops_scan.model import Location
from devops_scan_detectors.commands import known_program
from devops_scan_detectors.follow import Follower, Link, Resolution
from devops_scan_detectors.shell import Command
from devops_scan_detectors.wrappers import program

_SHELLS = frozenset({"bash", "sh", "zsh", "dash", "ksh", "source", "."})
_SHELL_SHEBANG = re.compile(r"^#!.*\b(ba|z|da|k)?sh\b")
_SHELL_EXTENSIONS = (".sh", ".bash", ".zsh", ".ksh")
# What a script path looks like; a URL, an expression or PowerShell's `$x.Method(...)` is not one.
_PATH_WORD = re.compile(r"^[\w.~${}/+@-]+$")


def _script_word(command: Command) -> str | None:
    """The word naming a script: `./ci/test.sh`, or the operand of `bash -e ci/test.sh`."""
    first = command.argv[0]
    if program(first) in _SHELLS:
        for index, word in enumerate(command.argv[1:], 1):
            if word == "-c" or re.match(r"^-[a-z]*[cs][a-z]*$", word):
                return None  # `bash -c "..."` is shell text (peeled by the wrappers); `sh -s` reads stdin
            if word in ("-o", "+o"):
                continue
            if command.argv[index - 1] in ("-o", "+o"):
                continue
            if not word.startswith(("-", "+")):
                return word if _PATH_WORD.match(word) and "://" not in word else None
        return None
    if not _PATH_WORD.match(first) or "://" in first:
        return None
    return first if "/" in first or first.endswith(_SHELL_EXTENSIONS) and "$" not in first else None


def resolve_shell_script(follower: Follower, command: Command, cwd: str) -> Resolution | None:
    word = _script_word(command)
    if word is None:
        return None
    interpreter = program(command.argv[0]) in _SHELLS
    if not interpreter and (known_program(program(word)) or "/" not in word):
        # ./gradlew, vendor/bin/phpunit: the program, not a script to read; `deploy.sh` without a
        # slash runs from PATH, not from the checkout.
        return None
    path = follower.repo_path(cwd, word)
    if path is None and not interpreter and not word.endswith(_SHELL_EXTENSIONS):
        return None  # `/usr/bin/curl`, `~/go/bin/promu`: a program of the runner, judged by its name
    if path is None:
        if "$" in word or word.startswith(("/", "~")):
            return Resolution(("script", word), note=f"`{word}` is not a file of the repository; not followed")
        return Resolution(("script", word), note=f"`{word}` is outside the repository; not followed")
    if not follower.exists(path):
        return Resolution(("script", path), note=f"`{path}` is not in the repository (created or downloaded "
                                                 "during the build?); what it runs is unknown")
    text = follower.read(path)
    if text is None:
        return Resolution(("script", path), note=f"`{path}` could not be read")
    first_line = text.split("\n", 1)[0]
    if first_line.startswith("#!") and not _SHELL_SHEBANG.match(first_line):
        return Resolution(("script", path), note=f"`{path}` is not a shell script ({first_line[2:].strip()}); "
                                                 "not read")
    if not first_line.startswith("#!") and not interpreter and not path.endswith(_SHELL_EXTENSIONS):
        return Resolution(("script", path), note=f"`{path}` has no shell shebang; not read")
    return Resolution(("script", path), (Link(text, Location(path, 1), cwd, "", script=path),))
