"""The console's small parts: a date read back unambiguously, dropdowns that keep a choice, one
layout and style for the widgets that look alike."""

import datetime as dt

import ipywidgets as w
import pytest

from peerkit.widgets.parts import (
    dated,
    html,
    make_button,
    own_layout,
    row,
    set_options,
    spelled,
)


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


def test_widgets_that_look_alike_share_one_layout_and_style():
    first, second = make_button("Start"), make_button("Pause")
    assert first.layout is second.layout and first.style is second.style
    assert html("<p>a</p>").layout is html("<p>b</p>").layout is row().layout
    assert row(flex_flow="row wrap").layout is not row().layout  # another look, another one


def test_a_shared_layout_refuses_a_change_that_would_reach_every_widget_sharing_it():
    button, other = make_button("Start"), make_button("Pause")
    with pytest.raises(AttributeError, match="shared by many widgets"):
        button.layout.display = "none"
    assert other.layout.display is None
    own_layout(button).display = "none"  # its own copy, with the shared look
    assert (button.layout.display, button.layout.width) == ("none", "max-content")
    assert other.layout.display is None and own_layout(button) is button.layout


def test_a_closed_shared_layout_is_not_handed_out_again():
    before = html().layout
    before.close()
    assert html().layout is not before and html().layout.comm is not None
