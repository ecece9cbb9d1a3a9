"""The tree does work in proportion to what is shown: folded days make their talk nodes
when needed, and marks are drawn with the rows rather than set on every node.

`UNFOLDED_TALKS` is lowered so the bundled notes (20 talks over 3 days) count as a
big notebook: its days open folded, as those of a 100,000-talk file do.
"""

from __future__ import annotations

import pytest
from textual.widgets.tree import TreeNode

from qcon_tui.model import Day, Talk
from qcon_tui.tui.widgets import talk_tree
from qcon_tui.tui.widgets.talk_tree import TalkMarks, TalkTree
from tests.tui_helpers import make_app, pane_text, settle, type_search, widget_text


@pytest.fixture
def big(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any notebook listing more than 5 talks counts as big: its days open folded."""
    monkeypatch.setattr(talk_tree, "UNFOLDED_TALKS", 5)


def day_nodes(tree: TalkTree) -> list[TreeNode[object]]:
    return [node for node in tree.root.children if isinstance(node.data, Day)]


def talk_nodes(tree: TalkTree) -> int:
    """How many talk nodes the tree has made so far."""
    return sum(1 for day in day_nodes(tree) for leaf in day.children if isinstance(leaf.data, Talk))


@pytest.mark.usefixtures("big")
async def test_a_big_notebook_opens_with_only_the_shown_days_talks_made() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        tree = app.query_one(TalkTree)
        day1, day2, day3 = day_nodes(tree)
        assert day1.is_expanded and not day2.is_expanded and not day3.is_expanded
        assert talk_nodes(tree) == 7  # the first day's, where the first talk is shown
        assert not day2.children and not day3.children
        # Folded days still say how many talks they hold, and every talk is listed.
        assert [tree.row_label(node).plain for node in (day2, day3)] == ["day 2 (7)", "day 3 (6)"]
        assert tree.listed_talks() == app.browser.notebook.talks


@pytest.mark.usefixtures("big")
async def test_brackets_step_into_a_folded_day_and_back() -> None:
    app = make_app()
    talks = app.browser.notebook.talks
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        tree = app.query_one(TalkTree)
        for _ in range(7):
            await pilot.press("right_square_bracket")
        await pilot.pause()
        assert app.browser.selected is talks[7]  # the first talk of day 2, folded until now
        day2 = day_nodes(tree)[1]
        assert day2.is_expanded and len(day2.children) == 7
        assert tree.cursor_node is not None and tree.cursor_node.data is talks[7]
        assert "day 2 · talk 1 of 7" in pane_text(app)
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert app.browser.selected is talks[6]
        assert tree.cursor_node is not None and tree.cursor_node.data is talks[6]


@pytest.mark.usefixtures("big")
async def test_showing_a_talk_of_a_folded_day_unfolds_it() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        tree = app.query_one(TalkTree)
        last = app.browser.notebook.talks[-1]
        app.browser.selected = last
        await pilot.pause()
        day3 = day_nodes(tree)[2]
        assert day3.is_expanded
        assert tree.cursor_node is not None and tree.cursor_node.data is last
        assert last.title[:20] in widget_text(tree)
        assert not day_nodes(tree)[1].is_expanded  # the day in between stays folded


@pytest.mark.usefixtures("big")
@pytest.mark.parametrize("key", ["l", "enter"])
async def test_unfolding_a_folded_day_with_a_key_makes_and_shows_its_talks(key: str) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        tree = app.query_one(TalkTree)
        day3 = day_nodes(tree)[2]
        tree.move_cursor(day3)
        await pilot.press(key)
        await settle(pilot)
        assert day3.is_expanded and len(day3.children) == 6
        first = app.browser.notebook.days[2].talks[0]
        assert first.title[:20] in widget_text(tree)
        await pilot.press("l")  # on an unfolded day: into its first talk
        assert tree.cursor_node is not None and tree.cursor_node.data is first


@pytest.mark.usefixtures("big")
async def test_filter_and_search_count_talks_of_folded_days() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        tree = app.query_one(TalkTree)
        talks = app.browser.notebook.talks
        starred = frozenset({talks[9].id, talks[15].id})
        tree.marks = TalkMarks(starred=starred, gutter=True)
        tree.talk_filter = "starred"
        await pilot.pause()
        # Two starred talks: few enough that their days open unfolded.
        assert tree.listed_talks() == [talks[9], talks[15]]
        labels = [tree.row_label(node).plain for node in day_nodes(tree)]
        assert labels == ["day 2 (1 of 7)", "day 3 (1 of 6)"]
        assert all(node.is_expanded for node in day_nodes(tree))
        tree.talk_filter = "all"
        await pilot.pause()
        assert len(tree.listed_talks()) == len(talks)

        await pilot.press("escape")
        await type_search(pilot, "facebok live")
        day1, day2, _day3 = day_nodes(tree)
        assert not day2.is_expanded
        assert tree.row_label(day1).plain == "day 1 (0 of 7)"
        assert tree.row_label(day2).plain == "day 2 (1 of 7)"


async def test_a_mark_changes_the_drawn_row_without_relabelling_nodes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        tree = app.query_one(TalkTree)
        talk = app.browser.notebook.talks[2]  # one with a speaker
        before = widget_text(tree)
        assert f"★ {talk.title[:15]}" not in before
        relabelled: list[object] = []
        real_set_label = TreeNode.set_label

        def counting_set_label(node: TreeNode[object], label: object) -> None:
            relabelled.append(node.data)
            real_set_label(node, label)  # type: ignore[arg-type]

        monkeypatch.setattr(TreeNode, "set_label", counting_set_label)
        tree.marks = TalkMarks(starred=frozenset({talk.id}), gutter=True)
        await pilot.pause()
        assert f"★ {talk.title[:15]}" in widget_text(tree)
        tree.show_speakers = True
        await pilot.pause()
        assert talk.speaker_label and f"— {talk.speaker_label[:6]}" in widget_text(tree)
        assert relabelled == []


async def test_a_search_that_finds_the_same_talks_leaves_the_rows_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        tree = app.query_one(TalkTree)
        repaints: list[None] = []
        real_repaint = tree._repaint_rows
        monkeypatch.setattr(tree, "_repaint_rows", lambda: (repaints.append(None), real_repaint()))
        talks = app.browser.notebook.talks
        tree.mark_hits([talks[0], talks[3]])
        tree.mark_hits([talks[3], talks[0]])  # the same talks, as the next key finds them
        assert len(repaints) == 1
        tree.mark_hits([talks[3]])
        tree.mark_hits(None)
        tree.mark_hits(None)
        assert len(repaints) == 3
        assert "dim" not in str(tree.row_label(tree.node_for(talks[0])).style)  # type: ignore[arg-type]
