"""Command-line commands: demo season, first coach."""


def init_app(app) -> None:
    pass
