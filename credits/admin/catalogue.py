"""The rule catalogues: each village's own, in versions, and the templates towns hand out.

A clerk sees their villages' catalogues (and the templates of their town and the site, to start
from) and changes only their own villages'; an officer reads their town's; a superuser keeps the
templates. Only a draft version's domains and rules are edited; a draft is adopted by filling in
the meeting, its date and the day it takes effect. Every write goes through `credits.services`,
so it is checked and kept in the history like any other; another village's rows are a plain 404.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from credits import services
from credits.forms import RuleForm
from credits.models import Catalogue, CatalogueVersion, Domain, Rule
from credits.selectors import catalogues_for, versions_for
from households.admin import ScopedAdmin
from households.errors import DomainError
from households.selectors import villages_for


def _keeps(request, catalogue: Catalogue) -> bool:
    try:
        services.ensure_keeps(catalogue=catalogue, user=request.user)
    except DomainError:
        return False
    return True


class CatalogueAddForm(forms.ModelForm):
    template = forms.ModelChoiceField(
        label=_("start from"),
        queryset=CatalogueVersion.objects.none(),
        required=False,
        help_text=_("An adopted version of a template; leave empty to start with an empty catalogue."),
    )

    class Meta:
        model = Catalogue
        fields = ["name", "village", "town"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages_for(user, write=True).filter(catalogue__isnull=True)
        self.fields["template"].queryset = versions_for(user).filter(
            catalogue__village__isnull=True, adopted_on__isnull=False
        )
        if not user.is_superuser:
            del self.fields["town"]
            self.fields["village"].required = True


class VersionInline(admin.TabularInline):
    model = CatalogueVersion
    fk_name = "catalogue"
    fields = ("number", "meeting", "adopted_on", "effective_from")
    readonly_fields = fields
    show_change_link = True
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Catalogue)
class CatalogueAdmin(ScopedAdmin):
    list_display = ("name", "village", "town")
    list_select_related = ("village", "town")
    inlines = [VersionInline]
    actions = ["start_version"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=catalogues_for(request.user).values("pk"))

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None:
            return super().get_form(request, obj, **kwargs)
        form = CatalogueAddForm

        class AddForm(form):
            def __init__(self, *args, **inner):
                super().__init__(*args, user=request.user, **inner)

        return AddForm

    def get_fields(self, request, obj=None):
        if obj is None:
            return [
                name for name in ("name", "village", "town", "template") if request.user.is_superuser or name != "town"
            ]
        return ["name", "village", "town"]

    def get_readonly_fields(self, request, obj=None):
        return ["village", "town"] if obj is not None else []

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or _keeps(request, obj))

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()
            return
        created = services.catalogue_create(
            name=obj.name,
            village=obj.village,
            town=obj.town,
            template=form.cleaned_data.get("template"),
            by=request.user,
        )
        obj.pk = created.pk

    @admin.action(description=_("Start a new version of the selected catalogues"), permissions=["change"])
    def start_version(self, request, queryset):
        for catalogue in queryset:
            try:
                version = services.version_draft(catalogue=catalogue, by=request.user)
            except DomainError as error:
                self.message_user(request, f"{catalogue}: {error.message}", messages.ERROR)
            else:
                self.message_user(request, _("Started %(version)s as a draft.") % {"version": version})


class RuleInline(admin.TabularInline):
    """A version's rules at a glance; each is edited on its own page while the version is a draft."""

    model = Rule
    fk_name = "version"
    fields = ("domain", "name", "points", "cap_per_year", "cap_per_month", "active")
    readonly_fields = fields
    show_change_link = True
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("domain")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AdoptForm(forms.ModelForm):
    """Adopting a draft: the meeting, its date and the day the version takes effect, all required,
    and the scanned minutes if there are any. On an adopted version only the minutes are taken."""

    minutes_file = forms.FileField(
        label=_("scanned minutes"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"}),
    )

    class Meta:
        model = CatalogueVersion
        fields = ["meeting", "adopted_on", "effective_from"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("meeting", "adopted_on", "effective_from"):
            if name in self.fields:
                self.fields[name].required = True
        if "minutes_file" in self.fields:
            if self.instance.minutes:
                self.fields["minutes_file"].label = _("replace the scan")
            self.fields["minutes_file"].help_text = _("PDF, JPEG or PNG, at most %(limit)s MB.") % {
                "limit": settings.XIANGFENG_MINUTES_MAX_MB
            }

    def clean_minutes_file(self):
        file = self.cleaned_data.get("minutes_file")
        if file:
            try:
                services.minutes_suffix(file)
            except DomainError as error:
                raise forms.ValidationError(error.message, code=error.code) from None
        return file


@admin.register(CatalogueVersion)
class CatalogueVersionAdmin(ScopedAdmin):
    form = AdoptForm
    list_display = ("catalogue", "number", "adopted", "meeting", "adopted_on", "effective_from", "has_minutes")
    list_select_related = ("catalogue",)
    # Only the catalogues the user may read: the plain filter would name every village's.
    list_filter = (("catalogue", admin.RelatedOnlyFieldListFilter),)
    inlines = [RuleInline]

    @admin.display(boolean=True, description=_("adopted"))
    def adopted(self, obj):
        return obj.adopted

    @admin.display(boolean=True, description=_("minutes"))
    def has_minutes(self, obj):
        return bool(obj.minutes)

    @admin.display(description=_("minutes"))
    def minutes_link(self, obj):
        if not obj.minutes:
            return "—"
        return format_html(
            '<a href="{}" id="xf-minutes" target="_blank" rel="noopener">{}</a>',
            reverse("catalogue_minutes", args=[obj.pk]),
            _("Open the minutes"),
        )

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=versions_for(request.user).values("pk"))

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.adopted:
            return ["catalogue", "number", "based_on", "meeting", "adopted_on", "effective_from", "minutes_link"]
        return ["catalogue", "number", "based_on"]

    def get_fields(self, request, obj=None):
        fields = ["catalogue", "number", "based_on", "meeting", "adopted_on", "effective_from"]
        if obj is not None and obj.adopted:
            fields.append("minutes_link")
        if self.has_change_permission(request, obj):
            fields.append("minutes_file")
        return fields

    def has_add_permission(self, request):
        return False  # a new version starts as a copy: the catalogue list's action

    def has_change_permission(self, request, obj=None):
        # An adopted version's rules and dates stay as adopted; only its minutes may still be added.
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or _keeps(request, obj.catalogue))

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class Adopting(form):
            def clean(self):
                data = super().clean()
                if self.errors or obj is None:
                    return data
                minutes = data.get("minutes_file")
                try:
                    if not obj.adopted:
                        fields = {name: data[name] for name in ("meeting", "adopted_on", "effective_from")}
                        services.version_adopt(version=obj, by=request.user, minutes=minutes, **fields)
                    elif minutes:
                        services.version_attach_minutes(version=obj, minutes=minutes, by=request.user)
                except DomainError as error:
                    raise forms.ValidationError(error.message) from None
                return data

        return Adopting

    def save_model(self, request, obj, form, change):
        """Adopted already by the form's `clean`, through the service; nothing is left to save."""


