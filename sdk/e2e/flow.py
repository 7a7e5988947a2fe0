"""End-to-end 2FA flow through the generated Python SDK, against a live Tessera.

    TESSERA_BASE_URL=http://127.0.0.1:8080 python e2e/flow.py
"""

import base64
import json
import os
import re
import time
import uuid

import pyotp
from tessera_client import AuthenticatedClient, Client
from tessera_client.api.accounts import create_account
from tessera_client.api.auth import login, logout, verify_login_challenge
from tessera_client.api.login_history import list_login_history
from tessera_client.api.mfa import activate_factor, disable_mfa, enroll_totp, get_mfa_status
from tessera_client.api.me import get_me, list_my_orgs
from tessera_client.api.orgs import (
    accept_invitation,
    create_org,
    create_org_invitation,
    get_org,
    list_org_members,
    set_org_member_mfa_requirement,
)
from tessera_client.api.sessions import (
    create_access_token,
    get_current_session,
    get_jwks,
    list_sessions,
    revoke_other_sessions,
)
from tessera_client.models import (
    AcceptInvitationRequest,
    CodeConfirmation,
    InvitationRequest,
    LoginAuthenticated,
    LoginMfaRequired,
    LoginMfaEnrollmentRequired,
    LoginRequest,
    MemberRequirementRequest,
    OrgRequest,
    PasswordConfirmation,
    Problem,
    Role,
    SecondFactor,
    SignUpRequest,
    StepUpRequest,
    VerifyChallengeRequest,
)

BASE_URL = os.environ.get("TESSERA_BASE_URL", "http://127.0.0.1:8080")
EMAIL = f"py-{uuid.uuid4().hex}@example.com"
PASSWORD = "correct horse battery staple"

anonymous = Client(base_url=BASE_URL, raise_on_unexpected_status=True)


def authed(token: str) -> AuthenticatedClient:
    return AuthenticatedClient(base_url=BASE_URL, token=token, raise_on_unexpected_status=True)


def step(name: str) -> None:
    print(f"- {name}", flush=True)


def ok(value):
    """The parsed body of a successful call; a problem document stops the flow."""
    assert value is not None and not isinstance(value, Problem), value
    return value


def invitation_token(address: str) -> str:
    """The invitation's token, from the email as the server's log transport wrote it (the
    contract run starts the server with TESSERA_DEV_LOG_CODES and its log at TESSERA_SERVER_LOG)."""
    log = os.environ["TESSERA_SERVER_LOG"]
    for _ in range(100):
        with open(log, encoding="utf-8", errors="replace") as f:
            text = f.read()
        # The email's text spans lines: the link comes after its recipient.
        at = text.rfind(address)
        found = re.search(r"tsn_[A-Za-z0-9_-]+", text[at:]) if at >= 0 else None
        if found:
            return found.group(0)
        time.sleep(0.1)
    raise AssertionError(f"no invitation for {address} in the server log")


def code_at(secret: str, ahead: int = 0) -> str:
    """The code the authenticator shows `ahead` seconds from now."""
    return pyotp.TOTP(secret).at(time.time() + ahead)


def password_login() -> LoginAuthenticated | LoginMfaRequired:
    return ok(login.sync(client=anonymous, body=LoginRequest(email=EMAIL, password=PASSWORD)))


step("sign up")
signed_up = ok(create_account.sync(client=anonymous, body=SignUpRequest(email=EMAIL, password=PASSWORD)))
me = authed(signed_up.session_token)
assert signed_up.account.email == EMAIL

step("enrol an authenticator and activate it")
enrolment = ok(enroll_totp.sync(client=me, body=PasswordConfirmation(password=PASSWORD)))
assert enrolment.otpauth_uri.startswith("otpauth://totp/")
activation = ok(
    activate_factor.sync(
        id=uuid.UUID(enrolment.factor_id),
        client=me,
        body=CodeConfirmation(code=code_at(enrolment.secret)),
    )
)
recovery_codes = activation.recovery_codes.codes
assert len(recovery_codes) == 8

step("log out, log in: a second factor is required")
logout.sync_detailed(client=me)
challenged = password_login()
assert isinstance(challenged, LoginMfaRequired), challenged
assert challenged.challenge.methods == ["totp", "recovery_code"]

step("answer the challenge with the next code")
verified = ok(
    verify_login_challenge.sync(
        id=challenged.challenge.id,
        client=anonymous,
        body=VerifyChallengeRequest(method=SecondFactor.TOTP, code=code_at(enrolment.secret, 30)),
    )
)
assert isinstance(verified, LoginAuthenticated), verified
assert verified.session.aal == "aal2"

