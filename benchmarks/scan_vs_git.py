#!/usr/bin/env python3
"""How much slower than git itself is a devops-scan scan? (DESIGN.md, "Performance budgets")

Builds a synthetic repository with `git fast-import`, then times the raw git commands a scan
needs against `devops-scan scan` (working tree and --ref), CLI startup and the import graph.
Timings are reported, never asserted: the exit status is non-zero only when something fails.

    python benchmarks/scan_vs_git.py [--files N] [--commits N] [--tags N] [--runs N] [--work DIR]
                                     [--keep] [--rebuild]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

AS_OF = 1767225600  # 2026-01-01 UTC: the --as-of of the working-tree scan
GENERATOR = 1  # bump when the generated repository changes, so kept repositories are rebuilt
START, SPAN = 1672531200, 3 * 365 * 86400  # 2023-01-01 UTC, history spread over ~3 years
AUTHORS = ("Ada Lovelace <ada@example.com>", "Grace Hopper <grace@example.com>",
           "Linus Benedict <linus@example.com>", "Margaret Hamilton <margaret@example.com>")
# The same -c flags as devops_scan/clients/git.py.
SAFE = ("-c", "core.fsmonitor=false", "-c", "core.untrackedCache=false", "-c", "log.showSignature=false")
BIN = Path(sys.executable).parent  # the venv running this script holds the devops-scan console script
HEAVY = ("github", "gitlab", "jinja2", "git", "rich")  # must not be imported by `devops-scan --version`
CI_FILES = {
    ".github/workflows/ci.yml": "on: [push, pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
                                "    steps:\n      - uses: actions/checkout@v4\n      - run: make test\n",
    ".github/workflows/release.yml": "on:\n  push:\n    tags: ['v*']\njobs:\n  release:\n"
                                     "    runs-on: ubuntu-latest\n    steps:\n      - run: make release\n",
    ".gitlab-ci.yml": "stages: [test]\nunit:\n  stage: test\n  script:\n    - make test\n",
    "Jenkinsfile": "pipeline {\n  agent any\n  stages { stage('Test') { steps { sh 'make test' } } }\n}\n",
}
OTHER_FILES = {".gitignore": "*.pyc\nnode_modules/\n", "README.md": "# synthetic\n",
               "Makefile": "test:\n\tpytest\n", "Dockerfile": "FROM python:3.12-slim\nCOPY . /app\n",
               "docker-compose.yml": "services:\n  app:\n    build: .\n"}


def synthetic_paths(count: int) -> list[str]:
    """`count` paths: fixed CI/root files, then sources and tests of several languages in nested folders."""
    paths = [*CI_FILES, *OTHER_FILES]
    for i in range(max(0, count - len(paths))):
        svc, pkg, mod = f"svc{(i // 10) % 12:02d}", f"pkg{(i // 120) % 8}", f"mod{(i // 960) % 6}"
        paths.append((
            f"services/{svc}/src/{pkg}/{mod}/module_{i}.py", f"services/{svc}/src/{pkg}/helpers_{i}.py",
            f"services/{svc}/tests/{pkg}/test_module_{i}.py", f"go/internal/{pkg}/{mod}/file_{i}.go",
            f"go/internal/{pkg}/{mod}/file_{i}_test.go", f"web/src/{pkg}/{mod}/component{i}.ts",
            f"web/src/{pkg}/util{i}.ts", f"web/src/{pkg}/{mod}/component{i}.spec.ts",
            f"java/{svc}/src/{'test' if i % 30 == 8 else 'main'}/java/com/example/{pkg}/Service{i}"
            f"{'Test' if i % 30 == 8 else ''}.java",
            f"services/{svc}/images/img{i}/Dockerfile" if i % 50 == 9 else f"deploy/k8s/{svc}/{pkg}/res-{i}.yaml",
        )[i % 10])
    return paths[:count]


def content(path: str, rev: int) -> bytes:
    """Plausible text for `path` at revision `rev`; the revision sits in a comment so configs stay valid."""
    name = path.rsplit("/", 1)[-1]
    ext = name.rsplit(".", 1)[-1] if "." in name else name
    head = f"{'//' if ext in ('go', 'ts', 'java', 'Jenkinsfile') else '#'} {path} rev {rev}\n"
    body = CI_FILES.get(path) or OTHER_FILES.get(path) or {
        "py": "def handler(event):\n    return {'ok': True}\n" * 4, "go": "package p\n\nfunc Handle() {}\n" * 4,
        "ts": "export function handle(x: number): number { return x + 1; }\n" * 4,
        "java": "package com.example;\n\npublic class C { int handle() { return 1; } }\n" * 3,
        "yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  key: value\n",
        "Dockerfile": "FROM alpine:3.20\nRUN apk add --no-cache curl\n"}.get(ext, "x\n")
    return (head + body).encode()


def fast_import_stream(paths: list[str], commits: int, tags: int, out) -> None:
    """Write a fast-import stream: one commit adding every file, then small edits, then tags."""
    rng = random.Random(42)  # fixed seed: the same parameters always give the same repository
    revs = dict.fromkeys(paths, 0)
    for n in range(1, commits + 1):
        stamp = START + (n - 1) * SPAN // commits + rng.randrange(max(1, min(3600, SPAN // commits)))
        who = AUTHORS[rng.randrange(len(AUTHORS))]
        changed = paths if n == 1 else rng.sample(paths, rng.choice((1, 1, 2)))
        message = b"initial import\n" if n == 1 else f"change {' '.join(changed)}\n".encode()
        out.write(f"commit refs/heads/main\nmark :{n}\nauthor {who} {stamp} +0000\n"
                  f"committer {who} {stamp} +0000\ndata {len(message)}\n".encode() + message)
        for path in changed:
            if n > 1:
                revs[path] += 1
            data = content(path, revs[path])
            out.write(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")
    for k in range(tags):  # semver names, 2/3 annotated, every 10th a release candidate
        mark = (k + 1) * commits // (tags + 1) or 1
        name = f"v{k // 100}.{k // 10 % 10}.{k % 10}" + ("-rc.1" if k % 10 == 9 else "")
        if k % 3:
            note = f"release {name}\n".encode()
            out.write(f"tag {name}\nfrom :{mark}\ntagger {AUTHORS[0]} {START + mark * SPAN // commits} +0000\n"
                      f"data {len(note)}\n".encode() + note)
        else:
            out.write(f"reset refs/tags/{name}\nfrom :{mark}\n\n".encode())
    out.write(b"done\n")


def cached_repo(home: Path, params: dict, rebuild: bool, fill) -> tuple[Path, bool]:
    """(home/repo, reused?): the repository built for `params`, reused when its marker matches.

    Otherwise a fresh `git init`, then `fill(importer)` writes a fast-import stream to the importer
    (whose stdout is a pipe, for `get-mark`); the marker is written last, so a half-built repository
    is never reused."""
    marker, repo = home / "params.json", home / "repo"
    if not rebuild and marker.exists() and json.loads(marker.read_text()) == params:
        print(f"reusing {repo}")
        return repo, True
    shutil.rmtree(home, ignore_errors=True)
    repo.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    importer = subprocess.Popen(["git", "-C", str(repo), "fast-import", "--quiet", "--done"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    fill(importer)
    importer.stdin.close()
    if importer.wait():
        raise RuntimeError("git fast-import failed")
    subprocess.run(["git", "-C", str(repo), "reset", "-q", "--hard"], check=True)  # check out the tree
    return repo, False


def mark_built(home: Path, params: dict) -> None:
    (home / "params.json").write_text(json.dumps(params))


def build_repo(work: Path, files: int, commits: int, tags: int, rebuild: bool) -> Path:
    """The repository for these parameters, reused when a marker says it was built with them."""
    params = {"files": files, "commits": commits, "tags": tags, "generator": GENERATOR}
    home = work / f"repo-f{files}-c{commits}-t{tags}"
    started = time.perf_counter()
    paths = synthetic_paths(files)
    repo, reused = cached_repo(home, params, rebuild,
                               lambda importer: fast_import_stream(paths, commits, tags, importer.stdin))
    if not reused:
        mark_built(home, params)
        print(f"built {repo} in {time.perf_counter() - started:.1f}s")
    return repo


def spawn(cmd: list[str], stdin: bytes | None = None, ok=(0,), env=None) -> tuple[float, bytes]:
    """(wall seconds, stdout) of one process; its output is read through a pipe, as the scan reads git's."""
    started = time.perf_counter()
    done = subprocess.run(cmd, input=stdin, capture_output=True, env=env)
    elapsed = time.perf_counter() - started  # process start-up and exit included, for git and scan alike
    if done.returncode not in ok:
        raise RuntimeError(f"{' '.join(cmd)} exited {done.returncode}: {done.stderr.decode(errors='replace')[:500]}")
    return elapsed, done.stdout


