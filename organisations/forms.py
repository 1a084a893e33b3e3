import secrets

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from ikmo.choosers import ChooserField, ChooserForm
from ikmo.formfields import formfield
from ikmo.forms import ModelForm

from .models import Membership, Organisation, Outcome, PublicProfile
from .services import OutcomeValues, normalised_name, outcome_rule_errors, profile_rule_errors

PROFILE_FIELDS = [
    "name",
    "kind",
    "legal_form",
    "founding_year",
    "stage",
    "district",
    "social_space",
    "fields_of_work",
    "languages",
    "communities_served",
    "description",
    "email",
    "phone",
    "street",
    "postcode",
    "website",
]


def _https_by_default(field, **kwargs):
    """A web address typed without a scheme ("verein.example") means https, not http."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return formfield(field, **kwargs)


class OrganisationForm(ModelForm):
    """Registration and profile editing share one form, so the rules are the same in both."""

    class Meta:
        model = Organisation
        fields = PROFILE_FIELDS
        formfield_callback = _https_by_default
        widgets = {
            "fields_of_work": forms.CheckboxSelectMultiple,
            "languages": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 4}),
            # app.js marks it required as soon as a legal form other than "in founding" is
            # chosen (the rule of clean() below), before anything is submitted.
            "founding_year": forms.NumberInput(
                attrs={
                    "inputmode": "numeric",
                    "data-required-unless-field": "legal_form",
                    "data-required-unless-value": Organisation.LegalForm.IN_FOUNDING,
                }
            ),
            "postcode": forms.TextInput(
                attrs={"inputmode": "numeric", "autocomplete": "postal-code"}
            ),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "website": forms.URLInput(attrs={"placeholder": "https://"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Applicants register the organisations the centre serves; other kinds are added by staff.
        if not self.instance.pk:
            self.fields["kind"].choices = [
                (k, label)
                for k, label in Organisation.Kind.choices
                if k
                in (Organisation.Kind.MIGRANT_ORGANISATION, Organisation.Kind.REFUGEE_INITIATIVE)
            ]
        self.fields["district"].required = True
        self.fields["district"].empty_label = _("Please choose")
        # Required unless the organisation is still being founded: said up front, so it is
        # not a surprise on the second submit.
        self.fields["founding_year"].help_text = _(
            "Required, unless the organisation is still being founded."
        )

    def clean_name(self):
        return normalised_name(self.cleaned_data["name"])

    def clean(self):
        cleaned = super().clean()
        # The registry's rules live in the service; shown here with the other field errors.
        errors = profile_rule_errors(
            name=cleaned.get("name", ""),
            legal_form=cleaned.get("legal_form", ""),
            founding_year=cleaned.get("founding_year"),
            organisation_pk=self.instance.pk,
        )
        for field, error in errors.items():
            self.add_error(field, error)
        return cleaned


class OutcomeForm(ModelForm):
    """Record or correct an outcome of an organisation (staff)."""

    class Meta:
        model = Outcome
        fields = ["kind", "date", "funder", "amount", "note"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 3}),
            # app.js marks it required as soon as "outside funding" is chosen (the rule below).
            "funder": forms.TextInput(
                attrs={
                    "data-required-if-field": "kind",
                    "data-required-if-value": Outcome.Kind.OUTSIDE_FUNDING,
                }
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Please choose")), *Outcome.Kind.choices]
        self.fields["funder"].help_text = _(
            "Required for outside funding: who funds it, e.g. a foundation or a district office."
        )
        self.fields["amount"].help_text = _("Optional, for funding: the sum granted.")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") and cleaned.get("date"):
            values = OutcomeValues.from_values(
                {
                    **cleaned,
                    "funder": cleaned.get("funder") or "",
                    "note": cleaned.get("note") or "",
                }
            )
            for field, error in outcome_rule_errors(values).items():
                self.add_error(field, error)
        return cleaned


class JoinSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name of the organisation"),
        max_length=100,
        min_length=2,
        required=False,
    )


class JoinRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the organisation's admins (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to the applicant)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )


class SignupNamesForm(forms.Form):
    """The extra fields of allauth's sign-up form (ACCOUNT_SIGNUP_FORM_CLASS): the portal
    addresses people by name in its pages and e-mails, never by their e-mail address."""

    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        widget=forms.TextInput({"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        widget=forms.TextInput({"autocomplete": "family-name"}),
    )

    field_order = ["first_name", "last_name", "email", "password1", "password2"]

    def clean_first_name(self):
        return self.cleaned_data["first_name"].strip()

    def clean_last_name(self):
        return self.cleaned_data["last_name"].strip()

    def signup(self, request, user):
        # allauth's adapter has already copied first_name/last_name onto the user (it saves
        # every cleaned field the model has); nothing else to do here.
        pass


class NetworkJoinForm(ChooserForm, forms.Form):
    """An organisation's admin picks the network to ask to join (staff: to record)."""

    network = ChooserField(
        "organisation_networks",
        label=_("Network or umbrella organisation"),
        empty_label=_("Please choose"),
        help_text=_("Type a few letters of its name."),
        error_messages={"invalid_choice": _("Choose a network from the list.")},
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["network"].exclude(organisation.pk)


class CentreContactForm(ChooserForm, forms.Form):
    """A project lead names the organisation's contact at the centre."""

    contact = ChooserField(
        "centre_contacts",
        label=_("Contact at the centre"),
        required=False,
        empty_label=_("Nobody"),
        error_messages={"invalid_choice": _("Choose a consultant or project lead of the centre.")},
        help_text=_(
            "A consultant or project lead of the centre. They get an e-mail. "
            "Leave empty for nobody."
        ),
    )


# --- the public directory and competence map ---------------------------------------------


class PublicProfileForm(ModelForm):
    """What an organisation shows publicly, and (until it is on record) the admin's consent."""

    agreed = forms.BooleanField(
        required=False,
        label=_(
            "I agree, for our organisation, that the information chosen above is shown publicly "
            "in the IKMO directory and on the competence map. We can withdraw this at any time."
        ),
    )

    class Meta:
        model = PublicProfile
        fields = [
            "show_fields_of_work",
            "show_languages",
            "show_district",
            "show_offer",
            "offer",
            "show_contact",
            "contact_email",
            "contact_phone",
            "contact_website",
        ]
        formfield_callback = _https_by_default
        widgets = {
            "offer": forms.Textarea(attrs={"rows": 3, "maxlength": 600}),
            "contact_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "contact_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "contact_website": forms.URLInput(attrs={"placeholder": "https://"}),
        }

    def __init__(self, *args, needs_consent: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not needs_consent:
            del self.fields["agreed"]


class ContactRequestForm(forms.Form):
    from_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("On behalf of"), empty_label=None
    )
    message = forms.CharField(
        label=_("Your message"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
        help_text=_("Say who you are and what you would like to do together."),
    )
    share_email = forms.BooleanField(
        required=False,
        label=_("They may reply to my e-mail address (it is passed on to their admins)"),
    )
    token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_organisation"].queryset = organisations
        if not self.is_bound:
            self.initial.setdefault("token", secrets.token_urlsafe(16))
