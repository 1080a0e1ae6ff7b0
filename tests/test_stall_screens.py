"""Today, My page and Me: what the artisan sees on the phone, and every wrong value on My page."""

import datetime as dt
import re

import pytest

from marche.models import Market
from marche.stall import agenda

from .test_stall_support import (
    build_stage,
    field_error,
    input_value,
    jpeg_bytes,
    log_in,
    paris_today,
    profile,
    rows,
    served,
    upload,
)


@pytest.fixture
def stage(app, client):
    stage = build_stage(app)
    log_in(client, "awa")
    return stage


def _current_tab(page: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)" aria-current="page">', page)


@pytest.mark.parametrize(("path", "tab"), [
    ("/stall/", "/stall/"), ("/stall/products", "/stall/products"),
    ("/stall/products/new", "/stall/products"), ("/stall/me/page", "/stall/me/page"),
    ("/stall/me", "/stall/me"),
])
def test_bottom_bar_has_four_tabs_and_marks_the_current_one(client, stage, path, tab):
    page = client.get(path).get_data(as_text=True)
    nav = re.search(r'<nav class="bottomnav".*?</nav>', page, re.S).group(0)
    assert nav.count("<a ") == 4 and nav.count('class="icon"') == 4
    assert _current_tab(nav) == [tab]


def test_today_shows_my_stall_big_and_the_next_markets(client, stage):
    page = client.get("/stall/").get_data(as_text=True)
    card = re.search(r'<section class="card card-today">.*?</section>', page, re.S).group(0)
    assert "Marché de la Cour Carrée" in card and "Cour Carrée" in card
    assert '<span class="big-number">7</span>' in card
    assert "Marché de Noël" in page.split("card-today", 1)[1]
    assert "/stall/products" in page and "/stall/me/page" in page


def test_today_isolates_dates_times_and_names_for_right_to_left(client, stage):
    """In Arabic, "10:00 ص–6:00 م" beside a date and a French place name must not scramble."""
    client.get("/lang/ar?next=/stall/")
    page = client.get("/stall/").get_data(as_text=True)
    card = re.search(r'<section class="card card-today">.*?</section>', page, re.S).group(0)
    assert re.search(r'<span class="nowrap"><bdi>[^<]+</bdi>–<bdi>[^<]+</bdi></span>', card)
    assert re.search(r"<bdi>[^<]*2\d{3}[^<]*</bdi>", card)  # the date, on its own
    assert "<bdi>Marché de la Cour Carrée</bdi>" in card


def test_today_without_any_market_says_the_coach_will_add_me(app, client):
    with rows(app) as make:
        make.artisan(login="chen", cohort=make.cohort())
    log_in(client, "chen")
    page = client.get("/stall/").get_data(as_text=True)
    assert "No market planned yet — your coach will add you." in page
    assert "card-today" not in page


def test_today_without_a_market_today_lists_the_next_ones(app, client):
    with rows(app) as make:
        cohort = make.cohort()
        chen = make.artisan(login="chen", cohort=cohort)
        make.stall(make.market(cohort, name="Marché d'été", date=paris_today(3)), chen)
        make.stall(make.market(cohort, name="Marché passé", date=paris_today(-3)), chen)
    log_in(client, "chen")
    page = client.get("/stall/").get_data(as_text=True)
    assert "No market today." in page
    assert "Marché d&#39;été" in page and "Marché passé" not in page


def test_a_market_is_today_in_its_own_time_zone(app):
    paris_midnight = dt.datetime(2026, 6, 14, 22, 30, tzinfo=dt.UTC)  # 00:30 on the 15th
    with app.app_context():
        market = Market(date=dt.date(2026, 6, 15), timezone="Europe/Paris")
        assert agenda.is_today(market, paris_midnight)
        market.timezone = "America/New_York"  # still the 14th there
        assert not agenda.is_today(market, paris_midnight)
        market.timezone = "Nowhere/Unknown"  # a bad name falls back on Paris
        assert agenda.is_today(market, paris_midnight)


def test_my_page_shows_what_visitors_see_and_a_preview_link(client, stage):
    page = client.get("/stall/me/page").get_data(as_text=True)
    assert input_value(page, "display_name") == "Awa Diallo"
    assert f'href="/s/{stage.awa_slug}"' in page
    assert re.search(r'<textarea id="f-story" name="story"[^>]*maxlength="600"', page)


GOOD = {"display_name": "Awa D.", "craft": "Céramique raku", "story": "J'ai appris à Dakar.",
        "phone": "06 12 34 56 78", "email": "awa@example.org", "website": "awa-ceramique.fr",
        "instagram": "@awa.ceramique", "public": "1"}


