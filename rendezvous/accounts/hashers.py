"""Parents' passwords are hashed with bcrypt's work factor 10, staff's with Django's 12.

A parent's password is generated: 12 characters from 55, about 2**69 possibilities, which no
work factor is needed to protect. The hash's cost only decides how many parents can sign in
at once, and the minutes after the letters arrive are the busiest of the product: at 10 a
check costs a quarter of what it costs at 12. A parent may choose another password; 10 is
still what OWASP asks of bcrypt as a minimum. Staff choose theirs, and keep 12. Decision 0010.
"""

from django.contrib.auth.hashers import BCryptSHA256PasswordHasher, get_hasher


class ParentPasswordHasher(BCryptSHA256PasswordHasher):
    """Django's bcrypt hasher at work factor 10. The same algorithm name, so either hasher
    checks either hash; a parent's hash made at another factor is redone at their next
    sign-in (rendezvous.accounts.models.User.check_password)."""

    rounds = 10


def parent_hasher():
    """The hasher for parents' passwords: ParentPasswordHasher where the installation hashes
    with bcrypt, otherwise its own preferred one (the tests' fast hasher)."""
    preferred = get_hasher("default")
    if type(preferred) is BCryptSHA256PasswordHasher:
        return ParentPasswordHasher()
    return preferred
