"""`make test` on a machine without Chromium installs it first, or says in one line what to
run. The package manager is replaced by a stand-in that records what it was asked."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "ensure-test-browser"


@pytest.fixture
def missing_browser(tmp_path):
    chromium = tmp_path / "bin" / "chromium"
    calls = tmp_path / "apt-calls"
    apt = tmp_path / "apt-get"
    apt.write_text(
        "#!/bin/sh\n"
        f'echo "$*" >> {calls}\n'
        f'case "$1" in install) mkdir -p {chromium.parent}; '
        f'printf "#!/bin/sh\\n" > {chromium}; chmod +x {chromium};; esac\n'
    )
    apt.chmod(0o755)
    env = {**os.environ, "CHROMIUM": str(chromium), "APT_GET": str(apt)}
    return env, chromium, calls


@pytest.mark.skipif(os.geteuid() != 0, reason="installing packages needs root here")
def test_a_missing_browser_is_installed_with_the_package_manager(missing_browser):
    env, chromium, calls = missing_browser

    result = subprocess.run([SCRIPT], env=env, capture_output=True, text=True)

    assert result.returncode == 0, result.stderr
    assert chromium.exists()
    assert calls.read_text().splitlines() == [
        "update -qq",
        "install -y -qq chromium chromium-driver",
    ]


def test_an_installed_browser_installs_nothing(missing_browser):
    env, chromium, calls = missing_browser
    chromium.parent.mkdir()
    chromium.write_text("#!/bin/sh\n")
    chromium.chmod(0o755)

    result = subprocess.run([SCRIPT], env=env, capture_output=True, text=True)

    assert result.returncode == 0 and not calls.exists()


@pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("runuser"), reason="needs root to act as another user"
)
def test_without_rights_to_install_it_says_in_one_line_what_to_run(missing_browser):
    env, chromium, calls = missing_browser

    result = subprocess.run(  # the script on stdin: pytest's folders are closed to others
        ["runuser", "-u", "nobody", "--", "sh", "-s"],
        input=SCRIPT.read_text(),
        env=env,
        capture_output=True,
        text=True,
    )

    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "The browser tests need Chromium: run 'sudo apt-get install chromium chromium-driver', "
        "then 'make test' again."
    )
    assert not calls.exists() and not chromium.exists()