def test_saving_my_page(app, client, stage):
    response = client.post("/stall/me/page", data=GOOD)
    assert response.status_code == 302
    saved = profile(app, stage.awa)
    assert saved["display_name"] == "Awa D." and saved["story"] == "J'ai appris à Dakar."
    assert saved["website"] == "https://awa-ceramique.fr"
    assert saved["instagram"] == "awa.ceramique"
    assert saved["public"] is True


def test_instagram_address_is_kept_as_a_name(app, client, stage):
    client.post("/stall/me/page", data=dict(GOOD, instagram="https://www.instagram.com/awa_c/"))
    assert profile(app, stage.awa)["instagram"] == "awa_c"


def test_switching_my_page_off(app, client, stage):
    client.post("/stall/me/page", data={k: v for k, v in GOOD.items() if k != "public"})
    assert profile(app, stage.awa)["public"] is False
    page = client.get("/stall/me/page").get_data(as_text=True)
    assert "visitors cannot see your page" in page


def test_my_photo(app, client, stage):
    response = client.post("/stall/me/page", data=dict(GOOD, photo=upload(jpeg_bytes())),
                           content_type="multipart/form-data")
    assert response.status_code == 302
    key = profile(app, stage.awa)["photo_key"]
    assert key and f"/media/{key}/thumb.jpg" in client.get("/stall/me/page").get_data(
        as_text=True)
    # A better picture replaces it: the old one is no longer served.
    client.post("/stall/me/page", data=dict(GOOD, photo=upload(jpeg_bytes(size=(500, 500)))),
                content_type="multipart/form-data")
    new_key = profile(app, stage.awa)["photo_key"]
    assert new_key != key and served(client, f"/media/{new_key}/thumb.jpg") == 200
    assert served(client, f"/media/{key}/thumb.jpg") == 404


@pytest.mark.parametrize(("field", "value"), [
    ("display_name", ""),
    ("display_name", "n" * 121),
    ("craft", "c" * 121),
    ("story", "s" * 601),
    ("phone", "call me maybe"),
    ("phone", "1" * 40),
    ("email", "not-an-address"),
    ("email", "a@b"),
    ("website", "javascript:alert(1)"),
    ("website", "not a site"),
    ("instagram", "bad handle!"),
    ("instagram", "x" * 31),
    ("public", "perhaps"),
])
def test_wrong_values_on_my_page_are_shown_and_nothing_is_saved(
        app, client, stage, field, value):
    before = profile(app, stage.awa)
    response = client.post("/stall/me/page", data=dict(GOOD, **{field: value}))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, field) or (field == "public" and "Not a valid boolean" in page)
    assert profile(app, stage.awa) == before
    kept = "craft" if field != "craft" else "display_name"
    assert input_value(page, kept) == GOOD[kept]


def test_a_story_of_exactly_600_characters_is_fine(app, client, stage):
    response = client.post("/stall/me/page", data=dict(GOOD, story="é" * 600))
    assert response.status_code == 302
    assert len(profile(app, stage.awa)["story"]) == 600


def test_a_refused_photo_on_my_page_keeps_what_was_typed(client, stage):
    data = dict(GOOD, photo=upload(b"%PDF-1.4 not a picture", "scan.jpg"))
    response = client.post("/stall/me/page", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "not a photo" in field_error(page, "photo")
    assert input_value(page, "story") == GOOD["story"]


def test_me_offers_each_language_in_its_own_script(client, stage):
    page = client.get("/stall/me").get_data(as_text=True)
    for code, label in (("fr", "Français"), ("en", "English"), ("ar", "العربية")):
        assert re.search(rf'href="/lang/{code}\?next=/stall/me"[^>]*lang="{code}"[^>]*>'
                         rf'(?:<svg.*?</svg>)?{label}</a>', page)


def test_choosing_a_language_on_me(app, client, stage):
    response = client.get("/lang/ar?next=/stall/me")
    assert response.headers["Location"] == "/stall/me"
    page = client.get("/stall/me").get_data(as_text=True)
    assert 'dir="rtl"' in page


def test_log_out_from_me(client, stage):
    page = client.get("/stall/me").get_data(as_text=True)
    form = re.search(r'<form class="logout-form" method="post" action="([^"]+)">(.*?)</form>',
                     page, re.S)
    assert form and 'name="csrf_token"' in form.group(2)
    client.post(form.group(1))
    assert client.get("/stall/").status_code == 302


def test_log_out_is_protected_by_csrf(app, client, stage):
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get("/stall/me").get_data(as_text=True)
    action = re.search(r'class="logout-form" method="post" action="([^"]+)"', page).group(1)
    assert client.post(action).status_code == 400
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post(action, data={"csrf_token": token})
    assert client.get("/stall/").status_code == 302
