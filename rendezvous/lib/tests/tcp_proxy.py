"""A TCP proxy in front of a real server that tests switch to "down" or "frozen".

Down behaves like a stopped server: open connections are cut and new ones refused. Frozen
behaves like a stopped (SIGSTOP) or unreachable-but-listening server: connections are accepted
and kept, but not a byte is forwarded until the proxy is up again.
"""

import contextlib
import socket
import threading

UP, DOWN, FROZEN = "up", "down", "frozen"


class TcpProxy:
    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.state = UP
        self._changed = threading.Condition()
        self._sockets: set[socket.socket] = set()
        self._listener: socket.socket | None = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.port = self._listener.getsockname()[1]
        self._stopped = False
        self._accepting = threading.Thread(target=self._accept_loop, daemon=True)
        self._accepting.start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def up(self) -> None:
        self._switch(UP)

    def freeze(self) -> None:
        self._switch(FROZEN)

    def down(self) -> None:
        self._switch(DOWN)
        self._cut_all()

    def close(self) -> None:
        self._stopped = True
        self._switch(DOWN)
        self._cut_all()
        self._accepting.join(timeout=5)

    def _switch(self, state: str) -> None:
        """A closed listening socket refuses connections, as a stopped server does; it is
        opened again on the same port, before this returns, when the proxy comes back."""
        with self._changed:
            if state == DOWN and self._listener is not None:
                self._listener.close()
                self._listener = None
            elif state != DOWN and self._listener is None:
                self._listener = socket.create_server(("127.0.0.1", self.port))
                self._listener.settimeout(0.1)
            self.state = state
            self._changed.notify_all()

    def _wait_while_frozen(self) -> bool:
        """Hold the caller while frozen; True if it may forward afterwards."""
        with self._changed:
            self._changed.wait_for(lambda: self.state != FROZEN)
            return self.state == UP

    def _accept_loop(self) -> None:
        while not self._stopped:
            with self._changed:
                listener = self._listener
                if listener is None:
                    self._changed.wait(timeout=0.1)
                    continue
            try:
                client, _ = listener.accept()
            except (TimeoutError, OSError):  # OSError: closed meanwhile by down()
                continue
            self._track(client)
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        if not self._wait_while_frozen():
            self._cut(client)
            return
        try:
            upstream = socket.create_connection(self.target, timeout=5)
        except OSError:
            self._cut(client)
            return
        upstream.settimeout(None)
        self._track(upstream)
        for source, sink in ((client, upstream), (upstream, client)):
            threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                if not self._wait_while_frozen():
                    break
                sink.sendall(data)
        except OSError:
            pass
        self._cut(source)
        self._cut(sink)

    def _track(self, sock: socket.socket) -> None:
        with self._changed:
            self._sockets.add(sock)

    def _cut(self, sock: socket.socket) -> None:
        with self._changed:
            self._sockets.discard(sock)
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()

    def _cut_all(self) -> None:
        with self._changed:
            sockets = list(self._sockets)
        for sock in sockets:
            self._cut(sock)
