"""One round of `manage.py run_worker`: the jobs, then the outbox (which the jobs may fill).

Each app adds its jobs to JOBS in its AppConfig.ready(). A job takes a small batch of what is
due, claims each row with a conditional UPDATE (so any number of workers can run), keeps its
transactions short and returns how much it did.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from rendezvous.lib.database import log_failure
from rendezvous.notifications.services import BATCH, send_due_emails

log = logging.getLogger(__name__)

JOBS: list[Callable[[], int]] = []
# A job's batch, by name: after a round in which it did as much, the next comes at once.
BATCHES: dict[str, int] = {}

# After a round that found work but not a full batch, the next one waits this long (at most the
# interval): mail that comes in a few at a time, as in a rush of bookings, then goes out in
# batches, and each round's own work (its queries, the mail server's connection) is shared by
# more messages.
GATHER_SECONDS = 0.5


def register_job(job: Callable[[], int], *, batch: int = 1) -> Callable[[], int]:
    """Run `job` in every round. After a round in which it did `batch` or more, the next round
    comes at once; by default after any work, as for a job whose count is what it finished of
    more it took (claims lost to other workers, teachers with nothing new)."""
    if job not in JOBS:
        JOBS.append(job)
    BATCHES[job.__name__] = batch
    return job


@dataclass
class Round:
    done: dict[str, int] = field(default_factory=dict)  # job name -> items done
    sent: int = 0
    failed: int = 0

    @property
    def busy(self) -> bool:
        """It found something to do: more may come soon."""
        return self.sent > 0 or any(self.done.values())

    @property
    def full(self) -> bool:
        """It sent a whole batch, or a job did: more is waiting now."""
        jobs_full = any((count or 0) >= BATCHES.get(job, 1) for job, count in self.done.items())
        return self.sent + self.failed >= BATCH or jobs_full

    def pause(self, interval: float) -> float:
        """Seconds before the next round: none after a full batch, a moment after some work,
        the interval after none."""
        if self.full:
            return 0
        return min(GATHER_SECONDS, interval) if self.busy else interval


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
