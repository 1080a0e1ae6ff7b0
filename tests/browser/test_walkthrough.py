"""A coach, an artisan and a visitor walk the main screens on a 360×740 phone, in Chromium."""

import io
import re

from PIL import Image
from playwright.sync_api import expect

from .conftest import coach_logs_in, screenshot


def artisan_logs_in(page, login="awa", pin="2468"):
    page.goto("/auth/pin")
    page.fill("#f-login", login)
    page.fill("#f-pin", pin)
    with page.expect_navigation():
        page.press("#f-pin", "Enter")
    expect(page).to_have_url(re.compile(r"/stall/$"))


def a_photo(size=(800, 600)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (190, 90, 60)).save(buffer, "JPEG")
    return buffer.getvalue()


def a_camera_photo() -> bytes:
    """What a phone camera gives: 4000×3000 pixels of detail, several megabytes."""
    buffer = io.BytesIO()
    Image.effect_noise((4000, 3000), 90).convert("RGB").save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def test_coach_walks_home_markets_cohort_and_enrols_an_artisan(page, context, database):
    coach_logs_in(page)
    expect(page.locator("main")).to_contain_text("Marché de la Cour Carrée")
    expect(page.locator("main")).to_contain_text("Awa Diallo")
    screenshot(page, f"coach-home-fr-{database}")

    page.locator("nav a[href$='/coach/markets']").click()
    expect(page.locator("main")).to_contain_text("Marché de Noël des Guilands")
    page.get_by_role("link", name="Marché de Noël des Guilands").first.click()
    expect(page.locator("#stalls")).to_contain_text("Fatou Sow")
    screenshot(page, f"coach-market-fr-{database}")

    page.goto("/coach/cohorts")
    page.get_by_role("link", name=re.compile("Faire à Bagnolet")).first.click()
    page.locator("main a[href$='/artisans/new']").first.click()
    page.fill("#f-name", "Grace Mbala")
    page.fill("#f-craft", "Vannerie")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
    qr = page.locator(".qr-enrol svg")
    expect(qr).to_be_visible()
    link = page.locator("a.enrol-link").get_attribute("href")
    login = page.locator(".enrol-login").inner_text()
    screenshot(page, f"coach-enrolment-fr-{database}")

    phone = context.browser.new_context(viewport={"width": 360, "height": 740},
                                        locale="fr-FR")
    try:
        artisan = phone.new_page()
        artisan.goto(link)
        expect(artisan.locator("main")).to_contain_text(login)
        artisan.fill("#f-pin", "135790")
        artisan.fill("#f-pin_again", "135790")
        with artisan.expect_navigation():
            artisan.press("#f-pin_again", "Enter")
        expect(artisan).to_have_url(re.compile(r"/stall/$"))
        # The link works once: a second scan asks for a new code.
        second = phone.new_page()
        second.goto(link)
        expect(second.locator("main")).not_to_contain_text(login)
    finally:
        phone.close()


def test_coach_adds_a_stall_with_htmx_without_leaving_the_page(page, database):
    coach_logs_in(page)
    page.goto("/coach/markets/new")
    page.fill("#f-name", "Braderie de printemps")
    page.fill("#f-place", "Cour Carrée")
    page.fill("#f-date", "2027-04-10")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
    page.evaluate("window.__stayed = true")
    page.select_option("#f-artisan_id", index=1)
    page.fill("#f-number", "12")
    page.locator("#stalls form button[type=submit]").click()
    expect(page.locator("#stalls table")).to_contain_text("12")
    assert page.evaluate("window.__stayed") is True, "the page reloaded instead of swapping"


