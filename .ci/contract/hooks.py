"""Schemathesis hooks: authenticate as a seeded account, and let some requests know its password.

Introspection takes an integrator credential, not a session: when the run made an introspection
key (TESSERA_CONTRACT_INTROSPECTION_KEY), that operation gets it, so the fuzzer reaches past 401.

The fuzzer calls logout, "sign out everywhere" and password change with random data, so a
single token would not survive the run. Every refresh signs up a fresh account (a seeded user
with a known password) and uses its session token.

Operations that ask for the password again (enrol, disable, recovery codes, password change)
answer a random one with 401 and never get further. Half of the well-formed requests to them
carry the seeded password instead, so the fuzzer also reaches what lies behind the check
(a pending factor to activate, the MFA state rules, the password policy).
"""
import os
import uuid
import zlib

import requests
import schemathesis

BASE_URL = os.environ["TESSERA_CONTRACT_BASE_URL"]
PASSWORD = "correct horse battery staple"
INTROSPECTION_KEY = os.environ.get("TESSERA_CONTRACT_INTROSPECTION_KEY")


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
        operation_id = case.operation.definition.raw.get("operationId")
        if operation_id == "introspectToken" and INTROSPECTION_KEY:
            data = INTROSPECTION_KEY
        case.headers["Authorization"] = f"Bearer {data}"


PASSWORD_FIELDS = ("password", "current_password")


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    meta = case.meta
    body = case.body
    if meta is None or meta.generation.mode != schemathesis.GenerationMode.POSITIVE:
        return
    if not isinstance(body, dict):
        return
    fields = [name for name in PASSWORD_FIELDS if isinstance(body.get(name), str)]
    # A choice that depends only on the body, so a replayed case is the same request.
    if fields and zlib.crc32(repr(sorted(body.items(), key=str)).encode()) % 2 == 0:
        for name in fields:
            body[name] = PASSWORD
