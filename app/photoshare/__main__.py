import sys

from photoshare.cli import main

sys.exit(main())
