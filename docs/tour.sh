#!/usr/bin/env bash
# The README's API tour as a script. Every shell block of the tour is one region here, between
# a `#> name` line and a `#<` line, and `cargo test` checks that the README prints exactly
# these regions, in this order; CI runs this file against a fresh server on SQLite and on
# PostgreSQL (.ci/tour/run). Between the regions there are only checks, and the one wait a
# person makes without noticing (for the authenticator app's next code).
#
# Needs curl, jq and oathtool. Start a server that writes the codes and links of its emails to
# its log, then run the tour in the directory of that log:
#   TESSERA_DEV_LOG_CODES=true cargo run --release | tee tessera.log
#   bash docs/tour.sh      # TESSERA=http://host:port for another address
set -euo pipefail

# Each answer is printed, its status on stderr; a status of 400 or more ends the tour unless
# the next region expects it (EXPECT="409").
curl() {
  local answer status
  answer=$(command curl --silent --show-error --write-out '\n%{http_code}' "$@")
  status=${answer##*$'\n'}
  printf '%s\n' "${answer%$'\n'*}"
  echo "tour: HTTP $status" >&2
  if ((status >= 400)) && [[ " ${EXPECT:-} " != *" $status "* ]]; then
    echo "tour: HTTP $status was not expected from: curl $*" >&2
    exit 1
  fi
}

# The check after a region: `expect "what" test…` ends the tour when the test fails.
expect() {
  local what=$1
  shift
  if ! "$@"; then
    echo "tour: expected $what" >&2
    exit 1
  fi
}

# Emails leave through the outbox a moment after the call that sends them: before reading one
# from the log, wait for it (`mark` before the call, `await_new` after).
declare -A seen
mark() { seen[$1]=$(grep -c -- "$1" tessera.log || true); }
await_new() {
  for _ in $(seq 150); do
    (($(grep -c -- "$1" tessera.log || true) > ${seen[$1]})) && return
    sleep 0.2
  done
  echo "tour: no new \"$1\" in tessera.log" >&2
  exit 1
}

#> setup
TESSERA=${TESSERA:-http://127.0.0.1:8080}
# What an email would bring (a link's token, a code), the tour reads from the server's log:
latest() { grep -o "$1" tessera.log | tail -1; }
latest_code() { latest 'this code where you [a-z ]*: [0-9]*' | grep -o '[0-9]*$'; }
#<

mark tsv_
#> sign-up
curl -s $TESSERA/v1/accounts -H 'content-type: application/json' \
  -d '{"email": "ada@example.com", "password": "correct horse battery staple", "display_name": "Ada"}'
#<

#> login
TOKEN=$(curl -s $TESSERA/v1/auth/login -H 'content-type: application/json' \
  -d '{"email": "ada@example.com", "password": "correct horse battery staple"}' | jq -r .session_token)
#<
expect "a session token" [ -n "$TOKEN" ] && [ "$TOKEN" != null ]

#> session check
curl -s $TESSERA/v1/sessions/current -H "authorization: Bearer $TOKEN"
#<

#> sessions
curl -s $TESSERA/v1/me/sessions -H "authorization: Bearer $TOKEN"
SESSION_ID=$(curl -s $TESSERA/v1/me/sessions -H "authorization: Bearer $TOKEN" |
  jq -r '[.items[] | select(.current | not)][0].id')   # the sign-up's session
curl -s -X DELETE $TESSERA/v1/me/sessions/$SESSION_ID -H "authorization: Bearer $TOKEN"
curl -s -X DELETE $TESSERA/v1/me/sessions -H "authorization: Bearer $TOKEN"   # {"revoked": n}
#<
expect "only the current session left" \
  [ "$(command curl -s $TESSERA/v1/me/sessions -H "authorization: Bearer $TOKEN" | jq '.items | length')" = 1 ]

#> profile
curl -s -X PATCH $TESSERA/v1/me -H "authorization: Bearer $TOKEN" \
  -H 'content-type: application/json' -d '{"phone": "+4915112345678"}'
curl -s $TESSERA/v1/me/password -H "authorization: Bearer $TOKEN" \
  -H 'content-type: application/json' \
  -d '{"current_password": "correct horse battery staple", "new_password": "a brand new passphrase"}'
curl -s "$TESSERA/v1/me/login-history?limit=20" -H "authorization: Bearer $TOKEN"
#<

#> totp
ENROLMENT=$(curl -s $TESSERA/v1/me/mfa/totp -H "authorization: Bearer $TOKEN" \
  -H 'content-type: application/json' -d '{"password": "a brand new passphrase"}')
FACTOR_ID=$(echo "$ENROLMENT" | jq -r .factor_id)
SECRET=$(echo "$ENROLMENT" | jq -r .secret)   # what the app is given, or it scans .qr_svg
CODE=$(oathtool --totp -b "$SECRET")          # the code the app shows
RECOVERY_CODES=$(curl -s $TESSERA/v1/me/mfa/factors/$FACTOR_ID/activate \
  -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
  -d "{\"code\": \"$CODE\"}" | jq -r '.recovery_codes.codes[]')
#<
expect "8 recovery codes" [ "$(echo "$RECOVERY_CODES" | wc -l)" = 8 ]

# A code works once: the app's next one comes with the next 30-second step.
sleep $((30 - $(date +%s) % 30 + 1))

#> challenge
CHALLENGE_ID=$(curl -s $TESSERA/v1/auth/login -H 'content-type: application/json' \
  -d '{"email": "ada@example.com", "password": "a brand new passphrase"}' | jq -r .challenge.id)
CODE=$(oathtool --totp -b "$SECRET")          # the app's next code: each works once
curl -s $TESSERA/v1/auth/challenges/$CHALLENGE_ID/verify \
  -H 'content-type: application/json' -d "{\"method\": \"totp\", \"code\": \"$CODE\"}"
#<

#> mfa
curl -s $TESSERA/v1/me/mfa -H "authorization: Bearer $TOKEN"
# {"enabled": true, "factors": [{"id": …, "type": "totp", …}], "recovery_codes": {"remaining": 8, "total": 8, …}}
CODE=$(echo "$RECOVERY_CODES" | head -n 1)    # a recovery code confirms too, once
RECOVERY_CODES=$(curl -s $TESSERA/v1/me/mfa/recovery-codes -H "authorization: Bearer $TOKEN" \
  -H 'content-type: application/json' \
  -d "{\"password\": \"a brand new passphrase\", \"code\": \"$CODE\"}" | jq -r '.codes[]')   # new set
CODE=$(echo "$RECOVERY_CODES" | head -n 1)
curl -s $TESSERA/v1/me/mfa/recovery-codes/reveal -H "authorization: Bearer $TOKEN" \
  -H 'content-type: application/json' \
  -d "{\"password\": \"a brand new passphrase\", \"code\": \"$CODE\"}"                   # unused codes
CODE=$(echo "$RECOVERY_CODES" | sed -n 2p)
curl -s $TESSERA/v1/me/mfa/disable -H "authorization: Bearer $TOKEN" \
  -H 'content-type: application/json' \
  -d "{\"password\": \"a brand new passphrase\", \"code\": \"$CODE\"}"                   # 204
#<
expect "MFA off" [ "$(command curl -s $TESSERA/v1/me/mfa -H "authorization: Bearer $TOKEN" | jq .enabled)" = false ]

#> audit log
curl -s $TESSERA/v1/me/audit-log -H "authorization: Bearer $TOKEN"
#<

mark tsn_
#> organisations
ORG=$(curl -s $TESSERA/v1/orgs -H "authorization: Bearer $TOKEN" \
  -H 'content-type: application/json' -d '{"name": "Acme"}' | jq -r .id)
curl -s $TESSERA/v1/orgs/$ORG/invitations -H "authorization: Bearer $TOKEN" \
  -H 'content-type: application/json' -d '{"email": "linus@example.com", "role": "member"}'
# {"id": …, "email": "linus@example.com", "role": "member", "status": "pending", "expires_at": …}
#<
await_new tsn_

#> invitation
INVITATION=$(latest 'tsn_[A-Za-z0-9_-]*')
curl -s $TESSERA/v1/invitations/accept -H 'content-type: application/json' \
  -d "{\"token\": \"$INVITATION\", \"password\": \"a passphrase of his own\"}"
curl -s "$TESSERA/v1/orgs/$ORG/members?mfa_status=pending" -H "authorization: Bearer $TOKEN"
curl -s $TESSERA/v1/orgs/$ORG/audit-log -H "authorization: Bearer $TOKEN"
#<
expect "two members" [ "$(command curl -s $TESSERA/v1/orgs/$ORG/members -H "authorization: Bearer $TOKEN" | jq '.items | length')" = 2 ]

# Nobody publishes the record here: the check answers 409, naming what it found.
EXPECT=409
#> domains
curl -s -X POST $TESSERA/v1/orgs/$ORG/domains -H "authorization: Bearer $TOKEN" \
  -H 'content-type: application/json' -d '{"domain": "acme.com"}'
# 201 {"domain": "acme.com", "verified": false, "sso": false,
#      "txt_record": {"name": "_tessera-challenge.acme.com", "value": "tessera-domain-verification=…"}, …}
# publish the record at your DNS host, then:
curl -s -X POST $TESSERA/v1/orgs/$ORG/domains/acme.com/verify -H "authorization: Bearer $TOKEN"
# 200 {"domain": "acme.com", "verified": true, "verified_by": "dns", …}
#<
EXPECT=

#> introspection
TSI=$(tessera admin create-introspection-key --name "Orders back-end")
curl -s -X POST $TESSERA/v1/introspect -H "authorization: Bearer $TSI" -d "token=$TOKEN"
# {"active": true, "token_type": "session", "sub": …, "sid": …, "aal": "aal1", "amr": ["pwd"], "iat": …, "exp": …}
#<
expect "an active session" \
  [ "$(command curl -s -X POST $TESSERA/v1/introspect -H "authorization: Bearer $TSI" -d "token=$TOKEN" | jq .active)" = true ]

await_new tsv_
#> email verification
curl -s $TESSERA/v1/auth/email/verify -H 'content-type: application/json' \
  -d "{\"token\": \"$(latest 'tsv_[A-Za-z0-9_-]*')\"}"
# {"email": "ada@example.com", "email_verified_at": "…"}
#<

mark 'where you asked'
#> email change
curl -s $TESSERA/v1/me/email -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
  -d '{"email": "ada@example.org", "password": "a brand new passphrase"}'   # 202, a code and link to the new address
#<
await_new 'where you asked'

#> email change confirmed
curl -s $TESSERA/v1/me/email/confirm -H "authorization: Bearer $TOKEN" \
  -H 'content-type: application/json' -d "{\"code\": \"$(latest_code)\"}"   # 200 {"email": "ada@example.org", …}
#<
expect "the new address" [ "$(command curl -s $TESSERA/v1/me -H "authorization: Bearer $TOKEN" | jq -r .email)" = ada@example.org ]

mark tsr_
#> forgotten password
curl -s $TESSERA/v1/auth/password/forgot -H 'content-type: application/json' \
  -d '{"email": "ada@example.org"}'                                                    # 202
#<
await_new tsr_

#> password reset
curl -s $TESSERA/v1/auth/password/reset -H 'content-type: application/json' \
  -d "{\"token\": \"$(latest 'tsr_[A-Za-z0-9_-]*')\", \"new_password\": \"my newest passphrase\"}"   # 204
TOKEN=$(curl -s $TESSERA/v1/auth/login -H 'content-type: application/json' \
  -d '{"email": "ada@example.org", "password": "my newest passphrase"}' | jq -r .session_token)
#<
expect "a session token" [ -n "$TOKEN" ] && [ "$TOKEN" != null ]

#> log out
curl -s -X POST $TESSERA/v1/auth/logout -H "authorization: Bearer $TOKEN"
#<
expect "the session gone" \
  [ "$(command curl -s -o /dev/null -w '%{http_code}' $TESSERA/v1/sessions/current -H "authorization: Bearer $TOKEN")" = 401 ]

echo "tour: every step answered as the README says" >&2
