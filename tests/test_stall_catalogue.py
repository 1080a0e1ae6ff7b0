"""My products: the tiles, adding and changing a product, archiving, and every wrong value."""

import os
import re
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from marche.models import Product

from .test_stall_support import (
    build_stage,
    database,
    field_error,
    input_value,
    jpeg_bytes,
    log_in,
    product,
    profile,
    served,
    update,
    upload,
)


@pytest.fixture
def stage(app, client):
    stage = build_stage(app)
    log_in(client, "awa")
    return stage


def _count(app) -> int:
    with database(app) as session:
        return session.execute(select(func.count()).select_from(Product)).scalar_one()


def _products_named(app, name) -> list[Product]:
    with database(app) as session:
        return list(session.execute(select(Product).where(Product.name == name)).scalars())


GOOD = {"name": "Bol bleu", "price": "12,50", "cost": "", "category": "Bols", "active": "1"}


def test_tiles_show_name_big_price_and_archived_greyed(client, stage):
    page = client.get("/stall/products").get_data(as_text=True)
    assert "Bol raku" in page and "€18.00" in page
    archived = re.search(rf'<li class="product archived" id="p-{stage.archived}">(.*?)</li>',
                         page, re.S)
    assert archived and "Vieux vase" in archived.group(1) and "Archived" in archived.group(1)
    assert f'id="p-{stage.product}"' in page
    assert page.index("Bol raku") < page.index("Vieux vase")  # on sale first
    assert "Tabouret" not in page  # Bilal's


def test_add_a_product(app, client, stage):
    response = client.post("/stall/products/new", data=GOOD)
    assert response.status_code == 302
    [added] = _products_named(app, "Bol bleu")
    assert (added.price_cents, added.cost_cents, added.category) == (1250, None, "Bols")
    assert added.active and added.artisan_id == stage.awa and added.edit_version == 1
    # The phone's next pull sees it: the row carries the artisan's new version.
    assert added.version == profile(app, stage.awa)["version"] > 0
    assert "Bol bleu" in client.get("/stall/products").get_data(as_text=True)


def test_add_a_product_with_a_photo_from_the_camera(app, client, stage):
    data = dict(GOOD, photo=upload(jpeg_bytes(size=(900, 1200))))
    response = client.post("/stall/products/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    [added] = _products_named(app, "Bol bleu")
    media = Path(app.config["MEDIA_FOLDER"])
    assert (media / f"{added.photo_key}_thumb.jpg").is_file()
    page = client.get("/stall/products").get_data(as_text=True)
    assert f"/media/{added.photo_key}/thumb.jpg" in page


def test_a_replaced_photo_leaves_the_server(app, client, stage):
    """The artisan took a better picture: the old one is no longer served at its address."""
    client.post("/stall/products/new", data=dict(GOOD, photo=upload(jpeg_bytes())),
                content_type="multipart/form-data")
    [added] = _products_named(app, "Bol bleu")
    old = added.photo_key
    assert served(client, f"/media/{old}/thumb.jpg") == 200
    response = client.post(f"/stall/products/{added.id}",
                           data=dict(GOOD, photo=upload(jpeg_bytes(size=(640, 480)))),
                           content_type="multipart/form-data")
    assert response.status_code == 302
    [changed] = _products_named(app, "Bol bleu")
    assert changed.photo_key not in (None, old)
    assert served(client, f"/media/{changed.photo_key}/thumb.jpg") == 200
    assert served(client, f"/media/{old}/thumb.jpg") == 404
    media = Path(app.config["MEDIA_FOLDER"])
    assert not list(media.glob(f"{old}_*"))


def test_form_is_made_for_a_phone(client, stage):
    page = client.get("/stall/products/new").get_data(as_text=True)
    assert re.search(r'name="price"[^>]*inputmode="decimal"', page)
    assert 'type="file" accept="image/*" capture="environment"' in page
    assert 'enctype="multipart/form-data"' in page
    assert '<datalist id="categories">' in page


def test_category_suggestions_are_my_own_categories(app, client, stage):
    client.post("/stall/products/new", data=dict(GOOD, category="Bols"))
    update(app, Product, uuid.UUID(stage.bilal_product), category="Chaises")
    page = client.get("/stall/products/new").get_data(as_text=True)
    assert '<option value="Bols">' in page
    assert "Chaises" not in page


@pytest.mark.parametrize(("field", "value"), [
    ("name", ""),
    ("name", "   "),
    ("name", "x" * 81),
    ("price", ""),
    ("price", "abc"),
    ("price", "-5"),
    ("price", "12,345"),
    ("price", "1e9"),
    ("price", "99999999"),
    ("price", "0x10"),
    ("price", "NaN"),
    ("cost", "beaucoup"),
    ("cost", "-1"),
    ("category", "c" * 61),
    ("active", "maybe"),
])
def test_wrong_values_are_shown_next_to_the_field_and_nothing_is_saved(
        app, client, stage, field, value):
    before = _count(app)
    response = client.post("/stall/products/new", data=dict(GOOD, **{field: value}))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, field) or (field == "active" and "Not a valid boolean" in page)
    assert _count(app) == before
    kept = "category" if field != "category" else "name"
    assert input_value(page, kept) == GOOD[kept]


