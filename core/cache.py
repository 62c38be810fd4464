"""Django's Redis cache, with one `redis.Redis` client kept per connection pool.

Django's client builds a new `redis.Redis` (and its table of ~170 response callbacks) for
every cache call; a page reads the cache on every request (content version, session), so
that construction showed in the lesson page's profile. A `redis.Redis` is safe to share
between threads: it takes a connection from its pool per command."""

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None or client.connection_pool is not pool:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
