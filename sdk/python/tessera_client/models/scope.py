from enum import StrEnum


class Scope(StrEnum):
    AUDIT_LOGREAD = "audit_log:read"
    LOGIN_HISTORYREAD = "login_history:read"
    PROFILEREAD = "profile:read"
    SESSIONSREAD = "sessions:read"

    def __str__(self) -> str:
        return str(self.value)
