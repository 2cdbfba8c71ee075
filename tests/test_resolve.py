"""The scoring function on hand-made candidates (no index needed)."""

from __future__ import annotations

from geo.analysis.resolve import resolve
from geo.types import Candidate, Mention, Place, Resolution

TEXAS = Place("gn:4736286", "Texas", 31.97, -99.90, "admin1", "US", 25_000_000, "4736286", "TX")
PARIS_TX = Place("gn:4717560", "Paris", 33.66, -95.55, "city", "US", 25_000, "4717560", "TX")
PARIS_TN = Place("gn:4655777", "Paris", 36.30, -88.33, "city", "US", 10_000, "4655777", "TN")
TRIPOLI = Place("gn:2210247", "Tripoli", 32.89, 13.19, "city", "LY", 1_150_000, "2210247", "77")
TRIPOLI_DISTRICT = Place("adm1:LY.77", "Tripoli", 32.7, 13.1, "admin1", "LY", 1_200_000, None, "77")
NEW_YORK_CITY = Place("gn:5128581", "New York City", 40.71, -74.0, "city", "US", 8_800_000, "5128581", "NY")
NEW_YORK_STATE = Place("gn:5128638", "New York", 42.9, -75.5, "admin1", "US", 20_000_000, "5128638", "NY")


def _mention(text: str, start: int, *places: Place) -> Mention:
    end = start + len(text.split(" ")[0]) if " " not in text else start + len(text)
    return Mention(start, end, text, "GPE", tuple(Candidate(p, "name") for p in places))


def _resolve(text: str, *spans: tuple[str, tuple[Place, ...]]) -> dict[str, str]:
    mentions = [_mention(name, text.index(name), *places) for name, places in spans]
    return {r.mention.text: r.place.id for r in resolve(mentions, text, lambda name: [])}


def test_division_focus_picks_the_namesake_in_the_state_named() -> None:
    text = "A storm crossed Texas overnight. In Paris the school closed."
    got = _resolve(text, ("Texas", (TEXAS,)), ("Paris", (PARIS_TN, PARIS_TX)))
    assert got["Paris"] == PARIS_TX.id


def test_a_division_named_after_its_seat_reads_as_the_town() -> None:
    got = _resolve("Fighting in Tripoli went on.", ("Tripoli", (TRIPOLI_DISTRICT, TRIPOLI)))
    assert got["Tripoli"] == TRIPOLI.id


def test_a_division_much_larger_than_its_namesake_town_stays() -> None:
    text = "Farms across New York suffered."
    # In the index "New York" is the state's own name and another name of the city.
    cands = (Candidate(NEW_YORK_STATE, "name"), Candidate(NEW_YORK_CITY, "alternate"))
    (got,) = resolve([Mention(13, 21, "New York", "GPE", cands)], text, lambda name: [])
    assert got.place == NEW_YORK_STATE


def test_every_resolution_keeps_runner_up_and_reason() -> None:
    text = "A storm crossed Texas overnight. In Paris the school closed."
    mentions = [_mention("Texas", 16, TEXAS), _mention("Paris", text.index("Paris"), PARIS_TN, PARIS_TX)]
    (_, paris) = resolve(mentions, text, lambda name: [])
    assert paris.runner_up == PARIS_TN and paris.reason


TYLER_TX = Place("gn:4738214", "Tyler", 32.35, -95.30, "city", "US", 100_000, "4738214", "TX")
TYLER_MN = Place("gn:5053358", "Tyler", 44.28, -96.13, "city", "US", 1_100, "5053358", "MN")
SULPHUR_SPRINGS_TX = Place("gn:4734909", "Sulphur Springs", 33.14, -95.60, "city", "US", 16_000, "4734909", "TX")
SULPHUR_SPRINGS_AR = Place("gn:4132093", "Sulphur Springs", 36.48, -94.46, "city", "US", 500, "4132093", "AR")
PARIS_FR = Place("gn:2988507", "Paris", 48.85, 2.35, "city", "FR", 2_100_000, "2988507", "11")