def peak_rss(cmd: list[str], scratch: Path) -> str:
    """Peak RSS of one run of `cmd`, through GNU time when present.

    Not wait4/RUSAGE_CHILDREN from here: on Linux a child's ru_maxrss starts at its parent's
    high-water mark (fork copies it and exec keeps it), so it would never be below this script's own size.
    """
    report, gnu_time = scratch / "rss.txt", shutil.which("time", path="/usr/bin:/bin")
    try:
        if gnu_time:
            spawn([gnu_time, "-f", "%M", "-o", str(report), *cmd])
            return f"{int(report.read_text().split()[-1]) / 1024:.1f}MB"
    except (RuntimeError, ValueError, IndexError):  # not GNU time (BSD time has no -f): fall back
        pass
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return f"<={os.wait4(proc.pid, 0)[2].ru_maxrss / 1024:.1f}MB"  # upper bound, see above


def raw_git(repo: Path, ref: bool) -> tuple[float, list[str]]:
    """(seconds, first two words of each command) for what open_git() and WorkingTreeClient (or
    GitRefClient) run, in their order: one subprocess each, output read through a pipe."""
    times: list[float] = []
    ran: list[str] = []

    def git(*args: str, stdin: bytes | None = None, ok=(0,)) -> bytes:
        """stdout of one git command, its time and name recorded."""
        seconds, out = spawn(["git", "-C", str(repo), *SAFE, *args], stdin, ok)
        times.append(seconds)
        ran.append(" ".join(args[:2]))
        return out
    git("rev-parse", "--is-bare-repository", "--absolute-git-dir")
    git("rev-parse", "--show-toplevel")
    if not ref:  # WorkingTreeClient lists first, GitRefClient resolves the ref first
        git("ls-files", "-z", "--stage")
    head = git("rev-parse", "--verify", "--quiet", "--end-of-options", "HEAD^{commit}").strip().decode()
    listing = git("ls-tree", "-r", "-z", "-l", "--full-tree", head) if ref else b""
    git("rev-parse", "--is-shallow-repository")
    git("symbolic-ref", "--quiet", "HEAD")
    git("symbolic-ref", "--quiet", "refs/remotes/origin/HEAD", ok=(0, 1))  # no origin: exits 1, as in a scan
    git("for-each-ref", "--format=%(refname:short)", "refs/heads/")
    git("rev-list", "--count", head)
    history_git(git, "HEAD" if ref else "refs/heads/main", time.time() if ref else AS_OF)
    if ref:  # the blobs the detectors read (the CI configs), through one cat-file --batch as GitPython does
        shas = [rec.split()[2] for rec in listing.split(b"\0") if rec and rec.split(b"\t")[1].decode() in CI_FILES]
        git("cat-file", "--batch", stdin=b"\n".join(shas) + b"\n")
    return sum(times), ran


