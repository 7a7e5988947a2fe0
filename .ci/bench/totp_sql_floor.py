#!/usr/bin/env python3
"""The floor under TOTP verification on SQLite: the SQL one verification runs (as traced from
the server: a rate-limit transaction, then 22 statements in one transaction), replayed from C
through Python's sqlite3 with prepared statements, on the server's own schema and pragmas,
with 80,000 accounts and 1,000,000 sessions in the tables (as in the benchmark's scenario 5).
No HTTP, no diesel, no hashing of codes: what SQLite alone costs on this machine. Also with
16 verifications in one commit (group commit), the most batching could save.

    cargo build --release && python3 .ci/bench/totp_sql_floor.py

The README's Performance section quotes its result."""
import sqlite3, time, os, uuid, secrets, sys, itertools
_seq = itertools.count()
def v7(): return f"{time.time_ns():020d}-{next(_seq):012d}"
import shutil, subprocess, tempfile
work = tempfile.mkdtemp(prefix="tessera-floor-")
tessera = os.environ.get("TESSERA_BIN", os.path.join(os.path.dirname(__file__), "../../target/release/tessera"))
subprocess.run([tessera, "migrate"], env={**os.environ, "TESSERA_DATA_DIR": work, "RUST_LOG": "error"},
               check=True, stdout=subprocess.DEVNULL)
db = os.path.join(work, "tessera.db")
c = sqlite3.connect(db, isolation_level=None, cached_statements=256)
for p in ["PRAGMA busy_timeout=5000", "PRAGMA secure_delete=ON", "PRAGMA journal_mode=WAL",
          "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON"]:
    c.execute(p)
N_ACC, N_SESS = 80000, 1000000
now = "2026-11-25 17:00:00"
t = time.time()
c.execute("BEGIN")
accs = [v7() for _ in range(N_ACC)]
c.executemany("INSERT INTO accounts (id,email,password_hash,password_changed_at,created_at,updated_at) VALUES (?,?,?,?,?,?)",
              [(a, f"u{i}@example.com", "$argon2id$x", now, now, now) for i, a in enumerate(accs)])
c.executemany("INSERT INTO mfa_factors (id,account_id,kind,status,secret_ciphertext,key_id,digits,period,created_at,activated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
              [(str(uuid.uuid4()), a, "totp", "active", secrets.token_hex(40), "k1", 6, 30, now, now) for a in accs])
c.executemany("INSERT INTO login_challenges (id_digest,account_id,created_at,expires_at,failed_attempts) VALUES (?,?,?,?,0)",
              [(secrets.token_hex(32), a, now, "2026-11-25 17:05:00") for a in accs])
c.executemany("INSERT INTO sessions (id,account_id,token_hash,aal,methods,ip,created_at,last_active_at,expires_at) VALUES (?,?,?,?,?,?,?,?,?)",
              ((v7(), accs[i % N_ACC], secrets.token_hex(32), "aal1", '["password"]', "127.0.0.1", now, now, "2026-12-25 17:00:00") for i in range(N_SESS)))
c.execute("COMMIT")
c.execute("ANALYZE")
print(f"seeded in {time.time()-t:.1f} s")
rows = c.execute("SELECT c.id_digest, c.account_id, f.id FROM login_challenges c JOIN mfa_factors f ON f.account_id = c.account_id WHERE c.consumed_at IS NULL").fetchall()

