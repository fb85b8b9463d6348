"""Norwegian identity numbers: check digits (classic and 2032 rule), dates, kinds, masking.

Only non-personal numbers are used: Skatteetaten's published examples ("Nytt fødselsnummer fra
2032") and Tenor synthetic test persons (month + 80), the test suites of python-stdnum and
navikt/fnrvalidator, and numbers generated here from a date and an individual number by
`generated()` / `completions()`, which follow Skatteetaten's published formulas literally
(independently of the remainder form used in cases/identity.py).
"""

import datetime
import logging

import pytest
from django.core.exceptions import ValidationError

from cases import identity
from cases.identity import (
    IdentityKind,
    identity_kind,
    mask_identity_number,
    normalise,
    validate_identity_number,
)

# --- Reference helpers: Skatteetaten's formulas, written out as published --------------------

K1_WEIGHTS = (3, 7, 6, 1, 8, 9, 4, 5, 2)
K2_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def _weighted(weights: tuple[int, ...], digits: str) -> int:
    return sum(w * int(d) for w, d in zip(weights, digits, strict=True))


def k1_values(nine: str) -> list[int]:
    """k1 = {11, 12, 13, 14} - (S1 mod 11); subtract 11 when above 10; discard 10.

    The value from 11 is the classic k1; the others are what the 2032 rule adds.
    """
    rest = _weighted(K1_WEIGHTS, nine) % 11
    values = []
    for base in (11, 12, 13, 14):
        k1 = base - rest
        if k1 > 10:
            k1 -= 11
        if k1 != 10:
            values.append(k1)
    return values


def classic_k1(nine: str) -> int | None:
    """k1 = 11 - (S1 mod 11), 11 becomes 0, 10 means no number exists."""
    k1 = 11 - _weighted(K1_WEIGHTS, nine) % 11
    return None if k1 == 10 else k1 % 11


def k2_value(ten: str) -> int | None:
    """k2 = 11 - (S2 mod 11), 11 becomes 0, 10 means no number exists (same in both rules)."""
    k2 = 11 - _weighted(K2_WEIGHTS, ten) % 11
    return None if k2 == 10 else k2 % 11


def completions(nine: str) -> set[str]:
    """Every number the published rules allow for these nine digits (classic and 2032)."""
    numbers = set()
    for k1 in k1_values(nine):
        k2 = k2_value(f"{nine}{k1}")
        if k2 is not None:
            numbers.add(f"{nine}{k1}{k2}")
    return numbers


def classic_number(nine: str) -> str | None:
    k1 = classic_k1(nine)
    k2 = None if k1 is None else k2_value(f"{nine}{k1}")
    return None if k2 is None else f"{nine}{k1}{k2}"


def generated(six: str, individual: int = 456) -> str:
    """A classic-rule number for the six date digits, from the first usable individual number."""
    for ind in range(individual, individual + 20):
        number = classic_number(f"{six}{ind:03d}")
        if number is not None:
            return number
    raise AssertionError("no usable individual number")  # pragma: no cover


def refusal_code(raw: str, **kwargs: bool) -> str:
    with pytest.raises(ValidationError) as caught:
        validate_identity_number(raw, **kwargs)
    return caught.value.code


def accepts(raw: str, **kwargs: bool) -> bool:
    try:
        validate_identity_number(raw, **kwargs)
    except ValidationError:
        return False
    return True


# --- The helpers reproduce the published numbers ----------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        pytest.param("02013299997", id="skatteetaten-020132-999-classic"),
        pytest.param("30108299920", id="skatteetaten-301082-999-classic"),
        pytest.param("26111593816", id="stdnum-261115"),
        pytest.param("13097248022", id="navikt-130972"),
    ],
)
def test_helper_reproduces_published_classic_numbers(number):
    assert classic_number(number[:9]) == number


@pytest.mark.parametrize(
    "number",
    [
        # Skatteetaten: 020132 999, S1 mod 11 = 2, "13 - 2 = 11 → 0" gives k1 = 0, k2 = 3.
        pytest.param("02013299903", id="skatteetaten-020132-999-k1-0"),
        # Skatteetaten: 301082 999, S1 mod 11 = 9, "12 - 9 = 3" gives k1 = 3, k2 = 9.
        pytest.param("30108299939", id="skatteetaten-301082-999-k1-3"),
    ],
)
def test_helper_reproduces_published_2032_numbers(number):
    assert number in completions(number[:9])
    assert classic_number(number[:9]) != number


