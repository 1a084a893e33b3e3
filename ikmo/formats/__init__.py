"""Date and number formats where Django's defaults do not suit Berlin (FORMAT_MODULE_PATH).

Django's "en" is American (12/31/2026, "Dec. 31, 2026") and its "ar" falls back to the
American defaults for date-times, so one Arabic flow showed three date formats. Every
language here writes day before month, and every date field also accepts the German
"31.12.2026" and ISO "2026-12-31" (Django adds ISO to the input formats itself).
"""

# The first is what a text date input shows; the others are also read.
DAY_FIRST_INPUTS = ["%d.%m.%Y", "%d.%m.%y", "%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"]
DAY_FIRST_DATETIME_INPUTS = [
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
]
