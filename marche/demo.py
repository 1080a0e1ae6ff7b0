"""The demo season: a coach, six artisans with catalogues, a past market with sales, today's market.

Log-ins are part of the public contract (design/contract.md): coach ``coach@example.org`` /
``demo-coach``; artisans ``awa``, ``bilal``, ``chen``, ``dounia``, ``emile``, ``fatou`` with PIN
``2468``.
"""

import datetime as dt
import random
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import flask_migrate
from sqlalchemy import MetaData, inspect

from . import demo_pictures, naming, photo_use, photos
from .demo_sales import phone_id
from .extensions import db
from .models import ArtisanProfile, Cohort, Device, Market, Product, Role, Stall, User
from .security import hash_secret

COACH_EMAIL = "coach@example.org"
COACH_PASSWORD = "demo-coach"
ARTISAN_PIN = "2468"
TIMEZONE = "Europe/Paris"
COHORT_NAME = "F.A.B – Faire à Bagnolet"
# name, day (from today), place: a past market with its sales, today's, and one to come
MARKETS = [
    ("Marché de la Cour Carrée", -14, "Cour Carrée"),
    ("Marché de la Cour Carrée", 0, "Cour Carrée"),
    ("Marché de Noël des Guilands", 12, "Parc des Guilands"),
]

# login, name, craft, story, colours (background, ink), products: (name, price, cost, shape)
ARTISANS = [
    ("awa", "Awa Diallo", "Céramique", "Potière formée à Bamako, je tourne des bols et des vases "
     "en grès, cuits au four à bois de la Cour Carrée.", ("#f2e3c6", "#b5523b"),
     [("Bol raku", 1800, 400, "bowl"), ("Vase boule", 3500, 900, "vase"),
      ("Tasse émaillée", 1400, 300, "mug"), ("Grand saladier", 4500, 1200, "bowl")]),
    ("bilal", "Bilal Haddad", "Ébénisterie", "Menuisier depuis vingt ans, je donne une seconde vie "
     "au bois de récupération : planches, cuillères, petits meubles.", ("#e9eddc", "#8a5a2b"),
     [("Planche à découper", 2800, 500, "board"), ("Cuillère en olivier", 900, 150, "spoon"),
      ("Planche apéritif", 3800, 800, "board"), ("Spatule", 700, 100, "spoon")]),
    ("chen", "Chen Li", "Couture", "Couturière, je coupe des sacs et des tabliers dans des tissus "
     "chinés et des chutes d'ateliers parisiens.", ("#e3ecf2", "#2f6f8f"),
     [("Tote bag", 1500, 350, "bag"), ("Tablier", 2500, 600, "shirt"),
      ("Trousse", 1200, 250, "bag"), ("Sac cabas", 3200, 800, "bag")]),
    ("dounia", "Dounia Benali", "Bijoux", "Je façonne à la main des bijoux en laiton et en "
     "argent, inspirés des motifs berbères de ma grand-mère.", ("#f4e4ec", "#9c6b1f"),
     [("Bague fine", 2200, 500, "ring"), ("Boucles d'oreilles", 1800, 400, "earrings"),
      ("Collier pendentif", 3000, 700, "necklace"), ("Bague pierre", 3500, 900, "ring")]),
    ("emile", "Émile Nkembe", "Cuisine", "Cuisinier, je prépare des beignets, des sauces et des "
     "confitures de mon enfance à Douala.", ("#fbe7d0", "#c0392b"),
     [("Beignets (x6)", 500, 120, "plate"), ("Sauce pimentée", 700, 200, "jar"),
      ("Confiture mangue", 600, 180, "jar"), ("Assiette du jour", 900, 300, "plate")]),
    ("fatou", "Fatou Sow", "Sérigraphie", "J'imprime à la main des affiches et des t-shirts aux "
     "couleurs du quartier, à l'atelier de la Cour Carrée.", ("#e6e2f2", "#4b3b8f"),
     [("T-shirt imprimé", 2000, 600, "shirt"), ("Affiche A3", 1500, 250, "poster"),
      ("Tote sérigraphié", 1600, 400, "bag"), ("Carte postale", 300, 50, "poster")]),
]


@dataclass
class Season:
    coach: User
    cohort: Cohort
    artisans: list[User] = field(default_factory=list)
    markets: list[Market] = field(default_factory=list)


def demo_identities() -> tuple[set[str], set[str]]:
    return {COACH_EMAIL}, {login for login, *_ in ARTISANS}


def holds_real_data() -> bool:
    """Tell whether the database holds anything the demo did not make.

    People, cohorts, markets and products are known by name; phones by the demo phones' ids.
    A real phone that recorded sales as a demo artisan counts as real data too.
    """
    tables = set(inspect(db.engine).get_table_names())
    if tables - set(db.metadata.tables) - {"alembic_version"}:
        return True  # tables that are not Marché's: someone else's data shares this database
    if Device.__tablename__ not in tables:
        return False
    emails, logins = demo_identities()
    users = db.session.execute(db.select(User.email, User.login)).all()
    if any(email not in emails and login not in logins for email, login in users):
        return True
    cohorts = set(db.session.execute(db.select(Cohort.name)).scalars())
    markets = db.session.execute(db.select(Market.name)).scalars().all()
    products = set(db.session.execute(db.select(Product.name)).scalars())
    devices = set(db.session.execute(db.select(Device.id)).scalars())
    return (not cohorts <= {COHORT_NAME}
            or len(markets) > len(MARKETS) or not set(markets) <= {m[0] for m in MARKETS}
            or not products <= {p[0] for *_, items in ARTISANS for p in items}
            or not devices <= demo_phone_ids())


