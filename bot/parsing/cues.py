"""Word lists the parser reasons with: reporting verbs, titles, role nouns, pronouns, names.

Kept as plain Python sets built once at import (lookups are the hot path). The lists are
general English newswriting vocabulary, not tuned to any particular article.
"""

# ruff: noqa: SIM905  (word lists read best as one string)
from __future__ import annotations

from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

# Verbs that introduce what someone said or wrote, as base forms. Inflections are
# generated below; irregular past forms are listed in _IRREGULAR.
_REPORTING_BASES = """
say tell add note stress emphasize emphasise warn deflect phrase insist call write tweet
argue explain claim declare state announce assert contend maintain acknowledge admit
concede confirm deny recall remark reply respond retort answer ask joke quip complain
lament predict promise vow pledge suggest observe continue conclude agree boast brag
charge counter criticize criticise exclaim muse offer opine post recount reiterate
reassure reason report reveal scoff snap sneer tease testify urge wonder whisper mutter
caution concur describe dismiss elaborate grumble hint inform mock proclaim protest rail
rant recommend remind repeat scold sigh speculate summarize summarise swear tout
underscore text email e-mail message blast slam accuse praise deride lambaste thunder
shout yell scream cry fume gush marvel concede advise allege affirm attest begin
comment disclose divulge estimate emphasise echo guess highlight interject lecture
mention narrate notify object plead point pronounce propose query question quote read
rebut recollect reflect rejoin relate relay retort second chide chime demand command
acknowledge theorize theorise shrug tweet retweet insist bark grouse chant blame cite
describe refer attack cheer applaud boast fret
worry gripe bemoan decry denounce condemn chastise rebuke assail hail welcome
explain clarify conclude counsel crow declare opine surmise venture volunteer
"""

_IRREGULAR = {
    "say": ("says", "said", "saying"),
    "tell": ("tells", "told", "telling"),
    "write": ("writes", "wrote", "writing", "written"),
    "swear": ("swears", "swore", "swearing", "sworn"),
    "read": ("reads", "read", "reading"),
    "begin": ("begins", "began", "beginning", "begun"),
    "cry": ("cries", "cried", "crying"),
    "reply": ("replies", "replied", "replying"),
    "deny": ("denies", "denied", "denying"),
    "query": ("queries", "queried", "querying"),
    "testify": ("testifies", "testified", "testifying"),
    "notify": ("notifies", "notified", "notifying"),
    "clarify": ("clarifies", "clarified", "clarifying"),
    "worry": ("worries", "worried", "worrying"),
    "snap": ("snaps", "snapped", "snapping"),
    "quip": ("quips", "quipped", "quipping"),
    "brag": ("brags", "bragged", "bragging"),
    "rebut": ("rebuts", "rebutted", "rebutting"),
    "fret": ("frets", "fretted", "fretting"),
    "admit": ("admits", "admitted", "admitting"),
    "plead": ("pleads", "pleaded", "pleading", "pled"),
    "shrug": ("shrugs", "shrugged", "shrugging"),
    "e-mail": ("e-mails", "e-mailed", "e-mailing"),
    "rail": ("rails", "railed", "railing"),
    "refer": ("refers", "referred", "referring"),
    "chat": ("chats", "chatted", "chatting"),
}


def _inflect(base: str) -> tuple[str, ...]:
    if base in _IRREGULAR:
        return (base, *_IRREGULAR[base])
    if base.endswith("e"):
        return (base, base + "s", base + "d", base[:-1] + "ing")
    if base.endswith(("s", "sh", "ch", "x")):
        return (base, base + "es", base + "ed", base + "ing")
    if base.endswith("y") and base[-2:-1] not in "aeiou":
        return (base, base[:-1] + "ies", base[:-1] + "ied", base + "ing")
    return (base, base + "s", base + "ed", base + "ing")