def test_home_region_reads_a_namesake_where_the_other_towns_are_without_the_state_named() -> None:
    text = "Crews from Tyler and Sulphur Springs helped. In Paris the school closed."
    got = _resolve(
        text,
        ("Tyler", (TYLER_TX, TYLER_MN)),
        ("Sulphur Springs", (SULPHUR_SPRINGS_TX, SULPHUR_SPRINGS_AR)),
        ("Paris", (PARIS_FR, PARIS_TN, PARIS_TX)),
    )
    assert got["Paris"] == PARIS_TX.id
    assert got["Tyler"] == TYLER_TX.id


def test_a_lone_namesake_keeps_its_most_prominent_reading() -> None:
    got = _resolve("In Paris the school closed.", ("Paris", (PARIS_FR, PARIS_TN, PARIS_TX)))
    assert got["Paris"] == PARIS_FR.id


def test_the_reason_names_the_second_pass_when_it_decides() -> None:
    text = "Crews from Tyler and Sulphur Springs helped. In Paris the school closed."
    mentions = [
        _mention("Tyler", text.index("Tyler"), TYLER_TX, TYLER_MN),
        _mention("Sulphur Springs", text.index("Sulphur Springs"), SULPHUR_SPRINGS_TX, SULPHUR_SPRINGS_AR),
        # Two namesakes alike (Paris, France would lose on the country: the reason would say so).
        _mention("Paris", text.index("Paris"), PARIS_TN, PARIS_TX),
    ]
    paris = {r.mention.text: r for r in resolve(mentions, text, lambda name: [])}["Paris"]
    assert paris.place == PARIS_TX and ("near the places" in paris.reason or "state or province" in paris.reason)


def test_a_far_larger_namesake_wins_without_a_town_near_the_small_one() -> None:
    """An article about Ohio that mentions London means London, England, unless it names a town near
    London, Ohio; the state alone does not make the village the article's own."""
    ohio = Place("gn:5165418", "Ohio", 40.25, -82.8, "admin1", "US", 11_500_000, "5165418", "OH")
    london_uk = Place("gn:2643743", "London", 51.51, -0.13, "city", "GB", 8_900_000, "2643743", "ENG")
    london_oh = Place("gn:4517009", "London", 39.89, -83.45, "city", "US", 10_000, "4517009", "OH")
    columbus = Place("gn:4509177", "Columbus", 39.96, -83.0, "city", "US", 900_000, "4509177", "OH")
    text = "The governor of Ohio said exports to London had fallen."
    mentions = [
        _mention("Ohio", text.index("Ohio"), ohio),
        _mention("London", text.index("London"), london_uk, london_oh),
    ]
    assert {r.mention.text: r.place for r in resolve(mentions, text, lambda name: [])}["London"] == london_uk
    text = "Officials in Columbus and Ohio said London's new school opened."
    mentions = [
        _mention("Columbus", text.index("Columbus"), columbus),
        _mention("Ohio", text.index("Ohio"), ohio),
        _mention("London", text.index("London"), london_uk, london_oh),
    ]
    assert {r.mention.text: r.place for r in resolve(mentions, text, lambda name: [])}["London"] == london_oh


def test_one_prior_and_one_normaliser() -> None:
    """Issue 15: the resolver scores with the gazetteer's prior and folds names with its normaliser."""
    from geo.analysis import resolve as resolve_module
    from geo.gazetteer import names

    for place in (
        Place("gn:1", "Washington", 38.9, -77.0, "city", "US", 689_545),
        Place("s:1", "Washington", 47.4, -120.5, "admin1", "US", 7_000_000),
        Place("s:2", "Nile", 24.1, 32.9, "river", None),
    ):
        assert resolve_module.prominence(place) == names.prominence(place.kind, place.population)
    # The index's order is the same prior: the capital before the state of its name.
    assert names.place_importance("city", 689_545, capital=True) > names.place_importance("admin1", 7_000_000)
    assert names.place_importance("admin1", 7_000_000) > names.place_importance("city", 689_545)
    for text in ("Washington's", "U.S.", "Türkiye", "al-Watiya"):
        assert resolve_module.normalized_surface(text) == names.normalize(text)


