"""Messages to staff about follow-up tasks, through notify's outbox (contract-notify.md).

Called inside the caller's transaction, so the message exists exactly when the decision that
caused it was committed. The person's name is masked (王**): staff messages may travel by SMS
or WeCom, and the workbench shows the rest to whoever may see it.
"""

from typing import Any

from healthloop.followup.models import FollowUpTask, Method


def masked_name(name: str) -> str:
    return (name[:1] + "*" * max(1, len(name) - 1)) if name else ""


def notify_staff(
    *, task: FollowUpTask, user: Any, template: str, key: str, urgent: bool = False
) -> None:
    """Queue ``template`` (followup.reminder / followup.overdue / followup.assigned) for a
    staff user; the same ``key`` twice sends once."""
    from healthloop.notify.services import enqueue

    if user is None:
        return
    enqueue(
        recipient_user=user,
        template=template,
        context={
            "person_name": masked_name(task.person.name),
            "method": dict(Method.choices).get(task.method, task.method),
            "due_date": task.due_date.isoformat(),
            "task": str(task.uuid),
        },
        ref=f"followup.task:{task.uuid}",
        idempotency_key=key,
        urgent=urgent,
    )