# --- Valid numbers of each kind ---------------------------------------------------------------


@pytest.mark.usefixtures("rule_2032_in_force")
@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        pytest.param("02013299997", IdentityKind.FODSELSNUMMER, id="fnr-skatteetaten-2032-page"),
        pytest.param("30108299920", IdentityKind.FODSELSNUMMER, id="fnr-skatteetaten-person-1"),
        pytest.param("26111593816", IdentityKind.FODSELSNUMMER, id="fnr-stdnum"),
        pytest.param("151086 95088", IdentityKind.FODSELSNUMMER, id="fnr-stdnum-with-space"),
        pytest.param("13097248022", IdentityKind.FODSELSNUMMER, id="fnr-navikt"),
        pytest.param("15021951940", IdentityKind.FODSELSNUMMER, id="fnr-navikt-k1-11-becomes-0"),
        pytest.param("29029648784", IdentityKind.FODSELSNUMMER, id="fnr-navikt-29-feb-96"),
        pytest.param("29020075838", IdentityKind.FODSELSNUMMER, id="fnr-navikt-29-feb-00"),
        pytest.param(generated("150131"), IdentityKind.FODSELSNUMMER, id="fnr-generated"),
        pytest.param("45014054018", IdentityKind.D_NUMBER, id="dnr-stdnum"),
        pytest.param("53097248016", IdentityKind.D_NUMBER, id="dnr-navikt"),
        pytest.param("70108299914", IdentityKind.D_NUMBER, id="dnr-navikt-day-30"),
        pytest.param(generated("550199"), IdentityKind.D_NUMBER, id="dnr-generated"),
        pytest.param("13527248013", IdentityKind.H_NUMBER, id="hnr-navikt"),
        pytest.param(generated("155199"), IdentityKind.H_NUMBER, id="hnr-generated"),
        pytest.param(generated("314199"), IdentityKind.H_NUMBER, id="hnr-generated-31-jan"),
    ],
)
def test_valid_numbers_are_accepted_and_classified(raw, kind):
    value = validate_identity_number(raw)
    assert value == normalise(raw)
    assert len(value) == 11
    assert identity_kind(value) == kind


# Tenor synthetic test persons published by Skatteetaten (month + 80), navikt's "tnr" examples,
# and one generated here.
SYNTHETIC = [
    pytest.param("23906398699", id="skatteetaten-tenor-1"),
    pytest.param("24856399504", id="skatteetaten-tenor-2"),
    pytest.param("13873249565", id="skatteetaten-tenor-3"),
    pytest.param("12824996154", id="skatteetaten-tenor-4"),
    pytest.param("41814061033", id="skatteetaten-tenor-d-number"),
    pytest.param("10915596784", id="navikt-tnr"),
    pytest.param("50846202355", id="navikt-dnr-and-tnr"),
    pytest.param(generated("298204"), id="generated-29-feb-04"),
]


@pytest.mark.parametrize("raw", SYNTHETIC)
def test_synthetic_numbers_are_refused_by_default(raw):
    assert refusal_code(raw) == "synthetic"


@pytest.mark.parametrize("raw", SYNTHETIC)
def test_synthetic_numbers_are_accepted_when_allowed(raw):
    assert validate_identity_number(raw, allow_synthetic=True) == raw
    assert identity_kind(raw) == IdentityKind.SYNTHETIC


def test_allow_synthetic_is_keyword_only():
    with pytest.raises(TypeError):
        validate_identity_number("23906398699", True)  # type: ignore[misc]


def test_allow_synthetic_does_not_excuse_wrong_check_digits():
    assert refusal_code("23906398698", allow_synthetic=True) == "checksum"


# --- The 2032 rule ----------------------------------------------------------------------------


@pytest.fixture
def rule_2032_in_force(settings):
    """As from 1 January 2032 (settings.BTS_IDENTITY_NUMBERS_2032_FROM): the wider k1 rule."""
    settings.BTS_IDENTITY_NUMBERS_2032_FROM = datetime.date(2000, 1, 1)