def history_git(git, tip_ref: str, as_of: float) -> None:
    """What devops_scan.history runs: resolve the walk's tip, ONE tag listing, ONE streaming log of the
    365-day window from the tip and the commits tagged in it, the frontier's dates, the authors' .mailmap."""
    from devops_scan.history.gitsource import _TAG_FORMAT  # the exact format the scan asks for

    tip = git("rev-parse", "--verify", "--quiet", "--end-of-options", f"{tip_ref}^{{commit}}").strip()
    since = as_of - 365 * 86400
    starts = [tip]
    for record in git("for-each-ref", f"--format={_TAG_FORMAT}", "refs/tags/").split(b"\x1e\n"):
        fields = record.split(b"\0")
        if len(fields) > 5 and fields[5].isdigit() and int(fields[5]) >= since:
            starts.append(fields[4] if fields[1] == b"tag" else fields[2])
    moment = time.strftime("%Y-%m-%d %H:%M:%S +0000", time.gmtime(since))
    log = git("log", "-z", "--pretty=raw", "--no-show-signature", f"--since={moment}", "--stdin", "--",
              stdin=b"\n".join(sorted(set(starts))) + b"\n")
    oldest = log.rsplit(b"\0", 1)[-1]
    frontier = [line[7:] for line in oldest.split(b"\n") if line.startswith(b"parent ")]
    git("log", "--no-walk", "--stdin", "--format=%H %ct", "--", stdin=b"\n".join(frontier) + b"\n")
    authors = {line[7:].rpartition(b"> ")[0] + b">" for line in log.split(b"\n") if line.startswith(b"author ")}
    git("check-mailmap", "--stdin", stdin=b"\n".join(sorted(authors)) + b"\n")


