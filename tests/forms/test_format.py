"""Test jidi_docs.forms._format: line breaks between names, and reading them back."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from jidi_docs.forms._format import lines_between_names, names_without_lines

NAME = (
    st.text(
        alphabet=st.sampled_from("亚马逊速卖通敦煌网虾皮希音天猫国际eBayShopTikk "),
        min_size=1,
        max_size=8,
    )
    .map(str.strip)
    .filter(bool)
)
SEPARATOR = st.sampled_from(["、", "，", ", ", "；", "/"])


def test_a_name_that_would_be_cut_goes_whole_to_the_next_line() -> None:
    assert lines_between_names("亚马逊、速卖通", 2.4) == "亚马逊、\n速卖通"
    assert lines_between_names("速卖通", 2.4) == "速卖通"
    assert lines_between_names("（亚马逊、速卖通、eBay、Shopee、TikTok Shop、Lazada）", 5.1) == (
        "（亚马逊、速卖通、\neBay、Shopee、\nTikTok Shop、\nLazada）"
    )


@given(st.lists(st.tuples(NAME, SEPARATOR), min_size=1, max_size=8), st.floats(1.0, 8.0))
def test_the_names_read_back_as_they_were_written(
    parts: list[tuple[str, str]], width: float
) -> None:
    text = "".join(name + sep for name, sep in parts).rstrip(" ")

    wrapped = lines_between_names(text, width)

    assert names_without_lines(wrapped) == text
    assert wrapped.replace("\n", "") == text
