"""Marché: an offline-first sales notebook for artisans' market days."""

from pathlib import Path

from flask import Flask

from . import config

__version__ = "0.1.0"

_PACKAGE = Path(__file__).resolve().parent


def asset_dir(name: str) -> str:
    """Return a top-level folder (templates, static, sw, migrations), in a checkout or a wheel."""
    packaged = _PACKAGE / name
    return str(packaged if packaged.is_dir() else _PACKAGE.parent / name)


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: defaults, then the instance config, then ``MARCHE_*`` variables."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=asset_dir("templates"),
        static_folder=asset_dir("static"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(config.defaults(app.instance_path))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("MARCHE")
    else:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config.instance_secret(app.instance_path)
    app.config.setdefault("APP_VERSION", __version__)
    _behind_proxy(app)

    from .session_cookie import SessionInterface

    app.session_interface = SessionInterface()
    _init_extensions(app)
    _register_blueprints(app)

    from . import cli, pwa, web

    web.init_app(app)
    pwa.init_app(app)
    cli.init_app(app)
    return app


def _behind_proxy(app: Flask) -> None:
    """Trust ``PROXIES`` reverse proxies' forwarded headers; send cookies over HTTPS only.

    Behind a proxy every request comes from the proxy's address: without this, log-in limits
    would count a whole market as one client.
    """
    proxies = int(app.config.get("PROXIES") or 0)
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    if str(app.config.get("PUBLIC_URL", "")).startswith("https://"):
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True


def _init_extensions(app: Flask) -> None:
    from . import i18n, security
    from .extensions import babel, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=asset_dir("migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale,
                   default_translation_directories=str(_PACKAGE / "translations"))
    limiter.init_app(app)
    security.init_login(app, login_manager)
    i18n.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from .api.views import bp as api_bp
    from .auth.views import bp as auth_bp
    from .coach.views import bp as coach_bp
    from .public.views import bp as public_bp
    from .stall.views import bp as stall_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(stall_bp, url_prefix="/stall")
    app.register_blueprint(coach_bp, url_prefix="/coach")
    app.register_blueprint(api_bp, url_prefix="/api/v1")
