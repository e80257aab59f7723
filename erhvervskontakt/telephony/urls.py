from django.urls import path

from erhvervskontakt.telephony.views import agent, cti, ivr, simulator, statistics

app_name = "telephony"
urlpatterns = [
    # The telephone platform (token or signature, see telephony.auth)
    path("ivr/<slug:code>/", ivr.entry, name="ivr-entry"),
    path("ivr/<slug:code>/<int:node_id>/", ivr.play, name="ivr-play"),
    path("ivr/<slug:code>/<int:node_id>/choose/", ivr.choose, name="ivr-choose"),
    path("ivr/<slug:code>/<int:node_id>/callback/", ivr.callback, name="ivr-callback"),
    path("audio/<int:node_id>/", ivr.audio, name="audio"),
    path("cti/events/", cti.event, name="cti-event"),
    # Staff
    path("screen-pop/", agent.pop, name="screen-pop"),
    path("simulator/", simulator.simulator, name="simulator"),
    path("statistics/", statistics.statistics, name="statistics"),
]
