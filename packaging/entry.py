"""The frozen app's entry point: the same command line as the installed ``claude-beacon``."""

from claude_beacon.cli import main

raise SystemExit(main())
