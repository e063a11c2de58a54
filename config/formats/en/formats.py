"""English as written outside the United States: day before month, the 24-hour clock, weeks
from Monday. Django's "en" is American (12/02/2026 for 12 February, 6 p.m.)."""

DATE_FORMAT = "j F Y"  # 3 December 2026
TIME_FORMAT = "H:i"  # 18:05
DATETIME_FORMAT = "j F Y, H:i"  # 3 December 2026, 18:05
YEAR_MONTH_FORMAT = "F Y"  # December 2026
MONTH_DAY_FORMAT = "j F"  # 3 December
SHORT_DATE_FORMAT = "d/m/Y"  # 03/12/2026
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # 03/12/2026 18:05
FIRST_DAY_OF_WEEK = 1  # Monday

# ISO first: it is what date and time inputs send. Never month before day.
DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2026-12-03
    "%d/%m/%Y",  # 03/12/2026
    "%d/%m/%y",  # 03/12/26
    "%d %b %Y",  # 3 Dec 2026
    "%d %B %Y",  # 3 December 2026
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",  # 2026-12-03 18:05:59
    "%Y-%m-%d %H:%M:%S.%f",  # 2026-12-03 18:05:59.000200
    "%Y-%m-%d %H:%M",  # 2026-12-03 18:05
    "%d/%m/%Y %H:%M:%S",  # 03/12/2026 18:05:59
    "%d/%m/%Y %H:%M",  # 03/12/2026 18:05
    "%d/%m/%y %H:%M",  # 03/12/26 18:05
]
TIME_INPUT_FORMATS = [
    "%H:%M:%S",  # 18:05:59
    "%H:%M:%S.%f",  # 18:05:59.000200
    "%H:%M",  # 18:05
]
