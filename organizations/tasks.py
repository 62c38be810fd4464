"""Background work of the organizations app: reading and applying large roster files."""

from django_tasks import task


@task()
def roster_import_task(roster_import_id: int) -> str:
    from .services import roster_import_work

    return roster_import_work(roster_import_id)