JUPITER_FL = Place("gn:4160610", "Jupiter", 26.93, -80.09, "city", "US", 62_707, "4160610", "FL")
SEATTLE = Place("gn:5809844", "Seattle", 47.61, -122.33, "city", "US", 737_000, "5809844", "WA")
VANCOUVER_BC = Place("gn:6173331", "Vancouver", 49.25, -123.12, "city", "CA", 662_248, "6173331", "02")
VANCOUVER_WA = Place("gn:5814616", "Vancouver", 45.64, -122.66, "city", "US", 196_442, "5814616", "WA")


def test_a_small_town_that_acts_with_nothing_placing_it_is_not_pinned() -> None:
    def pins(text: str, dep: str) -> list[str]:
        m = Mention(0, 7, "Jupiter", "LOC", (Candidate(JUPITER_FL, "name"),), dep)
        return [r.place.id for r in resolve([m], text, lambda name: [])]

    assert pins("Jupiter's moons are covered in ice.", "poss") == []  # a planet, not the Florida town
    assert pins("Jupiter signed the lease.", "nsubj") == []  # a firm
    assert pins("Jupiter is a town on the coast.", "attr") == [JUPITER_FL.id]  # no actor: kept
    assert pins("Jupiter's police chief resigned.", "poss") == [JUPITER_FL.id]  # the town's own office


def test_a_town_that_acts_beside_a_neighbour_is_pinned() -> None:
    text = "Jupiter signed a water deal with Tequesta."
    tequesta = Place("gn:4174855", "Tequesta", 26.96, -80.13, "city", "US", 5_700, "4174855", "FL")
    jupiter = Mention(0, 7, "Jupiter", "GPE", (Candidate(JUPITER_FL, "name"),), "nsubj")
    other = Mention(text.index("Tequesta"), len(text) - 1, "Tequesta", "GPE", (Candidate(tequesta, "name"),))
    assert JUPITER_FL in [r.place for r in resolve([jupiter, other], text, lambda name: [])]


def test_of_two_namesakes_both_near_the_other_places_the_better_known_wins() -> None:
    # Vancouver, British Columbia and Vancouver, Washington both lie near Seattle: the state and
    # country Seattle shares with the smaller one is a border, not evidence.
    text = "Officials from Vancouver and Seattle met on Tuesday."
    got = _resolve(text, ("Vancouver", (VANCOUVER_BC, VANCOUVER_WA)), ("Seattle", (SEATTLE,)))
    assert got["Vancouver"] == VANCOUVER_BC.id
    # Beside a place near only the smaller one, the smaller one stays.
    portland = Place("gn:5746545", "Portland", 45.52, -122.68, "city", "US", 650_000, "5746545", "OR")
    text = "Officials from Vancouver and Portland met on Tuesday."
    got = _resolve(text, ("Vancouver", (VANCOUVER_BC, VANCOUVER_WA)), ("Portland", (portland,)))
    assert got["Vancouver"] == VANCOUVER_WA.id


CANADA = Place("gn:6251999", "Canada", 60.1, -113.6, "country", "CA", 37_000_000, "6251999")


def _demonym(text: str, dep: str, head: str, label: str = "NORP") -> Resolution:
    mention = Mention(0, len(text.split()[0]), text.split()[0], label, (Candidate(CANADA, "demonym"),), dep, head)
    (resolution,) = resolve([mention], text, lambda name: [])
    return resolution


def test_a_demonym_is_pinned_as_a_place_unless_it_says_who_people_are() -> None:
    # "Canadian exports": the country as a place; "Canadian officials": a nationality, the country an
    # actor (still resolved to Canada, not pinned); "French" spoken: a language.
    exports = _demonym("Canadian exports fell in March.", "amod", "export")
    assert exports.place == CANADA and exports.role == "location"
    officials = _demonym("Canadian officials said the border would reopen.", "amod", "official")
    assert officials.place == CANADA and officials.role == "demonym"
    assert _demonym("French was spoken at home.", "nsubjpass", "speak", "LANGUAGE").role == "demonym"