def drift(traced: list[str], repo: Path, ref: bool) -> str:
    """'' when raw_git() runs the scan's git commands (GitPython's own `git version` aside), else the difference."""
    ran = raw_git(repo, ref)[1]
    scan = [" ".join(shlex.split(command)[1:3]) for command in traced if command != "git version"]
    return "" if scan == ran else f"raw git runs {ran}, the scan {scan}"


def measure(fn, runs: int) -> tuple[float, float]:
    """(best, median) seconds over `runs` after one untimed warm-up (page cache, .pyc files)."""
    fn()
    times = [fn() for _ in range(runs)]
    return min(times), statistics.median(times)


def traced_scan(cmd: list[str], scratch: Path) -> tuple[list[str], bytes]:
    """(git commands `cmd` ran, per GIT_TRACE, and its stdout): shows that raw_git() times what a scan runs."""
    trace = scratch / "git-trace.txt"
    trace.unlink(missing_ok=True)
    out = spawn(cmd, env={**os.environ, "GIT_TRACE": str(trace)})[1]
    return [line.split("built-in: ", 1)[1] for line in trace.read_text().splitlines() if "built-in: " in line], out


def import_times(cmd: list[str]) -> dict[str, int]:
    """{module: cumulative microseconds} from `python -X importtime`."""
    err = subprocess.run([sys.executable, "-X", "importtime", *cmd], capture_output=True, text=True, check=True).stderr
    rows = [line.split("|") for line in err.splitlines() if line.startswith("import time:") and "[us]" not in line]
    return {row[2].strip(): int(row[1]) for row in rows}


def check_report(out: bytes, commits: int) -> str:
    """Fail loudly when the scan does not see the synthetic repository as built (a broken benchmark)."""
    report = json.loads(out)
    if report["repository"]["commit_count"] != commits:
        raise RuntimeError(f"scan counted {report['repository']['commit_count']} commits, expected {commits}")
    return ", ".join(f"{p}={report['practices'][p]['outcome']}" for p in ("ci.pipeline", "test.present"))


