"""Sessions: stored in the database, read through the shared cache under the data generation.

Every signed-in request reads its session; from the database that is one query on every
page, the largest part of what signing in costs (issue #17). Django's `cached_db` backend
removes that read but is unsafe here as it stands:

- while Redis is away the portal's cache falls back to a per-process copy (ikmo/cache.py),
  so a sign-out in one web process would not reach another's copy, and a deletion that could
  not reach Redis would come back when Redis does;
- a request that reads the session from the database just before another one deletes it
  (a sign-out) can write the old session back into the cache after the deletion.

So this store keeps Django's `cached_db` behaviour (the database is the record; the cache a
copy) with three changes:

1. The cache key carries the data generation (ikmo/pagecache.py). Every process that noticed
   a Redis outage raises the generation once Redis answers again, so no copy from before an
   outage is read after it.
2. While this process has no shared cache (Redis away), or memos are off (no Redis is
   configured, IKMO_MEMO_SECONDS), the cache is not used at all: the session is read from and
   written to the database only.
3. Deleting a session (sign-out, a new key at sign-in) raises the generation after the row is
   gone, so a copy written back by a request racing with the deletion sits under a
   generation nobody reads any more. A copy read from the database is added, never set, so
   it cannot overwrite a newer copy that a concurrent save has just written.

A copy lives at most IKMO_MEMO_SECONDS (copies under an old generation are never read again and
must not pile up in Redis). Sign-outs are rare next to page views; raising the generation also drops the page cache and
the memos, which every write in the portal does anyway.
"""

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.db import transaction

from . import pagecache

KEY_PREFIX = "ikmo:session:"


class SessionStore(CachedDBStore):
    cache_key_prefix = KEY_PREFIX

    def _key_under(self, generation) -> str:
        return f"{KEY_PREFIX}{generation}:{self._get_or_create_session_key()}"

    @property
    def cache_key(self):
        return self._key_under(pagecache.generation())

    def load(self):
        seconds = pagecache.memo_seconds()
        if not seconds:
            return super(CachedDBStore, self).load()
        # The generation and the copy under it in one round trip (the request's first read).
        generation, data = pagecache.get_under_generation(self._key_under("{generation}"))
        if data is None:
            row = self._get_session_from_db()
            if not row:
                return {}
            data = self.decode(row.session_data)
            age = self.get_expiry_age(expiry=row.expire_date)
            self._cache.add(self._key_under(generation), data, min(age, seconds))
        return data

    def save(self, must_create=False):
        super(CachedDBStore, self).save(must_create)
        if seconds := pagecache.memo_seconds():
            self._cache.set(self.cache_key, self._session, min(self.get_expiry_age(), seconds))

    def delete(self, session_key=None):
        super(CachedDBStore, self).delete(session_key)
        # Every copy of every session in the cache is now under an old generation; raised
        # once the deletion is committed, so nobody reads the row back in between.
        transaction.on_commit(pagecache.bump)
