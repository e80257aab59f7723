"""Report exports: CSV and XLSX (the figures) and the annual PDF (figures, charts and text).

Exports hold aggregates only: counts, shares and averages, labelled with organisation and
catalogue names. No names of people, email addresses, phone numbers, CPR numbers or free text
from inquiries ever appear in them (tested in tests/reporting/test_exports.py).
"""
