"""The frontend's HTTP API: one function, routes inside, thin over the services."""
