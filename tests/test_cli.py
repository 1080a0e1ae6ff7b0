"""The command line: the demo season and the first coach of a real install."""

from marche.extensions import db
from marche.models import Market, Product, Role, Sale, Stall, User


def _count(model) -> int:
    return db.session.execute(db.select(db.func.count()).select_from(model)).scalar_one()


def test_demo_builds_a_season_and_prints_every_log_in(app, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    for text in ("coach@example.org", "demo-coach", "2468", "/auth/login", "/auth/pin"):
        assert text in result.output
    for login in ("awa", "bilal", "chen", "dounia", "emile", "fatou"):
        assert login in result.output
    with app.app_context():
        artisans = db.session.execute(
            db.select(User).where(User.role == Role.ARTISAN)).scalars().all()
        assert sorted(a.login for a in artisans) == ["awa", "bilal", "chen", "dounia", "emile",
                                                     "fatou"]
        assert all(a.profile.products for a in artisans)
        assert all(p.photo_key for p in db.session.execute(db.select(Product)).scalars())
        markets = db.session.execute(db.select(Market).order_by(Market.date)).scalars().all()
        assert len(markets) >= 2
        past, today = markets[0], markets[1]
        assert past.date < today.date
        past_sales = db.session.execute(
            db.select(Sale).join(Stall).where(Stall.market_id == past.id)).scalars().all()
        assert len(past_sales) >= 30
        assert {p.method.value for s in past_sales for p in s.payments} >= {"cash", "card"}


def test_demo_again_starts_clean(app, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        first = (_count(User), _count(Sale))
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        assert (_count(User), _count(Sale)) == first


def test_demo_refuses_to_wipe_real_data_without_force(app, runner, make):
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        make.coach(email="real.coach@asso.example")
    refused = runner.invoke(args=["demo"])
    assert refused.exit_code != 0
    assert "--force" in refused.output
    with app.app_context():
        assert db.session.execute(db.select(User).where(
            User.email == "real.coach@asso.example")).scalar_one_or_none() is not None
    forced = runner.invoke(args=["demo", "--force"])
    assert forced.exit_code == 0, forced.output
    with app.app_context():
        assert db.session.execute(db.select(User).where(
            User.email == "real.coach@asso.example")).scalar_one_or_none() is None


def test_create_coach_reads_the_password_from_stdin(app, runner, client):
    result = runner.invoke(args=["create-coach", "--email", "Lea@Asso.example", "--name", "Léa"],
                           input="a-long-password\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        coach = db.session.execute(db.select(User).where(
            User.email == "lea@asso.example")).scalar_one()
        assert coach.role == Role.COACH
        assert coach.password_hash and "a-long-password" not in coach.password_hash
    response = client.post("/auth/login", data={"email": "lea@asso.example",
                                                "password": "a-long-password"})
    assert response.status_code == 302


def test_create_coach_refuses_a_bad_email_and_a_short_password(app, runner):
    bad_email = runner.invoke(args=["create-coach", "--email", "not-an-email", "--name", "X"],
                              input="a-long-password\n")
    assert bad_email.exit_code == 2
    short = runner.invoke(args=["create-coach", "--email", "x@asso.example", "--name", "X"],
                          input="short\n")
    assert short.exit_code == 2
    with app.app_context():
        assert _count(User) == 0


def test_create_coach_refuses_a_second_account_with_the_same_email(app, runner, make):
    with app.app_context():
        make.coach(email="x@asso.example")
    result = runner.invoke(args=["create-coach", "--email", "x@asso.example", "--name", "X"],
                           input="a-long-password\n")
    assert result.exit_code == 1


def test_demo_refuses_when_a_coach_added_a_market_or_a_phone_recorded_sales(app, runner, make):
    import uuid

    from marche.models import Cohort, Device

    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        cohort = db.session.execute(db.select(Cohort)).scalar_one()
        make.market(cohort, name="Braderie de printemps")
    assert runner.invoke(args=["demo"]).exit_code == 1
    assert runner.invoke(args=["demo", "--force"]).exit_code == 0
    with app.app_context():
        awa = db.session.execute(db.select(User).where(User.login == "awa")).scalar_one()
        db.session.add(Device(id=uuid.uuid4(), artisan_id=awa.id))  # a real phone used "awa"
        db.session.commit()
    assert runner.invoke(args=["demo"]).exit_code == 1


def test_create_coach_can_follow_cohorts_from_the_start(app, runner, make):
    with app.app_context():
        cohort = make.cohort(name="Fabrique des possibles")
        cohort_id = cohort.id
    result = runner.invoke(args=["create-coach", "--email", "noe@asso.example", "--name", "Noé",
                                 "--cohort", str(cohort_id)], input="a-long-password\n")
    assert result.exit_code == 0, result.output
    assert "Fabrique des possibles" in result.output
    with app.app_context():
        coach = db.session.execute(db.select(User).where(
            User.email == "noe@asso.example")).scalar_one()
        assert [c.id for c in coach.cohorts] == [cohort_id]
    unknown = runner.invoke(args=["create-coach", "--email", "zoe@asso.example", "--name", "Zoé",
                                  "--cohort", "999"], input="a-long-password\n")
    assert unknown.exit_code == 2 and "999" in unknown.output
    with app.app_context():
        assert db.session.execute(db.select(User).where(
            User.email == "zoe@asso.example")).scalar_one_or_none() is None


def test_create_coach_on_a_database_without_schema_says_what_to_do(app, runner):
    with app.app_context():
        db.drop_all()
    result = runner.invoke(args=["create-coach", "--email", "x@asso.example", "--name", "X"],
                           input="a-long-password\n")
    assert result.exit_code == 1
    assert "db upgrade" in result.output
    with app.app_context():
        db.create_all()


def test_demo_again_leaves_no_photo_behind(app, runner):
    from pathlib import Path

    assert runner.invoke(args=["demo"]).exit_code == 0
    media = Path(app.config["MEDIA_FOLDER"])
    first = len(list(media.iterdir()))
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert len(list(media.iterdir())) == first


def test_demo_never_wipes_tables_that_are_not_marches(app, runner):
    from sqlalchemy import inspect, text

    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text("CREATE TABLE invoices (id INTEGER PRIMARY KEY)"))
    try:
        refused = runner.invoke(args=["demo"])
        assert refused.exit_code == 1 and "--force" in refused.output
        with app.app_context():
            assert "invoices" in inspect(db.engine).get_table_names()
    finally:
        with app.app_context():
            with db.engine.begin() as connection:
                connection.execute(text("DROP TABLE IF EXISTS invoices"))
