#!/usr/bin/env python3
"""A real HTTP server for webhook tests: records every request and fails the first ones.

    webhook_server.py PORT_FILE RECORD_FILE FAIL_FIRST [PORT]

Listens on 127.0.0.1:PORT (default: a free port) and writes the port to
PORT_FILE once it accepts connections. Each request is appended to
RECORD_FILE as one JSON line: {"n", "method", "path", "headers", "body",
"status", "t" (seconds since the epoch)}. The first FAIL_FIRST requests are
answered 500, the rest 200. Standard library only.
"""
import http.server
import json
import os
import sys
import time

port_file, record_file, fail_first = sys.argv[1], sys.argv[2], int(sys.argv[3])
port = int(sys.argv[4]) if len(sys.argv) > 4 else 0
count = 0


class Handler(http.server.BaseHTTPRequestHandler):
    def handle_any(self):
        global count
        count += 1
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace")
        status = 500 if count <= fail_first else 200
        with open(record_file, "a") as out:
            out.write(json.dumps({"n": count, "method": self.command, "path": self.path,
                                  "headers": dict(self.headers.items()), "body": body, "status": status,
                                  "t": time.time()}) + "\n")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"failing on purpose\n" if status == 500 else b"ok\n")

    do_POST = handle_any
    do_GET = handle_any

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", port), Handler)
with open(port_file + ".tmp", "w") as out:
    out.write(str(server.server_address[1]))
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
