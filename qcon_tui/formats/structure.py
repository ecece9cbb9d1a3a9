"""Which headings are days, talks, groups and sub-headings, decided from the whole outline.

The rules, applied to the document's heading tree (title and days first):

* **Days** are headings that name a day (`Day 2`, `Day I`, `Tag 1`, a weekday, a date),
  at the shallowest level where such headings occur.
* **Talks** are, in each day (or in the whole file when it has no days), the shallowest
  heading level that is not a *sub-heading level* (most of its headings repeat the same
  few names, like `Topics` or `Take aways`) and not a *grouping level* (most of its
  headings hold deeper headings, and they are named like groups — `Workshops`,
  `Lightning Talks` — or, with no days, hold several sessions each with little text
  of their own). A section is judged by its whole subtree.
* **Groups** above the talk level become the talks' track. When some groups are named
  for talks, groups named otherwise (themes, food) hold no talks.
* **Not talks** (kept as intro text): sections named like summaries, tables of contents,
  resources or breaks, sections that are only lists of links, and a talk-level heading
  that repeats a sub-heading name used elsewhere (a mis-levelled `## Keynotes`).
* **One talk**: with no days, when the sections at the talk level are mostly named like
  the parts of one talk (`Abstract`, `Key takeaways`, `Slides`), the file is one talk.
* Whole-line bold titles count only when no heading level holds talks, or when a
  `Speaker:`/time line follows them; lone title-like lines only when nothing else does.
* A layout told by the user (`--talks h3`, front matter `talks: h3`) replaces the guess.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Literal

from ..model import ListBlock, Paragraph, Span, Table, iter_items
from .layout import BOLD_LEVEL, LINE_LEVEL, Layout, layout_level
from .markdown_meta import is_meta, time_only
from .markdown_tokens import Node, shift
from .text import is_day_line, looks_like_title

#: What a heading is: the notebook's title, a day, a group of talks (their track), a talk,
#: a sub-heading inside a talk, a section that is not a talk (kept as intro), a time slot.
Role = Literal["title", "day", "group", "talk", "sub", "aside", "slot"]

#: Names of sections that group talks: plural session words, tracks, parts of a day.
_GROUP_WORDS = re.compile(
    r"\b(?:talks|sessions|keynotes|workshops|tutorials|panels|presentations|lightning|tracks?|"
    r"stages?|breakouts|morning|afternoon|evening|vortr[aä]ge|conf[ée]rences|charlas|sesje|prelekcje)\b"
)
#: Names of sections that are never talks: summaries, contents, resources, breaks.
_ASIDE_NAMES = re.compile(
    r"^(?:(?:table of )?contents|toc|index|summary|summaries|overview|general(?: \w+)?|"
    r"(?:final |closing |general |some |my )?(?:thoughts|impressions|notes)|conclusions?|"
    r"(?:key )?take ?aways?|resources|(?:useful |other |more )?links|further reading|reading list|"
    r"references|agenda|schedule|about(?: me| this)?|misc(?:ellaneous)?|intro|preface|todo|credits|"
    r"acknowledge?ments|license|tl ?dr|recap|highlights|next steps|(?:coffee |lunch )?breaks?|lunch|"
    r"coffee|dinner|party|venue|travel|sponsors?|see also)$"
)


@dataclass
class Outline:
    """The role of each structural node, the talk level, and how the decision was made."""

    roles: dict[int, Role] = field(default_factory=dict)
    talk_level: int = BOLD_LEVEL
    explain: list[str] = field(default_factory=list)


def name_key(text: str) -> str:
    """Letters only, lower case: `Impression ⭐⭐☆` and `Impression ⭐⭐⭐` are one name."""
    text = unicodedata.normalize("NFKD", text).lower()
    return " ".join("".join(ch if ch.isalpha() else " " for ch in text).split())


def is_day(node: Node) -> bool:
    """True for a heading or lone line that names a day."""
    text = node.text.strip()
    return bool(text) and is_day_line(text) and text[-1:] not in ".!?;,"


def _level_name(level: int) -> str:
    if level == BOLD_LEVEL:
        return "bold lines"
    if level == LINE_LEVEL:
        return "lone lines"
    return f"level-{level} headings"


def find_title(nodes: list[Node]) -> int | None:
    """Index of a lone shallowest heading at the top (after any banner) that is not a day."""
    first = next((i for i, n in enumerate(nodes) if n.kind != "hr" and not n.media), None)
    if first is None or nodes[first].kind != "head" or nodes[first].level > 6:
        return None
    heads = [n for n in nodes if n.kind == "head" and n.level <= 6]
    top = min(n.level for n in heads)
    node = nodes[first]
    if node.level != top or is_day(node) or not node.text.strip():
        return None
    others = [n for n in heads if n.level == top and n is not node and not is_day(n)]
    return None if others else first


class _Tree:
    """The heading tree over `nodes`: for each head, where its subtree ends."""

    def __init__(self, nodes: list[Node], heads: list[int]) -> None:
        self.nodes = nodes
        self.heads = heads
        self.end: dict[int, int] = {}
        stack: list[int] = []
        for i in heads:
            while stack and nodes[stack[-1]].level >= nodes[i].level:
                self.end[stack.pop()] = i
            stack.append(i)
        for i in stack:
            self.end[i] = len(nodes)

    def kids(self, i: int, among: set[int]) -> list[int]:
        """Heads in `among` inside the subtree of `i`."""
        end = self.end[i]
        return [j for j in self.heads if i < j < end and j in among]

    def own_blocks(self, i: int) -> int:
        """Blocks directly under `i`, before any deeper head."""
        count = 0
        for node in self.nodes[i + 1 : self.end[i]]:
            if node.kind == "head":
                break
            count += node.kind == "block"
        return count

    def blocks(self, i: int) -> list[Node]:
        return [n for n in self.nodes[i + 1 : self.end[i]] if n.kind == "block"]


def _link_row(text: str, spans: tuple[Span, ...] | list[Span]) -> bool | None:
    """None for a row with no link; True when links make it (it starts with one or they are
    most of its text), False when a link is only mentioned in running text."""
    links = [s for s in spans if s.style == "link"]
    if not links:
        return None
    body = len(text.strip())
    lead = len(text) - len(text.lstrip(" \t*-•⭐️✨🔗📖📚👉"))
    linked = sum(s.end - s.start for s in links)
    return links[0].start <= lead or linked * 3 >= body * 2


def _link_list(blocks: list[Node]) -> bool:
    """True when a section holds only lists, tables or lines of links (a TOC or resources).

    Every row must hold a link, and at least two thirds of the rows must be made of one.
    """
    rows: list[bool | None] = []
    for node in blocks:
        block = node.block
        if isinstance(block, ListBlock):
            rows += [_link_row(item.text, item.spans) for _depth, item in iter_items(block.items)]
        elif isinstance(block, Table):
            rows += [_link_row(row[0].text, row[0].spans) if row else None for row in block.rows]
        elif isinstance(block, Paragraph):
            start = 0
            for line in block.text.split("\n"):
                if line.strip():
                    inside = [s for s in block.spans if start <= s.start < start + len(line)]
                    rows.append(_link_row(line, shift(inside, -start)))
                start += len(line) + 1
        else:
            return False
    return bool(rows) and None not in rows and sum(1 for row in rows if row) * 3 >= len(rows) * 2


def decide(nodes: list[Node], title_index: int | None, layout: Layout | None = None) -> Outline:
    """Give every structural node a role, from the shape of the whole document."""
    layout = layout or Layout()
    outline = Outline()
    roles = outline.roles
    if title_index is not None:
        roles[title_index] = "title"
    headings = [i for i, n in enumerate(nodes) if n.kind == "head" and n.level <= 6 and i != title_index]

    # ---- days
    day_level: int | None = None
    forced_days = layout_level(layout.days)
    if forced_days is not None:
        if forced_days:
            day_level = forced_days
            for i, n in enumerate(nodes):
                if n.kind == "head" and n.level == forced_days and i != title_index:
                    roles[i] = "day"
    else:
        day_like = [i for i in headings if is_day(nodes[i])]
        if day_like:
            day_level = min(nodes[i].level for i in day_like)
            shallower = any(nodes[i].level < day_level for i in headings if i not in day_like)
            for i in day_like:
                strict = re.fullmatch(r"(?i)day\s*\w+|\d{4}-\d{2}-\d{2}", nodes[i].text.strip())
                if (nodes[i].level == day_level and not shallower) or strict:
                    roles[i] = "day"
        bare_days = not day_like
        for i, n in enumerate(nodes):
            if not bare_days or n.kind != "block" or not n.lone or not isinstance(n.block, Paragraph):
                continue
            if not n.block.spans and is_day(Node("head", n.line, text=n.block.text)):
                roles[i] = "day"
                n.text = n.block.text.strip()
    days = [i for i in roles if roles[i] == "day"]
    if days:
        levels = Counter(nodes[i].level for i in days)
        how = (
            "level-{} headings that name a day".format(*levels)
            if len(levels) == 1 and 0 not in levels
            else ("lines that name a day")
        )
        if forced_days:
            how = f"{_level_name(forced_days)} (as told)"
        outline.explain.append(f"days: {how} ({len(days)})")
    else:
        outline.explain.append("days: none named; one day")

    # ---- candidates for talks
    candidates = [i for i in headings if i not in roles]
    bolds = [
        i
        for i, n in enumerate(nodes)
        if n.kind == "head" and n.level == BOLD_LEVEL and i not in roles and _bold_title(n.text)
    ]
    forced_talks = layout_level(layout.talks)
    if forced_talks == BOLD_LEVEL:
        candidates += bolds
    elif forced_talks is None:
        candidates += [i for i in bolds if not candidates or _leads_with_meta(nodes, i)]
    if forced_talks is None and not candidates and title_index is None:
        for i, n in enumerate(nodes):
            if n.kind == "block" and n.lone and i not in roles and isinstance(n.block, Paragraph):
                text = n.block.text.strip()
                if looks_like_title(text) and not is_meta(text):
                    n.level, n.text = LINE_LEVEL, text
                    candidates.append(i)
    candidates.sort()
    structural = sorted(set(candidates) | set(days))
    for i in candidates:
        if nodes[i].kind == "block":
            nodes[i].kind = "head"
    tree = _Tree(nodes, structural)

    # Time-only headings that hold talks are slots, not a level of their own.
    cand_set = set(candidates)
    for i in candidates:
        if nodes[i].level <= 6 and time_only(nodes[i].text) and tree.kids(i, cand_set):
            roles[i] = "slot"
    candidates = [i for i in candidates if i not in roles]
    cand_set = set(candidates)

    # ---- sub-heading levels: most names at the level repeat
    by_level: dict[int, list[int]] = {}
    for i in candidates:
        by_level.setdefault(nodes[i].level, []).append(i)
    sub_levels: set[int] = set()
    repeated_names: dict[int, set[str]] = {}
    for level, at in by_level.items():
        counts = Counter(name_key(nodes[i].text) for i in at)
        repeats = sum(1 for i in at if counts[name_key(nodes[i].text)] > 1)
        if len(at) >= 2 and repeats * 2 >= len(at):
            sub_levels.add(level)
            repeated_names[level] = {name for name, count in counts.items() if count > 1 and name}

    # ---- talk level, per scope (each day, or the whole file)
    scopes: list[list[int]] = []
    if days:
        bounds = [*sorted(days), len(nodes)]
        scopes = [[i for i in candidates if a < i < b] for a, b in pairwise(bounds)]
        before = [i for i in candidates if i < bounds[0]]
        for i in before:
            roles[i] = "aside"
    else:
        scopes = [candidates]
    talk_levels: Counter[int] = Counter()
    group_levels: Counter[int] = Counter()
    for scope in scopes:
        if not scope:
            continue
        level = forced_talks if forced_talks else _talk_level(scope, nodes, tree, sub_levels, bool(days))
        if forced_talks == 0:
            for i in scope:
                roles[i] = "sub"
            continue
        talk_levels[level] += 1
        _assign(scope, level, nodes, tree, roles, repeated_names, told=bool(forced_talks))
        group_levels.update(nodes[i].level for i in scope if roles.get(i) == "group")
    outline.talk_level = talk_levels.most_common(1)[0][0] if talk_levels else BOLD_LEVEL
    one_talk = not days and not forced_talks and _one_talk(candidates, nodes, roles, outline.talk_level)
    talks = sum(1 for r in roles.values() if r == "talk")
    told = " (as told)" if forced_talks else ""
    if one_talk:
        outline.explain.append("talks: one, the whole file (its sections name the parts of one talk)")
    elif talk_levels:
        names = " and ".join(_level_name(level) for level in sorted(talk_levels))
        outline.explain.append(f"talks: {names}{told} ({talks})")
    else:
        outline.explain.append("talks: none found")
    for level in sorted(group_levels):
        outline.explain.append(
            f"{_level_name(level)}: groups, used as the talks' track ({group_levels[level]})"
        )
    asides = [nodes[i].text for i in sorted(roles) if roles[i] == "aside"]
    if asides:
        shown = ", ".join(repr(text[:40]) for text in asides[:4]) + (", ..." if len(asides) > 4 else "")
        outline.explain.append(f"not talks, kept as intro: {shown}")
    subs = sorted({nodes[i].level for i in roles if roles[i] == "sub" and nodes[i].level <= BOLD_LEVEL})
    for level in subs:
        outline.explain.append(f"{_level_name(level)}: sub-headings")
    return outline


#: Names of the parts of one talk's notes: a file whose sections are mostly these is one talk.
_PART_NAMES = re.compile(
    r"^(?:(?:my |some |personal |key |main |final |general )?(?:notes|thoughts|takeaways?|take aways?|"
    r"points|learnings?|lessons(?: learned)?|highlights|impressions|quotes|questions|ideas|insights)|"
    r"abstract|description|details|summary|tl ?dr|overview|introduction|intro|background|context|"
    r"conclusions?|wrap ?up|q ?a|q and a|slides|video|recording|resources|links|references|"
    r"further reading|reading list|tools|examples?|demo|code|speakers?|about(?: the speakers?)?|"
    r"agenda|outline|problem|solution|results?|next steps|see also|misc(?:ellaneous)?)$"
)


def _one_talk(candidates: list[int], nodes: list[Node], roles: dict[int, Role], level: int) -> bool:
    """A file with no days whose sections at the talk level are mostly named like the parts
    of one talk (Summary, Key takeaways, Slides) is one talk: its sections become sub-headings."""
    at_level = [i for i in candidates if nodes[i].level == level and roles.get(i) in ("talk", "aside")]
    if not any(roles.get(i) == "talk" for i in at_level):
        return False
    parts = sum(1 for i in at_level if _PART_NAMES.match(name_key(nodes[i].text)))
    if parts * 3 < len(at_level) * 2:
        return False
    for i in candidates:
        if roles.get(i) in ("talk", "aside", "group"):
            roles[i] = "sub"
    return True


def _bold_title(text: str) -> bool:
    """A whole-line bold text that could name a talk (not a sentence or a fact)."""
    text = text.strip()
    return bool(text) and len(text) <= 150 and text[-1] not in ".,;:" and not is_meta(text)


def _leads_with_meta(nodes: list[Node], index: int) -> bool:
    """True when the node after `index` starts with a Speaker/time line."""
    if index + 1 >= len(nodes):
        return False
    node = nodes[index + 1]
    if node.kind == "head":
        return is_meta(node.text)
    block = node.block
    if isinstance(block, Paragraph):
        return is_meta(block.text.split("\n", 1)[0].strip())
    if isinstance(block, ListBlock) and block.items:
        return is_meta(block.items[0].text.split("\n", 1)[0].strip())
    return False


def _talk_level(scope: list[int], nodes: list[Node], tree: _Tree, sub_levels: set[int], in_day: bool) -> int:
    """The shallowest level in `scope` that is neither a sub-heading nor a grouping level."""
    levels = sorted({nodes[i].level for i in scope})
    usable = [level for level in levels if level not in sub_levels] or levels
    scope_set = set(scope)
    for at, level in enumerate(usable):
        deeper = {i for i in scope_set if nodes[i].level in usable[at + 1 :]}
        heads = [i for i in scope if nodes[i].level == level]
        holding = [i for i in heads if tree.kids(i, deeper)]
        if not deeper or len(holding) * 2 < len(heads):
            return level
        named = sum(1 for i in holding if _GROUP_WORDS.search(nodes[i].text.lower()))
        if named * 2 >= len(holding):
            continue
        if in_day:
            return level
        kids = sorted(len(tree.kids(i, deeper)) for i in holding)
        own = sorted(tree.own_blocks(i) for i in holding)
        # Without days, a level groups when its sections hold several sessions each and
        # say little themselves: two will do when one of them is named for talks.
        if own[len(own) // 2] <= 1 and kids[len(kids) // 2] >= (2 if named else 3):
            continue
        return level
    return usable[-1]


def _assign(
    scope: list[int],
    talk_level: int,
    nodes: list[Node],
    tree: _Tree,
    roles: dict[int, Role],
    repeated_names: dict[int, set[str]],
    *,
    told: bool = False,
) -> None:
    """Roles for the candidates of one scope, given its talk level."""
    sub_names = {name for level, names in repeated_names.items() if level > talk_level for name in names}
    talk_like = {i for i in scope if nodes[i].level == talk_level}
    groups = [i for i in scope if nodes[i].level < talk_level and tree.kids(i, talk_like)]
    named = [i for i in groups if _GROUP_WORDS.search(nodes[i].text.lower())]
    off_groups = [i for i in groups if named and i not in named and not told]
    every = set(scope)
    muted: set[int] = set()
    for i in off_groups:
        muted.update(tree.kids(i, set(scope)))
    for i in scope:
        node = nodes[i]
        if i in muted:
            roles[i] = "sub"
        elif i in off_groups:
            roles[i] = "aside"
        elif i in groups:
            roles[i] = "group"
        elif told and node.level == talk_level:
            roles[i] = "talk"  # the user said these are the talks
        elif node.level > talk_level or (node.level == talk_level and name_key(node.text) in sub_names):
            roles[i] = "sub"
        elif (
            _ASIDE_NAMES.match(name_key(node.text))
            or (not tree.kids(i, every) and _link_list(tree.blocks(i)))
            or (node.level < talk_level and not tree.blocks(i))
        ):
            roles[i] = "aside"
        else:
            roles[i] = "talk"
