from enum import StrEnum


class QobjType(StrEnum):
    PULSE = "PULSE"
    QASM = "QASM"

    def __str__(self) -> str:
        return str(self.value)
