"""Demo staff and businesses. Logins use role names as usernames and the password "demo"."""

from __future__ import annotations

# (username, first name, last name, roles, unit code or topic code whose unit to use, phone)
# A value starting with "topic:" means "the unit responsible for that topic", so the demo
# follows the catalogue if editors move a topic.
PERSONAS = [
    ("agent", "Anna", "Agent", ["agent"], "kc-erhvervskontakt", "+4533661001"),
    ("agent2", "Ali", "Hassan", ["agent"], "kc-erhvervskontakt", "+4533661002"),
    ("caseworker", "Carl", "Sagsbehandler", ["caseworker"], "topic:udeservering", "+4533662001"),
    ("caseworker_b", "Birgitte", "Bevilling", ["caseworker"], "topic:alkoholbevilling", "+4533662002"),
    (
        "unit_contact",
        "Ulla",
        "Kontaktperson",
        ["caseworker", "unit_contact"],
        "topic:udeservering",
        "+4533662003",
    ),
    ("manager", "Mads", "Leder", ["manager"], "kc-erhvervskontakt", "+4533663001"),
    ("editor", "Eva", "Redaktør", ["content_editor"], None, ""),
    ("admin", "Adam", "Administrator", ["administrator"], None, ""),
]

FIRST_NAMES = [
    "Sofie",
    "Jonas",
    "Mette",
    "Lars",
    "Fatima",
    "Mikkel",
    "Ida",
    "Omar",
    "Camilla",
    "Henrik",
    "Laura",
    "Peter",
    "Nadia",
    "Søren",
    "Julie",
    "Emil",
    "Hanne",
    "Kasper",
    "Line",
    "Rasmus",
]
LAST_NAMES = [
    "Jensen",
    "Nielsen",
    "Hansen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
    "Petersen",
    "Madsen",
    "Kristensen",
    "Olsen",
    "Thomsen",
    "Poulsen",
]

# Realistic Copenhagen businesses (fictional names). CVR numbers are generated valid.
COMPANIES = [
    ("Café Fælledvej ApS", "Fælledvej 12", "2200", "København N", "Restaurant og café"),
    ("Nørrebro Pizza & Grill IVS", "Nørrebrogade 88", "2200", "København N", "Restaurant"),
    ("Vesterbro Vinbar ApS", "Istedgade 54", "1650", "København V", "Bar"),
    ("Amager Byg & Anlæg A/S", "Englandsvej 210", "2300", "København S", "Byggeri"),
    ("Christianshavn Stilladser ApS", "Torvegade 40", "1400", "København K", "Stilladser"),
    ("Københavns Rørteknik ApS", "Valby Langgade 120", "2500", "Valby", "VVS"),
    ("Islands Brygge Events ApS", "Islands Brygge 25", "2300", "København S", "Arrangementer"),
    ("Østerbro Blomster ApS", "Østerbrogade 101", "2100", "København Ø", "Detailhandel"),
    ("Sydhavn Logistik A/S", "Sydhavnsgade 8", "2450", "København SV", "Transport"),
    ("Bispebjerg Hjemmehjælp ApS", "Frederiksborgvej 150", "2400", "København NV", "Hjemmepleje"),
    ("Valby Vaskeri ApS", "Toftegårds Allé 6", "2500", "Valby", "Vaskeri"),
    ("Nordhavn Tech ApS", "Århusgade 130", "2150", "Nordhavn", "IT"),
    ("Frederiksberg Frisør ApS", "Gammel Kongevej 60", "1850", "Frederiksberg C", "Frisør"),
    ("Kødbyen Street Food ApS", "Flæsketorvet 50", "1711", "København V", "Street food"),
    ("Brønshøj Malerfirma ApS", "Frederikssundsvej 210", "2700", "Brønshøj", "Maler"),
    ("Indre By Kontorhotel A/S", "Store Kongensgade 40", "1264", "København K", "Kontorudlejning"),
    ("Grøn Madservice ApS", "Tagensvej 86", "2200", "København N", "Madservice"),
    ("Refshaleøen Film Produktion ApS", "Refshalevej 163", "1432", "København K", "Film"),
    ("Husum Autoværksted ApS", "Frederikssundsvej 300", "2700", "Brønshøj", "Autoværksted"),
    ("Socialøkonomisk Cykelværksted", "Rentemestervej 14", "2400", "København NV", "Socialøkonomi"),
    ("Bageriet Amagerbrogade ApS", "Amagerbrogade 150", "2300", "København S", "Bageri"),
    ("Kastrup Container Service ApS", "Kastrupvej 80", "2300", "København S", "Containerudlejning"),
    ("Hellerup Rengøring ApS", "Strandvejen 100", "2900", "Hellerup", "Rengøring"),
    ("Nordic Startup Studio ApS", "Njalsgade 21", "2300", "København S", "Iværksætter"),
    ("Sundby Børnehus (privatinstitution)", "Sundholmsvej 12", "2300", "København S", "Privat børnepasning"),
    ("Carlsberg Byen Kaffe ApS", "Bryggernes Plads 3", "1799", "København V", "Café"),
    ("Tivoli Catering Partner A/S", "Bernstorffsgade 9", "1577", "København V", "Catering"),
    ("Vanløse Murer og Entreprise ApS", "Jernbane Allé 40", "2720", "Vanløse", "Murer"),
    ("Copenhagen Food Trucks ApS", "Papirøen 1", "1436", "København K", "Mobil madvogn"),
    ("Ørestad Fitness ApS", "Ørestads Boulevard 70", "2300", "København S", "Fitness"),
]


def valid_cvr(seed: int) -> str:
    """A CVR number that passes the modulus-11 check, derived deterministically from ``seed``."""
    weights = (2, 7, 6, 5, 4, 3, 2, 1)
    base = 10000000 + (seed * 7919) % 89999999
    while True:
        digits = [int(c) for c in f"{base:08d}"]
        total = sum(w * d for w, d in zip(weights[:7], digits[:7], strict=True))
        check = (-total) % 11
        if check < 10 and digits[0] != 0:
            return f"{base:08d}"[:7] + str(check)
        base += 1
