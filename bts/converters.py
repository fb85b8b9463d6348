"""The path converter for an object's id in a URL: digits that fit PostgreSQL's bigint.

A longer number never reaches the database (where it would be an error, not a miss): the URL
does not match, so the request is a 404, and the attempt is noted as a refusal like any other
(bts.audit.refuse), with the number cut short in the detail."""

from .audit import MAX_ID, refuse


class IdConverter:
    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        # More digits than bigint has are out of range without being read as a number (Python
        # refuses to read one of over 4 300 digits).
        number = int(value) if len(value.lstrip("0")) <= len(str(MAX_ID)) else MAX_ID + 1
        if not 1 <= number <= MAX_ID:
            refuse(detail=f"id_out_of_range:{value[:40]}")
            raise ValueError(value)
        return number

    def to_url(self, value) -> str:
        return str(int(value))
