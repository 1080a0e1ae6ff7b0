"""Command-line commands: the demo season, a real install's first coach, the photos' clean-up."""

import datetime as dt
import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from marshmallow import ValidationError
from sqlalchemy import exc

from .extensions import db
from .models import Cohort, Role, User
from .security import hash_secret


@click.command("demo")
@click.option("--force", is_flag=True,
              help="Wipe the database even if it holds more than demo data.")
@with_appcontext
def demo_command(force: bool) -> None:
    """(Re)build the schema and fill a demo season; print the URL and every log-in."""
    from . import demo

    if not force and demo.holds_real_data():
        click.echo(
            "This database holds data that is not demo data; nothing was changed.\n"
            "Run `flask --app marche demo --force` to wipe it and load the demo season.",
            err=True,
        )
        sys.exit(1)
    demo.rebuild_schema()
    season = demo.load()
    url = current_app.config.get("PUBLIC_URL") or "http://localhost:5000"
    click.echo(demo.summary(season, url))


@click.command("create-coach")
@click.option("--email", required=True, help="The coach's e-mail address (their log-in).")
@click.option("--name", required=True, help="The coach's name as shown to others.")
@click.option("--admin", is_flag=True, help="Give access to every cohort.")
@click.option("--cohort", "cohort_ids", type=int, multiple=True, metavar="ID",
              help="A cohort the coach follows (repeat for several).")
@with_appcontext
def create_coach_command(email: str, name: str, admin: bool, cohort_ids: tuple[int]) -> None:
    """Create a coach who logs in with an e-mail and a password.

    The password is asked twice on a terminal, or read from the first line of standard input
    (``echo "$PASSWORD" | flask --app marche create-coach …``), never from the command line.
    """
    from .coach_accounts import coach_account_schema

    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")

    try:
        data = coach_account_schema.load({"email": email, "name": name, "password": password})
    except ValidationError as error:
        for field, messages in error.messages.items():
            click.echo(f"{field}: {' '.join(map(str, messages))}", err=True)
        sys.exit(2)
    try:
        exists = db.session.execute(
            db.select(User).where(User.email == data["email"])).scalar_one_or_none()
    except exc.SQLAlchemyError:
        click.echo("The database has no schema yet: run `flask --app marche db upgrade` first.",
                   err=True)
        sys.exit(1)
    if exists is not None:
        click.echo(f"A user with the e-mail {data['email']} exists already.", err=True)
        sys.exit(1)
    cohorts = [db.session.get(Cohort, cohort_id) for cohort_id in cohort_ids]
    if None in cohorts:
        missing = [str(i) for i, cohort in zip(cohort_ids, cohorts, strict=True) if cohort is None]
        click.echo(f"No cohort with the id {', '.join(missing)}; nothing was changed.", err=True)
        sys.exit(2)
    user = User(role=Role.ADMIN if admin else Role.COACH, name=data["name"],
                email=data["email"], password_hash=hash_secret(data["password"]),
                cohorts=cohorts)
    db.session.add(user)
    db.session.commit()
    following = "".join(f"\n  follows: {cohort.name}" for cohort in cohorts)
    click.echo(f"Coach {user.name} <{user.email}> created. Log in at /auth/login.{following}")


@click.command("prune-photos")
@click.option("--older-than", "hours", type=click.IntRange(min=1), default=24, show_default=True,
              metavar="HOURS", help="Keep the photos made more recently (a form may be retried).")
@with_appcontext
def prune_photos_command(hours: int) -> None:
    """Delete the stored photos no product or page names (left by forms never sent again).

    Run it once a day, from cron or a systemd timer.
    """
    from . import photo_use

    gone = photo_use.prune(dt.timedelta(hours=hours))
    click.echo(f"Deleted {len(gone)} photo(s) that no product or page uses.")


def init_app(app) -> None:
    app.cli.add_command(demo_command)
    app.cli.add_command(create_coach_command)
    app.cli.add_command(prune_photos_command)


def main() -> None:
    """Run the ``flask`` command line on this app (the ``marche`` console script)."""
    from flask.cli import FlaskGroup

    from . import create_app

    FlaskGroup(create_app=create_app)()
