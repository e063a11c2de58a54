from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "rendezvous.bookings"

    def ready(self) -> None:
        from rendezvous.accounts.services import staff_removal
        from rendezvous.bookings import guards
        from rendezvous.bookings.services import digest
        from rendezvous.notifications.worker import register_job
        from rendezvous.school.services import (
            guardianships_removal,
            parent_removal,
            pupils_removal,
        )

        pupils_removal.add(guards.refuse_pupils_with_appointments)
        guardianships_removal.add(guards.refuse_links_with_appointments)
        parent_removal.add(guards.refuse_parent_with_appointments)
        staff_removal.add(guards.refuse_teacher_with_appointments)
        register_job(digest.send_request_mails, batch=digest.REQUEST_MAILS_AT_ONCE)
        register_job(digest.send_request_digests)