EL_FASHER = Place("gn:379555", "El Fasher", 13.63, 25.35, "city", "SD", 252_609, "379555", "02")


def test_a_town_a_war_verb_or_a_move_takes_is_a_place_though_spacy_calls_it_an_organisation() -> None:
    def pins(text: str, dep: str, head: str) -> list[str]:
        start = text.index("El Fasher")
        m = Mention(start, start + 9, "El Fasher", "ORG", (Candidate(EL_FASHER, "name"),), dep, head)
        return [r.place.id for r in resolve([m], text, lambda name: [])]

    assert pins("The militia attacked El Fasher at dawn.", "dobj", "attack") == [EL_FASHER.id]
    assert pins("Thousands fled El Fasher last month.", "dobj", "flee") == [EL_FASHER.id]
    assert pins("The army's assault on El Fasher failed.", "pobj", "on") == [EL_FASHER.id]
    assert pins("Their columns pushed into El Fasher.", "pobj", "into") == [EL_FASHER.id]
    # Nothing uses the name as a place: the model's organisation stands.
    assert pins("The militia thanked El Fasher at dawn.", "dobj", "thank") == []
    assert pins("Pressure on El Fasher grew.", "pobj", "on") == []


HODEIDAH = Place("gn:79415", "Al Hudaydah", 14.80, 42.95, "city", "YE", 734_699, "79415", "08")
HODEIDAH_AIRPORT = Place("icao:OYHD", "Hodeidah International Airport", 14.75, 42.98, "airport", "YE", 0)


def test_a_town_s_airport_named_as_one_is_the_airport_not_the_far_larger_town() -> None:
    def pins(text: str) -> list[str]:
        cands = (Candidate(HODEIDAH, "alternate"), Candidate(HODEIDAH_AIRPORT, "short"))
        m = Mention(text.index("Hodeidah"), text.index("Hodeidah") + 8, "Hodeidah", "GPE", cands)
        return [r.place.id for r in resolve([m], text, lambda name: [])]

    assert pins("Jets struck Hodeidah airport before dawn.") == [HODEIDAH_AIRPORT.id]
    assert pins("Jets struck Hodeidah before dawn.") == [HODEIDAH.id]


CAIRO = Place("gn:360630", "Cairo", 30.06, 31.25, "city", "EG", 9_600_000, "360630", "11")
CAIRO_AIRPORT = Place("icao:HECA", "Cairo International Airport", 30.12, 31.41, "airport", "EG", 0)
CAIRO_IL_AIRPORT = Place("icao:KCIR", "Cairo Regional Airport", 37.06, -89.22, "airport", "US", 0)


def test_an_airport_named_after_a_far_larger_town_far_off_gets_no_lift_from_the_word() -> None:
    # Only the airport beside the town is the one "Cairo airport" names: not the Illinois airfield of the name,
    # though the article is about Texas.
    text = "Flights from Texas landed at Cairo airport."
    cands = tuple(Candidate(p, k) for p, k in ((CAIRO, "name"), (CAIRO_AIRPORT, "short"), (CAIRO_IL_AIRPORT, "short")))
    cairo = Mention(text.index("Cairo"), text.index("Cairo") + 5, "Cairo", "GPE", cands)
    texas = _mention("Texas", text.index("Texas"), TEXAS)
    got = {r.mention.text: r.place.id for r in resolve([texas, cairo], text, lambda name: [])}
    assert got["Cairo"] in (CAIRO.id, CAIRO_AIRPORT.id)


