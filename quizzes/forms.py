from django import forms
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm

from .scoring import choices_problem


class QuestionForm(WagtailAdminModelForm):
    """Checks the choices against the question type before anything is saved."""

    def clean(self):
        cleaned = super().clean()
        formset = self.formsets.get("choices")
        if formset is None or not formset.is_valid():
            return cleaned
        kept = [f.cleaned_data for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        problem = choices_problem(
            question_type=cleaned.get("type") or "",
            correct=sum(1 for data in kept if data.get("is_correct")),
            total=len(kept),
        )
        if problem:
            raise forms.ValidationError(problem)
        return cleaned


class QuestionImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Berkas soal (CSV atau XLSX)"))
