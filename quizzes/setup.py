"""Quizzes and questions go through the same review as course pages (DESIGN.md invariant
10): the course content workflow is assigned to their content types, and only the
reviewer group may publish them. Editors (organizations.permissions) add and change,
which saves drafts and submits them to review; they hold no publish permission.

Like courses.setup, this runs on `post_migrate` (and so after a test flush) with the real
models, and every step is idempotent.
"""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

# what the reviewer group may do beyond the editor role: publish (approve) quiz settings and
# questions, and approve or reject a question import batch (publish_question)
REVIEWER_PERMISSIONS = ("publish_quiz", "publish_question")


def quiz_review_ensure():
    """Assign the course content workflow to Quiz and Question; let reviewers publish them."""
    from wagtail.models import Workflow, WorkflowContentType

    from courses.setup import REVIEWER_GROUP_NAME, WORKFLOW_NAME

    from .models import Question, Quiz

    with transaction.atomic():
        workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
        group = Group.objects.filter(name=REVIEWER_GROUP_NAME).first()
        if workflow is None or group is None:
            return None  # courses.setup has not run (a partial migrate): nothing to attach to
        for model in (Quiz, Question):
            content_type = ContentType.objects.get_for_model(model)
            WorkflowContentType.objects.update_or_create(content_type=content_type, defaults={"workflow": workflow})
        group.permissions.add(*Permission.objects.filter(content_type__app_label="quizzes", codename__in=REVIEWER_PERMISSIONS))
    return workflow


def on_post_migrate(sender, **kwargs):
    """After courses.setup's handler (connected earlier, for the same last app)."""
    from django.apps import apps
    from django.db import connection

    last = [config for config in apps.get_app_configs() if config.models_module is not None][-1]
    if sender.label != last.label:
        return
    if "wagtailcore_workflowcontenttype" not in connection.introspection.table_names():
        return
    quiz_review_ensure()
