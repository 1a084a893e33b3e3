# Turkish: Django's date formats, plus German and ISO input (see ikmo/formats/__init__.py).
from ikmo.formats import DAY_FIRST_DATETIME_INPUTS, DAY_FIRST_INPUTS

DATE_INPUT_FORMATS = DAY_FIRST_INPUTS
DATETIME_INPUT_FORMATS = DAY_FIRST_DATETIME_INPUTS
