"""Configuration management: Ansible, Salt, Chef and Puppet, recognised by content.

An Ansible playbook is a YAML list of plays (`hosts:` with `tasks`/`roles`...) or of
`import_playbook`s, whatever its file name; a role is `roles/<name>/tasks/main.yml`. Role and
collection requirements, Berksfile cookbooks and Puppetfile modules are dependencies to pin.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan.errors import UnreadableFile
from devops_scan.model import Location
from devops_scan.yamlsafe import YamlProblem, item_line, node_line
from devops_scan_detectors.iac_model import (
    Dependency, Environment, IacFile, Reading, config_signal, environment_name, line_of,
)
from devops_scan_detectors.iac_pins import constraint_pinned, ref_pinned
from devops_scan_detectors.iac_scope import own_infrastructure_file, own_paths
from devops_scan_detectors.iac_yaml import (
    Parsed, mapping, parse_candidates, parse_json, read_text, sequence, yaml_paths,
)

PLAY_MARKER = re.compile(r"^-?\s*-?\s*(hosts|import_playbook|ansible\.builtin\.import_playbook)\s*:", re.MULTILINE)
PLAY_KEYS = frozenset({"tasks", "roles", "pre_tasks", "post_tasks", "handlers", "gather_facts", "become", "vars"})
# `pkg.installed:` (module.function) or the older `pkg:` followed by `- installed`.
_SALT_STATE = re.compile(r"^[ \t]+-?[ \t]*[a-z_]+\.[a-z_]+[ \t]*:|^[ \t]+(pkg|service|file|cmd|user|group|git|pip|cron|"
                         r"archive|mount|sysctl|docker_container|docker_image)[ \t]*:[ \t]*\n[ \t]+-[ \t]*[a-z_]+",
                         re.MULTILINE)
_PUPPET = re.compile(r"^[ \t]*(class|define|node)[ \t]+[\w:'\"./-]+|^[ \t]*[a-z_:]+[ \t]*\{[ \t]*['\"$]", re.MULTILINE)
_PUPPET_MOD = re.compile(r"^[ \t]*mod[ \t]+['\"]([^'\"]+)['\"][ \t]*(,[ \t]*['\"]([^'\"]+)['\"])?(.*)$", re.MULTILINE)
_BERKS_COOKBOOK = re.compile(r"^[ \t]*cookbook[ \t]+['\"]([^'\"]+)['\"][ \t]*(,[ \t]*['\"]([^'\"]+)['\"])?(.*)$",
                             re.MULTILINE)


def is_playbook(document: Any) -> bool:
    if not isinstance(document, list) or not document:
        return False
    plays = [item for item in document if isinstance(item, dict)]
    return len(plays) == len(document) and all(
        ("hosts" in play and PLAY_KEYS & play.keys()) or "import_playbook" in play
        or "ansible.builtin.import_playbook" in play for play in plays)


def read_config_management(client: RepoClient, context: ScanContext) -> Reading:
    return _ansible(client, context) + _salt(client) + _chef(client) + _puppet(client)


def _ansible(client: RepoClient, context: ScanContext) -> Reading:
    reading = Reading()
    playbooks = 0
    for item in parse_candidates(client, context, yaml_paths(client, context), PLAY_MARKER, "an Ansible playbook"):
        if isinstance(item, Parsed) and item.documents and is_playbook(item.documents[0]):
            playbooks += 1
            reading += Reading(files=(IacFile("ansible", item.path, node_line(item.documents[0]),
                                              f"Ansible playbook ({len(item.documents[0])} play(s))"),))
    for path in own_paths(client.files.glob("**/tasks/main.yml") + client.files.glob("**/tasks/main.yaml")):
        parts = path.split("/")
        role = posixpath.dirname(posixpath.dirname(path))
        # `roles/<name>/tasks/main.yml`, or a role repository: tasks/ beside a Galaxy meta/main.yml.
        if (len(parts) >= 4 and parts[-4] == "roles") or _galaxy_meta(client, role):
            name = posixpath.basename(role) or "(the repository)"
            reading += Reading(files=(IacFile("ansible", path, None, f"Ansible role {name}"),))
    for path in own_paths(client.files.named("ansible.cfg")):
        reading += Reading(files=(IacFile("ansible", path, None, "Ansible configuration"),))
    for path in own_paths(client.files.named("requirements.yml", "requirements.yaml")):
        reading += _requirements(client, context, path)
    return reading + _inventories(client, playbooks > 0)


def _galaxy_meta(client: RepoClient, role: str) -> bool:
    meta = posixpath.join(role, "meta/main.yml")
    return meta in client.files and "galaxy_info" in (read_text(client, meta) or "")


def _requirements(client: RepoClient, context: ScanContext, path: str) -> Reading:
    try:
        document = context.yaml(client, path).first
    except (YamlProblem, UnreadableFile):
        return Reading()
    groups = [("ansible-role", document)] if isinstance(document, list) else \
        [("ansible-role", mapping(document).get("roles")), ("ansible-collection", mapping(document).get("collections"))]
    found = []
    for ecosystem, entries in groups:
        entries = sequence(entries)
        for index, entry in enumerate(entries):
            found.extend(_requirement(path, ecosystem, entry, item_line(entries, index)))
    if not found:
        return Reading()
    return Reading(files=(IacFile("ansible", path, None, "Ansible Galaxy requirements"),), dependencies=tuple(found))


def _requirement(path: str, ecosystem: str, entry: Any, line: int | None) -> list[Dependency]:
    where = Location(path, line)
    if isinstance(entry, str):
        return [Dependency(ecosystem, entry, "", False, "no version: installs the newest", where)]
    entry = mapping(entry)
    name = str(entry.get("name") or entry.get("src") or "")
    if not name:
        return []
    version = entry.get("version")
    source = str(entry.get("src") or entry.get("source") or "")
    if "git" in source or str(entry.get("scm", "")) == "git" or source.startswith(("http", "git@")):
        pinned, why = ref_pinned(str(version) if version else None)
    else:
        pinned, why = constraint_pinned(str(version) if version is not None else None)
        if pinned and str(version).strip().startswith(">") and "<" not in str(version):
            pinned, why = False, f"`{version}` has no upper bound"
    return [Dependency(ecosystem, name, str(version or ""), pinned, why, where)]


def _inventories(client: RepoClient, has_playbooks: bool) -> Reading:
    reading = Reading()
    seen: set[str] = set()
    for folder in sorted(client.files.folders()):
        if not own_infrastructure_file(folder + "/"):
            continue
        parts = folder.split("/")
        if len(parts) >= 2 and parts[-2] in ("inventories", "inventory", "environments") and folder not in seen:
            env = environment_name(parts[-1])
            members = client.files.in_folder(folder, recursive=True)
            if env and has_playbooks and members:
                seen.add(folder)
                reading += Reading(environments=(Environment(env, "ansible-inventory", Location(members[0]),
                                                             "the repository's playbooks and roles"),))
        if parts[-1] in ("group_vars", "host_vars") and has_playbooks:
            members = client.files.in_folder(folder, recursive=True)
            if members:
                reading += Reading(signals=(config_signal("Ansible variables", f"Ansible {parts[-1]}",
                                                   Location(members[0])),))
    return reading


def _salt(client: RepoClient) -> Reading:
    files = []
    for path in own_paths(client.files.with_extension("sls")):
        text = read_text(client, path) or ""
        if posixpath.basename(path) == "top.sls" and re.search(r"^base\s*:", text, re.MULTILINE):
            files.append(IacFile("salt", path, line_of(text, r"^base\s*:"), "Salt top file"))
        elif _SALT_STATE.search(text):
            files.append(IacFile("salt", path, line_of(text, _SALT_STATE), "Salt state"))
    return Reading(files=tuple(files))


def _chef(client: RepoClient) -> Reading:
    reading = Reading()
    for path in own_paths(client.files.named("metadata.rb")):
        text = read_text(client, path) or ""
        folder = posixpath.dirname(path)
        recipes = client.files.glob(posixpath.join(folder, "recipes/*.rb") if folder else "recipes/*.rb")
        if re.search(r"^name\s+['\"]", text, re.MULTILINE) and recipes:
            reading += Reading(files=(IacFile("chef", path, line_of(text, r"^name\s"), "Chef cookbook"),))
    for path in own_paths(client.files.named("Policyfile.rb")):
        text = read_text(client, path) or ""
        if "run_list" in text:
            reading += Reading(files=(IacFile("chef", path, line_of(text, r"run_list"), "Chef Policyfile"),))
    for path in own_paths(client.files.named("Berksfile")):
        text = read_text(client, path) or ""
        reading += Reading(files=(IacFile("chef", path, None, "Berkshelf cookbook dependencies"),),
                           dependencies=tuple(_pinned_lines(path, text, _BERKS_COOKBOOK, "chef-cookbook")))
    return reading


def _puppet(client: RepoClient) -> Reading:
    reading = Reading()
    for path in own_paths(client.files.with_extension("pp")):
        text = read_text(client, path) or ""
        if _PUPPET.search(text):
            reading += Reading(files=(IacFile("puppet", path, line_of(text, _PUPPET), "Puppet manifest"),))
    for path in own_paths(client.files.named("metadata.json")):
        # A Puppet module's metadata: Forge name and dependencies, and Puppet among its requirements.
        parsed = parse_json(client, path, re.compile(r'"(operatingsystem_support|requirements)"'))
        data = parsed[1] if parsed else None
        requirements = data.get("requirements") if isinstance(data, dict) else None
        if isinstance(requirements, list) and any(isinstance(r, dict) and r.get("name") in ("puppet", "openvox")
                                                  for r in requirements):
            reading += Reading(files=(IacFile("puppet", path, None, f"Puppet module {data.get('name', '')}".strip()),))
    for path in own_paths(client.files.named("Puppetfile")):
        text = read_text(client, path) or ""
        reading += Reading(files=(IacFile("puppet", path, None, "Puppetfile"),),
                           dependencies=tuple(_pinned_lines(path, text, _PUPPET_MOD, "puppet-module")))
    return reading


def _pinned_lines(path: str, text: str, pattern: re.Pattern[str], ecosystem: str) -> list[Dependency]:
    """`mod 'name', '1.2.3'` / `cookbook 'name', '~> 2.0'`, or a git source with :ref/:tag/:commit/:branch."""
    found = []
    matches = list(pattern.finditer(text))
    for index, match in enumerate(matches):
        name, version = match.group(1), match.group(3)
        # Options may continue on the following lines, up to the next entry.
        rest = text[match.end(3) if version else match.end(1):
                    matches[index + 1].start() if index + 1 < len(matches) else len(text)]
        line = text.count("\n", 0, match.start()) + 1
        git = re.search(r":(ref|tag|commit|branch|revision)\s*=>\s*['\"]([^'\"]+)['\"]", rest)
        if git:
            pinned, why = (False, f"branch {git.group(2)}: moves") if git.group(1) == "branch" \
                else ref_pinned(git.group(2))
        elif version and version != "latest":
            pinned, why = constraint_pinned(version)
        elif ":git" in rest or "git:" in rest or "github:" in rest:
            pinned, why = False, "git source without a ref: follows the default branch"
        else:
            pinned, why = False, "no version: installs the newest"
        found.append(Dependency(ecosystem, name, version or "", pinned, why, Location(path, line)))
    return found