# Articles about a place whose name has famous namesakes (Wikipedia's opening paragraphs).
LEBANON = Place("gn:272103", "Lebanon", 33.83, 35.83, "country", "LB", 6_800_000, "272103")
LEBANON_NH = Place("gn:5088905", "Lebanon", 43.64, -72.25, "city", "US", 13_000, "5088905", "NH")
GRAFTON_COUNTY = Place("adm2:US.NH.grafton", "Grafton County", 43.93, -71.82, "admin2", "US", 89_000, None, "NH")
MEMPHIS_TN = Place("gn:4641239", "Memphis", 35.15, -90.05, "city", "US", 650_000, "4641239", "TN")
EGYPT = Place("gn:357994", "Egypt", 27.0, 30.0, "country", "EG", 98_000_000, "357994")
EGYPT_PA = Place("gn:5188351", "Egypt", 40.68, -75.53, "city", "US", 2_400, "5188351", "PA")
AERODROME = Place("gn:1", "Old Aerodrome", 39.32, -121.36, "airport", "US", 0, "1", "CA")
OHIO = Place("gn:5165418", "Ohio", 40.25, -83.0, "admin1", "US", 11_500_000, "5165418", "OH")
TOLEDO_OH = Place("gn:5174035", "Toledo", 41.66, -83.56, "city", "US", 265_000, "5174035", "OH")
TOLEDO_ES = Place("gn:2510409", "Toledo", 39.86, -4.03, "city", "ES", 86_000, "2510409", "54")
SPAIN = Place("gn:2510769", "Spain", 40.0, -4.0, "country", "ES", 46_000_000, "2510769")
SAUDI_ARABIA = Place("gn:102358", "Saudi Arabia", 25.0, 45.0, "country", "SA", 34_000_000, "102358")
MECCA = Place("gn:104515", "Mecca", 21.43, 39.83, "city", "SA", 1_300_000, "104515", "14")
JEDDAH = Place("gn:105343", "Jeddah", 21.49, 39.19, "city", "SA", 2_900_000, "105343", "14")
MINA_MX = Place("gn:3995847", "Mina", 26.0, -100.53, "city", "MX", 4_500, "3995847", "19")
MINA_PH = Place("gn:1699684", "Mina", 10.93, 122.57, "city", "PH", 2_700, "1699684", "06")
TRIPOLI_LB = Place("gn:266826", "Tripoli", 34.43, 35.84, "city", "LB", 230_000, "266826", "09")
WINCHESTER = Place("gn:4791259", "Winchester", 39.19, -78.16, "city", "US", 27_000, "4791259", "VA")
ALEXANDRIA_VA = Place("gn:4744091", "Alexandria", 38.80, -77.05, "city", "US", 160_000, "4744091", "VA")
OLD_TOWN_ME = Place("gn:4974231", "Old Town", 44.93, -68.65, "city", "US", 7_600, "4974231", "ME")
SAINT_PARIS = Place("gn:5170013", "Saint Paris", 40.13, -83.96, "city", "US", 2_000, "5170013", "OH")
SHARON_CT = Place("gn:4842872", "Sharon", 41.88, -73.48, "city", "US", 2_800, "4842872", "CT")
SHARON_PA = Place("gn:5211303", "Sharon", 41.23, -80.49, "city", "US", 13_000, "5211303", "PA")
SHARON_IL = Place("gn:294074", "Sharon", 32.3, 34.9, "city", "IL", 3_000, "294074", "02")
CORNWALL = Place("sup:cornwall", "Cornwall", 50.4, -4.9, "region", "GB", 570_000, None, "ENG")


def _resolve_all(
    text: str, spans: list[tuple[str, tuple[Candidate, ...]]], areas: dict[str, list[Candidate]] | None = None
) -> list[tuple[str, int, str]]:
    """(name, start, place id) of every resolution; ``areas`` answers the lookup of container names."""
    mentions, at = [], 0
    for name, cands in spans:
        start = text.index(name, at)
        at = start + len(name)
        mentions.append(Mention(start, start + len(name), name, "GPE", cands))
    found = resolve(mentions, text, lambda name: (areas or {}).get(name, []))
    return [(r.mention.text, r.mention.start, r.place.id) for r in found]


