from enum import StrEnum


class FactorType(StrEnum):
    HARDWARE_TOKEN = "hardware_token"
    SMS = "sms"
    TOTP = "totp"
    WHATSAPP = "whatsapp"

    def __str__(self) -> str:
        return str(self.value)
