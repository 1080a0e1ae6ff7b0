"""Small builders of rows for tests; each commits and returns what it made."""

import datetime as dt
import itertools
import uuid
from zoneinfo import ZoneInfo

from marche.extensions import db
from marche.models import ArtisanProfile, Cohort, Market, Product, Role, Stall, User
from marche.security import hash_secret

_counter = itertools.count(1)
MARKET_TIMEZONE = "Europe/Paris"  # a market's time zone unless told otherwise


def market_today() -> dt.date:
    """Today where the markets are, as the app counts days: from 23:00 to midnight UTC (winter)
    Paris is already a day ahead of the machine's ``date.today()``."""
    return dt.datetime.now(ZoneInfo(MARKET_TIMEZONE)).date()


class Factory:
    def coach(self, email="coach@example.org", password="demo-coach", name="Camille Coach",
              cohorts=(), role=Role.COACH) -> User:
        user = User(role=role, name=name, email=email, password_hash=hash_secret(password))
        user.cohorts = list(cohorts)
        db.session.add(user)
        db.session.commit()
        return user

    def cohort(self, name="FAB 2026", coaches=()) -> Cohort:
        cohort = Cohort(name=name, organisation="Au Milieu", season="2026")
        cohort.coaches = list(coaches)
        db.session.add(cohort)
        db.session.commit()
        return cohort

    def artisan(self, login="awa", pin="2468", name=None, cohort=None, craft="Céramique",
                public=True) -> User:
        name = name or login.capitalize()
        user = User(role=Role.ARTISAN, name=name, login=login,
                    pin_hash=hash_secret(pin) if pin else None)
        user.profile = ArtisanProfile(slug=f"{login}-{next(_counter)}", display_name=name,
                                      craft=craft, cohort=cohort, public=public)
        db.session.add(user)
        db.session.commit()
        return user

    def market(self, cohort, name="Marché de la Cour Carrée", date=None, fee_cents=1000) -> Market:
        number = next(_counter)
        market = Market(cohort=cohort, slug=f"marche-{number}", name=name, place="Cour Carrée",
                        address="Parc Jean-Moulin – Les Guilands, Bagnolet",
                        date=date or market_today(), opens_at=dt.time(10), closes_at=dt.time(18),
                        default_fee_cents=fee_cents)
        db.session.add(market)
        db.session.commit()
        return market

    def stall(self, market, artisan: User, number=None, fee_cents=None) -> Stall:
        stall = Stall(market=market, artisan=artisan.profile, number=number or next(_counter),
                      fee_cents=market.default_fee_cents if fee_cents is None else fee_cents,
                      slug=uuid.uuid4().hex[:10])
        db.session.add(stall)
        db.session.commit()
        return stall

    def product(self, artisan: User, name="Bol raku", price_cents=1800, cost_cents=400,
                active=True) -> Product:
        product = Product(artisan=artisan.profile, name=name, price_cents=price_cents,
                          cost_cents=cost_cents, active=active)
        db.session.add(product)
        db.session.commit()
        return product
