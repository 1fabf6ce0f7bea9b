"""In-memory fakes of the ports (``shared/ports.py``), for unit tests of the use cases."""
