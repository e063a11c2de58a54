"""Rules that a higher app adds to a lower app's write.

Apps depend downwards only, yet some rules about a lower app's rows belong to a higher one: a
pupil with active appointments may not be deleted, and appointments live above pupils. The
lower app names the moment (`pupils_removed = Guards("pupils removed")`) and runs its guards
inside the write's transaction; the higher app adds its rule in its AppConfig.ready(). A guard
refuses by raising a DomainError, and has no other effect.
"""

from collections.abc import Callable


class Guards:
    def __init__(self, moment: str):
        self.moment = moment
        self._guards: list[Callable[..., None]] = []

    def __repr__(self) -> str:
        return f"<Guards for {self.moment}: {len(self._guards)}>"

    def add(self, guard: Callable[..., None]) -> Callable[..., None]:
        if guard not in self._guards:
            self._guards.append(guard)
        return guard

    def check(self, *args, **kwargs) -> None:
        for guard in self._guards:
            guard(*args, **kwargs)
