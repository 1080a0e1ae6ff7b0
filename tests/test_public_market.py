"""The market's public page: every public stall in stall-number order, linking to its page."""

import re

import pytest

from marche.models import ArtisanProfile, User

from .test_stall_support import paris_today, rows, update


@pytest.fixture
def market(app):
    with rows(app) as make:
        cohort = make.cohort()
        market = make.market(cohort, name="Marché de la Cour Carrée", date=paris_today())
        made = {}
        for login, number, craft in (("emile", 12, "Sérigraphie"), ("chen", 3, "Bijoux"),
                                     ("fatou", 7, "Couture"), ("dounia", 5, "Cuisine")):
            artisan = make.artisan(login=login, cohort=cohort, craft=craft)
            made[login] = (artisan.id, make.stall(market, artisan, number=number).slug)
        return market.slug, made


def test_stalls_in_number_order_with_name_craft_and_link(client, market):
    slug, made = market
    response = client.get(f"/m/{slug}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    order = re.findall(r'<span class="stall-badge num"[^>]*>(\d+)</span>', page)
    assert order == ["3", "5", "7", "12"]
    assert "Chen" in page and "Bijoux" in page
    assert f'href="/s/{made["chen"][1]}"' in page


@pytest.mark.parametrize("hide", ["page switched off", "account deactivated"])
def test_hidden_artisans_are_left_out(app, client, market, hide):
    slug, made = market
    user_id = made["fatou"][0]
    if hide == "page switched off":
        update(app, ArtisanProfile, user_id, public=False)
    else:
        update(app, User, user_id, active=False)
    page = client.get(f"/m/{slug}").get_data(as_text=True)
    assert "Fatou" not in page and made["fatou"][1] not in page
    assert re.findall(r'<span class="stall-badge num"[^>]*>(\d+)</span>', page) == ["3", "5", "12"]


def test_market_page_is_light_and_described(client, market):
    slug, _made = market
    response = client.get(f"/m/{slug}")
    page = response.get_data(as_text=True)
    assert '<meta name="description" content="Marché de la Cour Carrée, Cour Carrée' in page
    assert '<meta property="og:title" content="Marché de la Cour Carrée' in page
    assert "<script" not in page and "Set-Cookie" not in response.headers


def test_market_without_public_stalls_says_so(app, client):
    with rows(app) as make:
        slug = make.market(make.cohort(), name="Marché vide").slug
    page = client.get(f"/m/{slug}").get_data(as_text=True)
    assert "not announced yet" in page


def test_unknown_market_is_not_available(client, market):
    response = client.get("/m/no-such-market")
    assert response.status_code == 404
    assert "This page is not available." in response.get_data(as_text=True)
