"""The console's small parts: a date read back unambiguously, dropdowns that keep a choice."""

import datetime as dt

import ipywidgets as w

from peerkit.widgets.parts import dated, make_button, set_options, spelled


def test_a_picked_date_is_spelled_beside_the_picker_and_follows_every_change():
    picker = w.DatePicker(description="Next meeting", value=dt.date(2027, 1, 6))
    box = dated(picker)
    readback = box.children[1]
    assert readback.value == "Wed 6 Jan 2027"  # never 01/06 (1 June or 6 January?)
    picker.value = dt.date(2027, 6, 1)
    assert readback.value == "Tue 1 Jun 2027"
    picker.value = None
    assert readback.value == ""


def test_spelled_leaves_no_leading_zero():
    assert spelled(dt.date(2026, 12, 2)) == "Wed 2 Dec 2026"


def test_a_button_is_as_wide_as_its_label():
    button = make_button("Save next meeting date")
    assert (button.layout.width, button.layout.max_width) == ("max-content", "100%")


def test_set_options_keeps_the_choice_then_the_preferred_then_the_first_then_none():
    pick = w.Dropdown(options=[("A", 1), ("B", 2)], value=2)
    set_options(pick, [("A", 1), ("B", 2), ("C", 3)])
    assert pick.value == 2
    set_options(pick, [("A", 1), ("C", 3)], prefer=3)
    assert pick.value == 3
    set_options(pick, [("D", 4), ("E", 5)], prefer=9)
    assert pick.value == 4
    set_options(pick, [])
    assert pick.value is None


def test_a_fold_builds_its_content_the_first_time_it_is_opened_and_only_then() -> None:
    from peerkit.widgets.parts import Fold

    built: list[w.Widget] = []

    def build() -> w.Widget:
        built.append(w.Text(description="inside"))
        return built[-1]

    fold = Fold("More", build)
    content = fold.content
    assert built == [] and content.panel is None and fold.children == (content,)
    assert fold.selected_index is None and fold.get_title(0) == "More"
    fold.selected_index = 0  # the facilitator opens it
    assert len(built) == 1 and content.children == (built[0],)
    fold.selected_index = None
    fold.selected_index = 0  # closed and opened again: the same widgets, not new ones
    assert content.build() is built[0] and len(built) == 1
