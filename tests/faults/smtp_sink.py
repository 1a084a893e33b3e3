"""A minimal SMTP server for the fault tests: accepts every message and appends one JSON line
per message (Message-ID, recipients, subject) to a file. Run as a process so that a test can
stop it (SMTP away) and start it again on the same port.

    python tests/faults/smtp_sink.py PORT OUTFILE [HOLD_SECONDS]

HOLD_SECONDS delays the answer to MAIL FROM: a worker is then caught mid-delivery.
"""

import asyncio
import json
import sys
from email import message_from_bytes
from email.policy import default as default_policy


async def handle(reader, writer, out_path, hold):
    def send(line):
        writer.write(line.encode() + b"\r\n")

    send("220 fault-sink ESMTP")
    recipients = []
    try:
        while True:
            line = await reader.readline()
            if not line:
                break
            command = line.decode(errors="replace").strip()
            verb = command[:4].upper()
            if verb in ("EHLO", "HELO"):
                send("250 fault-sink")
            elif verb == "MAIL":
                recipients = []
                if hold:
                    await asyncio.sleep(hold)
                send("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip().strip("<>"))
                send("250 OK")
            elif verb == "DATA":
                send("354 End data with <CR><LF>.<CR><LF>")
                await writer.drain()
                lines = []
                while True:
                    data = await reader.readline()
                    if data in (b".\r\n", b".\n", b""):
                        break
                    lines.append(data[1:] if data.startswith(b"..") else data)
                message = message_from_bytes(b"".join(lines), policy=default_policy)
                with open(out_path, "a", encoding="utf-8") as out:
                    record = {
                        "message_id": str(message["Message-ID"] or ""),
                        "to": recipients,
                        "subject": str(message["Subject"] or ""),
                    }
                    out.write(json.dumps(record) + "\n")
                send("250 OK: queued")
            elif verb == "QUIT":
                send("221 Bye")
                await writer.drain()
                break
            else:  # RSET, NOOP, anything else
                send("250 OK")
            await writer.drain()
    finally:
        writer.close()


async def main(port, out_path, hold):
    server = await asyncio.start_server(
        lambda r, w: handle(r, w, out_path, hold), "127.0.0.1", port, reuse_address=True
    )
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), sys.argv[2], float(sys.argv[3]) if len(sys.argv) > 3 else 0))
