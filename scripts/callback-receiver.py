#!/usr/bin/env python3
"""A CKAN result_url receiver for the README's walkthrough: python3 scripts/callback-receiver.py PORT

Answers every POST with 200 and prints one line per callback: the path, the Authorization
header and the body (the job dict). Listens on 127.0.0.1 until stopped."""
import http.server
import sys


class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        print(f"POST {self.path} Authorization: {self.headers.get('Authorization')} {body}", flush=True)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Receiver).serve_forever()
