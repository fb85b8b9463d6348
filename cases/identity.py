"""Norwegian national identity numbers: validation, classification and masking.

Covers fødselsnummer, D-nummer (day + 40), H-nummer (month + 40) and, only when a caller asks for
them, Skatteetaten's synthetic test numbers from Tenor (month + 80). A number is checked by its
shape, its date and its two check digits, under both the classic rule and the rule for numbers
issued from 1 January 2032 once that rule is in force (settings.BTS_IDENTITY_NUMBERS_2032_FROM):
before, only the classic rule's numbers can exist, and the wider rule would let 3.6 times as many
mistyped numbers through.

Privacy, per the product spec: the number is shown masked, never put in a URL or a log line, and
never used to derive sex or age. This module therefore logs nothing, never puts the number in an
error message, and offers no way to read sex, birth year or age from a number:

- From 2032 the individual number no longer encodes sex, so the 9th digit says nothing about it;
  sex, if ever needed, comes from its own field in Folkeregisteret.
- The individual number no longer encodes the century either, and D-numbers often carry a date
  that is not the real birth date. Age must come from the child's registered birth date.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = [
    "IdentityKind",
    "identity_kind",
    "mask_identity_number",
    "normalise",
    "validate_for_registration",
    "validate_identity_number",
]

LENGTH = 11

# What people type between the digit groups: spaces (any whitespace, also pasted no-break
# spaces), dots and hyphens.
_SEPARATORS = re.compile(r"[\s.\-]+")
_DIGITS = re.compile(r"[0-9]*")  # ASCII only: str.isdigit() would let "²" or "٣" through

_D_OFFSET = 40  # D-nummer: day + 40, so the first digit is 4–7
_H_OFFSET = 40  # H-nummer: month + 40, so the third digit is 4 or 5
_SYNTHETIC_OFFSET = 80  # Tenor synthetic test numbers: month + 80, third digit 8 or 9

# Check digits. Source: Skatteetaten, Folkeregisteret API documentation, "Nytt fødselsnummer
# fra 2032", and its reference validator (foedselsEllerDNummerValidator). With S1 the weighted
# sum of the first nine digits, the classic rule requires (S1 + k1) mod 11 == 0; numbers issued
# from 1 January 2032 may have (S1 + k1) mod 11 in {0, 1, 2, 3}, i.e. k1 = {11,12,13,14} - S1
# mod 11, less 11 when above 10, discarded when 10. k2 is unchanged: (S2 + k2) mod 11 == 0 with
# S2 the weighted sum of the first ten digits. The classic rule is the remainder-0 case, so one
# test accepts numbers valid under either rule. A check digit of 10 cannot be written as one
# digit, which is how "10 makes the number invalid" falls out of the remainder form.
_K1_WEIGHTS = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_K2_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
_K1_REMAINDERS = frozenset({0, 1, 2, 3})  # from 2032
_K1_CLASSIC = frozenset({0})
_K2_REMAINDER = 0


class IdentityKind(models.TextChoices):
    FODSELSNUMMER = "fnr", _("Fødselsnummer")
    D_NUMBER = "dnr", _("D-nummer")
    H_NUMBER = "hnr", _("H-nummer")
    SYNTHETIC = "syn", _("Syntetisk testnummer")


MESSAGES = {
    "digits": _("Nummeret kan bare inneholde sifre, mellomrom, punktum og bindestrek."),
    "length": _("Et fødselsnummer eller D-nummer har 11 sifre."),
    "date": _("Nummeret inneholder en dato som ikke finnes."),
    "checksum": _("Kontrollsifrene stemmer ikke. Sjekk at nummeret er skrevet riktig."),
    "synthetic": _("Syntetiske testnumre kan ikke brukes her."),
    "future": _("Nummeret gir en fødselsdato fram i tid. Sjekk at nummeret er skrevet riktig."),
}


@dataclass(frozen=True, slots=True)
class _Decoded:
    kind: IdentityKind
    day: int
    month: int
    yy: int


def normalise(raw: str) -> str:
    """Strip spaces, dots and hyphens. Does not validate: the result may still be wrong."""
    return _SEPARATORS.sub("", raw)


def _decode(digits: str) -> _Decoded | None:
    """Remove the D/H/synthetic offsets from the date part; None for an unknown pattern.

    The date itself is not checked here. A D-number may also be synthetic (Tenor makes
    synthetic D-numbers); it is then classed as synthetic. D and H offsets together are no
    number type Skatteetaten or the health registers issue, so they are refused.
    """
    day, month, yy = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    is_d = digits[0] in "4567"
    if is_d:
        day -= _D_OFFSET
    kind = IdentityKind.D_NUMBER if is_d else IdentityKind.FODSELSNUMMER
    if digits[2] in "45":
        if is_d:
            return None
        month -= _H_OFFSET
        kind = IdentityKind.H_NUMBER
    elif digits[2] in "89":
        month -= _SYNTHETIC_OFFSET
        kind = IdentityKind.SYNTHETIC
    return _Decoded(kind=kind, day=day, month=month, yy=yy)


def _date_exists(decoded: _Decoded) -> bool:
    """True if DD.MM.YY is a real date in 19YY or 20YY.

    The century cannot be read from the number (and must not be, to keep age out of it), so
    29 February is accepted when either 19YY or 20YY is a leap year, i.e. when YY % 4 == 0.
    """
    for century in (1900, 2000):
        try:
            datetime.date(century + decoded.yy, decoded.month, decoded.day)
        except ValueError:
            continue
        return True
    return False


def _new_rule_in_force(today: datetime.date) -> bool:
    from django.conf import settings

    return today >= settings.BTS_IDENTITY_NUMBERS_2032_FROM


def _classic_birth_date(decoded: _Decoded, individual: int) -> datetime.date | None:
    """The birth date a classic number gives, its century read from the individual number
    (Skatteetaten's ranges); None where the ranges say nothing. Used only to refuse a number
    born in the future, never kept or shown."""
    yy = decoded.yy
    if individual <= 499:
        century = 1900
    elif individual <= 749 and yy >= 54:
        century = 1800
    elif individual >= 500 and yy <= 39:
        century = 2000
    elif individual >= 900 and yy >= 40:
        century = 1900
    else:
        return None
    try:
        return datetime.date(century + yy, decoded.month, decoded.day)
    except ValueError:
        return None


def _check_digits_ok(digits: str, *, new_rule: bool = True) -> bool:
    values = [int(c) for c in digits]
    s1 = sum(w * d for w, d in zip(_K1_WEIGHTS, values[:9], strict=True))
    if (s1 + values[9]) % 11 not in (_K1_REMAINDERS if new_rule else _K1_CLASSIC):
        return False
    s2 = sum(w * d for w, d in zip(_K2_WEIGHTS, values[:10], strict=True))
    return (s2 + values[10]) % 11 == _K2_REMAINDER


def _is_eleven_digits(value: str) -> bool:
    return len(value) == LENGTH and _DIGITS.fullmatch(value) is not None


def _refuse(code: str) -> ValidationError:
    # The number itself is never part of the error: errors end up in logs and error reports.
    return ValidationError(MESSAGES[code], code=code)


def validate_identity_number(
    raw: str, *, allow_synthetic: bool = False, today: datetime.date | None = None
) -> str:
    """Return the number as 11 digits, or raise ValidationError with a Norwegian message.

    Error codes: "digits", "length", "date", "checksum", and "synthetic" for a correct synthetic
    test number when allow_synthetic is False. Synthetic numbers are recognised last, so a
    mistyped real number whose third digit happens to be 8 or 9 is reported as a check-digit
    error rather than as a test number.
    """
    value = normalise(raw)
    if _DIGITS.fullmatch(value) is None:
        raise _refuse("digits")
    if len(value) != LENGTH:
        raise _refuse("length")
    decoded = _decode(value)
    if decoded is None or not _date_exists(decoded):
        raise _refuse("date")
    today = today or timezone.localdate()
    new_rule = _new_rule_in_force(today)
    if not _check_digits_ok(value, new_rule=new_rule):
        raise _refuse("checksum")
    # Under the classic rule the individual number gives the century: a birth date ahead of
    # today is a mistyped number. (From 2032 it no longer does.)
    if not new_rule and decoded.kind != IdentityKind.SYNTHETIC:
        born = _classic_birth_date(decoded, int(value[6:9]))
        if born is not None and born > today:
            raise _refuse("future")
    if decoded.kind == IdentityKind.SYNTHETIC and not allow_synthetic:
        raise _refuse("synthetic")
    return value


def validate_for_registration(raw: str) -> str:
    """A number typed for a child or a guardian: "" for none, else validated. Synthetic test
    numbers only where the installation takes them: in demo mode, and where
    settings.BTS_SYNTHETIC_IDENTITY_NUMBERS says so (a test installation, whose ID-porten test
    users have them)."""
    from django.conf import settings

    if not raw.strip():
        return ""
    synthetic = settings.DEMO_MODE or settings.BTS_SYNTHETIC_IDENTITY_NUMBERS
    return validate_identity_number(raw, allow_synthetic=synthetic)


def identity_kind(value: str) -> IdentityKind:
    """Classify a number that has already been validated.

    Raises ValueError (without the number in the message) for anything that is not 11 digits
    in a known pattern.
    """
    value = normalise(value)
    decoded = _decode(value) if _is_eleven_digits(value) else None
    if decoded is None:
        raise ValueError("not an 11-digit identity number of a known kind")
    return decoded.kind


def mask_identity_number(value: str) -> str:
    """Show the six date digits and hide the five personal digits: "010203 *****".

    Anything that is not 11 digits is masked completely rather than echoed.
    """
    value = normalise(value)
    if not _is_eleven_digits(value):
        return "****** *****"
    return f"{value[:6]} *****"
