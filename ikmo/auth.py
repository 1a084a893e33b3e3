"""The authentication backend: who is signed in, in one cache lookup instead of three queries.

Every page of the portal needs the person, their staff roles and whether they enrolled a
second factor (staff must). Loaded from the database these are three queries on every
request; here they are loaded together once and kept in the shared cache under the data
generation (``ikmo.pagecache.remember``), so any committed write anywhere (a new role, a
removed authenticator, a changed password, a deactivated account) makes the next request
load them afresh. The password hash is not kept in the cache: only the session hash that
Django compares with the session's (``User.get_session_auth_hash``).
"""

from allauth.account.auth_backends import AuthenticationBackend

from ikmo import pagecache


def load_user(model, user_id):
    """The user with roles and second factor resolved; None if there is none."""
    from allauth.mfa.models import Authenticator

    user = model._default_manager.filter(pk=user_id).first()
    if user is None:
        return None
    # Filled in now so that they travel with the cached object (cached_property values
    # live in __dict__).
    user.staff_role_set = frozenset(user.staff_roles.values_list("role", "subproject"))
    user.has_totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    user.session_auth_hash = user.get_session_auth_hash()
    del user.__dict__["password"]  # deferred: loaded again only if something reads it
    return user


class PortalBackend(AuthenticationBackend):
    """allauth's backend (e-mail sign-in) with the cached ``get_user`` described above."""

    def get_user(self, user_id):
        from django.contrib.auth import get_user_model

        model = get_user_model()
        try:
            pk = model._meta.pk.to_python(user_id)
        except Exception:  # a tampered session: nobody is signed in
            return None
        user = pagecache.remember(f"user:{pk}", lambda: load_user(model, pk))
        return user if self.user_can_authenticate(user) else None
