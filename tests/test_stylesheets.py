"""The site's stylesheets parse as their authors meant: an unclosed block swallows every rule after
it into the block's media query (the rules page lost its phone and print layout that way)."""

import re
from pathlib import Path

from django.conf import settings

STYLESHEETS = sorted((Path(settings.BASE_DIR) / "static").rglob("*.css"))


def test_every_stylesheet_closes_each_block_it_opens():
    assert STYLESHEETS
    for path in STYLESHEETS:
        css = re.sub(r"/\*.*?\*/", "", path.read_text(), flags=re.S)
        depth = 0
        for line, text in enumerate(css.splitlines(), 1):
            depth += text.count("{") - text.count("}")
            assert depth >= 0, f"{path.name}:{line} closes a block it never opened"
        assert depth == 0, f"{path.name} leaves {depth} block(s) open"
