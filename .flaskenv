# `flask db upgrade`, `flask demo`, `flask run`… find the app without --app (python-dotenv reads this).
FLASK_APP=marche
