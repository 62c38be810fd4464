"""The client's IP address behind reverse proxies, for rate limits.

`settings.TRUSTED_PROXIES` (from `INTEGRITAS_TRUSTED_PROXIES`) is either

- a number N: N proxies we run stand in front of Django and each appends the address it
  received the request from to `X-Forwarded-For`; the client is the N-th entry from the right.
  Nothing checks that the request really came through them, so prefer the list form.
- a list of proxy addresses or networks (`10.0.0.5, 10.1.0.0/16`): `X-Forwarded-For` is read
  only when the direct peer (`REMOTE_ADDR`) is one of them, and then from the right, skipping
  our own proxies; the first address that is not ours is the client. A header sent by a client
  that connects directly is ignored, as are the entries a client prepends itself.

With neither (the default) the header is ignored and `REMOTE_ADDR` is the client.
"""

import ipaddress

from django.conf import settings


def _address(value: str):
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.7:51234"
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def trusted_proxies_parse(value: str) -> int | list[str]:
    """`INTEGRITAS_TRUSTED_PROXIES` as the settings keep it: a count or a list of networks.
    Raises ValueError on an entry that is neither."""
    value = (value or "").strip()
    if not value:
        return 0
    if value.isdigit():
        return int(value)
    networks = [item.strip() for item in value.split(",") if item.strip()]
    for network in networks:
        ipaddress.ip_network(network, strict=False)
    return networks


def client_ip(request) -> str | None:
    """The address rate limits count against; None when even REMOTE_ADDR is unusable."""
    trusted = getattr(settings, "TRUSTED_PROXIES", 0)
    peer = _address(request.META.get("REMOTE_ADDR", ""))
    forwarded = [
        part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if isinstance(trusted, int):
        if trusted <= 0 or len(forwarded) < trusted:
            return str(peer) if peer else None
        found = _address(forwarded[-trusted])
        return str(found) if found else (str(peer) if peer else None)

    networks = [ipaddress.ip_network(n, strict=False) for n in trusted]

    def is_ours(address) -> bool:
        return any(address.version == net.version and address in net for net in networks)

    if peer is None or not is_ours(peer):
        return str(peer) if peer else None
    client = peer
    for part in reversed(forwarded):
        address = _address(part)
        if address is None:
            break  # garbage written by someone before our proxies: stop at the last good hop
        client = address
        if not is_ours(address):
            break
    return str(client)
