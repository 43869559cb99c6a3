"""Names of the plan's ten measures, for screens and reports."""

from flask_babel import lazy_gettext as _l

MEASURE_NAMES = {
    1: _l("1 Dibao for all who qualify"),
    2: _l("2 Tekun support"),
    3: _l("3 Medical assistance"),
    4: _l("4 Temporary assistance"),
    5: _l("5 Education"),
    6: _l("6 Housing"),
    7: _l("7 Employment"),
    8: _l("8 Disaster relief"),
    9: _l("9 Pairing and festival visits"),
    10: _l("10 Charity care"),
}
