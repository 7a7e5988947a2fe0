from enum import StrEnum


class SecondFactor(StrEnum):
    HARDWARE_TOKEN = "hardware_token"
    RECOVERY_CODE = "recovery_code"
    TOTP = "totp"

    def __str__(self) -> str:
        return str(self.value)
