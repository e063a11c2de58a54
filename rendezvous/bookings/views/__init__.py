"""Booking pages: the parent's (parent.py) and the teacher's calendar and decisions
(teacher.py)."""
