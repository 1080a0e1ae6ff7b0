from flask import Blueprint

bp = Blueprint("stall", __name__)


@bp.get("/")
def today():
    return "TODO"
