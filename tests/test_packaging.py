"""A built wheel carries everything the app needs besides Python: templates, CSS, migrations."""

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_ships_templates_static_migrations_and_translations(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w",
                    str(tmp_path), str(ROOT)], check=True, timeout=300, capture_output=True)
    wheel = next(tmp_path.glob("marche-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in ("marche/templates/base.html", "marche/static/marche.css",
                     "marche/migrations/env.py", "marche/translations/fr/LC_MESSAGES/messages.mo",
                     "marche/translations/ar/LC_MESSAGES/messages.mo", "marche/sw/sw.js"):
        assert expected in names, expected
    assert not any(name.startswith("tests/") for name in names)
