"""Reference IVR worker: runs Erhvervskontakt's TwiML menus on real SIP calls.

Not part of the product package. It uses pyVoIP (GPL-3.0), installed only with the optional
extra ``pip install -e '.[ivr]'``; only ``sip.py`` imports it, so the TwiML interpreter and the
HTTP client can be used and tested without it. See README.md.
"""
