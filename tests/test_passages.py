from geo.analysis import passages

PAGE = (
    "Home » World » Floods Hit the Delta\n"
    "World Weather Asia Floods\n"
    "\n"
    "Floods Hit the Delta as Rivers Rise\n"
    "\n"
    "Heavy rain flooded Dhaka on Sunday. Officials in Khulna said Mr. Rahman had left.\n"
    "\n"
    "The water is expected\n"
    "to recede by Friday.\n"
    "Source: Example Wire\n"
)


def test_kinds_and_offsets():
    found = passages.split(PAGE)
    kinds = [p.kind for p in found]
    assert kinds == ["metadata", "metadata", "title", "paragraph", "paragraph", "metadata"]
    for p in found:
        assert PAGE[p.start : p.end] == PAGE[p.start : p.end].strip()
        assert "\n" not in PAGE[p.start : p.end] or p.kind == "paragraph"


def test_title_and_source():
    found = passages.split(PAGE)
    assert passages.title_of(PAGE, found) == "Floods Hit the Delta as Rivers Rise"
    assert passages.source_of(PAGE, found) == "Example Wire"


def test_sentences_respect_abbreviations():
    found = passages.split(PAGE)
    para = found[3]
    sentences = [PAGE[s:e] for s, e in para.sentences]
    assert sentences == ["Heavy rain flooded Dhaka on Sunday.", "Officials in Khulna said Mr. Rahman had left."]


def test_hard_wrapped_lines_join():
    found = passages.split(PAGE)
    assert PAGE[found[4].start : found[4].end] == "The water is expected\nto recede by Friday."


def test_plain_prose_has_no_title_or_metadata():
    text = "Rain fell in Dhaka. It stopped."
    found = passages.split(text)
    assert [p.kind for p in found] == ["paragraph"]
    assert found[0].sentences == ((0, 19), (20, 31))


def test_looks_english():
    english = "The minister said on Tuesday that the talks in Athens had stalled after the coast guard reported " * 2
    german = "Der Minister sagte am Dienstag, dass die Gespräche in Athen ins Stocken geraten seien, nachdem " * 3
    arabic = "قال الوزير يوم الثلاثاء إن المحادثات في أثينا توقفت بعد أن أفاد خفر السواحل بدخول سفينتين " * 3
    assert passages.looks_english(english)
    assert not passages.looks_english(german)
    assert not passages.looks_english(arabic)
    assert passages.looks_english("Paris")  # too short to judge
