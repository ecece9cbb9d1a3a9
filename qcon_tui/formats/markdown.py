"""Reader for Markdown conference notes: markdown-it tokens, then a structure step.

`markdown_tokens` turns the source into headings and blocks (with inline spans);
`structure` decides from the whole outline which headings are days, talks, groups
and sub-headings; this module gathers each talk's notes and facts (`Speaker:`,
`Track:`, `Room:`, `Date:`, time slots) and builds the `Notebook`. Nothing but markup
is dropped: sections that are not talks go to the intro.

The title is the front matter's `title` (or a bare `title:` first line), else a lone
shallowest heading at the top that is not a day, else the file name.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace

from ..model import Block, Code, Diagnostic, Heading, ListBlock, Notebook, Paragraph, Speaker, assign_ids
from .layout import LAYOUT_VALUES, Layout
from .markdown_meta import fact, parse_speakers, split_time_prefix, time_only
from .markdown_tokens import BOLD_LEVEL, Node, parse_nodes, prepass, shift
from .sniff import looks_like_markdown as looks_like_markdown  # re-exported
from .structure import Outline, decide, find_title
from .text import title_from_path

_SHORTCODE_RE = re.compile(r":[a-z0-9_+-]{1,40}:$")
_BARE_META_RE = re.compile(r"^(?P<key>[A-Za-z][\w-]{0,30}):[ \t]*(?P<value>.*)$")

__all__ = ["Layout", "looks_like_markdown", "parse_speakers", "read_markdown"]


# --------------------------------------------------------------------------- front matter


def _front_matter(lines: list[str], diagnostics: list[Diagnostic]) -> tuple[dict, int]:
    """Parse YAML front matter, or a bare `title:` header; return (fields, lines it takes)."""
    if lines and _BARE_META_RE.match(lines[0]) and lines[0].lower().startswith("title:"):
        data: dict = {}
        end = 0
        while end < len(lines) and (m := _BARE_META_RE.match(lines[end])):
            data[m["key"].lower()] = m["value"].strip()
            end += 1
        return data, end
    if not lines or lines[0].strip() != "---":
        return {}, 0
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            break
    else:
        diagnostics.append(Diagnostic(1, "front matter is never closed; read as notes"))
        return {}, 0
    source = "\n".join(lines[1:end])
    import yaml

    from .safe_yaml import safe_load

    try:
        loaded = safe_load(source) if source.strip() else {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = 2 + mark.line if mark is not None else 1
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        diagnostics.append(Diagnostic(line, f"front matter is not valid YAML; kept as text ({reason})"))
        return {"_invalid": source}, end + 1
    if loaded is None:
        loaded = {}
    if not isinstance(loaded, dict):
        diagnostics.append(Diagnostic(1, "front matter is not a mapping; kept as text"))
        return {"_invalid": source}, end + 1
    return loaded, end + 1


def _layout(meta: dict, given: Layout | None, diagnostics: list[Diagnostic]) -> Layout:
    """The layout `given` (from the command line), else told in front matter (`days:`, `talks:`)."""
    layout = Layout()
    for key in ("days", "talks"):
        value = meta.get(key)
        if value is None:
            continue
        value = str(value).strip().lower()
        if value in LAYOUT_VALUES:
            layout = replace(layout, **{key: value})
        else:
            diagnostics.append(
                Diagnostic(
                    1, f"front matter {key}: {value!r} is not one of {', '.join(LAYOUT_VALUES)}; ignored"
                )
            )
    given = given or Layout()
    return Layout(given.days or layout.days, given.talks or layout.talks)


# --------------------------------------------------------------------------- sections


@dataclass
class _Section:
    """A talk (or the intro) being gathered: its title, facts and nodes."""

    title: str
    line: int
    nodes: list[Node] = field(default_factory=list)
    track: str | None = None
    slot: tuple[str, str | None] | None = None
    preamble: bool = False
    level: int = 0
    speakers: tuple[Speaker, ...] = ()


def _blocks(nodes: list[Node], base: int, diagnostics: list[Diagnostic]) -> list[Block]:
    """Blocks of a section; heads inside it become sub-headings relative to `base`."""
    blocks: list[Block] = []
    last_heading = 0
    for node in nodes:
        if node.kind == "block" and node.block is not None:
            blocks.append(node.block)
        elif node.kind == "head":
            text = node.text.strip()
            if not text:
                diagnostics.append(Diagnostic(node.line, "empty heading ignored"))
                continue
            if node.level < BOLD_LEVEL:
                level = max(1, node.level - base) if base < BOLD_LEVEL else node.level
            else:
                level = min(6, last_heading + 1)
            last_heading = level
            blocks.append(Heading(text, level=level, line=node.line, spans=node.spans))
    return blocks


def _take_meta(section: _Section) -> dict:
    """Pull Speaker/time/track/room/date lines from the top of a talk into its facts."""
    facts: dict = {}
    speakers: list[Speaker] = []

    def use(text: str) -> bool:
        found = fact(text.strip())
        if found is None:
            return False
        key, value = found
        if key == "speakers":
            speakers.extend(value)  # type: ignore[arg-type]
        elif key == "slot":
            facts["start"], facts["end"] = value  # type: ignore[misc]
        else:
            facts[key] = value
        return True

    nodes = section.nodes
    while nodes:
        node = nodes[0]
        block = node.block
        if node.kind == "head":
            if not use(node.text):
                break
            nodes.pop(0)
        elif isinstance(block, Paragraph):
            lines = block.text.split("\n")
            taken = 0
            while taken < len(lines) and use(lines[taken]):
                taken += 1
            if taken < len(lines):
                if taken:
                    offset = sum(len(line) + 1 for line in lines[:taken])
                    rest = Paragraph(
                        block.text[offset:], block.line + taken, tuple(shift(block.spans, -offset, offset))
                    )
                    nodes[0] = Node("block", rest.line, block=rest)
                break
            nodes.pop(0)
        elif isinstance(block, ListBlock):
            items = list(block.items)
            while items and not items[0].children and use(items[0].text):
                items.pop(0)
            if items:
                if len(items) < len(block.items):
                    nodes[0] = Node(
                        "block", items[0].line, block=replace(block, items=tuple(items), line=items[0].line)
                    )
                break
            nodes.pop(0)
        else:
            break
    if speakers:
        facts["speakers"] = tuple(speakers)
    return facts


def _talk_fields(section: _Section, base: int, diagnostics: list[Diagnostic]) -> dict:
    """The keyword arguments of a `Talk` (minus its id) for a gathered section."""
    facts = _take_meta(section)
    if section.speakers and "speakers" not in facts:
        facts["speakers"] = section.speakers
    if section.slot and "start" not in facts:
        facts["start"], facts["end"] = section.slot
    if facts.get("end") is None:
        facts.pop("end", None)
    facts.setdefault("track", section.track)
    fields = {"title": section.title, "line": section.line, **facts}
    fields["blocks"] = tuple(_blocks(section.nodes, base, diagnostics))
    return {key: value for key, value in fields.items() if value is not None}


def _pending_time(section: _Section) -> tuple[str, str | None] | None:
    """A lone time-slot line ending the previous section belongs to the next talk."""
    if not section.nodes:
        return None
    node = section.nodes[-1]
    if not (node.lone and isinstance(node.block, Paragraph)):
        return None
    slot = time_only(node.block.text.strip())
    if slot:
        section.nodes.pop()
    return slot


_NAME_WORD_RE = re.compile(r"[A-ZÀ-Þ][\w'’.!-]{0,30}|van|von|de|der|da|di|du|le|la|bin")
#: What separates names; the spaces around are stripped from the parts, not matched
#: (`\s*` on both sides made a long run of spaces quadratic).
_NAME_SEP_RE = re.compile(r",|&|\band\b")


def _looks_like_names(text: str) -> bool:
    """`Grace Example`, `Lin Sample, Raj Example`: short capitalised names, nothing else."""
    if not text or len(text) > 80 or text.endswith(":"):
        return False
    parts = [part for part in map(str.strip, _NAME_SEP_RE.split(text)) if part]
    return bool(parts) and all(
        1 <= len(words := part.split()) <= 4
        and all(_NAME_WORD_RE.fullmatch(word) and word.lower() not in _TITLE_WORDS for word in words)
        for part in parts
    )


#: Words that start titles, not names: "The Problem" is a sub-heading.
_TITLE_WORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "for",
        "in",
        "on",
        "to",
        "with",
        "how",
        "why",
        "what",
        "when",
        "my",
        "our",
        "your",
        "this",
        "that",
    ]
)


def _speaker_headings(sections: list[_Section]) -> None:
    """When most talks open with a sub-heading that is only names, those are the speakers.

    `## Talk` then `#### Grace Example` under every talk: the names leave the notes and
    become the talk's speakers. A name used by several talks (`Topics`) is a sub-heading.
    """
    openers = [s.nodes[0] if s.nodes and s.nodes[0].kind == "head" else None for s in sections]
    texts = Counter(node.text.strip() for node in openers if node is not None)
    named = [
        node is not None and texts[node.text.strip()] == 1 and _looks_like_names(node.text.strip())
        for node in openers
    ]
    if len(sections) < 2 or sum(named) * 3 < len(sections) * 2:
        return
    # Sub-sections come in twos and threes; a speaker line is mostly the only heading of its level.
    alone = sum(
        1
        for section, node, is_name in zip(sections, openers, named, strict=True)
        if is_name
        and node is not None
        and sum(1 for n in section.nodes if n.kind == "head" and n.level == node.level) == 1
    )
    if alone * 2 < sum(named):
        return
    for section, node, is_name in zip(sections, openers, named, strict=True):
        if is_name and node is not None:
            section.speakers = parse_speakers("speakers", node.text.strip())
            section.nodes.pop(0)


def _talk_title(text: str) -> str:
    """A heading's text as a talk title: no trailing colon."""
    text = text.strip()
    if not text.endswith(":") or len(text) < 2 or _SHORTCODE_RE.search(text):
        return text
    return text[:-1].rstrip()


