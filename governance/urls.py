from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from governance.login import PasswordChangeView

admin.site.site_header = admin.site.site_title = _("4+X 基层治理联动工作站")
admin.site.index_title = _("配置管理")

urlpatterns = [
    # Browsers ask for /favicon.ico on their own (e.g. going back in history), whatever the page links.
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("favicon.svg"))),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # Before Django's own: a wrong old password counts as a failed login (governance/login.py).
    path("accounts/password_change/", PasswordChangeView.as_view(), name="password_change"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/", include("cases.api.urls")),
    path("notices/", include("notifications.urls")),
    path("exports/", include("exports.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("", include("cases.urls")),
]
# Uploaded files are never served from MEDIA_URL, not even in DEBUG: they are case files with
# personal data, downloaded only through the gated API (AttachmentDownloadView).

# A database gone before the view runs answers 503 like one gone inside it (governance/faults.py);
# under /api/ any other failure answers the API's error shape too.
handler500 = "governance.faults.server_error"
# A refused parameter (governance/refusals.py): the API's error shape, or a page in the site's look.
handler400 = "governance.refusals.bad_request"
