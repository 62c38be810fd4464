"""Signals that courses sends to the apps above it (DESIGN.md: upward seams only).

`enrollment_completed`
    Sent once per enrollment, when it becomes complete, after the transaction that
    completed it has committed (never for a rolled-back completion).
    sender: `courses.models.Enrollment`
    kwargs: `enrollment` (the Enrollment, status completed), `enrollment_id` (int).
    Receivers should be quick or hand off to a background task; a receiver that raises
    does not undo the completion (it is already committed).
"""

from django.dispatch import Signal

enrollment_completed = Signal()
