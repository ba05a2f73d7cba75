"""A topic needs the article's own subject behind it: the title, the lead, words that keep
coming back; not one passing word, and not a name that contains a topic word or a place."""

from __future__ import annotations

from bot.parsing import parse_article
from bot.parsing.topic_evidence import theme_word_inside_a_name
from tests.parsing.test_topics import topics_for


def test_a_basketball_recap_is_not_about_guns_or_energy() -> None:
    body = (
        "The Rockets beat the Lakers 112-104 on Saturday night, shooting 52 percent from the "
        "field as Jalen Green scored 31 points in front of a sold-out arena.\n\n"
        "Green brought energy off the bench in the second half, and his shooting from deep "
        "kept Houston ahead. The Lakers' star forward missed the game with a sore ankle.\n\n"
        '"We played with a lot of energy tonight," coach Ime Udoka said after the win.'
    )
    topics = topics_for("Green scores 31 as Rockets beat Lakers", body)
    assert "Gun control" not in topics
    assert "Energy" not in topics


def test_an_actor_named_after_a_city_does_not_make_the_city_a_topic() -> None:
    body = (
        "Joaquin Phoenix won the award for best actor on Sunday for his role in the thriller, "
        "beating four other nominees at the ceremony in Los Angeles.\n\n"
        "Phoenix thanked the cast and crew. The film has now won awards at three festivals, "
        "and critics expect Phoenix to win again at the Oscars next month.\n\n"
        "The film's director said the award belonged to the whole team."
    )
    topics = parse_article(f"title: Phoenix wins best actor award\n\n{body}").topics
    assert "Phoenix" not in topics
    assert "Entertainment" in topics


def test_a_suburb_named_after_a_city_is_not_the_city() -> None:
    body = (
        "The St. Louis Park city council voted on Monday to build a new library on Excelsior "
        "Boulevard, after two years of debate over its cost.\n\n"
        "St. Louis Park residents packed the meeting. The council said the library would open "
        "in 2027, and St. Louis Park would pay for it with a bond approved last year."
    )
    assert "St. Louis" not in topics_for("Council backs new library", body)


def test_a_car_crash_is_not_about_schools_or_sports() -> None:
    body = (
        "A 16-year-old driver died and a passenger was critically hurt when their car hit a "
        "wall on Route 9 early Wednesday, police said.\n\n"
        "Officers said the car was speeding before the crash. Police closed the road for five "
        "hours while investigators examined the scene.\n\n"
        "The district's superintendent said counsellors would be at the school on Thursday "
        "for students who knew the two teenagers, who played football together."
    )
    topics = topics_for("Teen driver killed in early morning crash", body)
    assert "Education" not in topics
    assert "Sports" not in topics


def test_one_passing_phrase_is_not_a_topic_but_the_title_is() -> None:
    body = (
        "The two presidents spoke for an hour on Tuesday about the war and a possible "
        "ceasefire, aides said, and agreed to talk again soon.\n\n"
        "They also discussed joint ventures in energy and space, one aide added. The "
        "ceasefire proposal would be put to both parliaments next week."
    )
    topics = topics_for("Presidents discuss ceasefire by phone", body)
    assert "Space" not in topics
    assert "Ceasefire" in topics


def test_words_that_keep_coming_back_make_a_topic_without_the_title() -> None:
    body = (
        "Nurses at three hospitals walked out on Monday over staffing levels.\n\n"
        "The hospital group said patients were safe. Health insurance companies said costs "
        "would rise, and the union said hospitals had cut staff for years.\n\n"
        "Talks with the hospitals resume on Friday."
    )
    assert "Healthcare" in topics_for("Nurses walk out", body)


def test_a_topic_word_inside_an_institution_name_is_no_evidence() -> None:
    body = (
        "The president-elect apologised on Monday to two former colleagues at the World Bank "
        "who had accused him of harassment.\n\n"
        "The World Bank tribunal found against him in 2021. He studied at Harvard Law School "
        "and later taught at the University of Chicago before joining the World Bank.\n\n"
        "He promised a commission on harassment at work."
    )
    topics = topics_for("President-elect apologises to World Bank colleagues", body)
    assert "Banking" not in topics
    assert "Education" not in topics


def test_a_place_adjective_alone_is_not_the_place_but_its_government_is() -> None:
    sold = (
        "Police broke up a ring that trafficked Asian women to clients in three cities, "
        "prosecutors said on Tuesday.\n\n"
        "The Asian women were moved between flats every week. Three men were charged."
    )
    assert "Asia" not in topics_for("Trafficking ring broken up", sold)
    acting = (
        "Turkish officials said on Monday that talks on the grain corridor would resume.\n\n"
        "The Turkish government has hosted three rounds, and Turkish diplomats said a fourth "
        "was planned for next month."
    )
    assert "Turkey" in topics_for("Grain talks to resume", acting)


def test_a_topic_word_opening_a_sentence_and_a_name_is_inside_the_name() -> None:
    text = "The family held the seat. Bill Harlow quit in August. Bills were never his thing."
    assert theme_word_inside_a_name(text, text.index("Bill Harlow"), "Bill")
    assert not theme_word_inside_a_name(text, text.index("Bills were"), "Bills")
