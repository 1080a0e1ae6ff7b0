"""The visitor's stall page (the QR target), its hearts and its calendar link."""

import datetime as dt
import re
import uuid

import pytest
from sqlalchemy import select

from marche import photos
from marche.models import ArtisanProfile, ProductLike, QrScan, Stall, User

from .test_stall_support import (
    build_stage,
    database,
    jpeg_bytes,
    log_in,
    paris_today,
    update,
)


@pytest.fixture
def stage(app):
    return build_stage(app)


def _scans(app, slug) -> list[tuple[dt.date, int]]:
    with database(app) as session:
        stall = session.execute(select(Stall).where(Stall.slug == slug)).scalar_one()
        return [(row.day, row.count) for row in session.execute(
            select(QrScan).where(QrScan.stall_id == stall.id)).scalars()]


def _likes(app, product_id) -> int:
    with database(app) as session:
        return sum(row.count for row in session.execute(
            select(ProductLike).where(ProductLike.product_id == uuid.UUID(product_id))).scalars())


def test_stall_page_shows_the_artisan_the_products_and_where_they_are_today(client, stage):
    response = client.get(f"/s/{stage.awa_slug}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<h1 dir="auto">Awa Diallo</h1>' in page and "Céramique" in page
    assert "Bol raku" in page and "€18.00" in page
    assert "Today at stall 7, Cour Carrée" in page


def test_visitors_never_see_archived_products_or_another_artisans(client, stage):
    page = client.get(f"/s/{stage.awa_slug}").get_data(as_text=True)
    assert "Vieux vase" not in page and stage.archived not in page
    assert "Tabouret" not in page


def test_the_page_is_light_and_needs_no_script_nor_cookie(client, stage):
    response = client.get(f"/s/{stage.awa_slug}")
    page = response.get_data(as_text=True)
    assert "<script" not in page and "hx-" not in page
    assert "Set-Cookie" not in response.headers
    assert len(response.data) < 20_000


def test_the_page_has_a_description_and_an_open_graph_title(client, stage):
    page = client.get(f"/s/{stage.awa_slug}").get_data(as_text=True)
    assert re.search(r'<meta name="description" content="Awa Diallo · Céramique[^"]*">', page)
    assert '<meta property="og:title" content="Awa Diallo · Céramique">' in page
    assert f'<meta property="og:url" content="https://marche.example.org/s/{stage.awa_slug}">' \
        in page


def test_a_long_story_shows_its_first_lines_and_the_rest_on_demand(app, client, stage):
    story = "Je suis née à Dakar. " + "J'ai appris la poterie avec ma tante, au village. " * 8
    update(app, ArtisanProfile, stage.awa, story=story)
    page = client.get(f"/s/{stage.awa_slug}").get_data(as_text=True)
    lead = re.search(r'<section class="story">\s*<p dir="auto">(.*?)</p>', page, re.S).group(1)
    assert lead.startswith("Je suis née à Dakar.") and len(lead) < 200
    assert re.search(r"<details><summary>Read more</summary><p[^>]*>.+</p></details>", page)


def test_a_short_story_is_shown_whole(app, client, stage):
    update(app, ArtisanProfile, stage.awa, story="Bols et tasses en raku.")
    page = client.get(f"/s/{stage.awa_slug}").get_data(as_text=True)
    assert "Bols et tasses en raku." in page and "<details>" not in page


def test_next_markets_with_a_calendar_link(client, stage):
    page = client.get(f"/s/{stage.awa_slug}").get_data(as_text=True)
    nexts = re.search(r'<section class="next-markets">.*?</section>', page, re.S).group(0)
    assert "Marché de Noël" in nexts and "Stall 2" in nexts
    assert f'href="/s/{stage.later_slug}/market.ics"' in nexts


def test_contact_links(app, client, stage):
    update(app, ArtisanProfile, stage.awa, phone="06 12 34 56 78", email="awa@example.org",
           website="https://awa.example.org", instagram="awa.ceramique")
    page = client.get(f"/s/{stage.awa_slug}").get_data(as_text=True)
    assert 'href="tel:0612345678"' in page and 'href="mailto:awa@example.org"' in page
    assert 'href="https://awa.example.org"' in page
    assert 'href="https://www.instagram.com/awa.ceramique/"' in page


def test_a_website_that_is_not_http_is_never_a_link(app, client, stage):
    update(app, ArtisanProfile, stage.awa, website="javascript:alert(1)")
    assert "javascript:" not in client.get(f"/s/{stage.awa_slug}").get_data(as_text=True)


@pytest.mark.parametrize("hide", ["page switched off", "account deactivated"])
def test_a_hidden_artisan_is_not_available(app, client, stage, hide):
    if hide == "page switched off":
        update(app, ArtisanProfile, stage.awa, public=False)
    else:
        update(app, User, stage.awa, active=False)
    for path in (f"/s/{stage.awa_slug}", f"/s/{stage.later_slug}/market.ics"):
        response = client.get(path)
        assert response.status_code == 404
        page = response.get_data(as_text=True)
        assert "This page is not available." in page
        assert "Awa" not in page and "Bol raku" not in page
    assert _scans(app, stage.awa_slug) == []
    assert client.post(f"/s/{stage.awa_slug}/like/{stage.product}").status_code == 404


def test_unknown_stall_is_not_available(client, stage):
    response = client.get("/s/no-such-stall")
    assert response.status_code == 404
    assert "This page is not available." in response.get_data(as_text=True)


def test_the_artisan_previews_a_hidden_page_and_is_not_counted(app, client, stage):
    update(app, ArtisanProfile, stage.awa, public=False)
    log_in(client, "awa")
    response = client.get(f"/s/{stage.awa_slug}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Preview" in page and "Bol raku" in page
    assert _scans(app, stage.awa_slug) == []


def test_another_artisan_sees_no_hidden_page(app, client, stage):
    update(app, ArtisanProfile, stage.awa, public=False)
    log_in(client, "bilal")
    assert client.get(f"/s/{stage.awa_slug}").status_code == 404


def test_each_visit_is_counted_for_the_stall_and_the_day(app, client, stage):
    for _ in range(3):
        client.get(f"/s/{stage.awa_slug}")
    client.get(f"/s/{stage.bilal_slug}")
    assert _scans(app, stage.awa_slug) == [(paris_today(), 3)]
    assert _scans(app, stage.bilal_slug) == [(paris_today(), 1)]


def test_qr_images_and_calendar_are_not_scans(app, client, stage):
    client.get(f"/s/{stage.awa_slug}/qr.png")
    client.get(f"/s/{stage.awa_slug}/market.ics")
    assert _scans(app, stage.awa_slug) == []


def test_a_heart_is_counted_and_the_visitor_comes_back_to_the_product(app, client, stage):
    response = client.post(f"/s/{stage.awa_slug}/like/{stage.product}")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/s/{stage.awa_slug}#p-{stage.product}"
    assert "Set-Cookie" not in response.headers
    client.post(f"/s/{stage.awa_slug}/like/{stage.product}")
    assert _likes(app, stage.product) == 2
    page = client.get(f"/s/{stage.awa_slug}").get_data(as_text=True)
    tile = re.search(rf'id="p-{stage.product}">(.*?)</li>', page, re.S).group(1)
    assert '<span class="num">2</span>' in tile


def test_the_heart_is_a_plain_form(client, stage):
    page = client.get(f"/s/{stage.awa_slug}").get_data(as_text=True)
    assert (f'<form class="like" method="post" action="/s/{stage.awa_slug}/like/{stage.product}">'
            in page)


def test_hearts_need_no_csrf_token(app, client, stage):
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"/s/{stage.awa_slug}/like/{stage.product}").status_code == 303


@pytest.mark.parametrize("which", ["archived", "bilal_product", "unknown", "not-a-uuid"])
def test_hearts_only_for_the_stalls_products_on_sale(app, client, stage, which):
    product_id = {"archived": stage.archived, "bilal_product": stage.bilal_product,
                  "unknown": str(uuid.uuid4()), "not-a-uuid": "12"}[which]
    response = client.post(f"/s/{stage.awa_slug}/like/{product_id}")
    assert response.status_code == 404
    if which != "not-a-uuid":
        assert _likes(app, product_id) == 0


def test_hearts_are_rate_limited(app, client, stage):
    app.config["LIKE_RATE_LIMIT"] = "3 per minute"
    codes = [client.post(f"/s/{stage.awa_slug}/like/{stage.product}").status_code
             for _ in range(5)]
    assert codes == [303, 303, 303, 429, 429]
    assert _likes(app, stage.product) == 3


def test_a_heart_cannot_be_sent_with_get(client, stage):
    assert client.get(f"/s/{stage.awa_slug}/like/{stage.product}").status_code == 405


def test_calendar_event_of_a_market(client, stage):
    response = client.get(f"/s/{stage.later_slug}/market.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    body = response.get_data(as_text=True)
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert "SUMMARY:Awa Diallo · Marché de Noël" in body
    assert "LOCATION:Cour Carrée\\, Parc Jean-Moulin" in body
    day = paris_today(5)
    # 10:00 in Paris is 08:00 or 09:00 UTC, depending on summer time.
    assert re.search(rf"DTSTART:{day:%Y%m%d}T0[89]0000Z", body)
    assert f"URL:https://marche.example.org/s/{stage.later_slug}" in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


def test_calendar_of_a_market_without_hours_is_a_whole_day(app, client, stage):
    with database(app) as session:
        stall = session.execute(select(Stall).where(Stall.slug == stage.later_slug)).scalar_one()
        stall.market.opens_at = None
        stall.market.closes_at = None
        session.commit()
    body = client.get(f"/s/{stage.later_slug}/market.ics").get_data(as_text=True)
    assert f"DTSTART;VALUE=DATE:{paris_today(5):%Y%m%d}" in body


@pytest.mark.parametrize("path", [
    "/s/", "/s/%00", "/s/%00/qr.png", "/s/%00/market.ics", "/m/%00", "/s/" + "x" * 500,
    "/s/../stall/", "/s/a/like/b", "/m/%ff",
])
def test_garbage_addresses_never_break(client, stage, path):
    assert client.get(path).status_code in (404, 405, 308)


def test_a_french_visitor_reads_french_money_and_dates(client, stage):
    page = client.get(f"/s/{stage.awa_slug}",
                      headers={"Accept-Language": "fr-FR,fr;q=0.9"}).get_data(as_text=True)
    assert "18,00\xa0€" in page and "€18.00" not in page
    assert "Aujourd’hui au stand 7" in page or "Aujourd'hui au stand 7" in page


def test_photos_and_static_files_do_not_vary_by_cookie_so_a_cache_can_share_them(
        app, client, stage):
    """A proxy or CDN in front of the app keeps one copy of each for every visitor and phone."""
    with app.test_request_context():
        key = photos.save_bytes(jpeg_bytes())
    log_in(client, "awa")  # a signed-in phone has a session; its files are still everyone's
    client.get("/lang/ar?next=/")
    for url in (f"/media/{key}/thumb.jpg", f"/media/{key}/medium.jpg", "/static/marche.css"):
        with client.get(url) as response:
            assert response.status_code == 200, url
            assert "cookie" not in response.headers.get("Vary", "").lower(), url
            assert "Set-Cookie" not in response.headers, url
    # A page does depend on who asks, and in which language.
    page = client.get(f"/s/{stage.awa_slug}")
    assert "dir=\"rtl\"" in page.get_data(as_text=True)
    assert "cookie" in page.headers["Vary"].lower()
