"""Documents (Markdown, reStructuredText, AsciiDoc, Org, plain text) split into titled sections.

Detectors that judge a README or a contribution guide need what a reader sees: the headings, the
prose under them, and the commands shown in code blocks or inline code. This is a line-based
reader, not a full renderer: it never raises, whatever the text, and keeps the line of everything
so evidence can point at it.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

# (line, text) pairs, 1-based lines.
Lines = tuple[tuple[int, str], ...]

_ATX = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
_HTML_HEADING = re.compile(r"^\s*<h([1-6])\b[^>]*>(.*?)</h\1>", re.IGNORECASE)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_RST_UNDERLINE = re.compile(r"^([=\-~^\"'`#*+:._])\1{2,}\s*$")
_RST_CODE_DIRECTIVE = re.compile(r"^\s*\.\. (code-block|code|sourcecode|prompt|highlight)::")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")
_ADOC_HEADING = re.compile(r"^(={1,6})[ \t]+(.+?)\s*$")
_ADOC_DELIMITER = re.compile(r"^(-{4,}|\.{4,})\s*$")
_ORG_HEADING = re.compile(r"^(\*{1,6})[ \t]+(.+?)\s*$")
_INLINE_CODE = re.compile(r"``(.+?)``|`([^`]+)`")
_MARKUP = re.compile(r"!\[[^\]]*\]\([^)]*\)|!\[[^\]]*\]\[[^\]]*\]|<[^>]*>|https?://\S+|\(\s*#[^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\[[^\]]*\]")
_REFERENCE_DEFINITION = re.compile(r"^\s*(\[[^\]]+\]:|\.\. )")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")


@dataclass(frozen=True)
class Section:
    """A heading and what follows it up to the next heading (the preamble has level 0)."""

    title: str
    level: int
    line: int
    prose: Lines = ()
    code: Lines = ()

    def words(self) -> int:
        return sum(len(_WORD.findall(text)) for _, text in self.prose)


@dataclass(frozen=True)
class Document:
    path: str
    sections: tuple[Section, ...]

    def words(self) -> int:
        return sum(section.words() for section in self.sections)

    def headings(self) -> tuple[Section, ...]:
        return tuple(section for section in self.sections if section.level > 0)

    def subtree(self, index: int) -> tuple[Section, ...]:
        """The section at `index` with its subsections (until a heading of the same or a higher level)."""
        head = self.sections[index]
        found = [head]
        for section in self.sections[index + 1:]:
            if head.level and 0 < section.level <= head.level:
                break
            found.append(section)
        return tuple(found)

    def code(self) -> Lines:
        return tuple(item for section in self.sections for item in section.code)


def flavour(path: str) -> str:
    ext = posixpath.splitext(path)[1].lower().lstrip(".")
    if ext in ("md", "markdown", "mdown", "mkd", "mdx"):
        return "markdown"
    if ext in ("adoc", "asciidoc", "asc"):
        return "asciidoc"
    if ext == "org":
        return "org"
    return "rst"  # .rst, .txt and bare names: plain text reads well with the RST rules


def parse_document(path: str, text: str) -> Document:
    """Sections of `text`; the flavour comes from the file extension. Never raises."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    builder = _Builder()
    kind = flavour(path)
    if kind == "markdown":
        _markdown(lines, builder)
    elif kind == "asciidoc":
        _asciidoc(lines, builder)
    elif kind == "org":
        _org(lines, builder)
    else:
        _rst(lines, builder)
    return Document(path, builder.finish())


class _Builder:
    def __init__(self) -> None:
        self.sections: list[Section] = []
        self.current = Section("", 0, 1)
        self.prose: list[tuple[int, str]] = []
        self.code: list[tuple[int, str]] = []

    def heading(self, level: int, title: str, line: int) -> None:
        self._close()
        self.current = Section(_plain(title), level, line)

    def text(self, line: int, text: str) -> None:
        """A prose line: its inline code spans are code, the rest (without markup) is prose."""
        for match in _INLINE_CODE.finditer(text):
            self.code.append((line, (match.group(1) or match.group(2)).strip()))
        if _REFERENCE_DEFINITION.match(text):
            return
        plain = _plain(_INLINE_CODE.sub(" ", text))
        if plain.strip():
            self.prose.append((line, plain))

    def code_line(self, line: int, text: str) -> None:
        if text.strip():
            self.code.append((line, text.strip()))

    def _close(self) -> None:
        if self.current.level or self.prose or self.code:
            self.sections.append(Section(self.current.title, self.current.level, self.current.line,
                                         tuple(self.prose), tuple(self.code)))
        self.prose, self.code = [], []

    def finish(self) -> tuple[Section, ...]:
        self._close()
        return tuple(self.sections)


def _plain(text: str) -> str:
    text = _MARKUP.sub(" ", text)
    text = _LINK.sub(lambda m: m.group(1) or m.group(2) or "", text)
    return re.sub(r"[*_#>|\[\]]+", " ", text).strip()


