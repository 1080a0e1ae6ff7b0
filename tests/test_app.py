"""The app as a whole: health, languages, error pages."""


def test_healthz_answers_when_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "ok"


def test_french_is_the_default_language(client):
    page = client.get("/", headers={"Accept-Language": ""}).get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in page
    assert "Je suis artisan" in page


def test_the_browser_language_is_followed(client):
    page = client.get("/", headers={"Accept-Language": "ar,fr;q=0.5"}).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page


def test_arabic_pages_are_right_to_left(client):
    client.get("/lang/ar")
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page


def test_language_switch_shows_each_language_in_its_own_script(client):
    page = client.get("/").get_data(as_text=True)
    for label in ("Français", "English", "العربية"):
        assert label in page


def test_unknown_language_is_not_found(client):
    assert client.get("/lang/xx").status_code == 404


def test_language_switch_never_redirects_off_site(client):
    response = client.get("/lang/en?next=https://evil.example/")
    assert response.headers["Location"] == "/"


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "<h1>" in response.get_data(as_text=True)


def test_api_errors_are_json(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json["code"] == 404


def test_no_open_redirect_through_whitespace_or_backslashes(client):
    for target in ("/%09/evil.example", "/%0A/evil.example", "/%0D/x", "/\\evil.example",
                   "//evil.example", "https://evil.example/", "/%20/evil.example",
                   "javascript:alert(1)"):
        response = client.get(f"/lang/en?next={target}")
        assert response.status_code == 302, target
        assert response.headers["Location"] == "/", target


def test_a_path_on_this_site_is_followed(client):
    response = client.get("/lang/en?next=/auth/pin%3Fnext%3D/stall/")
    assert response.headers["Location"] == "/auth/pin?next=/stall/"


def test_healthz_says_when_the_database_is_down(app, client, monkeypatch):
    from sqlalchemy import exc

    from marche.extensions import db

    def down(*args, **kwargs):
        raise exc.OperationalError("SELECT 1", {}, ConnectionRefusedError("down"))

    with app.app_context():
        monkeypatch.setattr(type(db.session()), "execute", down)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "error", "database": "unreachable"}


def test_a_form_too_big_to_read_says_so_and_offers_the_way_back(app, client, make):
    import io

    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    from .test_stall_catalogue import GOOD

    make.artisan()
    client.post("/auth/pin", data={"login": "awa", "pin": "2468"})
    photo = b"\xff" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    # Encoded in memory: the test client would spill a body this big into a temporary file
    # that it never closes once the app refuses to read it.
    boundary, body = encode_multipart({**GOOD, "photo": FileStorage(
        io.BytesIO(photo), filename="big.jpg", content_type="image/jpeg")})
    kind = f"multipart/form-data; boundary={boundary}"

    response = client.post("/stall/products/new", data=body, content_type=kind,
                           headers={"Referer": "http://localhost/stall/products/new"})
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "This photo is too big. Go back and choose a smaller one." in page
    assert 'href="/stall/products/new"' in page and "history.back()" in page
    elsewhere = client.post("/stall/products/new", data=body, content_type=kind,
                            headers={"Referer": "https://evil.example/x"})
    assert elsewhere.status_code == 413
    assert "evil.example" not in elsewhere.get_data(as_text=True)
