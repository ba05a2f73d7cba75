"""Page furniture is dropped from the article text, titles lose site suffixes, and pages
that are only furniture are refused with a reason."""

from __future__ import annotations

import html

import pytest

from bot.feeds.cleaning import Block, clean_blocks, clean_site, clean_title
from bot.feeds.pages import extract_article
from bot.ingest import IngestError
from tests.feeds.test_pages import CLOSE, LEAD, QUOTE

TITLE = "Council Approves New Harbour Bridge After Long Debate"
STORY = [
    Block(LEAD),
    Block(QUOTE),
    Block(CLOSE),
]


def kept(blocks: list[Block], title: str | None = TITLE) -> list[str]:
    return clean_blocks(blocks, title).paragraphs


def dropped(blocks: list[Block], title: str | None = TITLE) -> list[tuple[str, str]]:
    return clean_blocks(blocks, title).dropped


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Read more: Harbour tolls to rise again next year", "link"),
        ("RELATED: City council delays the stadium vote", "link"),
        ("See also: Ten years of the harbour bridge saga", "link"),
        ("Sign up for our morning newsletter and never miss a story.", "promo"),
        ("Get the Daily Briefing by email. Free Sign Up", "promo"),
        ("If you're on the Channel 9 app, click here to watch live", "promo"),
        ("Share your photos and stories with us at tips@example.com", "promo"),
        ("Advertisement", "promo"),
        ("Story continues below advertisement", "promo"),
        ("Loading video player ...", "promo"),
        ("Show all 24", "promo"),
        ("© 2026 Harbour Media Group. All rights reserved.", "credit"),
        ("Copyright 2026 Example Broadcasting. This material may not be redistributed.", "credit"),
        ("Photo: Lena Ortiz / Getty Images", "credit"),
        ("Residents gather at the pier on Sunday. (AP Photo/Tom Reyes)", "credit"),
        ("Additional reporting by Sam Okoro; Editing by Jane Miles", "credit"),
        ("Priya Nair and Tom Wu contributed to this report.", "credit"),
        ("This story has been updated with new figures.", "credit"),
        ("Write to Mara Voss at mara.voss@example.com", "credit"),
        ("The-Harbour-Wire", "credit"),
    ],
)
def test_a_furniture_line_is_dropped_with_its_reason(line: str, reason: str) -> None:
    blocks = [*STORY[:2], Block(line), STORY[2]]
    assert kept(blocks) == [LEAD, QUOTE, CLOSE]
    assert dropped(blocks) == [(reason, line)]


def test_a_line_that_is_all_link_is_a_related_story() -> None:
    blocks = [*STORY, Block("Why the old ferry service was cut", link_share=1.0)]
    assert dropped(blocks) == [("link", "Why the old ferry service was cut")]


def test_a_list_of_links_goes_whole_with_its_heading() -> None:
    links = [
        Block("- The long fight over the harbour tolls", "item", 0.7),
        Block("- Inside the council's budget crisis", "item", 0.3),
        Block("- What the new bridge means for commuters", "item", 0.5),
    ]
    blocks = [*STORY, Block("More Stories From the Harbour Times", "head"), *links]
    assert kept(blocks) == [LEAD, QUOTE, CLOSE]
    assert [reason for reason, _ in dropped(blocks)] == ["link"] * 4


def test_a_list_of_points_in_the_story_is_kept() -> None:
    points = [
        Block("- The bridge will carry four lanes of traffic and a cycle path.", "item"),
        Block("- Tolls will be charged only at peak hours, the council said.", "item", 0.1),
    ]
    assert kept([*STORY, *points]) == [LEAD, QUOTE, CLOSE, *(p.text for p in points)]


def test_bylines_and_staff_lines_above_the_lead_are_dropped() -> None:
    top = [Block("By MARA VOSS"), Block("Harbour Times Staff Reporter"), Block("HT")]
    assert kept([*top, *STORY]) == [LEAD, QUOTE, CLOSE]
    assert {reason for reason, _ in dropped([*top, *STORY])} == {"credit"}


def test_a_short_line_inside_the_story_is_a_subheading_and_stays() -> None:
    blocks = [STORY[0], Block("A long road", "head"), *STORY[1:]]
    assert kept(blocks) == [LEAD, "A long road", QUOTE, CLOSE]


