"""The `vigil` command line: the app is in `vigil.cli.app`; each command in a `*_cmd` module."""
