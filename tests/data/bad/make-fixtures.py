#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the small files of the bad-input catalogue (see README.md).  Run it from this folder;
the output is deterministic and committed, so the tests never depend on Python."""
import json
import struct
import zipfile

def telegram(messages, name="Bad Group"):
    return json.dumps({"name": name, "type": "private_supergroup", "id": 4242,
                       "messages": messages}, ensure_ascii=False, indent=1).encode()

def msg(i, unixtime, text="hello there", sender="user1"):
    return {"id": i, "type": "message", "date": "2024-03-01T10:00:00",
            "date_unixtime": str(unixtime), "from": "Ann", "from_id": sender, "text": text}

GOOD_TS = 1709287200  # 2024-03-01 10:00 UTC

def write(name, data):
    with open(name, "wb") as f:
        f.write(data)

write("empty.json", b"")

# Binary garbage: a fixed pseudo-random sequence (LCG), NULs included.
x, garbage = 12345, bytearray()
for _ in range(4096):
    x = (x * 1103515245 + 12345) & 0x7FFFFFFF
    garbage.append((x >> 16) & 0xFF)
write("garbage.bin", bytes(garbage))

write("invalid-utf8.json", telegram([msg(1, GOOD_TS)]).replace(b"Bad Group", b"Bad \xff\xfe Group"))
write("utf16-no-bom.json", telegram([msg(1, GOOD_TS)]).decode().encode("utf-16-le"))
write("deep-nesting.json", b'{"name":"Deep","type":"private_supergroup","id":1,"messages":[{"id":1,'
      b'"type":"message","date_unixtime":"1709287200","from_id":"user1","text":'
      + b"[" * 5000 + b"]" * 5000 + b"}]}")
write("duplicate-ids.json", telegram([msg(1, GOOD_TS), msg(2, GOOD_TS + 60, "first"),
                                      msg(2, GOOD_TS + 120, "second")]))
write("ts-1970.json", telegram([msg(1, GOOD_TS), msg(2, 0)]))
write("ts-2100.json", telegram([msg(1, GOOD_TS), msg(2, 4102444800)]))

# A zip whose one entry declares 4 GB but holds 1 MB of zeros: the sizes in the local and the
# central header are patched, which is what a zip bomb looks like before anyone unpacks it.
chat = "WhatsApp Chat with Bomb.txt"
with zipfile.ZipFile("zip-bomb.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr(chat, b"0" * (1 << 20))
data = bytearray(open("zip-bomb.zip", "rb").read())
huge = struct.pack("<I", 0xFFFF0000)
local = data.find(b"PK\x03\x04")
data[local + 22:local + 26] = huge
central = data.find(b"PK\x01\x02")
data[central + 24:central + 28] = huge
write("zip-bomb.zip", bytes(data))

with zipfile.ZipFile("zip-traversal.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("WhatsApp Chat with Team.txt",
               "01/03/2024, 10:00 - Ann: hello there\n01/03/2024, 10:01 - Ben: hi Ann\n")
    z.writestr("../../../../tmp/cohort-escaped.txt", "this name climbs out of the folder\n")

users = [{"id": "U01", "name": "ann", "real_name": "Ann", "profile": {"display_name": "Ann"}}]
channels = [{"id": "C01", "name": "general", "created": GOOD_TS, "members": ["U01"]}]
day = [{"type": "message", "user": "U01", "text": "hello there", "ts": "%d.000100" % GOOD_TS,
        "reactions": [{"name": "tada", "users": [], "count": -3}]}]
with zipfile.ZipFile("negative-count.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("users.json", json.dumps(users))
    z.writestr("channels.json", json.dumps(channels))
    z.writestr("general/2024-03-01.json", json.dumps(day))
