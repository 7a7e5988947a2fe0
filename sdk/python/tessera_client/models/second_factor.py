from enum import StrEnum


class SecondFactor(StrEnum):
    HARDWARE_TOKEN = "hardware_token"
    RECOVERY_CODE = "recovery_code"
    SMS = "sms"
    TOTP = "totp"
    WHATSAPP = "whatsapp"

    def __str__(self) -> str:
        return str(self.value)
