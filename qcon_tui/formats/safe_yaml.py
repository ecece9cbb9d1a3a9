"""The one YAML loader: safe, and bounded in what the text may expand to.

Notes in YAML, schedule sidecars and Markdown front matter are all read here.
`yaml.safe_load` never runs code, but aliases let a small text stand for a huge
value: a 400 KB file that names one 100 KB string 20,000 times is 2 GB once
expanded, and nested aliases ("billion laughs") grow exponentially. Before anything
is built, one pass over the parser's events (a flat stream, no recursion) measures
what the document expands to, counting every alias as the size of what it names, and
how deeply it nests; a document over either bound is refused with `YAMLLimitError`,
a `yaml.YAMLError` that says which limit and where.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml

__all__ = ["MAX_DEPTH", "YAMLLimitError", "check", "compose", "expansion_limit", "safe_load"]

#: The safe loader, in C where PyYAML was built with libyaml (several times faster).
#: libyaml refuses some escapes the Python loader takes (a lone surrogate, `"\ud800"`),
#: so values are constructed by the Python loader, as `yaml.safe_load` would.
FastLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: Deepest nesting of lists and mappings; real notes nest a handful of levels.
MAX_DEPTH = 200

#: Expanded size allowed per character of text, and at least this many units.
_PER_CHAR = 4
_FLOOR = 1 << 20

#: What a node costs beyond its text: a scalar is its length plus this; a list or mapping this.
_NODE_COST = 8


class YAMLLimitError(yaml.YAMLError):
    """The document expands to more than its text allows, or nests too deeply."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self) -> str:
        return self.message


def expansion_limit(text: str) -> int:
    """How large (in the units of `check`) the document in `text` may expand."""
    return _PER_CHAR * len(text) + _FLOOR


def check(text: str) -> None:
    """Refuse `text` if its aliases expand it past `expansion_limit`, or it nests past `MAX_DEPTH`.

    Syntax errors are raised as PyYAML raises them (`yaml.MarkedYAMLError`). The size
    of a scalar is its length plus a per-node cost; of a collection the sum of its
    items; an alias is the size of its anchor's node, so the total is what a walk of
    the constructed value would meet. An alias to a node still open (a value that
    contains itself) is refused too.
    """
    try:
        _check_events(yaml.parse(text, Loader=FastLoader), expansion_limit(text))
    except YAMLLimitError:
        raise
    except (yaml.YAMLError, UnicodeEncodeError):  # libyaml's refusals; the Python parser decides
        _check_events(yaml.parse(text, Loader=yaml.SafeLoader), expansion_limit(text))


def _check_events(events: Iterator[yaml.Event], limit: int) -> None:
    """`check` over a stream of parser events."""
    total = 0
    # One running size per open collection, with the anchor it will be recorded under.
    open_sizes: list[int] = []
    open_anchors: list[str | None] = []
    sizes: dict[str, int] = {}
    for event in events:
        if isinstance(event, yaml.AliasEvent):
            if event.anchor not in sizes:
                if event.anchor in open_anchors:
                    raise YAMLLimitError(
                        f"the YAML uses aliases (*name) that refer to themselves (*{event.anchor})",
                        _line(event),
                    )
                continue  # an unknown alias: the loader reports it
            size = sizes[event.anchor]
        elif isinstance(event, yaml.ScalarEvent):
            size = len(event.value) + _NODE_COST
            if event.anchor is not None:
                sizes[event.anchor] = size
        elif isinstance(event, yaml.CollectionStartEvent):
            open_sizes.append(_NODE_COST)
            open_anchors.append(event.anchor)
            if len(open_sizes) > MAX_DEPTH:
                raise YAMLLimitError(f"the YAML is nested more than {MAX_DEPTH} levels deep", _line(event))
            continue
        elif isinstance(event, yaml.CollectionEndEvent):
            size = open_sizes.pop()
            anchor = open_anchors.pop()
            if anchor is not None:
                sizes[anchor] = size
            if open_sizes:
                open_sizes[-1] += size
            continue
        else:
            continue
        total += size
        if open_sizes:
            open_sizes[-1] += size
        if total > limit or (open_sizes and open_sizes[-1] > limit):
            raise YAMLLimitError(
                "the YAML uses aliases (*name) that repeat too much: it would expand to more "
                f"than {limit // 1024} KiB",
                _line(event),
            )


def _line(event: yaml.Event) -> int | None:
    mark = event.start_mark
    return None if mark is None else mark.line + 1


def safe_load(text: str) -> Any:
    """`yaml.safe_load` of `text` after `check`: plain data, bounded in size and depth."""
    check(text)
    return yaml.load(text, Loader=yaml.SafeLoader)  # the safe loader: plain data only


def compose(text: str) -> yaml.Node | None:
    """The node tree of `text` (safe loader, nothing constructed) after `check`."""
    check(text)
    try:
        return yaml.compose(text, Loader=FastLoader)
    except (yaml.YAMLError, UnicodeEncodeError):  # libyaml's refusals; the Python parser decides
        return yaml.compose(text, Loader=yaml.SafeLoader)
