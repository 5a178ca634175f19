"""A small XML reader for build files (pom.xml, *.csproj, phpunit.xml) that keeps line numbers.

Built on expat directly: ElementTree keeps no line numbers. Documents declaring a DOCTYPE or an
ENTITY are refused before parsing: entity expansion ("billion laughs") can explode memory and
external entities can reach outside the repository, and defusedxml is not available to guard
against either. No build file needs them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterator
from xml.parsers import expat

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan_detectors.config_readers import memoised, read_text

_DECLARATIONS = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
REFUSED = "declares a DOCTYPE or ENTITY, refused: entity expansion is not safe to read without defusedxml"


@dataclass
class XmlElement:
    """One element: local tag name (namespace dropped), attributes, text, line, children."""

    tag: str
    attrs: dict[str, str]
    line: int
    text: str = ""
    children: list["XmlElement"] = field(default_factory=list)

    def child(self, tag: str) -> "XmlElement | None":
        return next((element for element in self.children if element.tag == tag), None)

    def children_named(self, tag: str) -> list["XmlElement"]:
        return [element for element in self.children if element.tag == tag]

    def path(self, *tags: str) -> list["XmlElement"]:
        """Elements reached by following `tags` one level at a time (project → build → plugins)."""
        level = [self]
        for tag in tags:
            level = [element for parent in level for element in parent.children_named(tag)]
        return level

    def text_of(self, tag: str) -> str:
        element = self.child(tag)
        return element.text.strip() if element is not None else ""

    def iter(self, tag: str | None = None) -> Iterator["XmlElement"]:
        """This element and every descendant (optionally only those named `tag`), document order."""
        stack = [self]
        while stack:
            element = stack.pop()
            if tag is None or element.tag == tag:
                yield element
            stack.extend(reversed(element.children))


@dataclass(frozen=True)
class XmlResult:
    root: XmlElement | None
    problem: str | None = None


def parse_xml(text: str) -> XmlResult:
    """The document's root element, or a problem saying why it was not read. Never raises."""
    if _DECLARATIONS.search(text):
        return XmlResult(None, REFUSED)
    parser = expat.ParserCreate()
    try:
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    except AttributeError:  # pragma: no cover - very old expat builds
        pass
    stack: list[XmlElement] = []
    roots: list[XmlElement] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        element = XmlElement(_local(name), {_local(k): v for k, v in attrs.items()}, parser.CurrentLineNumber)
        (stack[-1].children if stack else roots).append(element)
        stack.append(element)

    def end(_name: str) -> None:
        if stack:
            stack.pop()

    def data(chunk: str) -> None:
        if stack:
            stack[-1].text += chunk

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = data
    try:
        parser.Parse(text, True)
    except expat.ExpatError as error:
        return XmlResult(None, f"not well-formed XML (line {error.lineno}: {expat.ErrorString(error.code)})")
    except (ValueError, RecursionError, MemoryError) as error:
        return XmlResult(None, f"unreadable XML ({type(error).__name__})")
    return XmlResult(roots[0] if roots else None, None if roots else "no root element")


def _local(name: str) -> str:
    """`{http://maven.apache.org/POM/4.0.0}project` and `ns:project` → `project`."""
    return name.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def xml_file(client: RepoClient, context: ScanContext, path: str) -> XmlResult:
    """The parsed file, once per scan (pom.xml is read by several detectors)."""

    def parse() -> XmlResult:
        text = read_text(client, path)
        return parse_xml(text) if text is not None else XmlResult(None, "unreadable file")

    return memoised(context, "xml", path, parse)