# Past forms only: the bare forms are common nouns ("the press", "a gloat").
_PAST_ONLY = """pressed gloated remembered interrupted intoned chirped huffed sniped jabbed
taunted vented fumed seethed scolded cracked mused prodded persisted interjected pointed
wrote chided reacted retaliated beamed gushed enthused marveled marvelled laughed grumbled
groused muttered mumbled implored begged assured"""

# Bases that are more often nouns ("the state", "an email", "a report"): only their
# past form counts as a reporting verb (plus the -s form where noted in _NOUNISH_S).
_NOUNISH = """state email e-mail text message post tweet report comment answer quote claim call
question offer counter charge object point echo cheer hint promise pledge vow remark attack
protest joke blast slam praise lament rant boast brag mock demand command plead sigh cry
shout yell scream whisper lecture mention rebuke welcome hail second read guess estimate
highlight relay query reflect rejoin relate venture volunteer worry fret gripe crow
caution counsel chime sneer scoff snap tease quip shrug retweet affirm reason release
concern testify note respond reply witness""".split()
_NOUNISH_S = frozenset({"notes"})
_NOUN_ING = frozenset(
    """reporting posting messaging texting reading offering seconding questioning counseling
    charging meaning hearing briefing calling echoing relaying reasoning releasing
    concerning pointing objecting reflecting answering commenting""".split()
)

REPORTING_BASES: frozenset[str] = frozenset(_REPORTING_BASES.split())
# word form -> base form
REPORTING_FORMS: dict[str, str] = {}
for _b in sorted(REPORTING_BASES | set(_IRREGULAR)):
    _forms = _inflect(_b)
    if _b in _NOUNISH:
        _forms = tuple(f for f in _forms[2:4] if f != _b and f not in _NOUN_ING) + tuple(
            f for f in _forms if f in _NOUNISH_S
        )
    for _f in _forms:
        REPORTING_FORMS.setdefault(_f, _b)
for _f in _PAST_ONLY.split():
    REPORTING_FORMS.setdefault(_f, _f)

# Verbs that are reporting verbs only in some uses; they need the speech to follow
# directly ("called it "...""), so post-quote inversion ("..." called X) is not trusted.
WEAK_REPORTING = frozenset(
    """call point question second read offer welcome hail echo cheer applaud continue begin
    post message text email e-mail relay object reflect counter charge""".split()
)
# Verbs that strongly mark speech in either position.
SAY_LIKE = frozenset(
    """say tell add write tweet note explain insist argue declare ask reply respond answer
    continue stress emphasize emphasise warn joke quip conclude recall remark concede
    admit acknowledge state claim announce predict complain observe retort scoff muse
    exclaim boast offer counter caution suggest confirm deny""".split()
)

# Reporting nouns: "in a statement", "told ... in an interview".
REPORTING_NOUNS = frozenset(
    """statement interview tweet tweets post posts email e-mail letter memo speech remarks
    comments comment op-ed column editorial release blog essay article book op-ed news
    conference press conference briefing report message""".split()
)

# Verbs that take a that-clause of reported speech (indirect quotes).
INDIRECT_VERBS = frozenset(
    """say tell add note stress emphasize emphasise warn insist argue explain claim declare
    announce assert contend maintain acknowledge admit concede confirm deny reiterate
    inform report reveal predict promise vow pledge suggest recall remind reassure agree
    complain allege caution testify write tweet""".split()
)

