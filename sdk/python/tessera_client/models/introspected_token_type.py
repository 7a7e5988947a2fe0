from enum import StrEnum


class IntrospectedTokenType(StrEnum):
    API_KEY = "api_key"
    SESSION = "session"

    def __str__(self) -> str:
        return str(self.value)