@pytest.mark.parametrize("raw", ["02013299903", "30108299939"])
def test_the_2032_rule_holds_from_its_day_and_not_before(settings, raw):
    settings.BTS_IDENTITY_NUMBERS_2032_FROM = datetime.date(2032, 1, 1)
    with pytest.raises(ValidationError) as before:
        validate_identity_number(raw, today=datetime.date(2031, 12, 31))
    assert before.value.code == "checksum"
    assert validate_identity_number(raw, today=datetime.date(2032, 1, 1)) == raw


def test_before_2032_a_classic_number_born_in_the_future_is_refused(settings):
    settings.BTS_IDENTITY_NUMBERS_2032_FROM = datetime.date(2032, 1, 1)
    today = datetime.date(2026, 12, 7)
    # 01.01.30 with individual number 500–999 (and yy below 40) is 2030: not born yet.
    future = classic_number("010130500")
    with pytest.raises(ValidationError) as refused:
        validate_identity_number(future, today=today)
    assert refused.value.code == "future"
    assert str(refused.value.messages[0]) == (
        "Nummeret gir en fødselsdato fram i tid. Sjekk at nummeret er skrevet riktig."
    )
    # The same date with individual number below 500 is 1930: a valid number.
    past = classic_number("010130123")
    assert validate_identity_number(past, today=today) == past
    # Synthetic test numbers carry no real birth date: not checked.
    assert validate_identity_number("23906398699", allow_synthetic=True, today=today)


@pytest.mark.usefixtures("rule_2032_in_force")
@pytest.mark.parametrize(
    "raw",
    [
        # Skatteetaten's own examples of numbers issued under the 2032 rule. Neither passes the
        # classic rule: (S1 + k1) mod 11 is 2 and 1 respectively, which the 2032 rule allows.
        pytest.param("02013299903", id="skatteetaten-rest-2"),
        pytest.param("30108299939", id="skatteetaten-rest-1"),
        # Constructed: 01.81.10 (synthetic, so no person can have it), individual number 105.
        # S1 = 78, 78 mod 11 = 1, so the classic k1 = 11 - 1 = 10 and no classic number exists.
        # The 2032 rule gives 12 - 1 = 11 → 0, 13 - 1 = 12 → 1, 14 - 1 = 13 → 2; with k1 = 1,
        # S2 = 57 + 2·1 = 59, 59 mod 11 = 4, k2 = 11 - 4 = 7.
        pytest.param("01811010517", id="constructed-synthetic-rest-2"),
    ],
)
def test_number_valid_only_under_the_2032_rule_is_accepted(raw):
    assert classic_number(raw[:9]) != raw
    assert validate_identity_number(raw, allow_synthetic=True) == raw


@pytest.mark.usefixtures("rule_2032_in_force")
def test_prefix_whose_classic_k1_is_10_only_has_2032_numbers():
    nine = "018110105"
    assert classic_k1(nine) is None  # the classic k1 would be 10: refused
    assert k1_values(nine) == [0, 1, 2]  # 12, 13, 14 - 1, less 11; 11 - 1 = 10 discarded
    accepted = {
        f"{nine}{tail:02d}"
        for tail in range(100)
        if accepts(f"{nine}{tail:02d}", allow_synthetic=True)
    }
    assert accepted == {"01811010509", "01811010517", "01811010525"}


@pytest.mark.usefixtures("rule_2032_in_force")
def test_k2_of_10_removes_a_2032_variant():
    # 01.81.10, individual 112: S1 mod 11 = 0, so k1 may be 0, 1, 2 or 3, but k1 = 2 makes
    # k2 = 10, so only three numbers exist, and every k2 digit after k1 = 2 is refused.
    nine = "018110112"
    assert k1_values(nine) == [0, 1, 2, 3]
    assert k2_value(f"{nine}2") is None
    for k2 in range(10):
        assert refusal_code(f"{nine}2{k2}", allow_synthetic=True) == "checksum"
    assert completions(nine) == {"01811011203", "01811011211", "01811011238"}


