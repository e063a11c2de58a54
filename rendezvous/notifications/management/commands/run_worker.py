import signal
import time

from django.core.management.base import BaseCommand

from rendezvous.notifications.services import send_due_emails


class Command(BaseCommand):
    help = "Send due emails from the outbox and run due jobs, in a loop."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Do one round and stop.")
        parser.add_argument("--interval", type=float, default=2.0, help="Seconds between rounds.")

    def handle(self, *args, once: bool = False, interval: float = 2.0, **options):
        self.running = True
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        while self.running:
            sent, failed = send_due_emails()
            if sent or failed:
                self.stdout.write(f"emails sent: {sent}, failed: {failed}")
            if once:
                break
            if not sent:
                time.sleep(interval)

    def stop(self, *args):
        self.running = False
