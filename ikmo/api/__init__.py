"""The portal's REST API, version 1 (``/api/v1/``).

The core here holds what every endpoint shares: personal tokens (`tokens`), authentication
and scopes (`auth`), rate limits (`throttling`), errors (`errors`), the schema additions
(`schema`), the base view behaviour (`base`: pagination, ETags, service errors) and the
router (`routes`). The endpoints themselves live in each portal app's ``api.py`` (the
``api`` hook of ikmo/subprojects.py) and answer through that app's selectors and permission
predicates, the same as its pages.
"""
