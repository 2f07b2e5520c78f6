"""Every path of the API, under `/api/`; the apps' `api.py` modules hold the views."""

from django.http import JsonResponse
from django.urls import path, re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from activities import api as activities
from api.auth import TokenView
from cases import api as cases
from claims import api as claims
from credits import api as credits
from evidence import api as evidence
from exchange import api as exchange
from households import api as households
from public import api as public
from titles import api as titles
from years import api as years

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("villages/", households.VillageList.as_view(), name="api-villages"),
    path("households/", households.HouseholdList.as_view(), name="api-households"),
    path("households/<int:pk>/", households.HouseholdDetail.as_view(), name="api-household"),
    path("households/<int:pk>/entries/", credits.HouseholdEntries.as_view(), name="api-household-entries"),
    path("catalogues/", credits.CatalogueList.as_view(), name="api-catalogues"),
    path("catalogues/<int:pk>/", credits.CatalogueDetail.as_view(), name="api-catalogue"),
    path("catalogues/<int:pk>/versions/", credits.VersionDraft.as_view(), name="api-catalogue-versions"),
    path("versions/<int:pk>/adopt/", credits.VersionAdopt.as_view(), name="api-version-adopt"),
    path("domains/", credits.DomainList.as_view(), name="api-domains"),
    path("rules/", credits.RuleList.as_view(), name="api-rules"),
    path("rules/<int:pk>/", credits.RuleDetail.as_view(), name="api-rule"),
    # The ledger's writes go through the village's notice and approval settings (cases.api).
    path("entries/", cases.EntryCreate.as_view(), name="api-entries"),
    path("entries/batch/", cases.EntryBatch.as_view(), name="api-entries-batch"),
    path("entries/<int:pk>/reverse/", credits.EntryReverse.as_view(), name="api-entry-reverse"),
    path("entries/<int:pk>/evidence/", evidence.EntryEvidence.as_view(), name="api-entry-evidence"),
    path("adjustments/", cases.AdjustmentCreate.as_view(), name="api-adjustments"),
    path("cases/", cases.CaseList.as_view(), name="api-cases"),
    path("cases/<int:pk>/", cases.CaseDetail.as_view(), name="api-case"),
    path("cases/<int:pk>/approve/", cases.CaseApprove.as_view(), name="api-case-approve"),
    path("cases/<int:pk>/reject/", cases.CaseReject.as_view(), name="api-case-reject"),
    path("cases/<int:pk>/decide/", cases.CaseDecide.as_view(), name="api-case-decide"),
    path("claims/", claims.ClaimList.as_view(), name="api-claims"),
    path("claims/<int:pk>/", claims.ClaimDetail.as_view(), name="api-claim"),
    path("claims/<int:pk>/approve/", claims.ClaimApprove.as_view(), name="api-claim-approve"),
    path("claims/<int:pk>/reject/", claims.ClaimReject.as_view(), name="api-claim-reject"),
    path("village-reports/", claims.ReportList.as_view(), name="api-village-reports"),
    path("village-reports/<int:pk>/", claims.ReportDetail.as_view(), name="api-village-report"),
    path("village-reports/<int:pk>/handle/", claims.ReportHandle.as_view(), name="api-village-report-handle"),
    path("activities/", activities.ActivityList.as_view(), name="api-activities"),
    path("activities/<int:pk>/", activities.ActivityDetail.as_view(), name="api-activity"),
    path("activities/<int:pk>/signups/", activities.SignupList.as_view(), name="api-activity-signups"),
    path("activities/<int:pk>/withdraw/", activities.Withdraw.as_view(), name="api-activity-withdraw"),
    path("activities/<int:pk>/check-in/", activities.CheckIn.as_view(), name="api-activity-check-in"),
    path("activities/<int:pk>/close/", activities.Close.as_view(), name="api-activity-close"),
    path("activities/<int:pk>/cancel/", activities.Cancel.as_view(), name="api-activity-cancel"),
    path("shops/", exchange.ShopList.as_view(), name="api-shops"),
    path("products/", exchange.ProductList.as_view(), name="api-products"),
    path("products/<int:pk>/", exchange.ProductDetail.as_view(), name="api-product"),
    path("products/<int:pk>/restock/", exchange.ProductRestock.as_view(), name="api-product-restock"),
    path("redemptions/", exchange.RedemptionList.as_view(), name="api-redemptions"),
    path("redemptions/<int:pk>/", exchange.RedemptionDetail.as_view(), name="api-redemption"),
    path("redemptions/<int:pk>/void/", exchange.RedemptionVoid.as_view(), name="api-redemption-void"),
    path("villages/<int:pk>/years/<int:year>/", years.YearFigures.as_view(), name="api-village-year"),
    path("year-closes/", years.YearCloseList.as_view(), name="api-year-closes"),
    path("year-closes/<int:pk>/", years.YearCloseDetail.as_view(), name="api-year-close"),
    path("selections/", titles.SelectionList.as_view(), name="api-selections"),
    path("selections/<int:pk>/", titles.SelectionDetail.as_view(), name="api-selection"),
    path("selections/<int:pk>/confirm/", titles.SelectionConfirm.as_view(), name="api-selection-confirm"),
    path("selections/<int:pk>/publish/", titles.SelectionPublish.as_view(), name="api-selection-publish"),
    path("selections/<int:pk>/award/", titles.SelectionAward.as_view(), name="api-selection-award"),
    path("titles/", titles.TitleList.as_view(), name="api-titles"),
    path("titles/<int:pk>/nominate/", titles.TitleNominate.as_view(), name="api-title-nominate"),
    path("nominations/", titles.NominationList.as_view(), name="api-nominations"),
    path("nominations/<int:pk>/select/", titles.NominationSelect.as_view(), name="api-nomination-select"),
    path("board/<str:village_code>/", public.BoardView.as_view(), name="api-board"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # Anything else under /api/ (an id that is not a number, a path that does not exist) is a
    # 404 in the API's own body, not the site's HTML page.
    re_path(
        r"", csrf_exempt(lambda request: JsonResponse({"code": "not_found", "message": _("Not found.")}, status=404))
    ),
]
