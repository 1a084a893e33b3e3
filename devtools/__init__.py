"""Data builders for development, tests and benchmarks; installed by the local and test
settings only (production's image has no Faker or factory_boy).

    devtools/factories.py  one factory per model (factory_boy), fictional data only
    devtools/scale.py      many rows at once, built with those factories (`manage.py seed_scale`)

The demo data (`manage.py seed_demo` and each app's `demo.py`) is built with the factories
too, through `factories.ensure()`, their get-or-create.
"""
