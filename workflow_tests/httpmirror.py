"""A local HTTP(S) server with Range support, standing in for a dumps or BPEmb mirror in tests."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import ssl
import subprocess
import threading


class RangeHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files; honours ``Range: bytes=N-`` unless the server says not to."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.server.requests.append((self.path, self.headers.get("Range")))
        path = self.translate_path(self.path)
        if not os.path.isfile(path):
            self.send_error(404)
            return
        data = open(path, "rb").read()
        status = self.server.answer_once.pop(self.path, None)
        if status is not None:  # a busy or failing server, once
            self.send_error(status)
            return
        limit = self.server.fail_after.pop(self.path, None)
        header = self.headers.get("Range")
        if header and self.server.ranges:
            start = int(header.split("=")[1].rstrip("-"))
            if start >= len(data):
                self.send_response(416)
                self.end_headers()
                return
            self.send_response(206)
            body = data[start:]
        else:
            self.send_response(200)
            body = data
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if limit is not None:  # a connection that dies part-way
            self.wfile.write(body[:limit])
            self.wfile.flush()
            self.connection.shutdown(2)
            return
        self.wfile.write(body)


def self_signed_certificate(directory) -> tuple[str, str]:
    """A certificate for 127.0.0.1 that no CA signed, and its key (made with the openssl tool)."""
    cert, key = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            key,
            "-out",
            cert,
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@contextlib.contextmanager
def serve(directory, ranges: bool = True, tls: tuple[str, str] | None = None):
    """Serve ``directory`` on 127.0.0.1 (over TLS with ``tls`` = (certificate, key)); yields the server
    (``.url``, ``.requests``, ``.fail_after`` path -> bytes before the connection dies, ``.answer_once``
    path -> an error status answered once)."""
    handler = functools.partial(RangeHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    scheme = "http"
    if tls is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*tls)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    server.ranges = ranges
    server.requests = []
    server.fail_after = {}
    server.answer_once = {}
    server.url = f"{scheme}://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
