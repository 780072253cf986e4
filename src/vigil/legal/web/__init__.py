"""The legal module's API routes (``api``) and console page on a case (``pages``)."""
