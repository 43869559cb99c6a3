"""An amount in Chinese capital numerals (大写金额), as a receipt writes it: 壹佰元整,
壹仟零壹元整, 壹万元伍角, 壹亿元整, 壹分. Amounts are integer fen."""

DIGITS = "零壹贰叁肆伍陆柒捌玖"
#: Units inside a group of four digits, lowest first.
SMALL = ("", "拾", "佰", "仟")
#: Units of the groups of four digits, lowest first.
LARGE = ("", "万", "亿", "万亿")


def _group(number: int) -> str:
    """A number below 10,000 in capitals, a 零 standing for a run of missing digits inside."""
    text, zero = "", False
    for place in range(3, -1, -1):
        digit = number // 10**place % 10
        if digit == 0:
            zero = bool(text)
            continue
        if zero:
            text += "零"
            zero = False
        text += DIGITS[digit] + SMALL[place]
    return text


def _yuan(number: int) -> str:
    """Whole yuan in capitals; a 零 where a group starts below 1,000 after a higher one."""
    groups = []
    while number:
        groups.append(number % 10_000)
        number //= 10_000
    text, gap = "", False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            gap = bool(text)
            continue
        if text and (gap or group < 1000):
            text += "零"
        text += _group(group) + LARGE[index]
        gap = False
    return text


def capitals(fen: int) -> str:
    """`fen` in Chinese capitals: 10000 → 壹佰元整, 1000050 → 壹万元伍角, 1 → 壹分."""
    if fen < 0:
        raise ValueError("a receipt's amount is not negative")
    if fen >= 10**16:
        raise ValueError("amount too large for capitals")
    yuan, jiao, cents = fen // 100, fen // 10 % 10, fen % 10
    if fen == 0:
        return "零元整"
    text = _yuan(yuan) + "元" if yuan else ""
    if not jiao and not cents:
        return text + "整"
    if jiao:
        text += DIGITS[jiao] + "角"
    elif text:
        text += "零"
    if cents:
        text += DIGITS[cents] + "分"
    return text