step("log in on a second device with a recovery code")
again = password_login()
assert isinstance(again, LoginMfaRequired)
by_recovery = ok(
    verify_login_challenge.sync(
        id=again.challenge.id,
        client=anonymous,
        body=VerifyChallengeRequest(method=SecondFactor.RECOVERY_CODE, code=recovery_codes[0].replace("-", "")),
    )
)
assert isinstance(by_recovery, LoginAuthenticated)
assert by_recovery.session.methods == ["password", "recovery_code"]
me = authed(by_recovery.session_token)
assert ok(get_mfa_status.sync(client=me)).recovery_codes.remaining == 7

step("list sessions and sign out the other device")
sessions = ok(list_sessions.sync(client=me))
assert len(sessions.items) == 2
assert sum(1 for s in sessions.items if s.current) == 1
assert ok(revoke_other_sessions.sync(client=me)).revoked == 1
assert len(ok(list_sessions.sync(client=me)).items) == 1

step("create an organisation and see its members")
org = ok(create_org.sync(client=me, body=OrgRequest(name="Python Org")))
assert org.role == "owner"
members = ok(list_org_members.sync(org_id=uuid.UUID(org.id), client=me))
assert [(m.email, m.role, m.mfa.status) for m in members.items] == [(EMAIL, "owner", "active")]
stranger = get_org.sync_detailed(org_id=uuid.uuid4(), client=me)
assert stranger.status_code == 404, stranger

step("read the login history")
history = ok(list_login_history.sync(client=me, limit=10))
assert [(e.outcome, e.mfa_method) for e in history.items] == [
    ("succeeded", "recovery_code"),
    ("succeeded", "totp"),
]

step("a wrong code is a typed problem, and no sign-out")
wrong = disable_mfa.sync(client=me, body=StepUpRequest(password=PASSWORD, code="000000"))
assert isinstance(wrong, Problem) and wrong.code == "reauthentication_failed", wrong
assert wrong.errors[0].field == "code", wrong
ok(get_current_session.sync(client=me))

step("disable MFA with the password and a recovery code")
disabled = disable_mfa.sync_detailed(client=me, body=StepUpRequest(password=PASSWORD, code=recovery_codes[1]))
assert disabled.status_code == 204, disabled
owner = password_login()
assert isinstance(owner, LoginAuthenticated)
me = authed(owner.session_token)

step("the organisation invites a new member, who gets an account it manages")
member_email = f"py-member-{uuid.uuid4().hex}@example.com"
invitation = ok(
    create_org_invitation.sync(
        org_id=uuid.UUID(org.id), client=me, body=InvitationRequest(email=member_email, role=Role.MEMBER)
    )
)
assert invitation.status == "pending", invitation
accepted = ok(
    accept_invitation.sync(
        client=anonymous,
        body=AcceptInvitationRequest(token=invitation_token(member_email), password=PASSWORD),
    )
)
assert isinstance(accepted, LoginAuthenticated), accepted
new_member = authed(accepted.session_token)
assert ok(get_me.sync(client=new_member)).managed_by.org_id == org.id
assert ok(list_my_orgs.sync(client=new_member)).items[0].manages_account is True

step("the organisation requires MFA of its member, who is made to enrol at login")
requirement = ok(
    set_org_member_mfa_requirement.sync(
        org_id=uuid.UUID(org.id),
        account_id=uuid.UUID(accepted.account.id),
        client=me,
        body=MemberRequirementRequest(required=True, enforcement_delay_days=0),
    )
)
assert requirement.status == "pending", requirement
forced = ok(login.sync(client=anonymous, body=LoginRequest(email=member_email, password=PASSWORD)))
assert isinstance(forced, LoginMfaEnrollmentRequired), forced
ticket = authed(forced.enrollment.ticket)
member_enrolment = ok(enroll_totp.sync(client=ticket, body=PasswordConfirmation()))
member_activation = ok(
    activate_factor.sync(
        id=uuid.UUID(member_enrolment.factor_id),
        client=ticket,
        body=CodeConfirmation(code=code_at(member_enrolment.secret)),
    )
)
assert member_activation.session.aal == "aal2", member_activation
member = authed(member_activation.session_token)
assert ok(get_current_session.sync(client=member)).account.email == member_email

step("mint a JWT access token; the key set names its key")
access = ok(create_access_token.sync(client=member))
assert access.token_type == "Bearer", access
header_segment = access.access_token.split(".")[0]
header = json.loads(base64.urlsafe_b64decode(header_segment + "=" * (-len(header_segment) % 4)))
assert header["alg"] == "EdDSA", header
jwks = ok(get_jwks.sync(client=anonymous))
assert any(key.kid == header["kid"] for key in jwks.keys), jwks

print("Python SDK flow passed")
