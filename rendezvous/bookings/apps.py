from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "rendezvous.bookings"

    def ready(self) -> None:
        from rendezvous.accounts.services import staff_removal
        from rendezvous.bookings import guards
        from rendezvous.bookings.services import booking_mails, digest
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
        register_job(booking_mails.send_booker_mails, batch=booking_mails.MAILS_AT_ONCE)
        register_job(booking_mails.send_request_mails, batch=booking_mails.MAILS_AT_ONCE)
        register_job(digest.send_request_digests)
