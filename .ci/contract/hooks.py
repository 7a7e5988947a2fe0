"""Schemathesis hooks: authenticate as a seeded account.

The fuzzer calls logout, "sign out everywhere" and password change with random data, so a
single token would not survive the run. Every refresh signs up a fresh account (a seeded user
with a known password) and uses its session token.
"""
import os
import uuid

import requests
import schemathesis

BASE_URL = os.environ["TESSERA_CONTRACT_BASE_URL"]
PASSWORD = "correct horse battery staple"


@schemathesis.auth(refresh_interval=5)
class SeededAccount:
    def get(self, case, ctx):
        email = f"fuzz-{uuid.uuid4().hex}@example.com"
        reply = requests.post(
            f"{BASE_URL}/v1/accounts",
            json={"email": email, "password": PASSWORD},
            timeout=30,
        )
        reply.raise_for_status()
        return reply.json()["session_token"]

    def set(self, case, data, ctx):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"
