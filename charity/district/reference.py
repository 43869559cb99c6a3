"""The plan's attachment (渝中区区级部门结对帮扶困难群众一览表), exactly as published."""

from typing import NamedTuple

CATEGORIES = ("dibao", "tekun", "filed_hardship")


class StreetRow(NamedTuple):
    """One row of the attachment: a department group, its street and the street's people."""

    number: int | None
    departments: tuple[str, ...]
    street: str
    street_en: str
    dibao: int
    tekun: int
    filed_hardship: int

    @property
    def subtotal(self) -> int:
        """The street's people in all three categories."""
        return self.dibao + self.tekun + self.filed_hardship


ATTACHMENT = (
    StreetRow(1, ("区委办公室", "区委机要保密局", "区发改委", "区金融办", "区招商投资局",
                  "区信访办", "区医保局"), "七星岗", "Qixinggang", 1508, 51, 99),
    StreetRow(2, ("区政府办", "区商务委", "区审计局", "区统计局", "区民宗委", "区人民防空办",
                  "区政府外办", "CBD管委会"), "解放碑", "Jiefangbei", 1276, 41, 135),
    StreetRow(3, ("区人大机关", "区法院机关", "区检察机关", "区人武部机关", "区妇联"),
              "南纪门", "Nanjimen", 1320, 46, 37),
    StreetRow(4, ("区政协机关", "区税务局", "区城管局", "区交巡警支队", "区党史研究室", "区文联"),
              "上清寺", "Shangqingsi", 686, 13, 109),
    StreetRow(5, ("区委党校", "区文化旅游委", "区市场监管局", "历史文化街区管委会", "区交通局",
                  "区总工会"), "朝天门", "Chaotianmen", 1143, 27, 65),
    StreetRow(6, ("区委政法委", "区司法局", "区公安分局"), "化龙桥", "Hualongqiao", 579, 15, 33),
    StreetRow(7, ("区委宣传部", "区委直属机关工委", "区科技局", "区政务服务办", "区经济信息委",
                  "团区委", "区科协"), "大溪沟", "Daxigou", 713, 13, 80),
    StreetRow(8, ("纪委监委机关", "区委统战部", "区委巡察办", "电创园管委会", "区规划自然资源局",
                  "区工商联", "区侨联"), "两路口", "Lianglukou", 1273, 20, 76),
    StreetRow(9, ("区财政局", "区生态环境局", "区住房城市建设委", "区国资委", "区机关事务局"),
              "菜园坝", "Caiyuanba", 1157, 23, 57),
    StreetRow(10, ("区委组织部", "区委编办", "区委老干局", "区人力社保局", "区卫生健康委",
                   "区大数据发展局", "大石化管委会"), "石油路", "Shiyoulu", 411, 4, 88),
    StreetRow(11, ("区教委", "区民政局", "区应急局", "区退役军人事务局", "区残联"),
              "大坪", "Daping", 801, 23, 24),
    StreetRow(None, (), "福利院", "Welfare home", 8, 64, 0),
)

TOTALS = {"dibao": 10875, "tekun": 340, "filed_hardship": 803, "subtotal": 12018}
WELFARE_HOME = "福利院"


def attachment_counts() -> dict[str, dict[str, int]]:
    """Per street (Chinese name): the attachment's counts by category and subtotal."""
    return {
        row.street: {c: getattr(row, c) for c in CATEGORIES} | {"subtotal": row.subtotal}
        for row in ATTACHMENT
    }
