"""Calling the API as a program would: with a personal token in the Authorization header."""

import pytest
from django.test import Client

from ikmo.api import tokens


def token_secret(user, scope="read", **kwargs) -> str:
    _token, secret = tokens.token_create(user=user, name="Test", scope=scope, **kwargs)
    return secret


@pytest.fixture
def api_as():
    """`api_as(user, scope="read")`: a client that sends that person's new token; `None`
    gives an anonymous client."""

    def make(user, scope="read"):
        if user is None:
            return Client(headers={"Accept": "application/json"})
        secret = token_secret(user, scope)
        return Client(headers={"Authorization": f"Bearer {secret}", "Accept": "application/json"})

    return make


# The security tests' fixture world (organisations A, B, C and every persona) for the API
# matrix; files go to a temporary directory as there.
# The action fund's call (two weighted criteria) and its project lead.
from tests.actionfund.conftest import call, fund_lead  # noqa: E402, F401
from tests.security.conftest import _private_media, world  # noqa: E402, F401