def verify(i, challenge, account, factor):
    ex = c.execute
    ex("SELECT account_id FROM login_challenges WHERE id_digest = ? LIMIT ?", (challenge, 1)).fetchall()
    for subject in (f"mfa:{account}@127.0.0.1", f"mfa:{account}"):
        ex("INSERT INTO login_throttles (subject, failures, window_started_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", (subject, 0, now))
        ex("UPDATE login_throttles SET failures = failures + ? WHERE subject = ? AND window_started_at > ? AND locked_until IS NULL", (1, subject, "2026-11-25 16:00:00"))
        ex("SELECT failures FROM login_throttles WHERE subject = ? LIMIT ?", (subject, 1)).fetchall()
    ex("SELECT * FROM login_challenges WHERE id_digest = ? LIMIT ?", (challenge, 1)).fetchall()
    ex("SELECT * FROM accounts WHERE id = ? LIMIT ?", (account, 1)).fetchall()
    ex("SELECT * FROM mfa_factors WHERE account_id = ? AND status = ? AND kind = ? LIMIT ?", (account, "active", "totp", 1)).fetchall()
    ex("UPDATE mfa_factors SET last_used_step = ?, last_used_at = ? WHERE id = ? AND (last_used_step IS NULL OR last_used_step < ?)", (59081401, now, factor, 59081401))
    ex("UPDATE login_challenges SET consumed_at = ? WHERE id_digest = ? AND consumed_at IS NULL", (now, challenge))
    ex("DELETE FROM login_throttles WHERE subject = ?", (f"mfa:{account}@127.0.0.1",))
    ex("UPDATE login_throttles SET failures = failures - ? WHERE subject = ? AND failures > ?", (1, f"mfa:{account}", 0))
    ex("INSERT INTO sessions (id, account_id, token_hash, aal, methods, ip, created_at, last_active_at, expires_at) VALUES (?,?,?,?,?,?,?,?,?)",
       (v7(), account, secrets.token_hex(32), "aal2", '["password","totp"]', "127.0.0.1", now, now, "2026-12-25 17:00:00"))
    ex("INSERT INTO login_events (id, account_id, email, occurred_at, method, ip, outcome, mfa_method) VALUES (?,?,?,?,?,?,?,?)",
       (v7(), account, "u@example.com", now, "password", "127.0.0.1", "succeeded", "totp"))
    ex("INSERT INTO known_devices (account_id, device_digest, first_seen_at, last_seen_at) VALUES (?,?,?,?) ON CONFLICT DO NOTHING", (account, secrets.token_hex(32), now, now))
    ex("SELECT new_device_login, failed_login FROM notification_preferences WHERE account_id = ? LIMIT ?", (account, 1)).fetchall()
    ex("INSERT INTO outbox (id, channel, recipient, kind, payload_ciphertext, key_id, status, attempts, next_attempt_at, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
       (v7(), "email", "u@example.com", "login.new_device", secrets.token_hex(200), "k1", "pending", 0, now, now))

def rate_limit():
    c.execute("BEGIN IMMEDIATE")
    c.execute("INSERT INTO rate_limits (bucket, tat) VALUES (?, ?) ON CONFLICT DO NOTHING", ("code@127.0.0.1", 1))
    c.execute("UPDATE rate_limits SET tat = ? WHERE bucket = ? AND tat <= ?", (2, "code@127.0.0.1", 10**18))
    c.execute("COMMIT")

def run(label, batch, n, start):
    t = time.time()
    i = start
    while i < start + n:
        if batch == 1:
            rate_limit()
            c.execute("BEGIN IMMEDIATE"); verify(i, *rows[i]); c.execute("COMMIT")
            i += 1
        else:
            c.execute("BEGIN IMMEDIATE")
            for j in range(batch):
                c.execute("SAVEPOINT v")
                c.execute("INSERT INTO rate_limits (bucket, tat) VALUES (?, ?) ON CONFLICT DO NOTHING", ("code@127.0.0.1", 1))
                c.execute("UPDATE rate_limits SET tat = ? WHERE bucket = ? AND tat <= ?", (2, "code@127.0.0.1", 10**18))
                verify(i, *rows[i]); c.execute("RELEASE v"); i += 1
            c.execute("COMMIT")
    d = time.time() - t
    print(f"{label}: {n/d:,.0f} verifications/s, {d/n*1e6:.0f} µs each")
    return i

t = time.time()
for _ in range(20000): c.execute("SELECT ?", (1,)).fetchall()
print(f"(Python's own cost per statement: {(time.time()-t)/20000*1e6:.1f} µs; 24 statements a verification)")
i = run("one transaction each (as the server does)", 1, 6000, 0)
i = run("16 per commit (group commit)", 16, 6000, i)
shutil.rmtree(work)
