"""`python -m vigil` runs the command line."""

from vigil.cli.app import main

main()
