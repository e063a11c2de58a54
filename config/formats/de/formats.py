"""German: Django's formats, with the comma German puts between a date and a time."""

DATETIME_FORMAT = "j. F Y, H:i"  # 3. Dezember 2026, 18:05
