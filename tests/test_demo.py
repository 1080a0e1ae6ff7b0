"""The demo season is under way whenever a newcomer loads it: today's market open, no sale
from the future."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from marche import demo
from marche.extensions import db
from marche.models import Market, Sale, Stall, StallStatus

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize("hour, minute", [(0, 20), (8, 30), (11, 59), (15, 0), (23, 50)])
def test_todays_market_is_under_way_with_its_sales_in_the_past(app, hour, minute):
    now = dt.datetime.now(PARIS).replace(hour=hour, minute=minute, second=0, microsecond=0)
    with app.app_context():
        demo.load(now=now)
        markets = db.session.execute(db.select(Market).order_by(Market.date)).scalars().all()
        today = next(market for market in markets if market.date == now.date())
        assert markets[0].date < today.date < markets[-1].date
        assert today.opens_at <= now.time()
        stalls = today.stalls
        assert stalls and all(stall.status == StallStatus.OPEN for stall in stalls)
        sales = db.session.execute(
            db.select(Sale).join(Stall).where(Stall.market_id == today.id)).scalars().all()
        assert len(sales) >= 3 * len(stalls)
        opening = dt.datetime.combine(now.date(), today.opens_at, tzinfo=PARIS)
        assert all(opening <= sale.occurred_at <= now for sale in sales)
