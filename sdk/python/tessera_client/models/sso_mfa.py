from enum import StrEnum


class SsoMfa(StrEnum):
    BOTH = "both"
    IDP = "idp"

    def __str__(self) -> str:
        return str(self.value)