def rebuild_schema() -> None:
    """Drop every table and the photos its rows named, then build the schema anew."""
    keys = photo_use.named_keys()
    db.session.remove()
    metadata = MetaData()
    metadata.reflect(db.engine)
    metadata.drop_all(db.engine)
    flask_migrate.upgrade()
    for key in keys:
        photos.delete(key)


def _photo(shape: str, colours: tuple[str, str]) -> str:
    return photos.save_bytes(demo_pictures.picture(shape, *colours))


def demo_phone_ids() -> set:
    return {phone_id(login) for login, *_ in ARTISANS}


def _opening(now: dt.datetime) -> dt.time:
    """Today's market opens at 10:00, or earlier when the demo is loaded in the morning: it is
    under way whenever a newcomer tries it, with this morning's sales all in the past."""
    if now.hour >= 12:
        return dt.time(10)
    return dt.time(max(now.hour - 2, 0))


def _markets(cohort: Cohort, today: dt.date, now: dt.datetime) -> list[Market]:
    made = []
    for name, days, place in MARKETS:
        date = today + dt.timedelta(days=days)
        opens = _opening(now) if date == now.date() else dt.time(10)
        market = Market(cohort=cohort, name=name, place=place, date=date,
                        slug=naming.market_slug(name, date),
                        address="Parc départemental Jean-Moulin – Les Guilands, 93170 Bagnolet",
                        opens_at=opens, closes_at=dt.time(18), timezone=TIMEZONE,
                        default_fee_cents=1000)
        db.session.add(market)
        made.append(market)
    return made


def load(seed: int = 2026, now: dt.datetime | None = None) -> Season:
    """Fill the (empty) schema with the demo season and return what was made.

    ``now`` (aware) is the moment the demo is loaded at: today's market is under way then.
    """
    now = (now or dt.datetime.now(dt.UTC)).astimezone(ZoneInfo(TIMEZONE))
    today = now.date()
    coach = User(role=Role.COACH, name="Camille Martin", email=COACH_EMAIL,
                 password_hash=hash_secret(COACH_PASSWORD), locale="fr")
    cohort = Cohort(name=COHORT_NAME, organisation="Au Milieu",
                    season="2026", coaches=[coach])
    season = Season(coach=coach, cohort=cohort)
    db.session.add_all([coach, cohort])
    for login, name, craft, story, colours, products in ARTISANS:
        user = User(role=Role.ARTISAN, name=name, login=login, pin_hash=hash_secret(ARTISAN_PIN))
        user.profile = ArtisanProfile(
            slug=login, display_name=name, craft=craft, story=story, cohort=cohort,
            photo_key=_photo("portrait", colours), instagram=f"{login}.atelier", public=True)
        for product_name, price, cost, shape in products:
            db.session.add(Product(artisan=user.profile, name=product_name, price_cents=price,
                                   cost_cents=cost, category=craft,
                                   photo_key=_photo(shape, colours)))
        db.session.add(user)
        season.artisans.append(user)
    season.markets = _markets(cohort, today, now)
    for market in season.markets:
        for number, artisan in enumerate(season.artisans, start=1):
            db.session.add(Stall(market=market, artisan=artisan.profile, number=number,
                                 fee_cents=market.default_fee_cents,
                                 slug=naming.stall_slug()))
    db.session.commit()
    _sales(season, random.Random(seed), now)
    return season


def _sales(season: Season, rng: random.Random, now: dt.datetime) -> None:
    """Record the past market's day and this morning's sales through the sync protocol.

    Every sale is in the past: none later than ``now``.
    """
    from .demo_sales import Phone, record_day

    past, current, _upcoming = season.markets
    for artisan in season.artisans:
        profile = artisan.profile
        phone = Phone(artisan.login)
        products = [p for p in profile.products if p.active]
        for market, count, close in ((past, rng.randint(9, 16), True),
                                     (current, rng.randint(3, 7), False)):
            stall = next(s for s in market.stalls if s.artisan_id == profile.user_id)
            record_day(profile, phone, stall, products, market, count, close, rng, until=now)


def summary(season: Season, url: str) -> str:
    """Return what the demo command prints: where to go and every log-in."""
    lines = [
        "Marché demo season ready.",
        f"Open {url}",
        "",
        f"Coach:     {COACH_EMAIL} / password {COACH_PASSWORD}   ({url}/auth/login)",
        f"Artisans:  {', '.join(a.login for a in season.artisans)} / PIN {ARTISAN_PIN}"
        f"   ({url}/auth/pin)",
        "",
        "Markets:",
    ]
    for market in season.markets:
        lines.append(f"  {market.date}  {market.name} — {len(market.stalls)} stalls"
                     f"   ({url}/m/{market.slug})")
    lines.append("")
    lines.append("Visitors: scan a stall poster, or open a stall page, e.g. "
                 f"{url}/s/{season.markets[1].stalls[0].slug}")
    return "\n".join(lines)


