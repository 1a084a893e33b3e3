from django import forms
from django.db.models import Q
from django.forms import inlineformset_factory, modelformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ikmo.choosers import ChooserForm, chooser
from ikmo.forms import ModelForm
from organisations.models import StaffRole, User

from .models import (
    Analysis,
    ExchangeMeeting,
    GuidelineQuestion,
    Interview,
    InterviewTag,
    OpennessCriterion,
    OpennessRating,
    ParticipationStructure,
    Recommendation,
)
from .permissions import PARTICIPATION_CHECK

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def participation_staff():
    """People who can be on an analysis team: this sub-project's consultants and leads."""
    return (
        User.objects.filter(
            Q(staff_roles__role__in=[StaffRole.Role.CONSULTANT, StaffRole.Role.PROJECT_LEAD])
            & Q(staff_roles__subproject__in=["", PARTICIPATION_CHECK]),
            is_active=True,
        )
        .distinct()
        .order_by("last_name", "email")
    )


class AnalysisForm(ModelForm):
    class Meta:
        model = Analysis
        fields = [
            "title",
            "district",
            "social_space",
            "period_start",
            "period_end",
            "team",
            "summary",
        ]
        widgets = {
            "period_start": DATE,
            "period_end": DATE,
            "team": forms.CheckboxSelectMultiple,
            "summary": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = participation_staff()

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period cannot end before it starts."))
        return data


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, allowed=(), choices_enum=Analysis.Status, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [(s, choices_enum(s).label) for s in allowed]


GuidelineFormSet = modelformset_factory(
    GuidelineQuestion,
    fields=["position", "text", "help_text"],
    extra=2,
    can_delete=True,
    widgets={"position": forms.NumberInput(attrs={"min": 0, "class": "form-control-sm"})},
)


class StructureForm(ChooserForm, ModelForm):
    class Meta:
        model = ParticipationStructure
        fields = [
            "name",
            "type",
            "responsible_body",
            "how_to_join",
            "meeting_frequency",
            "languages",
            "has_mo_members",
            "mo_members",
            "notes",
        ]
        widgets = {
            "how_to_join": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "languages": forms.CheckboxSelectMultiple,
        }
        field_classes = {"mo_members": chooser("participation_interviewable", multiple=True)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mo_members"].help_text = _(
            "Optional. Type part of a name to find an organisation; you can choose several."
        )

    def clean(self):
        data = super().clean()
        if data.get("mo_members") and not data.get("has_mo_members"):
            # Naming member organisations says they are members; keep both facts consistent.
            data["has_mo_members"] = True
        return data


class OpennessForm(forms.Form):
    """One score and one piece of evidence per criterion. A criterion left unrated is not
    counted; a rating needs its evidence."""

    def __init__(self, *args, structure=None, **kwargs):
        initial = kwargs.pop("initial", {}) or {}
        if structure is not None and structure.pk:
            for rating in structure.ratings.all():
                initial[f"score_{rating.criterion}"] = str(rating.score)
                initial[f"evidence_{rating.criterion}"] = rating.evidence
        super().__init__(*args, initial=initial, **kwargs)
        score_choices = [("", _("Not rated"))] + [
            (str(v), label) for v, label in OpennessRating.Score.choices
        ]
        for criterion in OpennessCriterion:
            self.fields[f"score_{criterion.value}"] = forms.ChoiceField(
                label=criterion.label, choices=score_choices, required=False
            )
            self.fields[f"evidence_{criterion.value}"] = forms.CharField(
                label=_("Evidence: %(criterion)s") % {"criterion": criterion.label},
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def criterion_rows(self):
        return [
            (c, self[f"score_{c.value}"], self[f"evidence_{c.value}"]) for c in OpennessCriterion
        ]

    def clean(self):
        data = super().clean()
        for criterion in OpennessCriterion:
            score = data.get(f"score_{criterion.value}")
            evidence = (data.get(f"evidence_{criterion.value}") or "").strip()
            if score not in (None, "") and not evidence:
                self.add_error(
                    f"evidence_{criterion.value}",
                    _("Please note the evidence this rating rests on."),
                )
            if evidence and score in (None, ""):
                self.add_error(
                    f"score_{criterion.value}",
                    _("You noted evidence: please also choose a score."),
                )
        return data

    def ratings(self) -> dict[str, tuple[int, str]]:
        result = {}
        for criterion in OpennessCriterion:
            score = self.cleaned_data.get(f"score_{criterion.value}")
            if score not in (None, ""):
                evidence = self.cleaned_data.get(f"evidence_{criterion.value}", "").strip()
                result[criterion.value] = (int(score), evidence)
        return result


class InterviewForm(ChooserForm, ModelForm):
    """The interview with one answer field per guideline question of its analysis."""

    class Meta:
        model = Interview
        fields = [
            "organisation",
            "date",
            "interviewer",
            "consent_given",
            "consent_form",
            "consent_date",
            "interviewee",
            "summary",
        ]
        widgets = {
            "date": DATE,
            "consent_date": DATE,
            "summary": forms.Textarea(attrs={"rows": 4}),
        }
        field_classes = {"organisation": chooser("participation_interviewable")}

    def __init__(self, *args, analysis, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.analysis = analysis
        self.questions = list(questions)
        self.fields["interviewer"].queryset = analysis.team.all()
        self.fields["consent_given"].help_text = _(
            "Answers, notes and tags can only be saved once the interviewee has agreed."
        )
        existing = {}
        if self.instance.pk:
            existing = {a.question_id: a.text for a in self.instance.answers.all()}
        for question in self.questions:
            self.fields[f"answer_{question.pk}"] = forms.CharField(
                label=question.text,
                help_text=question.help_text,
                required=False,
                max_length=8000,
                initial=existing.get(question.pk, ""),
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def answer_fields(self):
        return [self[f"answer_{q.pk}"] for q in self.questions]

    def answers(self) -> dict:
        return {q: self.cleaned_data.get(f"answer_{q.pk}", "") for q in self.questions}

    def clean(self):
        data = super().clean()
        if data.get("consent_given"):
            if not data.get("consent_form"):
                self.add_error("consent_form", _("Record how consent was given."))
            if not data.get("consent_date"):
                self.add_error("consent_date", _("Record when consent was given."))
            elif data["consent_date"] > timezone.localdate():
                self.add_error("consent_date", _("This date lies in the future."))
        else:
            message = _("Without consent this must stay empty.")
            for name in ("interviewee", "summary"):
                if (data.get(name) or "").strip():
                    self.add_error(name, message)
            for question in self.questions:
                if (data.get(f"answer_{question.pk}") or "").strip():
                    self.add_error(f"answer_{question.pk}", message)
        return data

    def _post_clean(self):
        # Without consent the field errors above explain the problem; the model's
        # constraint check would only repeat it less precisely.
        if not self.cleaned_data.get("consent_given"):
            self.cleaned_data["consent_form"] = ""
            self.cleaned_data["consent_date"] = None
        super()._post_clean()


InterviewTagFormSet = inlineformset_factory(
    Interview,
    InterviewTag,
    fields=["kind", "category", "note"],
    extra=3,
    can_delete=True,
)


class MeetingForm(ChooserForm, ModelForm):
    class Meta:
        model = ExchangeMeeting
        fields = ["title", "date", "location", "participants", "notes"]
        widgets = {
            "date": DATE,
            "notes": forms.Textarea(attrs={"rows": 6}),
        }
        field_classes = {"participants": chooser("participation_registry", multiple=True)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].help_text = _(
            "Administrations, providers and organisations from the registry. Type part of a "
            "name to find one; you can choose several."
        )


class RecommendationForm(ChooserForm, ModelForm):
    class Meta:
        model = Recommendation
        fields = ["finding", "text", "addressee", "priority", "follow_up_on"]
        widgets = {
            "finding": forms.Textarea(attrs={"rows": 3}),
            "text": forms.Textarea(attrs={"rows": 3}),
            "follow_up_on": DATE,
        }
        field_classes = {"addressee": chooser("participation_registry")}


class RecommendationStatusForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New follow-up status"))
    on = forms.DateField(label=_("Since"), widget=DATE, initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, allowed=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [(s, Recommendation.Status(s).label) for s in allowed]

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on > timezone.localdate():
            raise forms.ValidationError(_("This date lies in the future."))
        return on


class RecommendationResponseForm(ModelForm):
    class Meta:
        model = Recommendation
        fields = ["response", "response_date", "follow_up_on"]
        widgets = {
            "response": forms.Textarea(attrs={"rows": 4}),
            "response_date": DATE,
            "follow_up_on": DATE,
        }

    def clean(self):
        data = super().clean()
        if (data.get("response") or "").strip() and not data.get("response_date"):
            self.add_error("response_date", _("When did the response arrive?"))
        return data
