"""One rule for what is typed into any form: what no one types is dropped, the rest is kept.

A control character (C0 but tab and line breaks, DEL, C1) pasted from elsewhere never makes a
form fail nor reaches the database (PostgreSQL refuses NUL).
"""

import pytest
from sqlalchemy import select

from marche.models import Cohort, Product

from .coach_helpers import log_in_coach, rows
from .test_stall_support import build_stage, database, log_in, profile

STRAYS = ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9f"]


@pytest.mark.parametrize("stray", STRAYS, ids=repr)
def test_a_coach_form_drops_a_stray_character(app, client, stray):
    with rows(app) as make:
        make.coach()
    log_in_coach(client, "coach@example.org")
    response = client.post("/coach/cohorts/new", data={"name": f"F{stray}AB"})
    assert response.status_code == 302
    with database(app) as session:
        assert session.execute(select(Cohort.name)).scalar_one() == "FAB"


@pytest.mark.parametrize("stray", STRAYS, ids=repr)
def test_an_artisan_form_drops_the_same_stray_character(app, client, stray):
    build_stage(app)
    log_in(client, "awa")
    response = client.post("/stall/products/new", data={
        "name": f"Bol{stray} bleu", "price": "12,50", "category": f"Bo{stray}ls"})
    assert response.status_code == 302
    with database(app) as session:
        row = session.execute(select(Product).where(Product.name == "Bol bleu")).scalar_one()
        assert row.category == "Bols"


def test_line_breaks_and_tabs_are_kept_in_a_story(app, client):
    stage = build_stage(app)
    log_in(client, "awa")
    story = "Potière à Lyon.\r\nTours\tet émaux\x00."
    response = client.post("/stall/me/page", data={"display_name": "Awa", "story": story})
    assert response.status_code == 302
    assert profile(app, stage.awa)["story"] == "Potière à Lyon.\r\nTours\tet émaux."
