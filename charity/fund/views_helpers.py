"""Names of the plan's ten measures: the one table every screen and report reads (the home
page, the give form, disclosure, the fund's accounts, the case page)."""

from flask_babel import lazy_gettext as _l

MEASURE_NAMES = {
    1: _l("Minimum living allowance for all who qualify"),
    2: _l("Support for extremely poor people and orphans"),
    3: _l("Basic medical care"),
    4: _l("Temporary assistance"),
    5: _l("Education aid"),
    6: _l("Housing aid"),
    7: _l("Employment help"),
    8: _l("Disaster relief"),
    9: _l("Pairing to households and people"),
    10: _l("Charity care"),
}
