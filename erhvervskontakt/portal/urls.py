from django.urls import path

from erhvervskontakt.portal.views import forms, guides, receipt, survey, tracking, wizard

app_name = "portal"
urlpatterns = [
    path("", guides.home, name="home"),
    path("soeg/", guides.search, name="search"),
    path("sprog/", guides.set_language, name="set-language"),
    path("tema/<slug:code>/", guides.theme, name="theme"),
    path("emne/<slug:code>/", guides.topic, name="topic"),
    path("tilgaengelighed/", guides.accessibility, name="accessibility"),
    path("formular/<slug:code>/", forms.form_page, name="form"),
    path("kvittering/", receipt.receipt, name="receipt"),
    path("projekt/", wizard.start, name="wizard"),
    path("projekt/<slug:code>/", wizard.questions, name="wizard-questions"),
    path("projekt/<slug:code>/resultat/", wizard.result, name="wizard-result"),
    # The address the receipt email carries (inquiries.services.tracking_url).
    path("track/tilbagekaldt/", tracking.revoked, name="track-revoked"),
    path("track/<str:token>/", tracking.track, name="track"),
    path("track/<str:token>/dokument/<int:pk>/", tracking.document, name="track-document"),
    path("tilfredshed/tak/", survey.thanks, name="survey-thanks"),
    path("tilfredshed/<str:token>/", survey.survey, name="survey"),
]
