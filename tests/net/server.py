#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# server.py — local HTTP (+ optional HTTPS) file server with faults, for tests/net and benches.
# usage: server.py DIR PORTFILE LOGFILE [CERT KEY]   (ports: "HTTP_PORT HTTPS_PORT" in PORTFILE)
# Routes (paths relative to DIR):
#   /files/NAME            the file, with Range support (206)
#   /drop/PCT/NAME         first request: full Content-Length, connection dropped after PCT% of
#                          the body; later requests behave like /files/NAME (Range honoured)
#   /status/CODE           that status with a small body
#   /stall/NAME            headers and 1 KiB of NAME, then silence
#   /wrong/NAME            NAME's length of other bytes
#   /redirect?to=URL       302 to URL
#   /endless               200 with no Content-Length: bytes until the client goes (60 s at most)
#   /announce/LEN          Content-Length LEN, 100 bytes, then silence
# Each request is logged as "METHOD PATH RANGE" lines to LOGFILE.
import http.server
import os
import socketserver
import ssl
import sys
import threading
import time
import urllib.parse

ROOT, PORTFILE, LOGFILE = sys.argv[1], sys.argv[2], sys.argv[3]
dropped = set()
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def log_req(self):
        with lock, open(LOGFILE, "a") as f:
            f.write("%s %s %s\n" % (self.command, self.path, self.headers.get("Range", "-")))

    def send_file(self, name, drop_pct=None, wrong=False, stall=False):
        path = os.path.join(ROOT, os.path.basename(name))
        try:
            size = os.path.getsize(path)
        except OSError:
            self.send_error_body(404)
            return
        start = 0
        rng = self.headers.get("Range")
        if rng and rng.startswith("bytes=") and drop_pct is None:
            start = int(rng[6:].split("-")[0])
            if start >= size:
                self.send_response(416)
                self.send_header("Content-Range", "bytes */%d" % size)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, size - 1, size))
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(size - start))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        if self.command == "HEAD":
            return
        limit = size - start
        if drop_pct is not None:
            limit = size * drop_pct // 100
        if stall:
            limit = min(1024, size)
        try:
            self.send_body(path, start, limit, wrong)
        except OSError:
            return  # the client went away (e.g. a download refused for its size)
        if stall:
            time.sleep(60)
        if drop_pct is not None or stall:
            self.close_connection = True
            try:
                self.connection.shutdown(2)
            except OSError:
                pass

    def send_body(self, path, start, limit, wrong):
        with open(path, "rb") as f:
            f.seek(start)
            sent = 0
            while sent < limit:
                chunk = f.read(min(1 << 20, limit - sent))
                if not chunk:
                    break
                if wrong:
                    chunk = bytes((b ^ 0x5A) for b in chunk)
                self.wfile.write(chunk)
                sent += len(chunk)
        self.wfile.flush()

    def send_endless(self):
        self.send_response(200)
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        chunk, end = b"\0" * (1 << 16), time.monotonic() + 60
        try:
            while time.monotonic() < end:
                self.wfile.write(chunk)
        except OSError:
            pass

    def send_announce(self, length):
        self.send_response(200)
        self.send_header("Content-Length", str(length))
        self.end_headers()
        self.close_connection = True
        try:
            self.wfile.write(b"\0" * 100)
            self.wfile.flush()
            time.sleep(60)
        except OSError:
            pass

    def send_error_body(self, code):
        body = ("error %d\n" % code).encode()
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.log_req()
        u = urllib.parse.urlparse(self.path)
        parts = u.path.strip("/").split("/")
        if parts[0] == "files" and len(parts) == 2:
            self.send_file(parts[1])
        elif parts[0] == "drop" and len(parts) == 3:
            key = (parts[1], parts[2])
            with lock:
                first = key not in dropped
                dropped.add(key)
            self.send_file(parts[2], drop_pct=int(parts[1]) if first else None)
        elif parts[0] == "status" and len(parts) == 2:
            self.send_error_body(int(parts[1]))
        elif parts[0] == "stall" and len(parts) == 2:
            self.send_file(parts[1], stall=True)
        elif parts[0] == "wrong" and len(parts) == 2:
            self.send_file(parts[1], wrong=True)
        elif parts[0] == "endless":
            self.send_endless()
        elif parts[0] == "announce" and len(parts) == 2:
            self.send_announce(int(parts[1]))
        elif parts[0] == "redirect":
            to = urllib.parse.parse_qs(u.query)["to"][0]
            self.send_response(302)
            self.send_header("Location", to)
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self.send_error_body(404)

    do_HEAD = do_GET


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    http_srv = Server(("127.0.0.1", 0), Handler)
    ports = [str(http_srv.server_address[1])]
    servers = [http_srv]
    if len(sys.argv) > 5:
        https_srv = Server(("127.0.0.1", 0), Handler)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(sys.argv[4], sys.argv[5])
        https_srv.socket = ctx.wrap_socket(https_srv.socket, server_side=True)
        ports.append(str(https_srv.server_address[1]))
        servers.append(https_srv)
    for s in servers[1:]:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    tmp = PORTFILE + ".tmp"
    with open(tmp, "w") as f:
        f.write(" ".join(ports) + "\n")
    os.rename(tmp, PORTFILE)
    servers[0].serve_forever()


main()