# --------------------------------------------------------------------------- reader


def read_markdown(text: str, path: str | None = None, layout: Layout | None = None) -> Notebook:
    """Parse Markdown notes into a `Notebook`; never fails on odd input, warns instead.

    `layout` overrides the guess of which heading levels are days and talks.
    """
    notebook, _outline = read_markdown_explained(text, path, layout)
    return notebook


def read_markdown_explained(
    text: str, path: str | None = None, layout: Layout | None = None
) -> tuple[Notebook, Outline]:
    """`read_markdown`, and the outline decision that explains how the file was read."""
    diagnostics: list[Diagnostic] = []
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    meta, skip = _front_matter(lines, diagnostics)
    body = prepass([""] * skip + lines[skip:])
    parsed = parse_nodes("\n".join(body))
    nodes, images = parsed.nodes, parsed.images
    for line in parsed.unclosed:
        diagnostics.append(Diagnostic(line, "code fence is never closed; read to the end"))
    if "_invalid" in meta:
        nodes.insert(0, Node("block", 2, block=Code(meta.pop("_invalid"), "yaml", 2)))

    title_index = find_title(nodes)
    title = str(meta["title"]).strip() if isinstance(meta.get("title"), (str, int, float)) else ""
    if title_index is not None and not title:
        title = nodes[title_index].text.strip()
    title = title or title_from_path(path)

    outline = decide(nodes, title_index, _layout(meta, layout, diagnostics))
    roles = outline.roles
    intro = _Section(title, 0)
    days: list[tuple[str, int, list[_Section]]] = []
    current = intro
    track: str | None = None
    track_level = 0
    slot: tuple[str, str | None] | None = None

    for i, node in enumerate(nodes):
        role = roles.get(i)
        if role == "title":
            if node.text.strip() != title:
                intro.nodes.append(node)
            continue
        if role is None or role == "sub":
            current.nodes.append(node)
            continue
        label = node.text.strip()
        if role == "day":
            days.append((label, node.line, []))
            track, slot = None, None
            current = _Section(label, node.line, preamble=True, level=node.level)
            days[-1][2].append(current)
        elif role == "aside":
            if node.level <= track_level:
                track = None
            current = intro
            intro.nodes.append(node)
        elif role == "group":
            track, track_level = _talk_title(label), node.level
            current = intro
            intro.nodes.append(node)
        elif role == "slot":
            slot = time_only(label)
        else:  # a talk
            if node.level <= track_level:
                track, track_level = None, 0
            if not days:
                days.append(("", node.line, []))
            talk_title, time = split_time_prefix(_talk_title(label))
            pending = _pending_time(current) if current is not intro else None
            section = _Section(talk_title or label, node.line, track=track, slot=time or pending or slot)
            days[-1][2].append(section)
            current = section

    _speaker_headings([section for _t, _l, sections in days for section in sections if not section.preamble])
    base = outline.talk_level
    talks_by_day: list[tuple[str, int, list[dict]]] = []
    for day_title, day_line, sections in days:
        talks = []
        for section in sections:
            if section.preamble and not any(n.kind == "block" for n in section.nodes):
                continue
            if section.preamble and len(sections) > 1:
                # A day's own notes before its talks are not a talk: they join the intro,
                # under the day's name. A day with no talks keeps them as one talk.
                heading = Node("head", section.line, max(1, section.level), section.title)
                intro.nodes.extend([heading, *section.nodes])
                continue
            talks.append(_talk_fields(section, base, diagnostics))
        talks_by_day.append((day_title, day_line, talks))

    filled = [n for n in intro.nodes if n.kind != "hr"]
    if filled and not any(talks for _t, _l, talks in talks_by_day):
        # No talks found: the whole file is one talk, so it can still be browsed.
        intro.line = nodes[title_index].line if title_index is not None else filled[0].line
        talk = _talk_fields(intro, base, diagnostics)
        if talks_by_day:
            talks_by_day[0][2].append(talk)
        else:
            talks_by_day.append(("", intro.line, [talk]))
        intro_blocks: list[Block] = []
    else:
        levels = [n.level for n in intro.nodes if n.kind == "head" and n.level < BOLD_LEVEL]
        intro_blocks = _blocks(intro.nodes, min(levels) - 1 if levels else 0, diagnostics)
    _add_images(talks_by_day, images)
    notebook = Notebook(
        title=title,
        intro=tuple(intro_blocks),
        days=tuple(assign_ids(talks_by_day)),
        source=path,
        diagnostics=tuple(replace(d, path=path) for d in sorted(diagnostics, key=lambda d: d.line)),
        reading=tuple(outline.explain),
    )
    return notebook, outline


def _add_images(talks_by_day: list[tuple[str, int, list[dict]]], images: list[str]) -> None:
    """Add the URL of every image shown in a talk's notes to the talk's links."""
    if not images:
        return
    wanted = set(images)
    for _title, _line, talks in talks_by_day:
        for talk in talks:
            found = [
                span.target
                for block in talk["blocks"]
                for span in _block_spans(block)
                if span.style == "link" and span.target in wanted
            ]
            if found:
                talk["links"] = tuple(dict.fromkeys([*talk.get("links", ()), *found]))


def _block_spans(block: Block) -> list:
    from ..model import Table, iter_items

    if isinstance(block, ListBlock):
        return [span for _d, item in iter_items(block.items) for span in item.spans]
    if isinstance(block, Table):
        return [span for row in (block.header, *block.rows) for cell in row for span in cell.spans]
    return list(getattr(block, "spans", ()))
