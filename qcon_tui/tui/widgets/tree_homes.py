"""Where each talk of the tree lives: its day, and the day's notebook, known without nodes.

The tree makes a day's talk nodes only when they are needed, so it cannot find a
talk's day by walking its nodes. `TalkHomes` answers from the model instead, built
on the first question (a search's counts, a talk shown in a folded day). Talks are
told apart by identity: two notebooks of a library may share talk ids.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ...model import Day, Notebook, Talk


class TalkHomes:
    """`id()` of a talk → its day, and of a day → its notebook, for the notebooks `source` gives."""

    def __init__(self, source: Callable[[], Iterable[Notebook]]) -> None:
        self._source = source
        self._day_of: dict[int, Day] = {}
        self._notebook_of: dict[int, Notebook] = {}
        self._built = False

    def day_of(self, talk: Talk) -> Day | None:
        """The day that holds `talk` (listed or not); None for a talk not in these notes."""
        if not self._built:
            self._built = True
            for notebook in self._source():
                self.add(notebook)
        return self._day_of.get(id(talk))

    def owners(self, talk: Talk, *, library: bool) -> tuple[int, ...]:
        """`id()` of the day (and, in a `library`, the notebook) that hold `talk`."""
        day = self.day_of(talk)
        if day is None:
            return ()
        return (id(day), id(self._notebook_of[id(day)])) if library else (id(day),)

    def add(self, notebook: Notebook) -> None:
        """Take in a notebook that joined (a library's file loaded), once the map is built."""
        if not self._built:
            return  # read with the others on the first question
        for day in notebook.days:
            self._notebook_of[id(day)] = notebook
            for talk in day.talks:
                self._day_of[id(talk)] = day
