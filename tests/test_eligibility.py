"""The plan's rules at their edges."""

from dataclasses import dataclass, replace
from datetime import date

from charity import eligibility as rules

TODAY = date(2026, 11, 29)
STANDARDS = rules.standards()


@dataclass(frozen=True)
class P:
    birth_date: date = date(1980, 1, 1)
    sex: str = "M"
    category: str = "dibao"
    dibao_class: str | None = "B"
    status: str = "enrolled"
    disabled: bool = False
    disability_grade: int | None = None
    seriously_ill: bool = False
    student: bool = False
    school_level: str | None = None
    college_entry_year: int | None = None
    hukou: str = "yuzhong"
    residence_permit_start: date | None = None
    monthly_income_fen: int = 0
    employment_status: str = "unemployed"
    able_to_work: bool = True
    willing_to_work: bool = True
    family_doctor: bool = True
    health_record: bool = True


def test_age_seventy_exactly_gets_the_supplement():
    assert rules.classified_supplement(P(birth_date=date(1956, 11, 29)), TODAY)
    assert not rules.classified_supplement(P(birth_date=date(1956, 11, 30)), TODAY)
    assert not rules.classified_supplement(P(birth_date=date(1956, 11, 29), category="tekun"),
                                           TODAY)


def test_residence_permit_of_364_days_is_not_enough():
    other = P(hukou="other")
    assert not rules.temporary_assistance_residency(
        replace(other, residence_permit_start=date(2025, 11, 30)), TODAY)
    assert rules.temporary_assistance_residency(
        replace(other, residence_permit_start=date(2025, 11, 29)), TODAY)
    assert not rules.temporary_assistance_residency(other, TODAY)
    assert rules.temporary_assistance_residency(P(), TODAY)


def test_rent_subsidy_window_last_day():
    person = P(dibao_class="B")
    granted = date(2025, 11, 30)
    assert rules.rent_subsidy(person, date(2026, 11, 29), granted)
    assert not rules.rent_subsidy(person, date(2026, 11, 30), granted)
    assert rules.rent_subsidy(P(dibao_class="A"), TODAY)
    assert not rules.rent_subsidy(P(dibao_class="A", status="suspended"), TODAY)


def test_rent_window_ending_counts_down_to_its_last_day():
    granted = date(2025, 11, 30)
    assert rules.rent_window_last_day(granted) == date(2026, 11, 29)
    assert rules.rent_window_ending(granted, date(2026, 11, 29), STANDARDS)
    assert not rules.rent_window_ending(granted, date(2026, 11, 30), STANDARDS)
    assert rules.rent_window_ending(granted, date(2026, 10, 31), STANDARDS)
    assert not rules.rent_window_ending(granted, date(2026, 10, 30), STANDARDS)
    assert not rules.rent_window_ending(None, TODAY, STANDARDS)


def test_household_with_one_working_age_member_unable_to_work_is_not_zero_employment():
    unable = P(able_to_work=False, employment_status="unable")
    retired = P(birth_date=date(1950, 1, 1), employment_status="retired")
    assert not rules.zero_employment([unable, retired], TODAY, STANDARDS)
    assert rules.zero_employment([P(), retired], TODAY, STANDARDS)
    assert not rules.zero_employment([P(), P(employment_status="employed")], TODAY, STANDARDS)


def test_working_age_differs_by_sex():
    woman_56 = P(sex="F", birth_date=date(1970, 1, 1))
    man_56 = P(sex="M", birth_date=date(1970, 1, 1))
    assert not rules.working_age(woman_56, TODAY, STANDARDS)
    assert rules.working_age(man_56, TODAY, STANDARDS)
    assert not rules.working_age(P(birth_date=date(2010, 11, 30)), TODAY, STANDARDS)


def test_education_rules():
    senior = P(student=True, school_level="senior_high")
    assert rules.free_textbooks(senior)
    assert not rules.free_textbooks(replace(senior, category="filed_hardship"))
    fresher = P(student=True, school_level="college", college_entry_year=2026)
    assert rules.autumn_grant(fresher, TODAY) and not rules.encouragement_award(fresher, TODAY)
    older = replace(fresher, college_entry_year=2024)
    assert rules.encouragement_award(older, TODAY) and not rules.autumn_grant(older, TODAY)


def test_income_test_and_per_capita():
    members = [P(monthly_income_fen=300000), P(monthly_income_fen=0), P(monthly_income_fen=1)]
    assert rules.household_income_per_capita(members) == 100000
    assert rules.income_below_local(100000, STANDARDS)
    at_line = -(-STANDARDS["local_disposable_income_fen"] // 12)
    assert not rules.income_below_local(at_line, STANDARDS)
    assert rules.income_below_local(at_line - 1, STANDARDS)


def test_household_income_exactly_at_the_local_figure_is_not_below():
    # three members earning 1,300,000 fen a month together: 5,200,000 fen a year each
    at_line = [P(monthly_income_fen=433_334), P(monthly_income_fen=433_333),
               P(monthly_income_fen=433_333)]
    assert not rules.household_income_below_local(at_line, STANDARDS)
    below = [replace(at_line[0], monthly_income_fen=433_333), *at_line[1:]]
    assert rules.household_income_below_local(below, STANDARDS)
    assert not rules.household_income_below_local([], STANDARDS | {
        "local_disposable_income_fen": 0})


def test_disabled_tekun_and_medical_cover():
    assert rules.disabled_tekun(P(category="tekun", disabled=True, disability_grade=2))
    assert not rules.disabled_tekun(P(category="tekun", disabled=True, disability_grade=3))
    assert rules.needs_medical_cover(P(family_doctor=False))


def test_add_months_clips_to_month_end():
    assert rules.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert rules.add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)


def test_medical_assistance_for_the_ill_the_disabled_and_special_diseases():
    assert rules.medical_assistance(P(seriously_ill=True))
    assert rules.medical_assistance(P(disabled=True))
    assert not rules.medical_assistance(P())
    assert not rules.medical_assistance(P(seriously_ill=True, status="exited"))
