#!/usr/bin/env python3
"""An NTLM implementation independent of MapiScope's, for tests: Debian's
python3-ntlm-auth (and Python's own HMAC/MD5, MD4 through OpenSSL's legacy
provider).

  verify   stdin {"challenge": b64, "authenticate": b64, "password": str}
           -> {"ok": bool, "user": str, "domain": str, "ntlmv2": bool}
           Recomputes NTProofStr ([MS-NLMP] 3.3.2) from the client's
           AUTHENTICATE_MESSAGE and the server's CHALLENGE_MESSAGE.
  client   URL USER DOMAIN PASSWORD [SCHEME]
           -> {"statuses": [int, ...]}: a PING on one connection with an NTLM
           handshake made by ntlm_auth.NtlmContext (SCHEME NTLM or Negotiate,
           the raw NTLM message in both cases).
"""
import os
import sys

if os.environ.get("MAPISCOPE_OSSL_LEGACY") != "1":
    # MD4 lives in OpenSSL 3's legacy provider: load it before hashlib starts.
    import tempfile
    conf = os.path.join(tempfile.gettempdir(), "mapiscope-ossl-legacy.cnf")
    with open(conf, "w") as f:
        f.write("openssl_conf = openssl_init\n[openssl_init]\nproviders = provider_sect\n"
                "[provider_sect]\ndefault = default_sect\nlegacy = legacy_sect\n"
                "[default_sect]\nactivate = 1\n[legacy_sect]\nactivate = 1\n")
    env = dict(os.environ, OPENSSL_CONF=conf, MAPISCOPE_OSSL_LEGACY="1")
    os.execve(sys.executable, [sys.executable] + sys.argv, env)

import base64
import hashlib
import hmac
import http.client
import json
import struct
from urllib.parse import urlparse

from ntlm_auth.compute_hash import _ntowfv2
from ntlm_auth.messages import ChallengeMessage
from ntlm_auth.ntlm import NtlmContext


def field(msg, at):
    length, _, offset = struct.unpack_from("<HHI", msg, at)
    return msg[offset:offset + length]


def verify():
    req = json.load(sys.stdin)
    challenge = ChallengeMessage(base64.b64decode(req["challenge"]))
    auth = base64.b64decode(req["authenticate"])
    assert auth[:8] == b"NTLMSSP\0" and struct.unpack_from("<I", auth, 8)[0] == 3
    flags = struct.unpack_from("<I", auth, 60)[0]
    enc = "utf-16-le" if flags & 1 else "latin-1"
    nt = field(auth, 20)
    domain = field(auth, 28).decode(enc)
    user = field(auth, 36).decode(enc)
    key = _ntowfv2(user, req["password"], domain)
    proof = hmac.new(key, challenge.server_challenge + nt[16:], digestmod=hashlib.md5).digest()
    print(json.dumps({"ok": len(nt) > 24 and hmac.compare_digest(proof, nt[:16]),
                      "user": user, "domain": domain, "ntlmv2": len(nt) > 24}))


def client(url, user, domain, password, scheme="NTLM"):
    u = urlparse(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    ctx = NtlmContext(user, password, domain or None, "PYTHON", ntlm_compatibility=3)
    headers = {"Content-Type": "application/mapi-http", "X-RequestType": "PING",
               "X-RequestId": "{00000000-0000-0000-0000-000000000001}:1", "Content-Length": "0"}
    statuses = []
    token = ctx.step()
    for _ in range(3):
        h = dict(headers)
        if token is not None:
            h["Authorization"] = scheme + " " + base64.b64encode(token).decode()
        conn.request("POST", "/mapi/emsmdb/?MailboxId=python@mapiscope.test", headers=h)
        res = conn.getresponse()
        res.read()
        statuses.append(res.status)
        if res.status != 401:
            break
        offer = [v for k, v in res.getheaders() if k.lower() == "www-authenticate" and " " in v]
        if not offer or ctx.complete:
            break
        token = ctx.step(base64.b64decode(offer[0].split(" ", 1)[1]))
    print(json.dumps({"statuses": statuses}))


if __name__ == "__main__":
    if sys.argv[1] == "verify":
        verify()
    elif sys.argv[1] == "client":
        client(*sys.argv[2:])
    else:
        sys.exit("usage: ntlm_python.py verify | client URL USER DOMAIN PASSWORD [SCHEME]")