# Honorifics and office titles that can stand before a name.
TITLES: frozenset[str] = frozenset(
    """mr mr. mrs mrs. ms ms. miss dr dr. prof prof. sen sen. senator rep rep. representative
    congressman congresswoman gov gov. governor lt lt. president vice-president
    secretary gen gen. general col col. colonel maj maj. major capt capt. captain sgt
    sgt. cmdr adm adm. admiral judge justice chief mayor speaker chairman chairwoman
    chair minister ambassador pres pres. sec sec. atty atty. attorney hon hon. rev rev.
    reverend father sister brother pope king queen prince princess sheikh ayatollah
    cardinal bishop rabbi imam lord lady sir dame commissioner councilman councilwoman
    councilmember superintendent sheriff detective officer sergeant lieutenant coach
    director ceo chancellor premier spokesman spokeswoman spokesperson aide adviser
    advisor strategist pollster leader administrator commander treasurer emir sultan
    inspector comptroller chairperson""".split()
)
# Titles that mark a person (used for gender and person-ness).
MALE_TITLES = frozenset({"mr", "mr.", "king", "prince", "sir", "lord", "father", "brother"})
FEMALE_TITLES = frozenset(
    {"mrs", "mrs.", "ms", "ms.", "miss", "queen", "princess", "lady", "dame", "sister"}
)
PERSON_TITLES = frozenset(
    """mr mr. mrs mrs. ms ms. miss dr dr. sen sen. senator rep rep. gov gov. governor
    congressman congresswoman president secretary judge justice mayor lt. gen. col. maj.
    capt. sgt. adm. rev. reverend sheriff prof. professor ambassador speaker chairman
    chairwoman""".split()
)

# Common nouns naming a person by what they do: "the aide", "a spokeswoman".
ROLE_NOUNS: frozenset[str] = frozenset(
    """aide adviser advisor spokesman spokeswoman spokesperson official officials president
    senator congressman congresswoman governor mayor secretary minister ambassador
    director chairman chairwoman chair chief candidate nominee strategist pollster
    analyst economist lawyer attorney judge justice leader representative rep lawmaker
    legislator commissioner sheriff officer detective professor expert researcher
    historian scholar author writer columnist reporter editor anchor host commentator
    critic donor supporter voter activist organizer manager consultant operative staffer
    veteran general colonel admiral captain businessman businesswoman executive ceo
    founder investor banker prosecutor spokesman diplomat negotiator envoy speaker whip
    chairman resident witness woman man mother father son daughter wife husband teacher
    student doctor physician nurse priest pastor rabbi imam bishop owner president-elect
    front-runner frontrunner challenger incumbent opponent rival billionaire mogul
    administrator""".split()
)
# Words that make a phrase next to a name a role ("head of operations at ...", "a fellow
# at ..."): the role nouns and titles above and job words that are no speaker on their own.
ROLE_WORDS = (
    ROLE_NOUNS
    | TITLES
    | frozenset(
        """head member fellow partner co-founder cofounder correspondent producer
        coordinator engineer scientist lecturer dean provost trustee counsel lobbyist
        pundit journalist blogger novelist poet actor actress singer musician artist
        comedian filmmaker player surgeon psychologist psychiatrist sociologist
        demographer statistician entrepreneur employee volunteer cleric advocate
        campaigner organiser politician delegate mp secretary-general vice-chair
        deputy principal physicist chemist biologist architect designer analyst
        researcher technician farmer worker speechwriter""".split()
    )
)

# Plural nouns for groups of people that speak without a name ("Analysts said ...").
GROUP_WORDS = frozenset(
    """experts critics observers residents protesters protestors activists investors traders
    voters lawmakers sources authorities officials scientists researchers doctors police
    witnesses organizers organisers supporters opponents diplomats mediators negotiators
    operators insiders insurgents militants rebels troops soldiers locals citizens villagers
    workers employees students teachers parents fans environmentalists skeptics sceptics
    proponents advocates campaigners delegates members leaders executives prosecutors
    investigators regulators economists analysts aides staffers officers rescuers
    firefighters medics nurses farmers bankers forecasters pollsters others""".split()
)


def group_word(lower: str) -> bool:
    """``analysts``, ``officials``: a plural noun for people (lower case), not a name."""
    return lower in GROUP_WORDS or (lower.endswith("s") and lower[:-1] in ROLE_WORDS)


PRONOUNS_MALE = frozenset({"he", "him", "his", "himself"})
PRONOUNS_FEMALE = frozenset({"she", "her", "hers", "herself"})
PRONOUNS_PLURAL = frozenset({"they", "them", "their", "themselves", "we", "us", "our"})
SUBJECT_PRONOUNS = frozenset({"he", "she", "they", "i", "we", "it", "you"})

