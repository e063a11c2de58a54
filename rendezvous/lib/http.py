"""The client's address, behind as many reverse proxies as the installation trusts."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    """Each trusted proxy appends the address it was called from to X-Forwarded-For, so the
    client is the entry that many places from the end. Entries further left are whatever the
    client claimed and are never believed; without trusted proxies the header is ignored."""
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count < 1:
        return remote
    forwarded = [entry.strip() for entry in request.headers.get("X-Forwarded-For", "").split(",")]
    forwarded = [entry for entry in forwarded if entry]
    if len(forwarded) < count:
        return remote  # not through all our proxies: the connection's own address
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
