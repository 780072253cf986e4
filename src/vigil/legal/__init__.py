"""Legal analysis: Palermo elements, jurisdictions, statute divergences and request drafts.

Decision support for lawyers, not legal advice. The knowledge base under ``kb/`` is data a
lawyer reads and corrects; see docs/legal.md.
"""