# Capitalised words that start sentences or name times, never people.
NON_NAME_WORDS = frozenset(
    """the a an and but or nor so yet for in on at to of from by with without as if when while
    after before since until because although though this that these those it its he she
    they we i you his her their our my your there here then now what who whom whose
    which where why how all any each every some no not one two three four five six seven
    eight nine ten first last next new many much more most other another such both
    either neither also still just only even yet however meanwhile moreover furthermore
    instead otherwise indeed thus hence therefore perhaps maybe also later earlier today
    tonight yesterday tomorrow monday tuesday wednesday thursday friday saturday sunday
    january february march april may june july august september october november
    december jan feb mar apr jun jul aug sep sept oct nov dec mr mrs ms dr is are was
    were be been being has have had do does did will would can could should shall might
    must let yes no okay ok please thank thanks well oh according asked said says told
    like unlike despite during among amid within into over under about above below
    against between through throughout upon via per abstract full text update photo
    video watch read related editor note democrat democrats republican republicans gop
    american americans across following behind beyond toward towards near outside inside
    along around amid beside besides regarding concerning including excluding speaking
    asked meanwhile unless whether ever whenever wherever whereas back hours minutes days
    weeks months years decades""".split()
) | frozenset(
    # past forms of the verbs of speech: "Stated Stone:" opens a sentence, names no one
    form
    for form, base in REPORTING_FORMS.items()
    if base in SAY_LIKE and form != base and not form.endswith(("ing", "s"))
)

# Non-name words that also end names after a given name ("Theresa May", "Ian Read").
SURNAME_WORDS = frozenset({"may", "jun", "jan", "mar", "read", "will", "long", "young"})

COMPANY_WORDS = frozenset(
    """campaign committee party house senate congress department ministry agency office
    administration council court commission association institute foundation group times
    post news journal network company corporation inc corp llc university college school
    board bureau service union center centre organization organisation fund bank pac
    assembly legislature parliament review tribune herald gazette chronicle""".split()
)

# Businesses and venues named after a person: a possessive name before one of these is
# the name of the place ("Aisha's Salon", "Joe's Diner", "Macy's Store"), not a person.
VENUE_WORDS = frozenset(
    """salon salons spa shop shops store stores boutique cafe café restaurant restaurants
    bakery bar bars grill pub diner deli kitchen bistro pizzeria pizza tavern inn motel
    market supermarket pharmacy garage clinic studio studios gallery parlour parlor
    barbershop brewery winery farm farms bookshop bookstore hardware jewelers jewellers
    auto furniture""".split()
)

# Words after "the Name" that go on a sentence rather than a noun phrase with the name as
# its modifier ("the Romeo and Juliet tragedy" but "the Clyde was ...").
CLAUSE_GOERS = frozenset(
    """and or but nor is are was were has have had will would can could should may might
    must do does did who whom whose which that to of in on at for with by from as than
    then also not""".split()
)


#: The parser's data files, found through importlib.resources: a compiled module (mypyc)
#: has no usable ``__file__``.
DATA_DIR: Traversable = resources.files("bot.parsing") / "data"


@cache
def _names(filename: str) -> frozenset[str]:
    data = (DATA_DIR / filename).read_text("utf-8")
    lines = (line.split("#", 1)[0] for line in data.splitlines())
    return frozenset(w.lower() for line in lines for w in line.split())


def male_first_names() -> frozenset[str]:
    """Common male given names (lower case), for pronoun agreement."""
    return _names("first_names_male.txt")


def female_first_names() -> frozenset[str]:
    """Common female given names (lower case), for pronoun agreement."""
    return _names("first_names_female.txt")


def first_name_gender() -> dict[str, str]:
    """Given name (lower case) -> "m" or "f"; names on both lists are left out.

    Built at each call: people.py keeps the one it needs.
    """
    male, female = male_first_names(), female_first_names()
    out = dict.fromkeys(male - female, "m")
    out.update(dict.fromkeys(female - male, "f"))
    return out


# -- words the speaker finder reasons with (attribution, phrases, names) ----------------

