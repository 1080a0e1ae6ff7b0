from flask import Blueprint

bp = Blueprint("coach", __name__)


@bp.get("/")
def home():
    return "TODO"
