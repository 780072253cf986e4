"""The web console and HTTP API (FastAPI): one app, secure by default.

Build it with :func:`vigil.web.app.create_app`; `vigil serve` runs it with uvicorn.
"""
