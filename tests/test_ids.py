"""ID numbers: validation cases, encryption at rest, keyed hash, masking."""

from datetime import date

import pytest

from charity.registry import ids

TODAY = date(2026, 11, 29)


def valid(first17: str) -> str:
    return ids.with_check_digit(first17)


def test_valid_yuzhong_number_gives_birth_date_and_sex():
    number = valid("50010319800517001")
    checked = ids.check(number, TODAY)
    assert checked.birth_date == date(1980, 5, 17)
    assert checked.sex == "M"
    assert checked.warnings == ()


def test_lowercase_x_and_spaces_are_normalised():
    base = next(f"5001031990010100{i}" for i in range(10)
                if ids.with_check_digit(f"5001031990010100{i}").endswith("X"))
    number = ids.with_check_digit(base)
    assert ids.check(" " + number.lower() + " ", TODAY).number == number


@pytest.mark.parametrize("number, message", [
    ("50010319800517", "18"),
    ("5001031980O517001X", "17 digits"),
])
def test_malformed_numbers_are_refused(app, number, message):
    with app.test_request_context("/?lang=en"), pytest.raises(ids.IdNumberError) as error:
        ids.check(number, TODAY)
    assert message in str(error.value)


def test_wrong_check_digit_is_an_error(app):
    number = valid("50010319800517001")
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    with app.test_request_context("/?lang=en"), \
            pytest.raises(ids.IdNumberError, match="check digit"):
        ids.check(wrong, TODAY)


def test_impossible_birth_date_is_an_error(app):
    with app.test_request_context("/?lang=en"), \
            pytest.raises(ids.IdNumberError, match="does not exist"):
        ids.check(valid("50010319810229001"), TODAY)


def test_future_birth_date_is_an_error(app):
    with app.test_request_context("/?lang=en"), pytest.raises(ids.IdNumberError, match="future"):
        ids.check(valid("50010320270101001"), TODAY)


@pytest.mark.parametrize("area", ["000000", "999999", "500199"])
@pytest.mark.parametrize("lang, message", [("en", "not a county code of any year"),
                                           ("zh_Hans_CN", "不是任何年份的县级区划代码")])
def test_area_code_missing_from_stdnums_table_is_refused(app, area, lang, message):
    with app.test_request_context(f"/?lang={lang}"):
        with pytest.raises(ids.IdNumberError) as error:
            ids.check(valid(f"{area}19800517001"), TODAY)
        assert area in str(error.value) and message in str(error.value)


def test_retired_area_code_is_only_a_warning(app):
    """崇文区 (110103) was merged into 东城区 in 2010: numbers issued under it stay valid."""
    with app.test_request_context("/?lang=en"):
        checked = ids.check(valid("11010319800517001"), TODAY)
        assert "110103" in str(checked.warnings[0]) and "retired" in str(checked.warnings[0])


@pytest.mark.parametrize("code, status", [
    ("500103", "current"), ("110101", "current"), ("120110", "current"),
    ("110103", "retired"), ("000000", None), ("999999", None)])
def test_area_status_reads_the_years_in_stdnums_table(code, status):
    assert ids.area_status(code) == status


def test_number_reissued_under_todays_code_has_no_warning(app):
    """渝中区 got 500103 in 1997; people born earlier carry it too."""
    with app.test_request_context("/?lang=en"):
        checked = ids.check(valid("50010319500101002"), TODAY)
    assert checked.birth_date == date(1950, 1, 1)
    assert checked.sex == "F"
    assert checked.warnings == ()


def test_numbers_are_encrypted_hashed_and_masked(app):
    number = valid("50010319800517001")
    with app.app_context():
        sealed = ids.sealed(number)
        assert number not in sealed["id_number_encrypted"]
        assert ids.decrypt(sealed["id_number_encrypted"]) == number
        assert sealed["id_number_hash"] == ids.keyed_hash(number)
        assert sealed["id_number_hash"] != ids.keyed_hash(valid("50010319800517003"))
    assert sealed["id_number_masked"] == number[:4] + "*" * 12 + number[-2:]