DETERMINERS = frozenset(
    """the a an his her their its this that these those one some another any each every our my
    your several two three many""".split()
)

# Past tenses that do not end in -ed: after a name they are its verb, not a noun.
IRREGULAR_PAST = frozenset(
    """broke took made gave went came got left held ran sent spent won lost kept met paid
    brought bought thought felt found stood struck spoke began became drew drove fought led
    rose saw sat sold threw wore knew grew flew shook hung meant built caught taught sought
    dealt swore tore forgot hid fell heard slid spread stuck swept swung woke""".split()
)

# Words that may stand alone before a quote that goes on with the speaker before it.
CARRY_ON = frozenset("but and yet still instead indeed so also plus or then again".split())

# Words before a name that make it the object of something, not a label before a quote.
LABEL_BREAKERS = frozenset("to with by for at in on of about against than".split())

INDEFINITE = frozenset("a an one another some several two three".split())

ASIDE_ADVERBS = frozenset(
    """however though too meanwhile also instead moreover nevertheless nonetheless still
    then therefore indeed""".split()
)

SKIP_BETWEEN = frozenset(
    """also later then again previously recently once has had have would will could may might
    should was is were are also further repeatedly frequently often never first
    initially subsequently famously reportedly apparently simply just only even flatly
    quickly not n't has've 've 'd today yesterday tonight earlier last this on monday
    tuesday wednesday thursday friday saturday sunday morning afternoon evening night
    week month year recently already still always once twice himself herself privately
    publicly bluntly""".split()
)

PREPOSITIONS = frozenset(
    """of for in on at to from by with about as into over under against between among during
    after before since until through via per like than without within""".split()
)

RELATIVE = frozenset({"who", "which", "that", "whom"})

# Words that no description of a speaker holds after its first word: a clause or a pronoun.
NO_DESCRIPTION_WORDS = RELATIVE | frozenset(
    "and or but is was are were has have had he she they it his her their its".split()
)

PARTICLES = frozenset(
    {"de", "van", "von", "der", "den", "la", "le", "da", "du", "del", "bin", "ibn", "al"}
)

CAP_MODIFIERS = frozenset(
    {"gop", "democratic", "republican", "democrat", "american", "conservative", "liberal"}
)

NAME_NOUNS = frozenset({"name", "handle", "username", "pseudonym", "nickname", "alias"})

# Endings of nationality adjectives ("Qatari", "Egyptian", "Chinese", "British", "French").
DEMONYM_ENDS = ("an", "i", "ese", "ish", "ch", "ic", "ss", "ek", "ai")

# "Gov. Chris Christie" ... "the governor said": abbreviated titles as role nouns
TITLE_WORDS = {
    "gov": "governor",
    "sen": "senator",
    "rep": "representative",
    "lt": "lieutenant",
    "gen": "general",
    "sec": "secretary",
    "pres": "president",
    "atty": "attorney",
    "prof": "professor",
    "adm": "admiral",
    "col": "colonel",
    "capt": "captain",
    "sgt": "sergeant",
    "rev": "reverend",
}

# Verb + particle pairs that report speech though the verb alone does not.
PHRASAL_SPEECH = {
    "went": "on",
    "goes": "on",
    "go": "on",
    "shot": "back",
    "shoots": "back",
    "fired": "back",
    "fires": "back",
    "hit": "back",
    "hits": "back",
    "points": "out",
    "pointed": "out",
    "put": "it",
    "puts": "it",
}

CLAUSE_OPENERS = frozenset("that the a an its his her their this he she they it we i there".split())

DESCRIPTION_OPENERS = frozenset(
    "the a an one another some several many two three four five".split()
)

NOT_A_HEAD = frozenset(
    """yet did does do not past other same more most less own time way year years day days
    week weeks month months""".split()
)

# Words joining a name to where the person works ("Lewis of the Institute said").
AFFILIATION_WORDS = frozenset({"of", "with", "from", "at"})
AFFILIATION_JOINERS = frozenset(
    "the of for and on in at 's ’s & - department police school office party".split()
)

