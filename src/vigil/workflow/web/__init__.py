"""Console pages and /api/v1 endpoints of the workflow (routers listed in vigil.web.routers)."""
