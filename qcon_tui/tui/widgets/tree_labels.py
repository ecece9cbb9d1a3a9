"""The tree's row labels: a day's or a notebook's count, a talk's mark gutter and title.

Pure functions of the model and the marks, with no widget state, so the tree
(`talk_tree.py`), the help screen and tests share them. Labels are `Text`, so
titles are never read as markup.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text

from ...model import Day, Notebook, Talk


def day_label(day: Day, shown: int | None = None) -> Text:
    """ "day 1 (7)", or "day 1 (2 of 7)" while a search or a filter shows `shown` of its talks."""
    return _counted(day.title or "untitled day", len(day.talks), shown)


def notebook_label(notebook: Notebook, shown: int | None = None, *, name: str | None = None) -> Text:
    """A notebook in a library: "QCon London 2017 (42)", or "(3 of 42)" while a search shows 3.

    `name` (its file name) tells it apart from another notebook of the same title.
    """
    label = _counted(notebook.title or "untitled notes", len(notebook.talks), shown)
    if name:
        label.append(f" · {name}", style="dim")
    return label


def _counted(title: str, total: int, shown: int | None) -> Text:
    count = f"({total})" if shown is None or shown == total else f"({shown} of {total})"
    label = Text(title)
    label.append(" ")
    label.append(count, style="dim")
    return label


STAR = "★"
UNREAD = "•"
NOTED = "✎"


@dataclass(frozen=True)
class TalkMarks:
    """What the tree shows beside each talk: which are starred and which were read.

    `read` is None when read marks are not known (not loaded yet, or not kept, as
    in read-only mode): then no talk is marked unread. Without `gutter` the titles
    get no mark column at all.
    """

    starred: frozenset[str] = frozenset()
    read: frozenset[str] | None = None
    gutter: bool = False
    #: Talks you wrote a note on.
    noted: frozenset[str] = frozenset()

    def unread(self, talk: Talk) -> bool:
        """True when read marks are known and `talk` has none."""
        return self.read is not None and talk.id not in self.read


#: With speakers shown, a title is cut to no fewer cells than this to make room for them.
MIN_TITLE_CELLS = 12


def talk_label(
    talk: Talk,
    marks: TalkMarks,
    *,
    speakers: bool = False,
    missed: bool = False,
    width: int | None = None,
) -> Text:
    """A talk's row: the mark gutter, the title, and with `speakers` " — the speakers" (dim).

    Given the `width` the row has, a long title is cut with "…" so the speakers
    still show in a narrow tree. `missed` (a search did not find the talk) dims
    the whole row.
    """
    base = "dim" if missed else ""
    if not marks.gutter:
        gutter, mark_style = "", ""
    elif talk.id in marks.starred:
        gutter, mark_style = f"{STAR} ", "bold"
    elif talk.id in marks.noted:
        gutter, mark_style = f"{NOTED} ", "bold"
    elif marks.unread(talk):
        gutter, mark_style = f"{UNREAD} ", "dim"
    else:
        gutter, mark_style = "  ", ""
    if not speakers:  # most rows: one Text, no appending
        label = Text(gutter + talk.title, style=base)
        if mark_style:
            label.stylize(mark_style, 0, len(gutter))
        return label
    label = Text(style=base)
    label.append(gutter, style=mark_style or None)
    title = Text(talk.title)
    who = Text(f" — {talk.speaker_label}", style="dim") if speakers and talk.speaker_label else None
    if who is not None and width is not None:
        room = width - label.cell_len - who.cell_len
        if title.cell_len > room:
            title.truncate(max(MIN_TITLE_CELLS, room), overflow="ellipsis")
    label.append_text(title)
    if who is not None:
        label.append_text(who)
    return label