def _names(*places: Place) -> tuple[Candidate, ...]:
    return tuple(Candidate(p, "name") for p in places)


def test_the_opening_sentence_places_the_town_it_defines() -> None:
    """ "Lebanon is a city in Grafton County": the New Hampshire town, not the country."""
    text = "Lebanon is a city in Grafton County, near the river."
    got = _resolve_all(
        text, [("Lebanon", _names(LEBANON, LEBANON_NH))], {"Grafton County": [Candidate(GRAFTON_COUNTY, "name")]}
    )
    assert got == [("Lebanon", 0, LEBANON_NH.id)]


def test_a_town_placed_where_none_of_its_readings_lies_is_left_off() -> None:
    """The index knows only the Memphis of Tennessee; the text says the one in Egypt: no marker. The
    container is the country, not the Pennsylvania town called Egypt, and "Old" (an aerodrome's short
    name) places nothing."""
    text = "Memphis was the capital of ancient Egypt in the Old Kingdom. Its ruins lie south of the delta."
    areas = {"Egypt": [Candidate(EGYPT, "name"), Candidate(EGYPT_PA, "name")], "Old": [Candidate(AERODROME, "short")]}
    got = _resolve_all(text, [("Memphis", _names(MEMPHIS_TN)), ("Egypt", _names(EGYPT, EGYPT_PA))], areas)
    assert [(name, place) for name, _, place in got] == [("Egypt", EGYPT.id)]


def test_a_namesake_the_text_places_in_another_country_is_read_there() -> None:
    text = "Toledo is a city in Ohio, on the lake. The city was named after Toledo in Spain."
    toledo = _names(TOLEDO_OH, TOLEDO_ES)
    got = _resolve_all(
        text,
        [("Toledo", toledo), ("Ohio", _names(OHIO)), ("Toledo", toledo), ("Spain", _names(SPAIN))],
        {"Ohio": [Candidate(OHIO, "name")], "Spain": [Candidate(SPAIN, "name")]},
    )
    towns = [place for name, _, place in got if name == "Toledo"]
    assert towns == [TOLEDO_OH.id, TOLEDO_ES.id]


def test_a_small_namesake_far_from_an_article_about_another_country_is_left_off() -> None:
    """ "Mina" near Mecca: the index has only small towns abroad (Mexico, the Philippines)."""
    text = "Pilgrims cross Saudi Arabia to Mecca, then camp at Mina before returning to Jeddah."
    got = _resolve_all(
        text,
        [
            ("Saudi Arabia", _names(SAUDI_ARABIA)),
            ("Mecca", _names(MECCA)),
            ("Mina", _names(MINA_MX, MINA_PH)),
            ("Jeddah", _names(JEDDAH)),
        ],
    )
    assert [name for name, _, _ in got] == ["Saudi Arabia", "Mecca", "Jeddah"]


def test_a_small_namesake_alone_keeps_its_reading() -> None:
    """No country leads the article: nothing says the town is not meant."""
    got = _resolve_all("The market at Mina reopened.", [("Mina", _names(MINA_MX, MINA_PH))])
    assert [place for _, _, place in got] == [MINA_MX.id]


def test_a_division_named_after_the_articles_town_lies_in_the_towns_country() -> None:
    """ "The Tripoli District" in an article about Tripoli, Lebanon: not Libya's Tripoli district."""
    text = "Tripoli is the largest city of northern Lebanon. The Tripoli District surrounds the city."
    got = _resolve_all(
        text,
        [
            ("Tripoli", _names(TRIPOLI, TRIPOLI_LB)),
            ("Lebanon", _names(LEBANON)),
            ("Tripoli District", (Candidate(TRIPOLI_DISTRICT, "alternate"),)),
        ],
        {"Lebanon": [Candidate(LEBANON, "name")]},
    )
    assert [(name, place) for name, _, place in got] == [("Tripoli", TRIPOLI_LB.id), ("Lebanon", LEBANON.id)]


