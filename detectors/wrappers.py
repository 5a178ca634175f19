"""Commands that run another command: `sudo`, `poetry run`, `python -m`, `docker run`, `bash -c`...

`unwrap_once` peels one wrapper and says what runs inside, so that `poetry run pytest --cov` is
judged as `pytest --cov`. Wrappers that also do something themselves (`coverage run -m pytest`
collects coverage AND runs pytest) say so with `outer_counts`, and the classifier judges both.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, replace
from typing import Callable

from devops_scan_detectors.shell import Command, split_commands

_SUFFIXES = (".exe", ".cmd", ".bat", ".ps1")
_PYTHON = re.compile(r"^(python|pypy)(\d+(\.\d+)?)?$|^py$")
_ASSIGNMENT = re.compile(r"^[A-Za-z_]\w*=")
YARN_BUILTIN = frozenset("add audit autoclean bin cache config constraints create dedupe dlx exec explain "
                          "generate-lock-entry global help import info init install licenses link list login logout "
                          "node npm outdated owner pack patch patch-commit plugin policies publish rebuild remove "
                          "search set stage tag team unlink unplug up upgrade upgrade-interactive version versions "
                          "why workspace workspaces".split())
PNPM_BUILTIN = frozenset("add audit bin config create deploy dlx env exec fetch i import init install install-test "
                          "it licenses link list ln ls outdated pack patch patch-commit prune publish rb rebuild "
                          "remove rm root server setup store un uninstall unlink up update why".split())



@dataclass(frozen=True)
class Unwrapped:
    """What a wrapper runs."""

    commands: tuple[Command, ...]
    # Tried when `commands` say nothing: `docker run aquasec/trivy image x` is `trivy image x`.
    alternatives: tuple[Command, ...] = ()
    # The wrapper does something itself too (`coverage run`, `nyc`, `kcov` collect coverage).
    outer_counts: bool = False


def program(word: str) -> str:
    """The program a word names: `/usr/bin/python3.12` → `python`, `./gradlew.bat` → `gradlew`."""
    name = posixpath.basename(word.replace("\\", "/")).lower()
    for suffix in _SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return "python" if _PYTHON.match(name) else name


def first_operand(args: tuple[str, ...], valued: frozenset[str] = frozenset()) -> int:
    """Index of the first argument that is not an option (or an option's value); len(args) if none."""
    index = 0
    while index < len(args):
        word = args[index]
        if word == "--":
            return index + 1
        if not word.startswith("-") or word == "-":
            return index
        if word in valued:
            index += 1
        index += 1
    return index


def _inner(command: Command, argv: tuple[str, ...], extra_env: tuple[tuple[str, str], ...] = ()) -> Command:
    # Assignments after a wrapper (`env A=1 cmd`, `cross-env A=1 cmd`) belong to the inner command.
    env = list(command.env) + list(extra_env)
    while argv and _ASSIGNMENT.match(argv[0]):
        name, _, value = argv[0].partition("=")
        env.append((name, value))
        argv = argv[1:]
    return replace(command, argv=argv, env=tuple(env))


def _rest(valued: str = "", flags_only: bool = False) -> Callable[[Command, int], Unwrapped | None]:
    """A wrapper whose inner command follows its options (from argument `skip` on)."""
    valued_set = frozenset(valued.split())

    def unwrap(command: Command, skip: int) -> Unwrapped | None:
        args = command.argv[skip:]
        start = first_operand(args, valued_set) if not flags_only else 0
        inner = args[start:]
        return Unwrapped((_inner(command, inner),)) if inner else None

    return unwrap


def _shell_text(command: Command, text: str) -> Unwrapped:
    inner = tuple(replace(sub, line=command.line + sub.line - 1, env=command.env + sub.env)
                  for sub in split_commands(text))
    return Unwrapped(inner)


def _shell(command: Command, _skip: int) -> Unwrapped | None:
    args = command.argv[1:]
    for index, word in enumerate(args):
        if re.match(r"^-[a-z]*c[a-z]*$", word) and index + 1 < len(args):
            return _shell_text(command, args[index + 1])
        if not word.startswith("-"):
            return None  # `bash script.sh`: a script, which the follower reads
    return None


def _eval(command: Command, _skip: int) -> Unwrapped | None:
    return _shell_text(command, " ".join(command.argv[1:])) if len(command.argv) > 1 else None


def _python(command: Command, _skip: int) -> Unwrapped | None:
    args = command.argv[1:]
    index = 0
    while index < len(args) and args[index].startswith("-") and args[index] != "-m":
        index += 2 if args[index] in ("-W", "-X") else 1
    if index + 1 < len(args) and args[index] == "-m":
        module = args[index + 1]
        name = {"py.test": "pytest", "pre_commit": "pre-commit", "pip_audit": "pip-audit"}.get(module, module)
        return Unwrapped((_inner(command, (name.replace("_", "-"), *args[index + 2:])),))
    return None


def _container(command: Command, skip: int) -> Unwrapped | None:
    """`docker run [options] IMAGE [command...]`: the command, or the image's own tool."""
    valued = frozenset("-v --volume -e --env --env-file -w --workdir --name --network --net -p --publish -u "
                       "--user --platform --mount -l --label --add-host --cpus -m --memory --shm-size --ipc --pid "
                       "--cap-add --cap-drop --device --security-opt --tmpfs --ulimit --dns -h --hostname "
                       "--restart --log-driver --gpus --runtime --cidfile --volumes-from --link --pull "
                       "--entrypoint --group-add --health-cmd".split())
    args = command.argv[skip:]
    entrypoint = next((args[i + 1] for i, word in enumerate(args[:-1]) if word == "--entrypoint"), None)
    start = first_operand(args, valued)
    if start >= len(args):
        return None
    image, rest = args[start], args[start + 1:]
    tool = image_tool(image)
    if entrypoint:
        return Unwrapped((_inner(command, (entrypoint, *rest)),))
    if not rest:
        return Unwrapped((_inner(command, (tool,)),))
    return Unwrapped((_inner(command, rest),), alternatives=(_inner(command, (tool, *rest)),))


def image_tool(image: str) -> str:
    """The tool an image is named after: `ghcr.io/aquasecurity/trivy:0.50` → `trivy`."""
    name = image.rsplit("/", 1)[-1].split("@", 1)[0].split(":", 1)[0].lower()
    return name[:-4] if name.endswith("-cli") else name


def _service(command: Command, skip: int) -> Unwrapped | None:
    """`docker compose run|exec [options] SERVICE command...`: the command."""
    valued = frozenset("-e --env -w --workdir -u --user -v --volume -p --publish --name --entrypoint -l --label "
                       "--env-file -c --container".split())
    args = command.argv[skip:]
    start = first_operand(args, valued)
    inner = args[start + 1:]
    return Unwrapped((_inner(command, inner),)) if inner else None


def _go(command: Command, _skip: int) -> Unwrapped | None:
    args = command.argv[1:]
    if len(args) >= 2 and args[0] == "tool":
        return Unwrapped((_inner(command, args[1:]),))
    if args and args[0] == "run":
        start = first_operand(args[1:], frozenset({"-tags", "-C", "-exec", "-mod"})) + 1
        if start < len(args) and "@" in args[start]:  # `go run example.com/tool/cmd/x@v1 args`
            package = args[start].split("@", 1)[0].rstrip("/")
            return Unwrapped((_inner(command, (package.rsplit("/", 1)[-1], *args[start + 1:])),))
    return None


def _npx(command: Command, skip: int) -> Unwrapped | None:
    args = command.argv[skip:]
    for index, word in enumerate(args[:-1]):
        if word in ("-c", "--call"):
            return _shell_text(command, args[index + 1])
    unwrapped = _rest("-p --package --node-options --cache")(command, skip)
    if unwrapped is None:
        return None
    # `npx semantic-release@25.0.1` and `npx @scope/tool@latest` run the package at a version.
    inner = unwrapped.commands[0]
    name = _NPM_VERSIONED.sub("", inner.argv[0])
    return Unwrapped((replace(inner, argv=(name, *inner.argv[1:])),)) if name != inner.argv[0] else unwrapped


_NPM_VERSIONED = re.compile(r"(?<=.)@[^@/]*$")


def _xargs(command: Command, _skip: int) -> Unwrapped | None:
    return _rest("-n -I -P -L -d -a -s -E --max-args --replace --max-procs --delimiter --arg-file")(command, 1)


def _find(command: Command, _skip: int) -> Unwrapped | None:
    args = command.argv
    for index, word in enumerate(args):
        if word in ("-exec", "-execdir", "-ok"):
            inner = []
            for item in args[index + 1:]:
                if item in (";", "\\;", "+"):
                    break
                inner.append(item)
            return Unwrapped((_inner(command, tuple(inner)),)) if inner else None
    return None


def _start_server_and_test(command: Command, _skip: int) -> Unwrapped | None:
    # start-server-and-test START URL TEST: START and TEST are npm script names or commands.
    operands = [word for word in command.argv[1:] if not word.startswith("-")]
    if len(operands) < 3:
        return None
    inner = []
    for word in (operands[0], operands[-1]):
        argv = tuple(word.split()) if " " in word else ("npm", "run", word)
        inner.append(_inner(command, argv))
    return Unwrapped(tuple(inner))


def _concurrently(command: Command, _skip: int) -> Unwrapped | None:
    # concurrently "npm:lint" "npm run test" ...: `npm:X` names a package script, the rest are commands.
    valued = frozenset("-n --names -c --prefix-colors -p --prefix -s --success -m --max-processes "
                       "--kill-signal --restart-tries --restart-after --timestamp-format -l --prefix-length "
                       "--name-separator -P".split())
    args = command.argv[1:]
    inner: list[Command] = []
    skip = False
    for word in args:
        if skip:
            skip = False
        elif word.startswith("-"):
            skip = word in valued
        elif word.startswith(("npm:", "yarn:", "pnpm:", "bun:")):
            manager, _, script = word.partition(":")
            inner.append(_inner(command, ("npm-run-all", script) if "*" in script else (manager, "run", script)))
        else:
            inner += _shell_text(command, word).commands
    return Unwrapped(tuple(inner)) if inner else None


def _package_binary(command: Command, _skip: int) -> Unwrapped | None:
    """`yarn jest --ci`, `pnpm eslint .`: a binary of node_modules/.bin when the word is no built-in
    command (a package script of that name is followed before this: see follow_packages)."""
    builtin = YARN_BUILTIN if program(command.argv[0]) == "yarn" else PNPM_BUILTIN
    args = command.argv[1:]
    start = first_operand(args, frozenset({"--cwd", "-C", "--dir", "--filter", "-F"}))
    if start >= len(args) or args[start] in builtin or args[start] in ("run", "test", "t", "start"):
        return None
    return Unwrapped((_inner(command, args[start:]),))


def _script_runner(command: Command, _skip: int) -> Unwrapped | None:
    """`php vendor/bin/phpunit`, `node node_modules/.bin/jest`: the program the script file is."""
    args = command.argv[1:]
    start = first_operand(args, frozenset({"-d", "-c", "-r", "--require", "-e", "--eval"}))
    if start >= len(args) or any(flag in args[:start] for flag in ("-r", "-e", "--eval")):
        return None
    script = args[start]
    if program(command.argv[0]) == "node" and "node_modules/" not in script:
        return None
    return Unwrapped((_inner(command, args[start:]),))


def _coverage_wrapper(kind: str) -> Callable[[Command, int], Unwrapped | None]:
    """Coverage tools that run a program: the program runs, and coverage is collected (outer counts)."""

    def unwrap(command: Command, _skip: int) -> Unwrapped | None:
        args = command.argv[1:]
        if kind == "coverage":
            if not args or args[0] != "run":
                return None
            start = first_operand(args[1:], frozenset({"--rcfile", "--source", "--omit", "--include",
                                                       "--data-file", "--concurrency", "--context"})) + 1
            inner = args[start:]
            if inner[:1] == ("-m",):
                inner = ("python", "-m", *inner[1:])
            elif inner and inner[0].endswith(".py"):
                inner = ("python", *inner)
        elif kind == "kcov":
            operands = [i for i, word in enumerate(args) if not word.startswith("-")]
            inner = args[operands[1]:] if len(operands) >= 2 else ()
        else:  # nyc, c8, bashcov: options, then the program
            if args and args[0] in ("check-coverage", "report", "merge", "instrument"):
                return None
            inner = args[first_operand(args, frozenset({"--reporter", "-r", "--temp-dir", "--report-dir",
                                                        "-o", "--lines", "--branches", "--functions",
                                                        "--statements", "--include", "--exclude"})):]
        return Unwrapped((_inner(command, inner),), outer_counts=True) if inner else Unwrapped((), outer_counts=True)

    return unwrap


# program → (how many leading words name the wrapper, how to unwrap)
_WRAPPERS: dict[str, Callable[[Command, int], Unwrapped | None]] = {
    "env": _rest("-u --unset -C --chdir -S"),
    "sudo": _rest("-u -g -h -p -C -D -r -t -U --user --group --prompt"),
    "time": _rest(), "nohup": _rest(), "exec": _rest("-a"), "builtin": _rest(),
    # `command -v X` only asks whether X exists; `command X` runs it.
    "command": lambda c, s: Unwrapped(()) if c.argv[1:2] in (("-v",), ("-V",)) else _rest()(c, s),
    "nice": _rest("-n --adjustment"), "ionice": _rest("-c -n -p"), "stdbuf": _rest("-i -o -e"),
    "unbuffer": _rest(), "chronic": _rest(), "catchsegv": _rest(), "dbus-run-session": _rest(),
    "timeout": lambda c, s: _timeout(c),
    "xvfb-run": _rest("-n -s -e -f -p -w --server-num --server-args --error-file --auth-file --xauth-protocol "
                      "--wait"),
    "tini": _rest(), "ddtrace-run": _rest(), "cross-env": _rest(), "env-cmd": _rest("-f -e --file --environments"),
    "wait-for-it": _rest("-t --timeout -h --host -p --port"),
    "bash": _shell, "sh": _shell, "zsh": _shell, "dash": _shell, "ksh": _shell, "eval": _eval,
    "python": _python,
    "npx": _npx, "pnpx": _npx, "bunx": _npx, "uvx": _rest("--from --with --python -p --index"),
    "pipx": lambda c, s: _rest("--spec --python")(c, 2) if c.argv[1:2] == ("run",) else None,
    "xargs": _xargs, "find": _find, "start-server-and-test": _start_server_and_test,
    "concurrently": _concurrently, "yarn": _package_binary, "pnpm": _package_binary, "php": _script_runner,
    "node": _script_runner,
    "go": _go,
    "coverage": _coverage_wrapper("coverage"), "nyc": _coverage_wrapper("nyc"), "c8": _coverage_wrapper("c8"),
    "bashcov": _coverage_wrapper("bashcov"), "kcov": _coverage_wrapper("kcov"),
}
# (program, subcommand) → unwrap, with the wrapper's words skipped.
_SUBCOMMAND_WRAPPERS: dict[tuple[str, str], Callable[[Command, int], Unwrapped | None]] = {
    ("poetry", "run"): _rest(), ("pipenv", "run"): _rest(), ("rye", "run"): _rest(), ("pixi", "run"): _rest(),
    ("uv", "run"): _rest("--with --python -p --extra --group --package --directory --project --env-file "
                         "--index --with-requirements --only-group --no-group"),
    ("uv", "tool"): lambda c, s: _rest("--from --with --python")(c, 3) if c.argv[2:3] == ("run",) else None,
    ("pdm", "run"): _rest("-p --project"), ("hatch", "run"): _rest(),
    ("conda", "run"): _rest("-n --name -p --prefix --cwd"), ("mamba", "run"): _rest("-n --name -p --prefix"),
    ("micromamba", "run"): _rest("-n --name -p --prefix"),
    ("bundle", "exec"): _rest(), ("yarn", "dlx"): _npx, ("yarn", "exec"): _rest(), ("pnpm", "dlx"): _npx,
    ("pnpm", "exec"): _rest(), ("npm", "exec"): _npx, ("bun", "x"): _npx,
    ("dotnet", "tool"): lambda c, s: _rest()(c, 3) if c.argv[2:3] == ("run",) else None,
    ("stack", "exec"): _rest(), ("opam", "exec"): _rest(), ("mise", "exec"): _rest(), ("mise", "x"): _rest(),
    ("asdf", "exec"): _rest(), ("devbox", "run"): _rest(), ("aws-vault", "exec"): lambda c, s: _after_dashes(c),
    ("op", "run"): lambda c, s: _after_dashes(c), ("doppler", "run"): lambda c, s: _after_dashes(c),
    ("docker", "run"): _container, ("podman", "run"): _container, ("nerdctl", "run"): _container,
    ("docker", "exec"): _service, ("podman", "exec"): _service,
    ("docker-compose", "run"): _service, ("docker-compose", "exec"): _service,
    ("kubectl", "exec"): lambda c, s: _after_dashes(c),
    ("nix", "develop"): lambda c, s: _after_flag(c, ("-c", "--command")),
    ("nix-shell", "--run"): lambda c, s: _shell_text(c, c.argv[2]) if len(c.argv) > 2 else None,
}


def _timeout(command: Command) -> Unwrapped | None:
    # `timeout [options] DURATION command...`: the first operand is the duration.
    args = command.argv[1:]
    start = first_operand(args, frozenset({"-s", "-k", "--signal", "--kill-after"}))
    inner = args[start + 1:]
    return Unwrapped((_inner(command, inner),)) if inner else None


def _after_dashes(command: Command) -> Unwrapped | None:
    if "--" not in command.argv:
        return None
    inner = command.argv[command.argv.index("--") + 1:]
    return Unwrapped((_inner(command, inner),)) if inner else None


def _after_flag(command: Command, flags: tuple[str, ...]) -> Unwrapped | None:
    for index, word in enumerate(command.argv[:-1]):
        if word in flags:
            return Unwrapped((_inner(command, command.argv[index + 1:]),))
    return None


def unwrap_once(command: Command) -> Unwrapped | None:
    """What `command` runs inside it, if it is a wrapper; None otherwise. Never raises."""
    if not command.argv:
        return None
    name = program(command.argv[0])
    try:
        if name in ("docker", "podman") and command.argv[1:3] in (("container", "run"), ("compose", "run"),
                                                                  ("compose", "exec")):
            return (_container if command.argv[2] == "run" and command.argv[1] == "container" else _service)(
                command, 3)
        sub = command.argv[1] if len(command.argv) > 1 else ""
        handler = _SUBCOMMAND_WRAPPERS.get((name, sub))
        if handler is not None:
            return handler(command, 2)
        handler = _WRAPPERS.get(name)
        return handler(command, 1) if handler is not None else None
    except (IndexError, ValueError):
        return None
