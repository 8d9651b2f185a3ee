"""Files for people outside the program: Excel and PDF documents, and the people lists it imports.

``rows`` holds the plain frozen rows the writers take; ``xlsx`` and ``pdf`` write documents atomically with
progress and Cancel; ``importer`` reads people lists. Nothing here imports Qt, SQLAlchemy or the services.
"""
