# Arabic as the browser writes it (Intl.NumberFormat("ar") in Chromium and Firefox: Latin
# digits, "1,234.50"), so server-rendered and JavaScript-formatted values agree; dates day
# before month, 24-hour time, never Django's American fallbacks. One date form everywhere,
# long and short alike (31/12/2026): a phone flow that mixed "31 ديسمبر، 2026" with
# "31/12/2026" read as two kinds of date.
from ikmo.formats.en.formats import *  # noqa: F403

DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "d/m/Y H:i"
