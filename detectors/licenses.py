"""Licences: the licence files of a repository and the SPDX identifier of their text when recognisable.

Recognition looks for the sentences each licence is known by (the MIT permission grant, the Apache
2.0 title, the GPL preamble...) or an explicit `SPDX-License-Identifier`; an unrecognised text is
still a licence file, reported without an identifier rather than guessed.
"""

from __future__ import annotations

import posixpath
import re

_LICENSE_STEM = re.compile(r"^(licen[cs]e|copying|unlicense|copyright)([-_.][\w.+-]+)?$", re.IGNORECASE)
_TEXT_EXTENSIONS = frozenset({"", ".md", ".txt", ".rst", ".markdown", ".adoc", ".html"})
_LICENSE_SUFFIX = re.compile(r"^(mit|apache[\w.-]*|bsd[\w.-]*|[al]?gpl[\w.-]*|mpl[\w.-]*|isc|cc0[\w.-]*|"
                             r"epl[\w.-]*|unlicense|zlib)$", re.IGNORECASE)
_SPDX_TAG = re.compile(r"SPDX-License-Identifier:\s*([\w.+()\s-]+?)\s*(?:\*/|-->|$)", re.MULTILINE)

# (SPDX id, patterns that must all appear), most specific first; matched on whitespace-collapsed lower-case text.
_SIGNATURES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("AGPL-3.0", ("gnu affero general public license", "version 3")),
    ("LGPL-3.0", ("gnu lesser general public license", "version 3")),
    ("LGPL-2.1", ("gnu lesser general public license", "version 2.1")),
    ("LGPL-2.0", ("gnu library general public license", "version 2")),
    ("GPL-3.0", ("gnu general public license", "version 3")),
    ("GPL-2.0", ("gnu general public license", "version 2")),
    ("Apache-2.0", ("apache license", "version 2.0")),
    ("MPL-2.0", ("mozilla public license", "2.0")),
    ("EPL-2.0", ("eclipse public license - v 2.0",)),
    ("EPL-1.0", ("eclipse public license - v 1.0",)),
    ("BSL-1.0", ("boost software license - version 1.0",)),
    ("Unlicense", ("this is free and unencumbered software released into the public domain",)),
    ("CC0-1.0", ("cc0 1.0 universal",)),
    ("0BSD", ("permission to use, copy, modify, and/or distribute this software for any purpose with or without fee",
              "the software is provided \"as is\" and the author disclaims")),
    ("ISC", ("permission to use, copy, modify, and/or distribute this software for any purpose with or without fee",)),
    ("ISC", ("permission to use, copy, modify, and distribute this software for any purpose with or without fee",)),
    ("MIT", ("permission is hereby granted, free of charge, to any person obtaining a copy",)),
    ("BSD-3-Clause", ("redistribution and use in source and binary forms", "neither the name")),
    ("BSD-3-Clause", ("redistribution and use in source and binary forms", "names of its contributors may")),
    ("BSD-2-Clause", ("redistribution and use in source and binary forms",)),
    ("Zlib", ("this software is provided 'as-is', without any express or implied warranty",
              "altered source versions must be plainly marked")),
    ("WTFPL", ("do what the fuck you want to",)),
    ("CC-BY-4.0", ("creative commons attribution 4.0 international",)),
    ("CC-BY-SA-4.0", ("creative commons attribution-sharealike 4.0 international",)),
    ("BUSL-1.1", ("business source license 1.1",)),
    ("Elastic-2.0", ("elastic license 2.0",)),
)


def is_license_file(path: str) -> bool:
    """LICENSE, LICENCE, COPYING, UNLICENSE (any case, `.md`/`.txt`...), LICENSE-MIT, and REUSE's LICENSES/*."""
    folder, name = posixpath.split(path)
    stem, ext = posixpath.splitext(name)
    if posixpath.basename(folder) == "LICENSES" and ext.lower() in (".txt", ".md", ""):
        return True
    if ext.lower() not in _TEXT_EXTENSIONS:
        # `LICENSE.APACHE2` or `COPYING.LGPL` name a licence in the extension; `license.py` is code.
        if not _LICENSE_SUFFIX.match(ext.lstrip(".")):
            return False
        stem = name
    return bool(_LICENSE_STEM.match(stem))


def spdx_id(text: str, path: str = "") -> str | None:
    """The SPDX identifier of a licence text, or None when it is not recognised."""
    tag = _SPDX_TAG.search(text[:4000])
    if tag:
        return tag.group(1).strip()
    name = posixpath.basename(path)
    if posixpath.basename(posixpath.dirname(path)) == "LICENSES":
        return posixpath.splitext(name)[0]  # REUSE names each file by its identifier
    flat = " ".join(text[:20000].lower().replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"').split())
    gnu = _gnu_licence(flat)
    if gnu:
        return gnu
    for identifier, phrases in _SIGNATURES:
        if not identifier.startswith(("GPL", "LGPL", "AGPL")) and all(phrase in flat for phrase in phrases):
            return identifier
    return None


_GNU_TITLES = (("gnu affero general public license", "AGPL"), ("gnu lesser general public license", "LGPL"),
               ("gnu library general public license", "LGPL"), ("gnu general public license", "GPL"))


def _gnu_licence(flat: str) -> str | None:
    """The GNU licences mention each other: the title that comes first is the licence, its version follows."""
    found = [(flat.find(title), family) for title, family in _GNU_TITLES if title in flat[:2000]]
    if not found:
        return None
    position, family = min(found)
    version = re.search(r"version (\d(?:\.\d)?)", flat[position:position + 160])
    if not version:
        return None
    number = {"3": "3.0", "2": "2.0"}.get(version.group(1), version.group(1))
    return f"{family}-{number}"
