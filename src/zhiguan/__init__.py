"""Zhiguan (智管): city operations platform."""

__version__ = "0.1.0"
