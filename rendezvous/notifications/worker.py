"""One round of `manage.py run_worker`: the jobs, then the outbox (which the jobs may fill).

Each app adds its jobs to JOBS in its AppConfig.ready(). A job takes a small batch of what is
due, claims each row with a conditional UPDATE (so any number of workers can run), keeps its
transactions short and returns how much it did.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from rendezvous.lib.database import log_failure
from rendezvous.notifications.services import send_due_emails

log = logging.getLogger(__name__)

JOBS: list[Callable[[], int]] = []


def register_job(job: Callable[[], int]) -> Callable[[], int]:
    if job not in JOBS:
        JOBS.append(job)
    return job


@dataclass
class Round:
    done: dict[str, int] = field(default_factory=dict)  # job name -> items done
    sent: int = 0
    failed: int = 0

    @property
    def busy(self) -> bool:
        """There may be more to do right away."""
        return self.sent > 0 or any(self.done.values())


def run_jobs() -> dict[str, int]:
    done = {}
    for job in JOBS:
        try:
            done[job.__name__] = job()
        except Exception as error:  # one failing job must not keep the others waiting
            log_failure(log, f"worker job {job.__name__}", error)
    return done


def run_worker_round() -> Round:
    done = run_jobs()
    sent, failed = send_due_emails()
    return Round(done=done, sent=sent, failed=failed)
