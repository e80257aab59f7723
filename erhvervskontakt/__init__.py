"""Erhvervskontakt: one entry point for every business to all of a city's departments."""

from erhvervskontakt.celery import app as celery_app

__all__ = ["celery_app"]