def test_control_characters_are_dropped_not_a_server_error(app, client, stage):
    response = client.post("/stall/products/new", data=dict(GOOD, name="Bol\x00 bleu\x07"))
    assert response.status_code == 302
    assert _products_named(app, "Bol bleu")


def test_a_file_that_is_not_a_photo_is_refused_and_the_rest_is_kept(app, client, stage):
    data = dict(GOOD, photo=upload(b"just text, named like a photo", "vacances.jpg"))
    response = client.post("/stall/products/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "not a photo" in field_error(page, "photo")
    assert input_value(page, "name") == "Bol bleu" and input_value(page, "price") == "12,50"
    assert _products_named(app, "Bol bleu") == []


def test_a_good_photo_is_kept_when_another_field_is_wrong(app, client, stage):
    data = dict(GOOD, name="", photo=upload(jpeg_bytes()))
    page = client.post("/stall/products/new", data=data,
                       content_type="multipart/form-data").get_data(as_text=True)
    kept = re.search(r'<input type="hidden" name="photo_key" value="([^"]+)">', page)
    shown = re.search(r'src="/media/([0-9a-f]{32})/thumb.jpg"', page)
    assert kept and shown
    response = client.post("/stall/products/new", data=dict(GOOD, photo_key=kept.group(1)))
    assert response.status_code == 302
    assert _products_named(app, "Bol bleu")[0].photo_key == shown.group(1)


def _refused_with_a_photo(client) -> str:
    """Send a product form with a good photo and no name; return the key of the kept photo."""
    page = client.post("/stall/products/new", data=dict(GOOD, name="", photo=upload(jpeg_bytes())),
                       content_type="multipart/form-data").get_data(as_text=True)
    return re.search(r'src="/media/([0-9a-f]{32})/thumb.jpg"', page).group(1)


def _made_hours_ago(app, key: str, hours: int) -> None:
    when = time.time() - hours * 3600
    for size in ("thumb", "medium"):
        os.utime(Path(app.config["MEDIA_FOLDER"]) / f"{key}_{size}.jpg", (when, when))


def test_photos_of_forms_never_sent_again_are_pruned_once_no_retry_can_come(
        app, client, runner, stage):
    client.post("/stall/products/new", data=dict(GOOD, photo=upload(jpeg_bytes())),
                content_type="multipart/form-data")
    [saved] = _products_named(app, "Bol bleu")
    abandoned, pending = _refused_with_a_photo(client), _refused_with_a_photo(client)
    for key in (saved.photo_key, abandoned):
        _made_hours_ago(app, key, 30)
    _made_hours_ago(app, pending, 2)  # the artisan may still send this form again

    result = runner.invoke(args=["prune-photos"])  # 24 hours by default
    assert result.exit_code == 0, result.output
    assert "1 photo" in result.output
    assert served(client, f"/media/{abandoned}/thumb.jpg") == 404
    assert not list(Path(app.config["MEDIA_FOLDER"]).glob(f"{abandoned}_*"))
    assert served(client, f"/media/{saved.photo_key}/medium.jpg") == 200  # a product names it
    assert served(client, f"/media/{pending}/thumb.jpg") == 200

    assert "1 photo" in runner.invoke(args=["prune-photos", "--older-than", "1"]).output
    assert served(client, f"/media/{pending}/thumb.jpg") == 404
    assert served(client, f"/media/{saved.photo_key}/thumb.jpg") == 200
    assert runner.invoke(args=["prune-photos", "--older-than", "0"]).exit_code != 0


def test_a_made_up_photo_key_is_ignored(app, client, stage):
    client.post("/stall/products/new", data=dict(GOOD, photo_key="../../secret"))
    assert _products_named(app, "Bol bleu")[0].photo_key is None


def test_nobody_attaches_a_photo_someone_else_uploaded(app, client, stage):
    """Photo keys show in every photo's URL: a key alone, or another artisan's kept photo,
    is never taken."""
    data = dict(GOOD, name="", photo=upload(jpeg_bytes()))
    page = client.post("/stall/products/new", data=data,
                       content_type="multipart/form-data").get_data(as_text=True)
    kept = re.search(r'<input type="hidden" name="photo_key" value="([^"]+)">', page).group(1)
    key = re.search(r'src="/media/([0-9a-f]{32})/thumb.jpg"', page).group(1)
    bilal = app.test_client()
    log_in(bilal, "bilal")
    for stolen in (key, kept):
        bilal.post("/stall/products/new", data=dict(GOOD, name=f"Vol {stolen[:4]}",
                                                    photo_key=stolen))
        assert _products_named(app, f"Vol {stolen[:4]}")[0].photo_key is None
        bilal.post("/stall/me/page", data={"display_name": "Bilal", "photo_key": stolen})
    with app.app_context():
        from marche.extensions import db
        from marche.models import ArtisanProfile

        assert db.session.get(ArtisanProfile, stage.bilal).photo_key != key


def test_edit_form_shows_the_product_as_it_is(client, stage):
    page = client.get(f"/stall/products/{stage.product}").get_data(as_text=True)
    assert input_value(page, "name") == "Bol raku"
    assert input_value(page, "price") == "18.00"
    assert input_value(page, "cost") == "4.00"


def test_changing_a_price_bumps_the_edit_version(app, client, stage):
    before = product(app, stage.product)
    response = client.post(f"/stall/products/{stage.product}",
                           data={"name": "Bol raku", "price": "15", "cost": "4", "active": "1"})
    assert response.status_code == 302
    after = product(app, stage.product)
    assert after["price_cents"] == 1500
    assert after["edit_version"] == before["edit_version"] + 1
    assert after["version"] > before["version"]


def test_saving_without_a_change_is_not_an_edit(app, client, stage):
    before = product(app, stage.product)
    client.post(f"/stall/products/{stage.product}",
                data={"name": "Bol raku", "price": "18,00", "cost": "4,00", "active": "1"})
    assert product(app, stage.product)["edit_version"] == before["edit_version"]


def test_unticking_on_sale_archives_and_the_product_stays(app, client, stage):
    client.post(f"/stall/products/{stage.product}",
                data={"name": "Bol raku", "price": "18", "cost": "4"})
    assert product(app, stage.product)["active"] is False
    page = client.get("/stall/products").get_data(as_text=True)
    assert re.search(rf'class="product archived" id="p-{stage.product}"', page)


def test_archive_and_put_back_on_sale(app, client, stage):
    before = product(app, stage.product)
    assert client.post(f"/stall/products/{stage.product}/archive",
                       data={"active": "0"}).status_code == 302
    archived = product(app, stage.product)
    assert archived["active"] is False
    assert archived["edit_version"] == before["edit_version"] + 1
    client.post(f"/stall/products/{stage.product}/archive", data={"active": "1"})
    assert product(app, stage.product)["active"] is True


def test_there_is_no_way_to_delete_a_product(client, stage):
    assert client.delete(f"/stall/products/{stage.product}").status_code == 405
    page = client.get(f"/stall/products/{stage.product}").get_data(as_text=True)
    assert "Archive this product" in page and "Delete" not in page


@pytest.mark.parametrize("path", ["/stall/products/not-a-uuid", "/stall/products/1234",
                                  "/stall/products/00000000-0000-0000-0000-000000000000"])
def test_unknown_product_is_not_found(client, stage, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("value", ["perhaps", "", "2"])
def test_a_garbled_archive_request_changes_nothing_and_says_so(app, client, stage, value):
    before = product(app, stage.product)
    response = client.post(f"/stall/products/{stage.product}/archive", data={"active": value})
    assert response.status_code == 302
    assert product(app, stage.product) == before
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nothing was changed" in page
