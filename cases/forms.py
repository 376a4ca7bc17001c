"""The pages' forms: they check the shape of what was typed; the services decide the rest."""

from __future__ import annotations

import re
import uuid

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from cases.models import TEXT_MAX_LENGTH, TITLE_MAX_LENGTH, Category, PartyRole, Urgency
from cases.services.attachments import MAX_CASE_BYTES, MAX_FILE_BYTES, MAX_FILES, PHOTO_TYPES
from cases.services.intake import MAX_PARTIES, PartyInput
from cases.validators import validate_id_number
from workstation.models import Grid

MB = 1024 * 1024
# Typing in the title or the description asks, after a pause, for the category the keyword rules
# suggest (the report view answers htmx aimed at #suggestion with that part of the page). "input",
# not "keyup": a Chinese input method, a paste or a dictation changes the text without keystrokes.
SUGGEST_AS_TYPED = {
    "hx-get": reverse_lazy("cases:report"),
    "hx-trigger": "input changed delay:500ms",
    "hx-target": "#suggestion",
    "hx-swap": "outerHTML",
    "hx-include": "#id_title, #id_description",
}
# A mobile number (11 digits from 1) or a landline with its area code (0571-8888888).
PHONE_PATTERN = re.compile(r"1[3-9]\d{9}|0\d{2,3}-?\d{7,8}")


class PageForm(forms.Form):
    """A form on a page: labels without Django's ":" (a Chinese label needs none)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class PhotosInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos from the phone's camera or gallery. The form checks what the browser says
    (type, size, count, the same limits the page's script checks before upload); the service
    checks the content itself (``cases.services.attachments.clean_uploads``)."""

    widget = PhotosInput(attrs={"accept": ",".join(PHOTO_TYPES), "capture": "environment", "multiple": True})

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)
        self.widget.attrs.update(
            {
                "data-types": ",".join(PHOTO_TYPES),
                "data-max-count": MAX_FILES,
                "data-max-bytes": MAX_FILE_BYTES,
                "data-max-total-bytes": MAX_CASE_BYTES,
            }
        )

    def clean(self, data, initial=None):
        photos = [super(PhotosField, self).clean(upload, initial) for upload in data or []]
        if len(photos) > MAX_FILES:
            raise forms.ValidationError(_("最多上传%(count)s张照片") % {"count": MAX_FILES})
        for photo in photos:
            if photo.content_type not in PHOTO_TYPES:
                raise forms.ValidationError(_("“%(name)s”不是照片（JPEG、PNG 或 WebP）") % {"name": photo.name})
            if photo.size > MAX_FILE_BYTES:
                raise forms.ValidationError(
                    _("“%(name)s”超过 %(mb)s MB") % {"name": photo.name, "mb": MAX_FILE_BYTES // MB}
                )
        if sum(photo.size for photo in photos) > MAX_CASE_BYTES:
            raise forms.ValidationError(_("照片合计不能超过 %(mb)s MB") % {"mb": MAX_CASE_BYTES // MB})
        return photos


class PartyForm(PageForm):
    name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("电话"), max_length=20, required=False)
    id_number = forms.CharField(label=_("身份证号"), max_length=18, required=False, validators=[validate_id_number])
    role = forms.ChoiceField(label=_("在事件中的身份"), choices=PartyRole.choices, initial=PartyRole.OTHER)

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].replace(" ", "")
        if phone and not PHONE_PATTERN.fullmatch(phone):
            raise forms.ValidationError(_("请填写11位手机号，或带区号的固定电话"))
        return phone

    def clean_id_number(self) -> str:
        return self.cleaned_data["id_number"].upper()


class BasePartyFormSet(forms.BaseFormSet):
    def parties(self) -> list[PartyInput]:
        return [PartyInput(**form.cleaned_data) for form in self.forms if form.has_changed() and not form.errors]


PartyFormSet = forms.formset_factory(
    PartyForm,
    formset=BasePartyFormSet,
    extra=1,
    max_num=MAX_PARTIES,
    validate_max=True,
    absolute_max=MAX_PARTIES,
)


class ReportForm(PageForm):
    """上报: what ``case_report`` takes, as a grid worker types it on the phone."""

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    title = forms.CharField(
        label=_("标题"), max_length=TITLE_MAX_LENGTH, widget=forms.TextInput(attrs=SUGGEST_AS_TYPED)
    )
    description = forms.CharField(
        label=_("情况描述"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4, **SUGGEST_AS_TYPED})
    )
    category = forms.ModelChoiceField(
        label=_("类别"),
        queryset=Category.objects.filter(is_active=True),
        required=False,
        empty_label=_("不确定，由站长判定"),
    )
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    grid = forms.ModelChoiceField(label=_("网格"), queryset=Grid.objects.none(), empty_label=None)
    latitude = forms.DecimalField(
        max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False, widget=forms.HiddenInput
    )
    longitude = forms.DecimalField(
        max_digits=9, decimal_places=6, min_value=-180, max_value=180, required=False, widget=forms.HiddenInput
    )
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices, initial=Urgency.NORMAL)
    photos = PhotosField(label=_("照片"))
    reporter_confidential = forms.BooleanField(
        label=_("保密举报"),
        required=False,
        help_text=_("勾选后，上报人的身份只有站长可见，承办部门看不到"),
    )
    photo_limits = {"count": MAX_FILES, "mb": MAX_FILE_BYTES // MB, "total_mb": MAX_CASE_BYTES // MB}

    def __init__(self, *args, grids, **kwargs):
        """``grids``: where this person may report (the service checks it again)."""
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grids
        self.fields["idempotency_key"].initial = uuid.uuid4
        if len(grids) == 1:
            self.fields["grid"].initial = grids[0]
        else:
            self.fields["grid"].empty_label = _("请选择网格")
