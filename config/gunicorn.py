"""The web server's settings: `gunicorn -c config/gunicorn.py`, read from the environment.

WEB_CONCURRENCY worker processes (default: one per core) with WEB_THREADS threads each
(default 256), listening on HOST:PORT. A request's CPU decides the throughput (README,
Production), so each process works on WEB_ACTIVE_REQUESTS requests at once (default 1,
rendezvous.lib.admission): the request at work has its core to itself, and a booking waits
only for the requests before it. The threads beyond that accept the connections that wait for their
turn (512 at once on two cores): one that waits too long is answered 503 at once rather than
left in a queue, where nobody sees it. Each request writes its own JSON line
(rendezvous.lib.request_log), so gunicorn's access log stays off.
"""

import os

wsgi_app = "config.wsgi"
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 1))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "256"))
# The threads mostly wait for their turn and need no database connection meanwhile: each
# process keeps a small pool for those at work (PostgreSQL; config/settings.py).
os.environ.setdefault("DATABASE_POOL_SIZE", "4")
# A request never needs long: the database gives up after DATABASE_STATEMENT_TIMEOUT_MS.
timeout = 30
# Ctrl+C or a deploy: requests in flight get this long to finish.
graceful_timeout = int(os.environ.get("WEB_GRACEFUL_TIMEOUT", "3"))
# A container's /tmp may be on disk; the workers' heartbeat files belong in memory.
SHARED_MEMORY = "/dev/shm"  # noqa: S108 (gunicorn's own files, not a temporary file of ours)
worker_tmp_dir = SHARED_MEMORY if os.path.isdir(SHARED_MEMORY) else None
