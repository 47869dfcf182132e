#!/usr/bin/python3
"""A loopback SMTP sink for daybook's tests (Debian's python3-aiosmtpd).

    smtp_sink.py --port PORT --dir DIR --pidfile FILE

Every message accepted is written to DIR/<ns>-<n>.eml (written to a
temporary name, then renamed, so a reader never sees half a message).
Recipients whose local part starts with "smtpfail" get a temporary
failure (451) at RCPT, and each such refusal is appended to
DIR/refused.log ("451 ADDRESS"), so that tests can count retries.
The pid file is written once the port listens; SIGTERM stops the sink.
"""

import argparse
import asyncio
import os
import signal
import time

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address,
                          rcpt_options):
        if address.lower().startswith("smtpfail"):
            with open(os.path.join(self.directory, "refused.log"), "a") as f:
                f.write("451 %s\n" % address)
            return "451 4.3.0 Mailbox temporarily unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        name = "%d-%d.eml" % (time.time_ns(), self.count)
        tmp = os.path.join(self.directory, "." + name + ".tmp")
        with open(tmp, "wb") as f:
            for rcpt in envelope.rcpt_tos:
                f.write(b"X-Envelope-To: " + rcpt.encode() + b"\r\n")
            f.write(envelope.original_content)
        os.rename(tmp, os.path.join(self.directory, name))
        return "250 Message accepted"


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--pidfile", required=True)
    args = ap.parse_args()

    os.makedirs(args.dir, exist_ok=True)
    loop = asyncio.get_running_loop()
    handler = Sink(args.dir)
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="daybook-test-sink"),
        host=args.host, port=args.port)
    stop = loop.create_future()
    loop.add_signal_handler(signal.SIGTERM, stop.set_result, None)
    loop.add_signal_handler(signal.SIGINT, stop.set_result, None)
    with open(args.pidfile + ".tmp", "w") as f:
        f.write("%d\n" % os.getpid())
    os.rename(args.pidfile + ".tmp", args.pidfile)
    await stop
    server.close()
    await server.wait_closed()
    os.unlink(args.pidfile)


if __name__ == "__main__":
    asyncio.run(main())