def main() -> int:
    """Build or reuse the repository, measure, print the table; errors raise (exit 1)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for name, default in (("files", 5000), ("commits", 20000), ("tags", 300), ("runs", 5)):
        parser.add_argument(f"--{name}", type=int, default=default, help=f"default {default}")
    parser.add_argument("--work", type=Path, default=Path(__file__).resolve().parent / ".work")
    parser.add_argument("--keep", action="store_true", help="keep the repository for the next run to reuse")
    parser.add_argument("--rebuild", action="store_true", help="rebuild even if a matching repository exists")
    args = parser.parse_args()
    args.work = args.work.resolve()
    if args.files < len(CI_FILES) + len(OTHER_FILES) or args.commits < 1 or args.tags < 0 or args.runs < 1:
        parser.error(f"need --files >= {len(CI_FILES) + len(OTHER_FILES)}, --commits >= 1, --tags >= 0, --runs >= 1")
    if not (BIN / "devops-scan").exists():
        parser.error(f"no devops-scan next to {sys.executable}: run with the venv's python (`make benchmark`)")
    scan_cli = str(BIN / "devops-scan")
    repo = build_repo(args.work, args.files, args.commits, args.tags, args.rebuild)
    try:
        scan = [scan_cli, "scan", str(repo), "--format", "json"]
        traced = {mode: traced_scan(cmd, args.work) for mode, cmd in
                  (("working tree", [*scan, "--as-of", "2026-01-01"]), ("--ref HEAD", [*scan, "--ref", "HEAD"]))}
        drifted = {mode: drift(commands, repo, mode != "working tree") for mode, (commands, _) in traced.items()}
        outcomes = "; ".join(f"{mode}: {check_report(out, args.commits)}" for mode, (_, out) in traced.items())
        # (label, timed callable, command whose peak RSS is reported, index of the raw-git row it compares to)
        plan = [
            ("raw git, working tree (14 cmds)", lambda: raw_git(repo, ref=False)[0], None, None),
            ("devops-scan scan --as-of", None, [*scan, "--as-of", "2026-01-01"], 0),
            ("raw git, --ref HEAD (15 cmds)", lambda: raw_git(repo, ref=True)[0], None, None),
            ("devops-scan scan --ref HEAD", None, [*scan, "--ref", "HEAD"], 2),
            ("devops-scan --version", None, [scan_cli, "--version"], None),
            ("python -c 'import devops_scan.cli'", None, [sys.executable, "-c", "import devops_scan.cli"], None),
            ("python -c pass (interpreter floor)", None, [sys.executable, "-c", "pass"], None),
        ]
        rows = [(label, *measure(fn or (lambda cmd=cmd: spawn(cmd)[0]), args.runs),
                 peak_rss(cmd, args.work) if cmd else "-", versus) for label, fn, cmd, versus in plan]
        cli_imports = import_times(["-c", "import devops_scan.cli"])
        version_imports = import_times([scan_cli, "--version"])
    finally:
        if not args.keep:
            shutil.rmtree(repo.parent, ignore_errors=True)
    print(f"\nrepository: {args.files} files, {args.commits} commits, {args.tags} tags ({args.tags * 2 // 3} "
          f"annotated); runs={args.runs}\nscan finds {outcomes}")
    for mode, (commands, _) in traced.items():
        print(f"git commands run by one scan, {mode} ({len(commands)}): " + "; ".join(commands))
        if drifted[mode]:  # the clients changed: the raw-git rows no longer time what a scan runs
            print(f"WARNING, update raw_git(): {drifted[mode]}")
    print(f"\n{'measurement':<38} {'best':>9} {'median':>9} {'vs raw git':>10} {'peak RSS':>10}")
    for label, best, median, rss, versus in rows:
        ratio = f"{median / rows[versus][2]:.1f}x" if versus is not None else "-"
        print(f"{label:<38} {best * 1000:>7.0f}ms {median * 1000:>7.0f}ms {ratio:>10} {rss:>10}")
    print("\nimport devops_scan.cli, top 5 by cumulative import time:")
    for name, micros in sorted(cli_imports.items(), key=lambda item: -item[1])[:5]:
        print(f"  {micros / 1000:7.1f} ms  {name}")
    heavy = sorted({name for name in version_imports if name.split(".")[0] in HEAVY})
    print(f"`devops-scan --version` imports {len(version_imports)} modules; heavy ones ({', '.join(HEAVY)}): "
          + (", ".join(heavy) if heavy else "none"))
    if heavy:  # a broken startup budget (DESIGN.md) is a fact, not timing noise: fail on it
        raise RuntimeError(f"`devops-scan --version` imported {', '.join(heavy)}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (RuntimeError, OSError, subprocess.CalledProcessError) as error:
        print(f"scan_vs_git: error: {error}", file=sys.stderr)
        sys.exit(1)
