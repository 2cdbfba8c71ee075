import re
from pathlib import Path

from geo import settings

README = Path(__file__).resolve().parent.parent / "README.md"


def test_every_setting_is_documented_in_the_readme():
    section = README.read_text().split("<!-- settings:start -->")[1].split("<!-- settings:end -->")[0]
    documented = set(re.findall(r"^\| `(GEO_[A-Z_]+)`", section, re.MULTILINE))
    assert documented == {s.env for s in settings.SETTINGS}
    # The whole table, defaults and help included, is the one settings.py writes.
    assert section.strip() == settings.markdown_table()


def test_environment_overrides_defaults(tmp_path):
    loaded = settings.load({"GEO_DATABASE": str(tmp_path / "x.sqlite"), "GEO_MAX_ARTICLE_CHARS": "10"})
    assert loaded.database == tmp_path / "x.sqlite"
    assert loaded.max_article_chars == 10
    assert isinstance(settings.load({}).timeout, float)


def test_a_postgresql_url_is_kept_as_written():
    url = "postgresql://postgres@127.0.0.1:5432/news"
    assert settings.load({"GEO_DATABASE": url}).database == url  # a Path would fold "//" into "/"


def test_a_database_server_keeps_feed_state_in_the_cache_folder(tmp_path):
    from geo.watch import default_state_path

    state = default_state_path("postgresql://postgres@127.0.0.1:5432/news")
    assert state.parent == settings.cache_dir() and state.suffix == ".json"
    assert default_state_path(tmp_path / "a.sqlite") == tmp_path / "a.sqlite.feeds.json"
