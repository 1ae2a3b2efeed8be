from enum import StrEnum


class LoopBackFilterOrder(StrEnum):
    CREATIONDATE_ASC = "creationDate ASC"
    CREATIONDATE_DESC = "creationDate DESC"

    def __str__(self) -> str:
        return str(self.value)