def test_words_that_look_like_prompts_inside_a_quote_stay() -> None:
    line = '"Sign up your neighbours and come to the meeting," said Mayor Ortiz on Monday.'
    assert kept([*STORY, Block(line)]) == [LEAD, QUOTE, CLOSE, line]


def test_the_headline_repeated_at_the_top_is_dropped_but_a_lead_sentence_is_not() -> None:
    variant = "Harbour: Council Approves New Harbour Bridge After Long Debate"
    assert dropped([Block(variant), *STORY]) == [("headline", variant)]
    lead = "Council approves new harbour bridge after a long debate."
    assert kept([Block(lead), *STORY]) == [lead, LEAD, QUOTE, CLOSE]


def test_a_dateline_alone_on_its_line_starts_the_lead() -> None:
    assert kept([Block("ROTTERDAM —"), *STORY])[0] == f"ROTTERDAM — {LEAD}"


@pytest.mark.parametrize(
    ("title", "site", "host", "clean"),
    [
        (f"{TITLE} | CNN Politics", "CNN", "cnn.com", TITLE),
        (f"{TITLE} | DW | 19.01.2020", "DW.COM", "dw.com", TITLE),
        (f"{TITLE} - WSVN 7News | Miami News, Weather", "WSVN 7News | Miami", "wsvn.com", TITLE),
        (f"{TITLE} – The Harbour Times", "The Harbour Times", "harbourtimes.co.uk", TITLE),
        (f"Harbour Times :: {TITLE}", "Harbour Times", None, TITLE),
        (f"{TITLE} | Jan 5, 2024", None, None, TITLE),
        ("Analysis: Why the bridge vote matters", "CNN", "cnn.com", None),
        ("Tories - and Labour - back the bridge | Reuters", "Reuters", "reuters.com", None),
        ("Sun Belt - Harbour - Sun", "Sun Times", None, None),
    ],
)
def test_titles_lose_the_site_name_and_date(
    title: str, site: str | None, host: str | None, clean: str | None
) -> None:
    expected = clean or title.removesuffix(" | Reuters")
    assert clean_title(title, site, host) == expected


def test_a_site_name_loses_its_slogan() -> None:
    assert clean_site("The Harbour Times | Harbour News | Travel") == "The Harbour Times"


def page(*blocks: str, title: str = TITLE) -> str:
    body = "".join(blocks)
    return (
        f"<html><head><title>{html.escape(title)}</title></head><body>"
        f"<article><h1>{html.escape(title)}</h1>{body}</article></body></html>"
    )


def para(text: str) -> str:
    return f"<p>{html.escape(text)}</p>"


def test_a_page_read_through_trafilatura_keeps_the_story_only() -> None:
    markup = page(
        para(LEAD),
        '<p><a href="/tolls">Read more: Harbour tolls to rise again next year</a></p>',
        para(QUOTE),
        para("Sign up for our morning newsletter and never miss a story."),
        para(CLOSE),
        para("© 2026 Harbour Media Group. All rights reserved."),
    )
    article = extract_article(markup, "https://harbour.example/bridge")
    assert article.text.split("\n\n") == [LEAD, QUOTE, CLOSE]


def test_a_page_of_links_is_refused_as_a_link_list() -> None:
    links = "".join(
        f'<li><a href="/s/{i}">{html.escape(t)}</a></li>'
        for i, t in enumerate(
            [
                "Council approves the new harbour bridge after a long debate",
                "Ferry workers vote to strike over the summer timetable",
                "Harbour tolls to rise again next year, the port says",
                "The long fight over the old fish market, explained",
            ]
        )
    )
    with pytest.raises(IngestError, match=r"list of links \(\d+\), not an article"):
        extract_article(page(f"<ul>{links}</ul>"), "https://harbour.example/latest")


def test_a_page_whose_text_is_a_share_bar_is_refused() -> None:
    bar = para("Share this story on Facebook or X, or sign up for our free newsletter.")
    with pytest.raises(IngestError, match="share, sign-up or app prompts"):
        extract_article(page(bar, para("Advertisement")), "https://harbour.example/v")


def test_a_page_whose_text_is_one_caption_is_refused() -> None:
    caption = para(
        "The new harbour bridge lit up at dusk on Sunday as crowds gathered along the pier "
        "to watch the first cars cross."
    )
    with pytest.raises(IngestError, match=r"only a caption \(\d+ characters\)"):
        extract_article(page(caption), "https://harbour.example/gallery")
