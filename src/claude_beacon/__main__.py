from claude_beacon.cli import main

raise SystemExit(main())