def test_an_alternate_name_of_common_words_is_no_evidence_for_a_small_town() -> None:
    """ "Old Town" is another name of Winchester, Virginia, and of many a town's centre; "St. Paris" (an
    abbreviation) is a name."""
    got = _resolve_all("Old Town is full of brick houses.", [("Old Town", (Candidate(WINCHESTER, "alternate"),))])
    assert got == []
    got = _resolve_all("A fire in St. Paris killed four.", [("St. Paris", (Candidate(SAINT_PARIS, "alternate"),))])
    assert [place for _, _, place in got] == [SAINT_PARIS.id]


def test_common_words_right_before_a_place_are_part_of_it() -> None:
    text = "Old Town Alexandria is a historic district."
    got = _resolve_all(text, [("Old Town", _names(OLD_TOWN_ME)), ("Alexandria", _names(ALEXANDRIA_VA))])
    assert [name for name, _, _ in got] == ["Alexandria"]


def test_a_name_after_a_comma_that_goes_on_as_a_list_places_nothing() -> None:
    """ "Sharon, Cornwall and Salisbury": three towns of Connecticut, not Sharon in England."""
    text = "The candidates visited Sharon, Cornwall and Salisbury last week."
    got = _resolve_all(
        text, [("Sharon", _names(SHARON_PA, SHARON_CT, SHARON_IL))], {"Cornwall": [Candidate(CORNWALL, "name")]}
    )
    assert [name for name, _, _ in got] == ["Sharon"]


DAMASCUS_SY = Place("gn:170654", "Damascus", 33.51, 36.29, "city", "SY", 1_570_000, "170654", "13")
DAMASCUS_MD = Place("gn:4352728", "Damascus", 39.29, -77.20, "city", "US", 15_000, "4352728", "MD")
MAY_OK = Place("gn:4542367", "May", 36.62, -99.75, "city", "US", 50, "4542367", "OK")


def test_a_date_after_a_dateline_places_nothing() -> None:
    """ "DAMASCUS, May 24 (Reuters)": the month is no container (May, Oklahoma), not even for the later
    "Damascus" of the article."""
    text = "DAMASCUS, May 24 (Reuters) - Jets struck targets near Damascus, residents said."
    damascus = _names(DAMASCUS_SY, DAMASCUS_MD)
    got = _resolve_all(text, [("DAMASCUS", damascus), ("Damascus", damascus)], {"May": [Candidate(MAY_OK, "name")]})
    assert [place for _, _, place in got] == [DAMASCUS_SY.id, DAMASCUS_SY.id]


GAO_REGION = Place("adm1:ML.09", "Gao", 17.0, -0.1, "admin1", "ML", 500_000, None, "09")
GAO_TOWN = Place("gn:2457163", "Gao", 16.27, -0.04, "city", "ML", 130_000, "2457163", "09")
QUEBEC = Place("adm1:CA.10", "Quebec", 52.0, -72.0, "admin1", "CA", 6_500_000, None, "10")
QUEBEC_CITY = Place("gn:6325494", "Quebec", 46.81, -71.21, "city", "CA", 530_000, "6325494", "10")


def test_a_town_named_like_its_larger_province_is_the_town_where_the_text_says_so() -> None:
    """ "near Gao", "in Ansongo and Gao", a dateline's "GAO, Mali": the town, though its region has four
    times its people; "the Gao region", "Gao and Kidal regions" stay the region."""
    gao = _names(GAO_REGION, GAO_TOWN)
    for text in (
        "Gunmen attacked a convoy near Gao on Saturday.",
        "Shops closed in Ansongo and Gao on Friday.",
        "GAO, Mali, May 3 (Reuters) - Gunmen attacked a convoy.",
    ):
        got = _resolve_all(text, [("Gao" if "GAO" not in text else "GAO", gao)])
        assert [place for _, _, place in got] == [GAO_TOWN.id], text
    for text in ("Attacks spread across the Gao region this year.", "Attacks spread in Gao and Kidal regions."):
        got = _resolve_all(text, [("Gao", gao)])
        assert [place for _, _, place in got] == [GAO_REGION.id], text