class DraftOnlyAdmin(ScopedAdmin):
    """Domains and rules: read in every version the user may read, changed only in their drafts."""

    def get_queryset(self, request):
        return super().get_queryset(request).filter(version__in=versions_for(request.user))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or (not obj.version.adopted and _keeps(request, obj.version.catalogue)))

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Domain)
class DomainAdmin(DraftOnlyAdmin):
    list_display = ("name", "version", "position", "description")
    list_select_related = ("version__catalogue",)
    list_filter = (("version__catalogue", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("name",)
    fields = ("version", "name", "position", "description")

    def get_readonly_fields(self, request, obj=None):
        return ["version"] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "version":
            kwargs["queryset"] = versions_for(request.user, write=True).filter(adopted_on__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in services.DOMAIN_FIELDS}
        if change:
            services.domain_update(domain=obj, by=request.user, **fields)
        else:
            created = services.domain_create(version=obj.version, by=request.user, **fields)
            obj.pk, obj.key = created.pk, created.key


@admin.register(Rule)
class RuleAdmin(DraftOnlyAdmin):
    form = RuleForm
    list_display = ("name", "domain", "points", "cap_per_year", "cap_per_month", "active", "version")
    list_filter = ("active", ("version__catalogue", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("domain", "version__catalogue")
    search_fields = ("name", "description")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "domain":
            drafts = versions_for(request.user, write=True).filter(adopted_on__isnull=True)
            kwargs["queryset"] = Domain.objects.filter(version__in=drafts).select_related("version__catalogue")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in services.RULE_FIELDS}
        if change:
            services.rule_update(rule=obj, by=request.user, **fields)
        else:
            created = services.rule_create(by=request.user, **fields)
            obj.pk, obj.version_id, obj.key = created.pk, created.version_id, created.key