@pytest.mark.usefixtures("rule_2032_in_force")
def test_module_accepts_exactly_what_the_published_rules_allow():
    """All 100 endings of every individual number on one synthetic date, against the formulas.

    Per prefix the rules allow 4 k1 values, less one if it would be 10, less one if its k2
    would be 10; so 2, 3 or 4 numbers, never fewer and never more.
    """
    sizes = set()
    prefixes_without_classic = 0
    for individual in range(1000):
        nine = f"018110{individual:03d}"
        expected = completions(nine)
        accepted = {
            f"{nine}{tail:02d}"
            for tail in range(100)
            if accepts(f"{nine}{tail:02d}", allow_synthetic=True)
        }
        assert accepted == expected, nine
        sizes.add(len(accepted))
        prefixes_without_classic += classic_number(nine) is None
    assert sizes == {2, 3, 4}
    assert prefixes_without_classic > 0


# --- Wrong check digits -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("26111593817", id="stdnum-wrong-k2"),
        # k1 changed: (S1 + k1) mod 11 = 1 is allowed from 2032, but k2 no longer fits.
        pytest.param("26111593826", id="stdnum-wrong-k1-caught-by-k2"),
        # k1 changed and k2 recomputed to fit it: only the k1 rule can refuse it. The remainder
        # is 6, outside {0, 1, 2, 3}, so it is refused under the 2032 rule too.
        pytest.param("26111593875", id="stdnum-wrong-k1-with-matching-k2"),
        pytest.param("13097248032", id="navikt-wrong-k1"),
        pytest.param("13097248023", id="navikt-wrong-k2"),
        pytest.param("02013299987", id="navikt-2032-page-wrong-k1"),
        pytest.param("02013299996", id="navikt-2032-page-wrong-k2"),
    ],
)
def test_wrong_check_digits_are_refused(raw):
    assert refusal_code(raw) == "checksum"


@pytest.mark.usefixtures("rule_2032_in_force")
@pytest.mark.parametrize(
    ("k1", "accepted"),
    [
        pytest.param(4, False, id="k1-4-remainder-8"),
        pytest.param(5, False, id="k1-5-remainder-9"),
        pytest.param(6, False, id="k1-6-remainder-10"),
        pytest.param(7, True, id="k1-7-remainder-0-classic"),
        pytest.param(8, True, id="k1-8-remainder-1-2032"),
        pytest.param(9, True, id="k1-9-remainder-2-2032"),
    ],
)
def test_k1_rule_alone_decides_when_k2_matches(k1, accepted):
    # 01.81.10 (synthetic), individual 101: S1 mod 11 = 4, so (S1 + k1) mod 11 = (4 + k1) mod 11.
    # k2 is computed to fit each k1, so only the k1 rule can tell these numbers apart.
    nine = "018110101"
    assert (_weighted(K1_WEIGHTS, nine) + k1) % 11 == (4 + k1) % 11
    k2 = k2_value(f"{nine}{k1}")
    assert k2 is not None
    number = f"{nine}{k1}{k2}"
    if accepted:
        assert validate_identity_number(number, allow_synthetic=True) == number
    else:
        assert refusal_code(number, allow_synthetic=True) == "checksum"


# Valid numbers of every kind and rule, for the single-digit error tests.
FLIP_EXAMPLES = [
    pytest.param("26111593816", id="fnr-classic"),
    pytest.param("30108299939", id="fnr-2032-rule"),
    pytest.param("45014054018", id="dnr"),
    pytest.param("13527248013", id="hnr"),
    pytest.param("23906398699", id="synthetic"),
]


@pytest.mark.usefixtures("rule_2032_in_force")
@pytest.mark.parametrize("number", FLIP_EXAMPLES)
def test_every_single_digit_error_is_refused(number):
    """The 2032 rule loosens k1 only. k2 still needs (5,4,3,2,7,6,5,4,3,2,1)·digits ≡ 0 (mod 11),
    and every weight is between 1 and 10, so changing one digit by δ (0 < |δ| < 10) moves that
    sum by w·δ, which 11 (a prime) never divides. Every single-digit error is therefore caught,
    at the latest by k2. An error in the date digits may be caught as a date first."""
    assert validate_identity_number(number, allow_synthetic=True) == number
    for position in range(11):
        for digit in "0123456789":
            if digit == number[position]:
                continue
            flipped = number[:position] + digit + number[position + 1 :]
            assert flipped not in completions(flipped[:9])
            code = refusal_code(flipped, allow_synthetic=True)
            if position >= 6:
                assert code == "checksum", flipped
            else:
                assert code in {"date", "checksum"}, flipped