def _is_prompt(text: str) -> bool:
    return text.lstrip().startswith(("$ ", "> $ "))


def _markdown(lines: list[str], out: _Builder) -> None:
    fence: str | None = None
    previous_blank = True
    underline_next = False
    for index, text in enumerate(lines):
        number = index + 1
        if fence is not None:
            stripped = text.strip()
            if stripped.startswith(fence) and not stripped.strip(fence[0]):
                fence = None
            else:
                out.code_line(number, text)
            continue
        if underline_next:  # the `===`/`---` under a setext heading
            underline_next = False
            previous_blank = False
            continue
        opened = _FENCE.match(text)
        heading = _ATX.match(text) or _HTML_HEADING.match(text)
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if opened:
            fence = opened.group(1)
        elif heading:
            level = heading.group(1)
            out.heading(len(level) if level.startswith("#") else int(level), heading.group(2), number)
        elif text.strip() and _SETEXT.match(following) and not _looks_like_list(text) \
                and not text.startswith(("    ", "\t", ">")):
            out.heading(1 if following.strip().startswith("=") else 2, text, number)
            underline_next = True
        elif (text.startswith(("    ", "\t")) and previous_blank) or _is_prompt(text):
            out.code_line(number, text)
            continue  # an indented block goes on while its lines stay indented (or blank)
        else:
            out.text(number, text)
        previous_blank = not text.strip()


def _looks_like_list(text: str) -> bool:
    return bool(re.match(r"^\s*([-*+]|\d+[.)])\s", text))


def _rst(lines: list[str], out: _Builder) -> None:
    styles: list[tuple[str, bool]] = []
    literal_indent: int | None = None
    expect_literal = False
    skip = 0
    for index, text in enumerate(lines):
        number = index + 1
        if skip:
            skip -= 1
            continue
        indent = len(text) - len(text.lstrip())
        if literal_indent is not None:
            if not text.strip() or indent > literal_indent:
                out.code_line(number, text)
                continue
            literal_indent = None
        if expect_literal and text.strip():
            expect_literal = False
            if indent > 0:
                literal_indent = 0
                out.code_line(number, text)
                continue
        title = _rst_title(lines, index)
        if title is not None:
            style, overlined, skip = title
            if (style, overlined) not in styles:
                styles.append((style, overlined))
            heading_line = index + 1 if overlined else index
            out.heading(styles.index((style, overlined)) + 1, lines[heading_line].strip(), heading_line + 1)
            continue
        if _RST_CODE_DIRECTIVE.match(text):
            literal_indent = indent
            continue
        if _is_prompt(text):
            out.code_line(number, text)
            continue
        out.text(number, text)
        if text.rstrip().endswith("::") and not text.lstrip().startswith(".. "):
            expect_literal = True


def _rst_title(lines: list[str], index: int) -> tuple[str, bool, int] | None:
    """(underline char, overlined, lines to skip after this one) when a title starts at `index`."""
    text = lines[index]
    following = lines[index + 1] if index + 1 < len(lines) else ""
    over = _RST_UNDERLINE.match(text)
    if over and index + 2 < len(lines) and lines[index + 1].strip() and _RST_UNDERLINE.match(lines[index + 2]) \
            and lines[index + 2].strip()[0] == over.group(1):
        return over.group(1), True, 2
    under = _RST_UNDERLINE.match(following)
    if text.strip() and not text.startswith((" ", "\t")) and not _RST_UNDERLINE.match(text) and under \
            and len(following.strip()) >= min(len(text.strip()), 3):
        return under.group(1), False, 1
    return None


def _asciidoc(lines: list[str], out: _Builder) -> None:
    delimiter: str | None = None
    for number, text in enumerate(lines, 1):
        if delimiter is not None:
            if text.strip() == delimiter:
                delimiter = None
            else:
                out.code_line(number, text)
            continue
        block = _ADOC_DELIMITER.match(text)
        heading = _ADOC_HEADING.match(text)
        if block:
            delimiter = block.group(1)
        elif heading:
            out.heading(len(heading.group(1)), heading.group(2), number)
        elif _is_prompt(text):
            out.code_line(number, text)
        elif not text.startswith(("[source", ":")):
            out.text(number, text)


def _org(lines: list[str], out: _Builder) -> None:
    in_block = False
    for number, text in enumerate(lines, 1):
        marker = text.strip().lower()
        if in_block:
            if marker.startswith(("#+end_src", "#+end_example")):
                in_block = False
            else:
                out.code_line(number, text)
            continue
        heading = _ORG_HEADING.match(text)
        if marker.startswith(("#+begin_src", "#+begin_example")):
            in_block = True
        elif heading:
            out.heading(len(heading.group(1)), heading.group(2), number)
        elif not marker.startswith("#+"):
            out.text(number, text)
