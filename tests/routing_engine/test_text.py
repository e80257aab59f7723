"""Normalisation: folding, missing æ/ø/å, stemming, compounds, email clean-up, segmentation."""

from erhvervskontakt.routing import text as tx


def test_fold_danish_letters_and_accents():
    assert tx.fold("Støj, Ærø og Århus") == "stoej, aeroe og aarhus"
    assert tx.fold("Café RÉSUMÉ") == "cafe resume"


def test_letter_variants_include_two_letter_base_and_dropped_forms():
    v = tx.danish_letter_variants("støj")
    assert {"stoej", "stoj", "stj"} <= v
    v = tx.danish_letter_variants("dækningsafgift")
    assert {"daekningsafgift", "dakningsafgift", "dekningsafgift", "dkningsafgift"} <= v


def test_squash_makes_spellings_meet():
    assert tx.squash(tx.fold("søge")) == tx.squash("soge")
    assert tx.squash(tx.fold("gårdhave")) == tx.squash("gardhave")


def test_stemming_joins_inflections_in_both_languages():
    assert tx.stem("tilladelse") == tx.stem("tilladelsen") == tx.stem("tilladelserne")
    assert tx.stem("building") == tx.stem("buildings")
    assert tx.stem("restauranten") == tx.stem("restaurant")
    assert tx.stem(tx.fold("søger")) == tx.stem(tx.fold("søge"))


def test_tokenize_hyphen_and_paragraph_sign():
    toks = tx.tokenize(tx.fold("Et A-skilt og en §56-aftale"))
    assert "askilt" in toks and "skilt" in toks
    assert "§56" in toks


def test_vocabulary_repairs_missing_letters_typos_and_splits_compounds():
    vocab = tx.Vocabulary(
        ["Støj og støv fra byggeplads", "gravetilladelse", "udendørs servering", "fedtudskiller"]
    )
    assert vocab.canon("stoj") == ("stoej",)
    assert vocab.canon("stj") == ("stoej",)
    assert vocab.canon("gravetilladlse") == ("gravetilladelse",)
    assert vocab.canon("fedtudskiler") == ("fedtudskiller",)
    assert vocab.canon("udendoersservering")[1:] == ("udendoers", "servering")


def test_strip_email_removes_greeting_signature_and_disclaimer():
    mail = (
        "Hej Erhvervskontakt\n\n"
        "Vi vil gerne have borde på fortovet foran vores café.\n\n"
        "Med venlig hilsen\nMette Hansen\nCafé Hansen ApS\nCVR 12345678\nTlf. 12 34 56 78"
    )
    body = tx.strip_email(mail)
    assert body == "Vi vil gerne have borde på fortovet foran vores café."
    english = (
        "Dear Sir or Madam,\nWe need scaffolding on the pavement for two weeks.\n\nKind regards,\nTom\n"
        "Tom Builders Ltd\nThis e-mail may contain confidential information."
    )
    assert tx.strip_email(english) == "We need scaffolding on the pavement for two weeks."
    assert "CVR" not in tx.strip_email("Hej\nHvordan søger vi om skilt?\nMvh\nJens, CVR 11223344")
    assert tx.strip_email("Hvordan søger vi om skilt? mvh Jens Hansen") == "Hvordan søger vi om skilt?"


def test_strip_email_leaves_plain_text_alone():
    assert tx.strip_email("Kan vi få en erhvervslicens?") == "Kan vi få en erhvervslicens?"
    # A greeting-only text is not emptied.
    assert tx.strip_email("Hej") == "Hej"


def test_analyse_drops_stopwords_and_numbers_but_keeps_surface():
    pairs = tx.analyse_pairs("Hvordan får vi udendørsservering? Ring på 12 34 56 78")
    assert ("udendoersservering", "udendørsservering", False) in pairs
    assert all(not c.isdigit() for c, _, _ in pairs)
    assert "hvordan" not in [c for c, _, _ in pairs]
    vocab = tx.Vocabulary(["udendørs", "servering"])
    pairs = tx.analyse_pairs("udendørsservering", vocab)
    assert pairs == [
        ("udendoersservering", "udendørsservering", False),
        ("udendoers", "udendørsservering", True),
        ("servering", "udendørsservering", True),
    ]
    assert tx.analyse("udendørsservering", vocab) == ["udendoersservering"]


def test_segments_split_sentences_and_long_clauses():
    segs = tx.segments(
        "Vi åbner en restaurant. Vi vil have borde på fortovet, et skilt på facaden og en alkoholbevilling."
    )
    assert any("skilt" in s and "borde" not in s for s in segs)
    assert any("alkoholbevilling" in s and "skilt" not in s for s in segs)
