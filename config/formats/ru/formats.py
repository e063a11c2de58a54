"""Russian: Django's formats, with a comma between the date and the time."""

DATETIME_FORMAT = "j E Y г., G:i"  # 3 декабря 2026 г., 18:05
