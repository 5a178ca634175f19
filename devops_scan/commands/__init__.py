"""The CLI's commands, each in its own module, imported only when its command runs."""

from __future__ import annotations

import os
import sys


def colour_wanted(output: str | None) -> bool:
    """Colour on a terminal only (never into a file), and never when NO_COLOR is set (https://no-color.org)."""
    return output is None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
