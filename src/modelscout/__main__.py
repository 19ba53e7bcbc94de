from modelscout.cli import main

raise SystemExit(main())
