"""HTTP routers: ``v1`` client surfaces and ``admin`` management API."""
