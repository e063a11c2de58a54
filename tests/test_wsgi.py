"""The web server's application (config/wsgi.py), as gunicorn loads it in each worker."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

LOADED = (
    "import sys, config.wsgi; print('rendezvous.api.api' in sys.modules, 'mine' in sys.modules)"
)
# A site's own URLs: none of ours named, only what the site chose to serve.
SITE = """from config.settings import *
ROOT_URLCONF = "mine"
"""


@pytest.mark.parametrize(
    ("settings_module", "loads"),
    [("config.settings", "True False"), ("site_settings", "False True")],
)
def test_a_worker_loads_the_urls_while_it_starts_not_in_its_first_request(
    tmp_path, settings_module, loads
):
    """Loading the URLs builds the API's schemas: about a third of a second that the first
    request of every new worker waited for, in the middle of a rush. Whatever the URLconf."""
    (tmp_path / "site_settings.py").write_text(SITE)
    (tmp_path / "mine.py").write_text("urlpatterns = []\n")
    loaded = subprocess.run(
        [sys.executable, "-c", LOADED],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": settings_module,
            "PYTHONPATH": f"{tmp_path}{os.pathsep}{settings.BASE_DIR}",
            "VAR_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
    )
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == loads