@pytest.mark.usefixtures("rule_2032_in_force")
@pytest.mark.parametrize("number", FLIP_EXAMPLES)
def test_some_k1_errors_pass_the_2032_k1_rule_and_are_caught_by_k2(number):
    """A changed k1 passes the k1 rule whenever its remainder is another of 0–3: that is each
    other k1 the rule allows for these nine digits, len(k1_values) - 1 of them (2 or 3)."""
    nine = number[:9]
    s1 = _weighted(K1_WEIGHTS, nine)
    passing_k1_rule = [
        k1 for k1 in range(10) if k1 != int(number[9]) and (s1 + k1) % 11 in (0, 1, 2, 3)
    ]
    assert len(passing_k1_rule) == len(k1_values(nine)) - 1
    assert passing_k1_rule
    for k1 in passing_k1_rule:
        flipped = f"{nine}{k1}{number[10]}"
        assert refusal_code(flipped, allow_synthetic=True) == "checksum"


# --- Shape and date ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        pytest.param("", "length", id="empty"),
        pytest.param("1234567890", "length", id="ten-digits"),
        pytest.param("123456789012", "length", id="twelve-digits"),
        pytest.param("151086 9508", "length", id="one-digit-missing"),
        pytest.param("42485176432123", "length", id="stdnum-too-long"),
        pytest.param("1234567891A", "digits", id="navikt-letter"),
        pytest.param("a0gzaB30529", "digits", id="stdnum-letters"),
        pytest.param("15108695O88", "digits", id="letter-o-for-zero"),
        pytest.param("151086/95088", "digits", id="slash"),
        pytest.param("١٥١٠٨٦٩٥٠٨٨", "digits", id="arabic-indic-digits"),
        pytest.param("1510869508²", "digits", id="superscript-two"),
        pytest.param("abc", "digits", id="short-and-letters"),
    ],
)
def test_shape_errors(raw, code):
    assert refusal_code(raw) == code


@pytest.mark.parametrize(
    "raw",
    [
        # Generated with correct check digits, so only the date can refuse them.
        pytest.param(generated("310299"), id="31-feb"),
        pytest.param(generated("151399"), id="month-13"),
        pytest.param(generated("150099"), id="month-00"),
        pytest.param(generated("000199"), id="day-00"),
        pytest.param(generated("310499"), id="31-april"),
        pytest.param(generated("290201"), id="29-feb-01-no-leap-year"),
        pytest.param(generated("720199"), id="d-number-day-72"),
        pytest.param(generated("400199"), id="d-number-day-40"),
        pytest.param(generated("155399"), id="h-number-month-13"),
        pytest.param(generated("159399"), id="synthetic-month-13"),
        pytest.param(generated("152199"), id="month-21"),
        pytest.param(generated("554199"), id="d-and-h-together"),
        pytest.param(generated("820199"), id="fh-number-first-digit-8"),
        pytest.param("19575770838", id="stdnum-invalid-date"),
    ],
)
def test_impossible_dates_are_refused(raw):
    assert refusal_code(raw) == "date"
    assert refusal_code(raw, allow_synthetic=True) == "date"


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(generated("290200"), id="29-feb-00-leap-in-2000"),
        pytest.param(generated("290204"), id="29-feb-04"),
        pytest.param(generated("290296"), id="29-feb-96"),
        pytest.param(generated("690204"), id="d-number-29-feb-04"),
        pytest.param(generated("294204"), id="h-number-29-feb-04"),
    ],
)
def test_29_february_is_accepted_when_yy_can_be_a_leap_year(raw):
    assert validate_identity_number(raw) == raw


@pytest.mark.usefixtures("rule_2032_in_force")
def test_date_is_not_checked_against_today():
    # Under the 2032 rule the individual number no longer gives the century, and age must not be
    # derived from the number: 02.01.32 may be 1932, so no "not born yet" check.
    assert validate_identity_number("02013299903") == "02013299903"


