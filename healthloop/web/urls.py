"""Serves the built web clients: the workbench at / and the mobile portal at /h5/."""

urlpatterns: list = []
