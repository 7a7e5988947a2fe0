from enum import StrEnum


class Callback(StrEnum):
    CLIENT = "client"
    TESSERA = "tessera"

    def __str__(self) -> str:
        return str(self.value)
