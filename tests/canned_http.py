"""A loopback "web server" that answers every request with the same raw bytes, framing and
all (a hostile server for the evidence-capture fuzzer and linear-time test)."""

from __future__ import annotations

import socket
import threading


class CannedServer:
    """Answers each connection's request with :attr:`response`, then closes its side.

    ``timeout`` bounds each connection's reads and writes (None: no bound, for bodies
    large enough that the client may read them slowly).
    """

    def __init__(self, timeout: float | None = None) -> None:
        self.response = b""
        self.timeout = timeout
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(8)
        threading.Thread(target=self._serve, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}{path}"

    def close(self) -> None:
        self._listener.close()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:  # closed
                return
            with conn:
                conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                conn.settimeout(self.timeout)
                request = b""
                try:
                    while b"\r\n\r\n" not in request and len(request) < 65536:
                        chunk = conn.recv(4096)
                        if not chunk:
                            break
                        request += chunk
                    conn.sendall(self.response)
                    conn.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
