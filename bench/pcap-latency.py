#!/usr/bin/env python3
"""INVITE->200 latency from a loopback capture (bench/lib.sh, LATENCY=pcap).

usage: pcap-latency.py FILE.pcap UAC_PORT
Prints one latency per call, in milliseconds: from the first INVITE the caller sent (UDP source
port UAC_PORT) to the first 200 for that INVITE (CSeq method INVITE) sent to UAC_PORT, matched by
Call-ID. Timestamps are the kernel's capture times (microseconds). On stderr: calls without a 200.
The capture filter of lib.sh keeps only INVITEs and 200s, so the file stays small.
"""
import re
import struct
import sys

CALL_ID = re.compile(rb"\r\n(?:Call-ID|i)[ \t]*:[ \t]*([^\r\n]+)", re.I)
CSEQ = re.compile(rb"\r\nCSeq[ \t]*:[ \t]*\d+[ \t]+([A-Za-z]+)", re.I)


def packets(path):
    with open(path, "rb") as f:
        head = f.read(24)
        if len(head) < 24:
            return
        magic = head[:4]
        endian = {b"\xd4\xc3\xb2\xa1": "<", b"\x4d\x3c\xb2\xa1": "<",
                  b"\xa1\xb2\xc3\xd4": ">", b"\xa1\xb2\x3c\x4d": ">"}[magic]
        nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
        linktype = struct.unpack(endian + "I", head[20:24])[0]
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                return
            sec, frac, incl, _ = struct.unpack(endian + "IIII", rec)
            data = f.read(incl)
            t = sec + frac / (1e9 if nano else 1e6)
            if linktype == 1:        # Ethernet (lo)
                ethertype, off = struct.unpack(">H", data[12:14])[0], 14
            elif linktype == 113:    # Linux cooked v1
                ethertype, off = struct.unpack(">H", data[14:16])[0], 16
            elif linktype == 276:    # Linux cooked v2
                ethertype, off = struct.unpack(">H", data[0:2])[0], 20
            else:
                raise SystemExit("unsupported link type %d" % linktype)
            if ethertype == 0x0800:
                ihl = (data[off] & 0x0F) * 4
                udp = off + ihl
            elif ethertype == 0x86DD:
                udp = off + 40
            else:
                continue
            sport, dport = struct.unpack(">HH", data[udp:udp + 4])
            yield t, sport, dport, data[udp + 8:]


def main():
    path, port = sys.argv[1], int(sys.argv[2])
    sent, done = {}, {}
    for t, sport, dport, payload in packets(path):
        m = CALL_ID.search(payload)
        if not m:
            continue
        cid = m.group(1).strip()
        if sport == port and payload.startswith(b"INVITE "):
            sent.setdefault(cid, t)          # a retransmission keeps the first time
        elif dport == port and payload.startswith(b"SIP/2.0 200"):
            c = CSEQ.search(payload)
            if c and c.group(1).upper() == b"INVITE" and cid in sent and cid not in done:
                done[cid] = t
    out = sys.stdout
    for cid, t1 in done.items():
        out.write("%.3f\n" % ((t1 - sent[cid]) * 1000.0))
    missing = len(sent) - len(done)
    sys.stderr.write("pcap: %d INVITEs, %d with a 200%s\n"
                     % (len(sent), len(done), "" if not missing else ", %d without (snaplen, drops or failed calls)" % missing))


if __name__ == "__main__":
    main()
