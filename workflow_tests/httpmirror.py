"""A local HTTP server with Range support, standing in for a dumps mirror in tests."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
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


@contextlib.contextmanager
def serve(directory, ranges: bool = True):
    """Serve ``directory`` on 127.0.0.1; yields the server (``.url``, ``.requests``, ``.fail_after``)."""
    handler = functools.partial(RangeHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.ranges = ranges
    server.requests = []
    server.fail_after = {}
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
