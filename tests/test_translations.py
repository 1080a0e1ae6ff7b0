"""Every message the UI shows exists in French and Arabic, and the compiled catalogues are current.

To update after changing strings:
``pybabel extract -F babel.cfg -k _l -k _n:1,2 -o marche/translations/messages.pot .`` then
``pybabel update -i marche/translations/messages.pot -d marche/translations``, translate, and
``pybabel compile -d marche/translations``.
"""

import gettext
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "marche" / "translations"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None,
            "_n": (1, 2)}


def _source_messages() -> set[str]:
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT, method_map, options_map, keywords=KEYWORDS):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


@pytest.fixture(scope="module")
def source_messages():
    return _source_messages()


def _catalog(locale: str):
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=locale)


@pytest.mark.parametrize("locale", ["fr", "ar"])
def test_every_message_is_translated(locale, source_messages):
    catalog = _catalog(locale)
    missing = sorted(m for m in source_messages
                     if m not in catalog or not catalog[m].string or catalog[m].fuzzy
                     or (isinstance(catalog[m].string, tuple) and not all(catalog[m].string)))
    assert missing == [], f"{len(missing)} messages without a {locale} translation"


@pytest.mark.parametrize("locale", ["fr", "ar"])
def test_compiled_catalogue_matches_the_po_file(locale):
    catalog = _catalog(locale)
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for message in catalog:
        if message.id and message.string and not message.fuzzy and not message.pluralizable:
            assert compiled.gettext(message.id) == message.string, message.id


@pytest.mark.parametrize("locale", ["fr", "ar"])
def test_placeholders_survive_translation(locale):
    import re

    placeholder = re.compile(r"%\(\w+\)[sd]|\{\w*\}")
    for message in _catalog(locale):
        if message.id and message.string and not message.pluralizable:
            assert sorted(placeholder.findall(message.id)) == sorted(
                placeholder.findall(message.string)), message.id
