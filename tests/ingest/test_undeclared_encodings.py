"""Pages and article files that declare no encoding read right, whatever script they use."""

from __future__ import annotations

import html
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.feeds.fetch import decode_body
from bot.feeds.pages import fetch_page
from bot.ingest import decode_text
from tests.feeds.test_fetch_webserver import TEST_POLICY, WebServer, running_web_server

#: (encoding, title, paragraphs): news text written for the tests in each script.
PAGES = {
    "windows-1251": (
        "Новый мост откроется весной",
        (
            "Городской совет в понедельник одобрил строительство нового моста через гавань, "
            "несмотря на протесты жителей прибрежных районов.",
            "«Мы не отступим от этого проекта», — заявила мэр Анна Келлер журналистам после "
            "долгого заседания совета.",
        ),
    ),
    "iso-8859-7": (
        "Η νέα γέφυρα ανοίγει την άνοιξη",
        (
            "Το δημοτικό συμβούλιο ενέκρινε τη Δευτέρα την κατασκευή μιας νέας γέφυρας στο "
            "λιμάνι, παρά τις διαμαρτυρίες των κατοίκων της παραλίας.",
            "«Δεν θα κάνουμε πίσω σε αυτό το έργο», δήλωσε η δήμαρχος Άννα Κέλερ στους "
            "δημοσιογράφους μετά από μια μακρά συνεδρίαση.",
        ),
    ),
    "shift_jis": (
        "新しい橋が春に開通へ",
        (
            "市議会は月曜日、沿岸地域の住民の抗議にもかかわらず、港に新しい橋を建設する計画を"
            "承認した。",
            "「この計画から後退することはない」と、アンナ・ケラー市長は長い会議の後、記者団に"
            "語った。",
        ),
    ),
}


def undeclared_page(title: str, paragraphs: tuple[str, ...]) -> str:
    """A page with no charset anywhere: no header, no meta, no BOM."""
    body = "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html><head><title>{html.escape(title)}</title></head><body>"
        f"<nav><a href='/'>Home</a></nav><article><h1>{html.escape(title)}</h1>{body}</article>"
        "</body></html>"
    )


@pytest.fixture
def web() -> Iterator[WebServer]:
    with running_web_server() as server:
        yield server


@pytest.mark.parametrize("encoding", sorted(PAGES))
def test_undeclared_bytes_are_decoded_by_their_script(encoding: str) -> None:
    title, paragraphs = PAGES[encoding]
    markup = undeclared_page(title, paragraphs)
    assert decode_body(markup.encode(encoding)) == markup


@pytest.mark.parametrize("encoding", sorted(PAGES))
async def test_an_undeclared_page_is_fetched_with_its_letters(
    web: WebServer, encoding: str
) -> None:
    title, paragraphs = PAGES[encoding]
    data = undeclared_page(title, paragraphs).encode(encoding)
    url = web.add(f"/{encoding}", data, content_type="text/html")
    page = await fetch_page(url, TEST_POLICY)
    assert page.title == title
    assert page.text.split("\n\n") == list(paragraphs)


@pytest.mark.parametrize("encoding", sorted(PAGES))
def test_an_undeclared_article_file_reads_right(encoding: str, tmp_path: Path) -> None:
    title, paragraphs = PAGES[encoding]
    text = f"title: {title}\n\n" + "\n\n".join(paragraphs) + "\n"
    assert decode_text(text.encode(encoding)) == text


def test_short_western_text_still_reads_as_cp1252() -> None:
    assert decode_body("Café “Olé” — naïve".encode("cp1252")) == "Café “Olé” — naïve"
    assert decode_text("Zoë’s café".encode("cp1252")) == "Zoë’s café"