# Words before a name that are part of its title, not of the name ("Former", "Chief
# Executive", "Supt", "Det"): the UK and Caribbean police ranks come abbreviated.
TITLE_PREFIXES: frozenset[str] = frozenset(
    """vice first former deputy acting lady executive supt supt. insp insp. det det. cllr
    cllr. cpl cpl. asp snr snr. dci sgt const""".split()
)
# Capitalised modifiers that are part of longer names ("Democratic National Committee")
# but never a person on their own ("the Democratic front-runner").
ALONE_NOT_NAMES = frozenset({"democratic", "presumptive", "christian", "muslim", "catholic"})
# Head nouns that end names of things, never of people ("Sean Hannity Show", "George
# Washington Bridge", "Maricopa County", "Trump Tower", "World War", "Farrington Road").
# Surnames that are also such words (Hall, Park, Street, Lane) are left out; the weak ones
# (Day, Law) are surnames after a given name ("Kristen Day") but things otherwise
# ("Election Day").
# The last part of a hyphenated street or square name ("Anna-Mungunda-Allee").
STREET_ENDS = frozenset("allee platz strasse straße gasse weg".split())
THING_HEADS = (
    frozenset(
        """show bridge airport museum stadium arena ministries church cathedral hospital
    memorial amendment doctrine avenue boulevard plaza county city village estates road
    tower towers war reich highway expressway parkway freeway building square gas electric
    operator system""".split()
    )
    | STREET_ENDS
)
THING_HEADS_WEAK = frozenset("act plan law order day poll river island prize award hotel".split())
# Office words that end a run with no name after them ("Harris County Sheriff").
OFFICE_HEADS = frozenset(
    """sheriff commissioner superintendent chancellor spokesman spokeswoman spokesperson
    director administrator treasurer comptroller executive""".split()
)

# Verbs right before an opening mark that make the marks hold a name ("dubbed "X"").
NAMING_VERBS = frozenset(
    """titled entitled dubbed nicknamed named renamed headlined captioned labeled labelled
    branded christened subtitled""".split()
)
# Nouns right before an opening mark for what the marks then name: a work, a nickname, a
# sign or a slogan ("his 2017 article "The Case for Colonialism"", "signs reading "X"").
WORK_NOUNS = frozenset(
    """nickname nicknames moniker article book books film films movie movies documentary
    song songs album novel essay poem series sitcom episode podcast headline headlines
    slogan slogans motto hashtag sign signs placard placards banner banners poster posters
    t-shirt t-shirts shirt shirts tagline musical opera painting exhibition thriller comedy
    drama satire biopic""".split()
)
# Nouns after a work's title that credit someone with it ("Parasite" director Bong Joon Ho).
WORK_CREDITS = frozenset(
    "director creator star co-star cast writer showrunner author producer actor actress".split()
)
# Words right before an opening mark that make a short phrase in the marks a noun of the
# reporter's sentence ("presided as the "chief justice"", "four "associate justices""):
# with no verb of speech, a term, not someone's words.
TERM_DETERMINERS = frozenset(
    "the a an this these those such some several many two three four five six".split()
)
# Verbs that make what follows in marks what someone called or cited ("calling him a "nice
# guy"", "described it as a "breakthrough"", "referenced the "loophole""): a source, not a
# scare quote. (Verbs of speech count too: cues.REPORTING_FORMS.)
CALLING_VERBS = frozenset(
    """call calls called calling describe describes described describing dub dubs dubbed
    dubbing label labels labeled labelled labeling labelling brand brands branded branding
    term terms termed deem deems deemed consider considers considered considering mention
    mentions mentioned mentioning reference references referenced referencing cite cites
    cited citing invoke invokes invoked invoking""".split()
)
# Words before an opening mark that mark the marks' words as a term ("so-called "rebels"").
TERM_MARKERS = frozenset({"so-called"})
# Words that open speech and are no quote alone ("So," he began).
DISCOURSE_WORDS = frozenset("so well now look and but anyway okay ok yes no oh right".split())
