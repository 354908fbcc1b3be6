"""The staff API under /v1/admin: the menu, its images and the orders inbox, behind a key.

Everything staff can do lives here, so the whole privileged surface is one package with one
router, one auth dependency and one test that walks it (tests/integration/admin/).
"""
