"""The geo views in the web app: ``/api/v1/geo`` (JSON) and the console's map pages.

* :mod:`vigil.geo.web.service`: cached reads of the scan results, the imported
  case-data files and the SVG maps (per results directory and parameters);
* :mod:`vigil.geo.web.draw`: a cluster's movement map for one week (time slider);
* :mod:`vigil.geo.web.api` and :mod:`vigil.geo.web.pages`: the routers.
"""
