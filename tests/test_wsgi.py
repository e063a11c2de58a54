"""The web server's application (config/wsgi.py), as gunicorn loads it in each worker."""

import os
import subprocess
import sys

from django.conf import settings


def test_a_worker_loads_the_urls_while_it_starts_not_in_its_first_request(tmp_path):
    """Loading the URLs builds the API's schemas: about a third of a second that the first
    request of every new worker waited for, in the middle of a rush."""
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, config.wsgi; print('rendezvous.api.api' in sys.modules)",
        ],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.strip() == "True"
