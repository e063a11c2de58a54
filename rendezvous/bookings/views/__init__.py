"""Booking pages: the parent's (parent.py), and the teacher's calendar (calendar.py),
decisions on requests (decisions.py) and changes to booked slots (slots.py)."""