def test_in_or_from_makes_the_town_only_of_a_province_not_far_larger() -> None:
    """ "from Quebec": the province, twelve times its capital; "near Quebec" the city."""
    quebec = _names(QUEBEC, QUEBEC_CITY)
    got = _resolve_all("The mills drew many workers from Quebec.", [("Quebec", quebec)])
    assert [place for _, _, place in got] == [QUEBEC.id]
    got = _resolve_all("The mills stood near Quebec.", [("Quebec", quebec)])
    assert [place for _, _, place in got] == [QUEBEC_CITY.id]


SUDAN = Place("gn:366755", "Sudan", 16.0, 30.0, "country", "SD", 43_000_000, "366755", None)
EL_FASHER = Place("gn:371393", "El Fasher", 13.63, 25.35, "city", "SD", 250_000, "371393", "49")
NYALA = Place("gn:370737", "Nyala", 12.05, 24.88, "city", "SD", 500_000, "370737", "50")
KHARTOUM = Place("gn:379252", "Khartoum", 15.55, 32.53, "city", "SD", 1_970_000, "379252", "29")
AT_TAWILAH = Place("gn:69372", "At Tawilah", 15.49, 43.75, "city", "YE", 4_000, "69372", "15")


def test_a_small_town_alone_in_its_country_far_from_an_article_about_another_is_left_off() -> None:
    """ "Tawila" in an article about Darfur: its only reading is a village of Yemen, a country nothing
    else in the article lies in."""
    text = "Families fled Sudan's El Fasher for Tawila, aid groups in Khartoum said, as fighting spread to Nyala."
    got = _resolve_all(
        text,
        [
            ("Sudan", _names(SUDAN)),
            ("El Fasher", _names(EL_FASHER)),
            ("Tawila", (Candidate(AT_TAWILAH, "alternate"),)),
            ("Khartoum", _names(KHARTOUM)),
            ("Nyala", _names(NYALA)),
        ],
    )
    assert [name for name, _, _ in got] == ["Sudan", "El Fasher", "Khartoum", "Nyala"]


SERBIA = Place("gn:6290252", "Serbia", 44.0, 21.0, "country", "RS", 7_000_000, "6290252", None)
BELGRADE = Place("gn:792680", "Belgrade", 44.80, 20.47, "city", "RS", 1_270_000, "792680", "SE")
NOVI_SAD = Place("gn:3194360", "Novi Sad", 45.25, 19.84, "city", "RS", 250_000, "3194360", "VO")
NIS = Place("gn:787657", "Nis", 43.32, 21.90, "city", "RS", 250_000, "787657", "SE")
KRAGUJEVAC = Place("gn:789128", "Kragujevac", 44.02, 20.92, "city", "RS", 150_000, "789128", "SE")
BANJA_LUKA = Place("gn:3204541", "Banja Luka", 44.78, 17.21, "city", "BA", 221_000, "3204541", "SRP")


def test_a_large_town_the_text_puts_something_in_is_a_place_whatever_country_leads() -> None:
    """spaCy calls "Banja Luka" an organisation; "in Banja Luka" places the leader there, though the
    article is about Serbia."""
    text = (
        "Serbia's army was on alert in Belgrade, Nis, Kragujevac and Novi Sad. "
        "A leader in Banja Luka said he would resist."
    )
    spans = [
        ("Serbia", SERBIA),
        ("Belgrade", BELGRADE),
        ("Nis", NIS),
        ("Kragujevac", KRAGUJEVAC),
        ("Novi Sad", NOVI_SAD),
        ("Banja Luka", BANJA_LUKA),
    ]
    mentions, at = [], 0
    for name, place in spans:
        start = text.index(name, at)
        at = start + len(name)
        label = "ORG" if name == "Banja Luka" else "GPE"
        mentions.append(Mention(start, at, name, label, (Candidate(place, "name"),)))
    got = [r.mention.text for r in resolve(mentions, text, lambda name: [])]
    assert "Banja Luka" in got
