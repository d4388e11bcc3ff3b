"""Runs every test_*.py here and ends with counts test.sh parses, in node's TAP summary shape:
"# pass N", "# fail N", "# skipped N". Exit status 0 only when nothing failed."""

import sys
import unittest
from pathlib import Path

here = Path(__file__).resolve().parent
sys.path.insert(0, str(here))
pattern = sys.argv[1] if len(sys.argv) > 1 else "test_*.py"
suite = unittest.defaultTestLoader.discover(str(here), pattern=pattern, top_level_dir=str(here))
result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)

failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
skipped = len(result.skipped)
# Errors in class/module fixtures (e.g. the server not stopping cleanly) are not among testsRun.
fixture_errors = sum(isinstance(test, unittest.suite._ErrorHolder) for test, _ in result.errors)
passed = result.testsRun - (failed - fixture_errors) - skipped - len(result.expectedFailures)
print(f"# pass {passed}")
print(f"# fail {failed}")
print(f"# skipped {skipped}")
sys.exit(0 if failed == 0 and result.wasSuccessful() else 1)
