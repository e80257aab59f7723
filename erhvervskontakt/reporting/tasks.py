from celery import shared_task

from erhvervskontakt.reporting.goal_mail import send_monthly_goal_report


@shared_task(name="reporting.monthly_goal_report", ignore_result=True, time_limit=900, soft_time_limit=890)
def monthly_goal_report_task() -> bool:
    """Send last month's service goals to the managers (once per month, claimed by a row)."""
    return send_monthly_goal_report() is not None
