"""Forms of the action fund. Steps of the application are lenient while drafting ("save
draft") and strict when the applicant moves on; submission re-checks everything."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.forms import inlineformset_factory
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ikmo.content_language import TranslatedTextsForm, form_columns
from ikmo.formfields import DecimalInput, LocalizedDecimalField, ModelMultipleChoiceField
from ikmo.forms import ModelForm
from organisations.models import Organisation

from .models import Application, BudgetLine, Call, Criterion, Payment, Return
from .uploads import MAX_UPLOAD_BYTES, validate_upload

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class StepForm(ModelForm):
    """strict=True when the person clicks "Next": the step's fields are then required.

    They are marked as required (asterisk) from the start, also while only a draft is
    saved, so nobody learns about them one error at a time.
    """

    required_when_strict: tuple[str, ...] = ()

    def __init__(self, *args, strict: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.strict = strict
        for name, field in self.fields.items():
            field.required = name in self.required_when_strict

    def full_clean(self):
        if self.strict:
            return super().full_clean()
        # Saving a draft: nothing is required yet; the marks stay for the page shown next.
        marked = {name: field.required for name, field in self.fields.items()}
        for field in self.fields.values():
            field.required = False
        try:
            super().full_clean()
        finally:
            for name, field in self.fields.items():
                field.required = marked[name]


class BasicsForm(StepForm):
    required_when_strict = ("title", "summary", "district")

    class Meta:
        model = Application
        fields = ["title", "summary", "district"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "title": _("A short name for your project."),
            "summary": _("Two or three sentences: what will happen, and why?"),
        }


class ProjectForm(StepForm):
    required_when_strict = ("goals", "target_group", "activities", "start_date", "end_date")

    class Meta:
        model = Application
        fields = ["goals", "target_group", "activities", "start_date", "end_date"]
        widgets = {
            "goals": forms.Textarea(attrs={"rows": 4}),
            "target_group": forms.Textarea(attrs={"rows": 3}),
            "activities": forms.Textarea(attrs={"rows": 5}),
            "start_date": DATE,
            "end_date": DATE,
        }
        help_texts = {
            "activities": _("What happens when? A few lines per activity are enough."),
        }

    def clean(self):
        data = super().clean()
        from .services import check_project_dates

        try:
            check_project_dates(data.get("start_date"), data.get("end_date"))
        except ValidationError as error:
            self.add_error(None, error)  # at the end date
        return data


class InvitationAcceptForm(forms.Form):
    """The consent a partner gives. The page shows ``services.consent_text`` right above the
    box (and the service stores that text); the label stays short, so an error names it."""

    consent = forms.BooleanField(
        error_messages={
            "required": _("Please tick the box to confirm that your organisation agrees.")
        },
        widget=forms.CheckboxInput(attrs={"aria-describedby": "consent-text"}),
    )

    def __init__(self, *args, partner_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = _("Yes, %(partner)s agrees to the text above.") % {
            "partner": partner_name
        }


class InvitationReasonForm(forms.Form):
    """Declining, or withdrawing consent: a reason is welcome, never required."""

    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The applying organisation will read it."),
    )


class BudgetLineForm(ModelForm):
    class Meta:
        model = BudgetLine
        fields = ["category", "description", "amount"]
        widgets = {"amount": DecimalInput(attrs={"data-budget-amount": "1"})}


class BaseBudgetFormSet(forms.BaseInlineFormSet):
    def __init__(self, *args, ceiling: Decimal | None = None, strict: bool = False, **kwargs):
        self.ceiling = ceiling
        self.strict = strict
        super().__init__(*args, **kwargs)

    def total(self) -> Decimal:
        total = Decimal("0")
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            total += form.cleaned_data.get("amount") or Decimal("0")
        return total

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        lines = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if self.strict and not lines:
            raise ValidationError(_("Please add at least one budget line."))
        total = self.total()
        if self.strict and self.ceiling is not None and total > self.ceiling:
            raise ValidationError(
                _(
                    "The total of %(total)s EUR is above the ceiling of %(ceiling)s EUR. Please "
                    "lower the amounts."
                )
                % {
                    "total": formats.number_format(total, 2, force_grouping=True),
                    "ceiling": formats.number_format(self.ceiling, 2, force_grouping=True),
                }
            )


BudgetFormSet = inlineformset_factory(
    Application,
    BudgetLine,
    form=BudgetLineForm,
    formset=BaseBudgetFormSet,
    extra=1,
    can_delete=True,
    max_num=30,
    validate_max=True,
)


class UploadField(forms.FileField):
    default_error_messages = {"required": _("Please choose a file.")}

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text",
            _("PDF, PNG, JPEG, DOCX or XLSX, at most %(mb)s MB.")
            % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
        )
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = ".pdf,.png,.jpg,.jpeg,.docx,.xlsx"

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            upload.detected_type = validate_upload(upload)
        return upload


class AttachmentForm(forms.Form):
    # Optional on the step (attachments are), required only for the "Upload" button.
    file = UploadField(label=_("File"), required=False)
    description = forms.CharField(
        label=_("What is it?"),
        max_length=200,
        required=False,
        help_text=_("For example: cost estimate, flyer draft, letter from a partner."),
    )

    def clean(self):
        data = super().clean()
        if not data.get("file") and "file" not in self.errors:
            self.add_error("file", self.fields["file"].error_messages["required"])
        return data


class StartForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label=_("Apply for"),
        empty_label=None,
    )

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class SubmitForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=32)
    confirm = forms.BooleanField(
        label=_("I confirm that the information is correct and complete."),
        error_messages={"required": _("Please confirm the information before you submit.")},
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class TransitionForm(NoteForm):
    to_status = forms.ChoiceField(label=_("New status"))

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [(to, t.label) for to, t in targets]
        self.order_fields(["to_status", "note"])


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", pgettext_lazy("grant decision", "Approve")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    amount = LocalizedDecimalField(
        label=_("Amount granted (EUR)"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        widget=DecimalInput(),
    )
    due_date = forms.DateField(label=_("Proof of use due"), required=False, widget=DATE)
    message = forms.CharField(
        label=_("Message to the applicant"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=4000,
        help_text=_(
            "Placeholders: {{ organisation }}, {{ project }}, {{ amount }}, {{ due_date }}."
        ),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "approve" and not data.get("amount"):
            self.add_error("amount", _("Please enter the amount granted."))
        due = data.get("due_date")
        if due and due < timezone.localdate():
            self.add_error("due_date", _("The due date cannot be in the past."))
        return data


class BatchDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision for the selected applications"),
        choices=[("approve", _("Approve with the amount requested")), ("reject", _("Reject"))],
    )
    message = forms.CharField(
        label=_("Message template"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
        required=False,
        help_text=_(
            "Leave empty to use the call's template. Placeholders: {{ organisation }}, "
            "{{ project }}, {{ amount }}, {{ due_date }}."
        ),
    )


class JuryAssignForm(forms.Form):
    jurors = ModelMultipleChoiceField(
        queryset=None, label=_("Jury members"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, jurors=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurors"].queryset = jurors


class ScoreForm(forms.Form):
    """One score (0..max) and one comment per criterion."""

    def __init__(self, *args, criteria=(), max_score=5, existing=None, **kwargs):
        super().__init__(*args, **kwargs)
        existing = existing or {}
        self.criteria = list(criteria)
        choices = [(str(v), str(v)) for v in range(0, max_score + 1)]
        for criterion in self.criteria:
            current = existing.get(criterion.pk)
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.title,
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                help_text=criterion.description,
                initial=str(current.value) if current else None,
                error_messages={"required": _("Please give a score for this criterion.")},
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment on “%(criterion)s”") % {"criterion": criterion.title},
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=current.comment if current else "",
            )

    def rows(self):
        return [(c, self[f"score_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]

    def values(self) -> dict:
        return {
            c.pk: (self.cleaned_data[f"score_{c.pk}"], self.cleaned_data[f"comment_{c.pk}"])
            for c in self.criteria
        }


class PaymentForm(ModelForm):
    class Meta:
        model = Payment
        fields = ["amount", "paid_on", "reference"]
        widgets = {"amount": DecimalInput(), "paid_on": DATE}


class ReturnForm(ModelForm):
    class Meta:
        model = Return
        fields = ["amount", "returned_on", "note"]
        widgets = {"amount": DecimalInput(), "returned_on": DATE}


class ProofForm(forms.Form):
    report = forms.CharField(
        label=_("Short report"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=6000,
        required=False,
        help_text=_("What happened in the project, how many people took part, what changed?"),
    )

    def __init__(self, *args, lines=(), existing=None, **kwargs):
        super().__init__(*args, **kwargs)
        existing = existing or {}
        self.lines = list(lines)
        for line in self.lines:
            self.fields[f"spent_{line.pk}"] = LocalizedDecimalField(
                label=_("%(line)s – planned %(amount)s EUR")
                % {
                    "line": line.description,
                    "amount": formats.number_format(line.amount, 2, force_grouping=True),
                },
                required=False,
                min_value=Decimal("0"),
                max_digits=12,
                decimal_places=2,
                initial=existing.get(line.pk),
                widget=DecimalInput(),
            )

    def spending_fields(self):
        return [self[f"spent_{line.pk}"] for line in self.lines]

    def spending(self) -> dict:
        return {line.pk: self.cleaned_data.get(f"spent_{line.pk}") for line in self.lines}


class ReceiptForm(forms.Form):
    file = UploadField(label=_("Receipt"))


class ProofReviewForm(NoteForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept and close")), ("corrections", _("Ask for corrections"))],
        widget=forms.RadioSelect,
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "corrections" and not (data.get("note") or "").strip():
            self.add_error("note", _("Please say what needs to be corrected."))
        return data


class CallForm(TranslatedTextsForm, ModelForm):
    """A call as the project lead keeps it in the portal (the admin offers the same fields)."""

    translated = ("title", "description")

    allowed_legal_forms = forms.MultipleChoiceField(
        label=_("Legal forms allowed"),
        choices=Organisation.LegalForm.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked means every legal form may apply."),
    )

    class Meta:
        model = Call
        fields = [
            "year",
            *form_columns("title", "description"),
            "opens_at",
            "closes_at",
            "decision_expected_on",
            "total_budget",
            "max_single",
            "max_cooperation",
            "allowed_legal_forms",
            "workshop_rule",
            "workshop_bonus",
            "max_score",
            "proof_of_use_weeks",
            "decision_approved_template",
            "decision_rejected_template",
            "is_published",
        ]
        widgets = {
            **{name: forms.Textarea(attrs={"rows": 6}) for name in form_columns("description")},
            "opens_at": DATETIME,
            "closes_at": DATETIME,
            "decision_expected_on": DATE,
            "total_budget": DecimalInput(),
            "max_single": DecimalInput(),
            "max_cooperation": DecimalInput(),
            "decision_approved_template": forms.Textarea(attrs={"rows": 4}),
            "decision_rejected_template": forms.Textarea(attrs={"rows": 4}),
        }

    def clean(self):
        data = super().clean()
        from .services import check_message_templates

        try:
            check_message_templates(data)
        except ValidationError as error:
            self.add_error(None, error)  # each message at its template field
        return data

    def call_values(self) -> dict:
        """``services.call_save``'s ``values``: the German title and description, the rest."""
        from .services import CALL_FIELDS

        data = self.cleaned_data
        german = {"title": data["title_de"], "description": data.get("description_de") or ""}
        return {name: german.get(name, data.get(name)) for name in CALL_FIELDS}


class CriterionForm(TranslatedTextsForm, ModelForm):
    translated = ("title", "description")

    class Meta:
        model = Criterion
        fields = [*form_columns("title", "description"), "weight", "position"]
        widgets = {
            **{name: forms.TextInput() for name in form_columns("description")},
            "weight": DecimalInput(),
            "position": forms.NumberInput(attrs={"min": "0", "inputmode": "numeric"}),
        }


CriterionFormSet = inlineformset_factory(
    Call,
    Criterion,
    form=CriterionForm,
    extra=2,
    can_delete=True,
    max_num=20,
    validate_max=True,
)
