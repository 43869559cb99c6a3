"""Demo grievances: a few complaints and appeals on the first streets, one answered, one past
its deadline, so the queue, the dashboard and the public look-up have something to show."""

from datetime import date, timedelta

from sqlalchemy import select

from charity.auth.models import User
from charity.district.models import Street
from charity.extensions import db
from charity.grievances import operations
from charity.grievances.models import Grievance

#: (street position, kind, days ago received, text, answer or None).
GRIEVANCES = (
    (0, "complaint", 20, "社区通知低保复核材料太晚，家里老人跑了三趟才办完。", None),
    (0, "appeal", 3, "临时救助申请被拒，理由是收入超线，但上月已经失业，请重新核实。", None),
    (1, "complaint", 9, "结对干部两个月没有联系我们家。",
     "已核实，街道已调整结对干部，新干部本周已上门走访。"),
)
#: The last four digits of every demo grievance's phone (13800000000 + n).
DEMO_PHONE = "1380000000"


def load_grievances(today: date) -> int:
    """Write the demo grievances unless there are some; the number added."""
    if db.session.scalar(select(Grievance.id).limit(1)):
        return 0
    streets = db.session.scalars(select(Street).order_by(Street.position)).all()
    for n, (position, kind, days_ago, text, answer) in enumerate(GRIEVANCES):
        street = streets[position]
        grievance, _ = operations.submit(operations.Submission(
            kind, street.id, text, f"{DEMO_PHONE}{n}"))
        grievance.due_on -= timedelta(days=days_ago)
        grievance.created_at -= timedelta(days=days_ago)
        db.session.flush()
        officer = db.session.scalar(select(User).where(User.street_id == street.id).limit(1))
        if answer and officer is not None:
            operations.answer(grievance, answer, user=officer)
    return len(GRIEVANCES)
