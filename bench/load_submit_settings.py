"""Settings for bench/load_submit.py only: never deploy these.

The load benchmark's settings (DEBUG off, plain HTTP on 127.0.0.1, fast password hasher),
with allauth's login rate limit raised: fifty applicants sign in from one address within a
second here, which the real limit (30 per minute per address) would rightly refuse.
"""

from bench.benchsite.settings import *  # noqa: F403

ACCOUNT_RATE_LIMITS = {**ACCOUNT_RATE_LIMITS, "login": "1000/m/ip"}  # noqa: F405
ROOT_URLCONF = "ikmo.urls"
