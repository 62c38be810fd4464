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


class CategoryListField(forms.CharField):
    """A list of category names edited as one comma-separated line ("pengertian, pelaporan")."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return value

    def to_python(self, value):
        if isinstance(value, list):
            names = value
        else:
            names = (super().to_python(value) or "").split(",")
        cleaned: list[str] = []
        for name in names:
            name = str(name).strip()
            if name and name not in cleaned:
                cleaned.append(name)
        return cleaned

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if any(len(name) > 100 for name in value):
            raise forms.ValidationError(gettext_lazy("Nama kategori paling panjang 100 karakter."))


class QuizForm(WagtailAdminModelForm):
    """Quiz settings; the draw categories are typed as one comma-separated line."""

    draw_categories = CategoryListField(
        label=gettext_lazy("Kategori soal"),
        required=False,
        help_text=gettext_lazy("Soal diambil merata dari kategori ini. Pisahkan dengan koma. Kosongkan untuk seluruh bank soal kursus."),
    )

    def clean_draw_categories(self):
        # an empty list must be stored as [], not turned into None by the JSON field
        return self.cleaned_data.get("draw_categories") or []


class QuestionImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Berkas soal (CSV atau XLSX)"))