def test_artisan_walks_today_products_and_page(page, database):
    artisan_logs_in(page)
    expect(page.locator("main")).to_contain_text("Marché de la Cour Carrée")
    screenshot(page, f"artisan-today-fr-{database}")

    page.locator(".bottomnav a[href$='/stall/products']").click()
    expect(page.locator("main")).to_contain_text("Bol raku")
    screenshot(page, f"artisan-products-fr-{database}")

    page.locator("main a[href$='/stall/products/new']").first.click()
    page.fill("#f-name", "Pichet bleu")
    page.fill("#f-price", "24,50")
    # The camera button, in the page's words (not the browser's "Choose File"); the photo
    # chosen shows in its frame at once.
    expect(page.locator("label.photo-pick")).to_contain_text("Prendre une photo")
    assert page.locator("#f-photo").bounding_box()["width"] <= 1
    page.set_input_files("#f-photo", files=[{"name": "pichet.jpg", "mimeType": "image/jpeg",
                                               "buffer": a_photo()}])
    expect(page.locator("[data-photo-frame] img")).to_be_visible()
    expect(page.locator("label.photo-pick")).to_contain_text("Changer la photo")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    tile = page.locator("main").get_by_text("Pichet bleu")
    expect(tile).to_be_visible()
    expect(page.locator("main")).to_contain_text("24,50")
    image = page.locator("main img[alt*='Pichet bleu'], main li:has-text('Pichet bleu') img")
    expect(image.first).to_be_visible()

    page.locator(".bottomnav a[href$='/stall/me/page']").click()
    page.fill("#f-story", "Je tourne des bols en grès depuis douze ans.")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    expect(page.locator("#f-story")).to_have_value("Je tourne des bols en grès depuis douze ans.")
    screenshot(page, f"artisan-page-fr-{database}")


def test_a_camera_photo_is_made_smaller_on_the_phone_before_it_is_sent(page, database):
    artisan_logs_in(page)
    page.goto("/stall/products/new")
    page.fill("#f-name", "Jarre")
    page.fill("#f-price", "60")
    photo = a_camera_photo()
    assert len(photo) > 5_000_000
    page.set_input_files("#f-photo", files=[{"name": "IMG_2041.JPG", "mimeType": "image/jpeg",
                                               "buffer": photo}])
    expect(page.locator("[data-photo-frame] img")).to_be_visible()
    expect(page.locator("main form button[type=submit]").first).to_be_enabled()
    with page.expect_request(lambda r: r.method == "POST") as sent:
        with page.expect_navigation():
            page.locator("main form button[type=submit]").first.click()
    assert len(sent.value.post_data_buffer) < len(photo) / 3
    expect(page.locator("main")).to_contain_text("Jarre")
    expect(page.locator("main li:has-text('Jarre') img, main img[alt*='Jarre']").first
           ).to_be_visible()


def test_arabic_screens_read_right_to_left(page, database):
    artisan_logs_in(page)
    page.goto("/lang/ar?next=/stall/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    # The bottom menu starts on the right in Arabic.
    first = page.locator(".bottomnav a").first.bounding_box()
    last = page.locator(".bottomnav a").last.bounding_box()
    assert first["x"] > last["x"]
    screenshot(page, f"artisan-today-ar-{database}")
    page.locator(".bottomnav a[href$='/stall/products']").click()
    expect(page.locator("main")).to_contain_text("Bol raku")
    screenshot(page, f"artisan-products-ar-{database}")


def test_coach_screens_in_arabic(page, database):
    page.goto("/lang/ar")
    coach_logs_in(page)
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    screenshot(page, f"coach-home-ar-{database}")


def test_visitor_reads_a_stall_page_without_javascript(browser, live_server, live_app, database):
    from marche.extensions import db
    from marche.models import Stall

    with live_app.app_context():
        slug = db.session.execute(db.select(Stall.slug).limit(1)).scalar_one()
    context = browser.new_context(viewport={"width": 360, "height": 740},
                                  java_script_enabled=False, base_url=live_server.url)
    try:
        page = context.new_page()
        page.goto(f"/s/{slug}")
        expect(page.locator("h1")).to_be_visible()
        expect(page.locator(".product").first).to_be_visible()
        heart = page.locator("form button").first
        before = heart.inner_text()
        with page.expect_navigation():
            heart.click()
        after = page.locator("form button").first.inner_text()
        assert int(re.sub(r"\D", "", after)) == int(re.sub(r"\D", "", before)) + 1
        screenshot(page, f"visitor-stall-fr-{database}")
    finally:
        context.close()
