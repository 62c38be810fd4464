"""The completion requirement quizzes adds to courses: a course with an active final quiz
completes only once that quiz is passed (recorded on the enrollment by
`courses.services.enrollment_record_final_quiz_passed`)."""


def final_quiz_passed(enrollment) -> bool:
    from .models import Quiz, QuizKind

    if enrollment.final_quiz_passed_at is not None:
        return True
    return not Quiz.objects.in_use().filter(course_id=enrollment.course_id, kind=QuizKind.FINAL).exists()


def next_step(*, course, enrollment) -> str:
    """The final quiz, while the learner has not passed it (courses.extensions.next_step_register)."""
    from django.urls import reverse

    from .models import Quiz, QuizKind

    if enrollment.final_quiz_passed_at is not None or enrollment.is_completed:
        return ""
    quiz_id = Quiz.objects.in_use().filter(course_id=course.pk, kind=QuizKind.FINAL).values_list("pk", flat=True).first()
    return reverse("quiz_detail", args=[quiz_id]) if quiz_id else ""
