"""Data builders for development, tests and benchmarks; installed by the local and test
settings only (production's image has no Faker or factory_boy).

    devtools/factories.py  one factory per model (factory_boy), fictional data only
    devtools/scale.py      many rows at once, built with those factories (`manage.py seed_scale`)
"""
