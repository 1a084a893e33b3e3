# Arabic as the browser writes it (Intl.NumberFormat("ar") in Chromium and Firefox: Latin
# digits, "1,234.50"), so server-rendered and JavaScript-formatted values agree; dates day
# before month, 24-hour time, never Django's American fallbacks. Only the long forms differ
# from English.
from ikmo.formats.en.formats import *  # noqa: F403

DATE_FORMAT = "j F، Y"
DATETIME_FORMAT = "j F، Y، H:i"
