"""Field limits shared by the forms and the roster import, so that a row the import's dry run
accepts is one the forms would accept too, and the database can hold. Each limit is written
once, here."""

from datetime import date

#: A person's or a guardian's name (Person.name is String(40)).
NAME_MAX = 40
#: A household number (Household.code is String(20)).
HOUSEHOLD_CODE_MAX = 20
#: An ID number as typed, spaces included (18 characters once compact).
ID_NUMBER_MAX = 20
#: A household's address (Household.address is String(200)).
ADDRESS_MAX = 200
#: A guardian's relation to the person ("母亲", "祖父", ...).
RELATION_MAX = 20
#: A telephone number as typed: digits, spaces, +, - and parentheses.
PHONE_MAX = 20
PHONE_PATTERN = r"^[0-9+()\- ]{5,20}$"
#: A month's income in yuan; anything above is a typing error (the column holds fen).
MONTHLY_INCOME_MAX_YUAN = 1_000_000
#: The earliest date of a past event on the roster (a residence permit, a consent).
EARLIEST_DATE = date(1950, 1, 1)
#: An uploaded roster workbook: the most rows (after the header), the most bytes its zip may
#: unpack to, and the largest ratio of a member's unpacked to packed size (a zip bomb's mark).
IMPORT_MAX_ROWS = 50_000
IMPORT_MAX_UNPACKED = 50 * 1024 * 1024
IMPORT_MAX_RATIO = 100
