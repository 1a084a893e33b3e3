# Arabic as the browser writes it (Intl.NumberFormat("ar") in Chromium and Firefox: Latin
# digits, "1,234.50"), so server-rendered and JavaScript-formatted values agree; dates day
# before month, 24-hour time, never Django's American fallbacks.
from ikmo.formats import DAY_FIRST_DATETIME_INPUTS, DAY_FIRST_INPUTS

DATE_FORMAT = "j F، Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F، Y، H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1
DATE_INPUT_FORMATS = ["%d/%m/%Y", *DAY_FIRST_INPUTS]
DATETIME_INPUT_FORMATS = DAY_FIRST_DATETIME_INPUTS
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
