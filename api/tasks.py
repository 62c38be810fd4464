"""Background work of the API: large roster writes."""

from django_tasks import task


@task()
def roster_job_task(job_id: int) -> str:
    from .services import roster_job_run

    return roster_job_run(job_id)