# --- normalise, identity_kind, mask -----------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("15108695088", "15108695088", id="plain"),
        pytest.param("151086 95088", "15108695088", id="space"),
        pytest.param("151086-95088", "15108695088", id="hyphen"),
        pytest.param("15.10.86 950 88", "15108695088", id="dots-and-spaces"),
        pytest.param("  151086 - 95088\n", "15108695088", id="surrounding-whitespace"),
        pytest.param("151086\u00a095088", "15108695088", id="no-break-space"),
        pytest.param("15108695O88", "15108695O88", id="keeps-letters"),
        pytest.param("12", "12", id="does-not-validate"),
    ],
)
def test_normalise(raw, expected):
    assert normalise(raw) == expected


def test_validate_returns_the_normalised_number():
    assert validate_identity_number("15.10.86-950 88") == "15108695088"


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("1510869508", id="too-short"),
        pytest.param("15108695O88", id="letter"),
        pytest.param(generated("554199"), id="d-and-h-together"),
    ],
)
def test_identity_kind_refuses_what_it_cannot_classify_without_echoing_it(raw):
    with pytest.raises(ValueError) as caught:
        identity_kind(raw)
    assert normalise(raw) not in str(caught.value)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("15108695088", "151086 *****", id="fnr"),
        pytest.param("151086-95088", "151086 *****", id="with-hyphen"),
        pytest.param("45014054018", "450140 *****", id="dnr"),
        pytest.param("23906398699", "239063 *****", id="synthetic"),
        pytest.param("1510869508", "****** *****", id="too-short-fully-masked"),
        pytest.param("15108695O88", "****** *****", id="letter-fully-masked"),
        pytest.param("", "****** *****", id="empty-fully-masked"),
    ],
)
def test_mask(raw, expected):
    masked = mask_identity_number(raw)
    assert masked == expected
    assert not any(c.isdigit() for c in masked[6:])  # the personal digits never show


# --- Messages and privacy ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param(
            "15108695O88",
            "Nummeret kan bare inneholde sifre, mellomrom, punktum og bindestrek.",
            id="digits",
        ),
        pytest.param("1510869508", "Et fødselsnummer eller D-nummer har 11 sifre.", id="length"),
        pytest.param(
            generated("310299"), "Nummeret inneholder en dato som ikke finnes.", id="date"
        ),
        pytest.param(
            "26111593817",
            "Kontrollsifrene stemmer ikke. Sjekk at nummeret er skrevet riktig.",
            id="checksum",
        ),
        pytest.param("23906398699", "Syntetiske testnumre kan ikke brukes her.", id="synthetic"),
    ],
)
def test_messages_are_norwegian_and_do_not_contain_the_number(raw, message):
    with pytest.raises(ValidationError) as caught:
        validate_identity_number(raw)
    assert caught.value.messages == [message]
    for text in (str(caught.value), repr(caught.value)):
        assert normalise(raw) not in text
        assert normalise(raw)[6:] not in text


def test_nothing_is_logged(caplog):
    caplog.set_level(logging.DEBUG)
    validate_identity_number("26111593816")
    for raw in ("26111593817", "23906398699", generated("310299")):
        with pytest.raises(ValidationError):
            validate_identity_number(raw)
    identity_kind("26111593816")
    mask_identity_number("26111593816")
    assert caplog.records == []


def test_module_offers_no_way_to_read_sex_or_age():
    words = {"sex", "gender", "kjonn", "kjønn", "age", "alder", "birth", "born", "century", "year"}
    public = [name for name in dir(identity) if not name.startswith("_")]
    assert not [name for name in public if words & set(name.lower().split("_"))]
    assert set(identity.__all__) == {
        "IdentityKind",
        "identity_kind",
        "mask_identity_number",
        "normalise",
        "validate_for_registration",
        "validate_identity_number",
    }


def test_kind_values_and_labels():
    assert [(k.value, str(k.label)) for k in IdentityKind] == [
        ("fnr", "Fødselsnummer"),
        ("dnr", "D-nummer"),
        ("hnr", "H-nummer"),
        ("syn", "Syntetisk testnummer"),
    ]
