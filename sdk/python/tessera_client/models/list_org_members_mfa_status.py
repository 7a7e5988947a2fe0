from enum import StrEnum


class ListOrgMembersMfaStatus(StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"
    NOT_REQUIRED = "not_required"
    PENDING = "pending"

    def __str__(self) -> str:
        return str(self.value)
